"""python manage.py import_assets FILE [--dry-run] [--actor USERNAME]: all rows or none."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from assets.imports import ImportRefused, check_size, commit_import, parse_import
from organization import roles
from organization.models import User


class Command(BaseCommand):
    help = ("นำเข้าทะเบียนครุภัณฑ์จากไฟล์ .xlsx หรือ .csv: แสดงสรุปและทุกแถวที่ไม่ถูกต้อง "
            "ถ้ามีแถวที่ไม่ถูกต้องจะไม่บันทึกเลยและจบด้วยรหัสผิดพลาด")

    def add_arguments(self, parser):
        parser.add_argument("file", help="ไฟล์ .xlsx หรือ .csv")
        parser.add_argument("--dry-run", action="store_true", help="ตรวจสอบและแสดงสรุปเท่านั้น ไม่บันทึก")
        parser.add_argument("--actor", help="ชื่อบัญชีผู้นำเข้า (ค่าเริ่มต้น: ผู้ดูแลระบบหรือเจ้าหน้าที่พัสดุคนแรกที่ใช้งานอยู่)")

    def handle(self, *args, file: str, dry_run: bool, actor: str | None, **options):
        user = self._actor(actor)
        path = Path(file)
        try:
            check_size(path.stat().st_size)
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"ไม่พบไฟล์ {path}") from None
        except OSError as error:
            raise CommandError(f"อ่านไฟล์ {path} ไม่ได้: {error.strerror}") from None
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        try:
            plan = parse_import(data, path.name, actor=user)
        except ImportRefused as error:
            raise CommandError("\n".join(error.messages)) from None
        except PermissionDenied:
            raise CommandError(f"{user.username} ไม่มีสิทธิ์ลงทะเบียนครุภัณฑ์") from None
        self.stdout.write(f"{path.name}: {plan.rows:,} แถว · ลงทะเบียนใหม่ {len(plan.to_create):,} · "
                          f"แก้ไข {len(plan.to_change):,} · ไม่เปลี่ยนแปลง {plan.unchanged:,} · "
                          f"ไม่ถูกต้อง {len(plan.errors):,}")
        if options["verbosity"] >= 2:
            for change in plan.to_change:
                described = "; ".join(f"{label}: {before} → {after}" for label, before, after in change.readable_changes)
                self.stdout.write(f"  แถว {change.line}: {change.asset.number} {described}")
        for error in plan.errors:
            self.stderr.write(f"  แถว {error.line}: {'; '.join(error.messages)}")
        if plan.errors:
            raise CommandError(f"ไม่ได้นำเข้า: มีแถวที่ไม่ถูกต้อง {len(plan.errors):,} แถว ไม่มีการบันทึกข้อมูลใด ๆ")
        if dry_run:
            self.stdout.write("ทดลองเท่านั้น (--dry-run): ไม่ได้บันทึก")
            return
        try:
            result = commit_import(plan, actor=user)
        except ImportRefused as error:
            raise CommandError("\n".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(
            f"นำเข้าแล้ว: ลงทะเบียนใหม่ {len(result.created):,} รายการ แก้ไข {len(result.changed):,} รายการ"))

    def _actor(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username__iexact=username, is_active=True).first()
            if user is None:
                raise CommandError(f"ไม่พบผู้ใช้ {username} (หรือบัญชีถูกปิดแล้ว)")
            if not roles.can(user, "asset.register"):
                raise CommandError(f"{user.username} ไม่มีสิทธิ์ลงทะเบียนครุภัณฑ์ (ต้องเป็นเจ้าหน้าที่พัสดุหรือผู้ดูแลระบบ)")
            return user
        user = (User.objects.filter(is_active=True)
                .filter(Q(is_superuser=True) | Q(groups__name__in=[roles.ADMINISTRATOR, roles.PROPERTY_OFFICER]))
                .order_by("pk").distinct().first())
        if user is None:
            raise CommandError("ไม่มีผู้ดูแลระบบหรือเจ้าหน้าที่พัสดุที่ใช้งานอยู่ กรุณาระบุ --actor")
        return user
