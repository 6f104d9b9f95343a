import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from activity.chain import current_head, verify


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a str: translated when the command runs, not at import
        return _("ตรวจความครบถ้วนของบันทึกการใช้งาน (hash chain และจุดยึดของเอกสารที่ออกแล้ว)")

    def add_arguments(self, parser):
        parser.add_argument("--head", action="store_true",
                            help=_("พิมพ์หัวของบันทึก (จำนวนรายการ รหัสรายการล่าสุด ค่าแฮช) เพื่อเก็บไว้นอกระบบ"))

    def handle(self, *args, head: bool, **options):
        if head:
            self.stdout.write(str(current_head()))
            return
        started = time.perf_counter()
        verdict = verify()
        elapsed = time.perf_counter() - started
        if not verdict.ok:
            raise CommandError(_("บันทึกการใช้งานไม่ครบถ้วน: %(problem)s") % {"problem": verdict.problem})
        self.stdout.write(self.style.SUCCESS(
            _("บันทึกการใช้งานครบถ้วน: %(count)s รายการ, หัวบันทึก %(head_id)s %(head_hash)s (%(seconds)s วินาที)") % {
                "count": f"{verdict.count:,}", "head_id": verdict.head.entry_id, "head_hash": verdict.head.hash,
                "seconds": f"{elapsed:.2f}"}
        ))
