import time

from django.core.management.base import BaseCommand, CommandError

from activity.chain import current_head, verify


class Command(BaseCommand):
    help = "ตรวจความครบถ้วนของบันทึกการใช้งาน (hash chain และจุดยึดของเอกสารที่ออกแล้ว)"

    def add_arguments(self, parser):
        parser.add_argument("--head", action="store_true",
                            help="พิมพ์หัวของบันทึก (จำนวนรายการ รหัสรายการล่าสุด ค่าแฮช) เพื่อเก็บไว้นอกระบบ")

    def handle(self, *args, head: bool, **options):
        if head:
            self.stdout.write(str(current_head()))
            return
        started = time.perf_counter()
        verdict = verify()
        elapsed = time.perf_counter() - started
        if not verdict.ok:
            raise CommandError(f"บันทึกการใช้งานไม่ครบถ้วน: {verdict.problem}")
        self.stdout.write(self.style.SUCCESS(
            f"บันทึกการใช้งานครบถ้วน: {verdict.count:,} รายการ, หัวบันทึก {verdict.head.entry_id} "
            f"{verdict.head.hash} ({elapsed:.2f} วินาที)"
        ))
