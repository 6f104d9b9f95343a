"""python manage.py import_assets FILE [--dry-run] [--actor USERNAME]: all rows or none."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.translation import gettext as _

from assets.imports import ImportRefused, check_size, commit_import, parse_import
from organization import roles
from organization.models import User


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a str: translated when the command runs, not at import
        return _("นำเข้าทะเบียนครุภัณฑ์จากไฟล์ .xlsx หรือ .csv: แสดงสรุปและทุกแถวที่ไม่ถูกต้อง "
                 "ถ้ามีแถวที่ไม่ถูกต้องจะไม่บันทึกเลยและจบด้วยรหัสผิดพลาด")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("ไฟล์ .xlsx หรือ .csv"))
        parser.add_argument("--dry-run", action="store_true", help=_("ตรวจสอบและแสดงสรุปเท่านั้น ไม่บันทึก"))
        parser.add_argument("--actor", help=_("ชื่อบัญชีผู้นำเข้า (ค่าเริ่มต้น: ผู้ดูแลระบบหรือเจ้าหน้าที่พัสดุคนแรกที่ใช้งานอยู่)"))

    def handle(self, *args, file: str, dry_run: bool, actor: str | None, **options):
        user = self._actor(actor)
        path = Path(file)
        try:
            check_size(path.stat().st_size)
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(_("ไม่พบไฟล์ %(path)s") % {"path": path}) from None
        except OSError as error:
            raise CommandError(_("อ่านไฟล์ %(path)s ไม่ได้: %(reason)s") % {"path": path, "reason": error.strerror}) from None
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        try:
            plan = parse_import(data, path.name, actor=user)
        except ImportRefused as error:
            raise CommandError("\n".join(error.messages)) from None
        except PermissionDenied:
            raise CommandError(_("%(username)s ไม่มีสิทธิ์ลงทะเบียนครุภัณฑ์") % {"username": user.username}) from None
        if plan.refusal:
            raise CommandError("\n".join(plan.refusal))
        self.stdout.write(_("%(file)s: %(rows)s แถว · ลงทะเบียนใหม่ %(created)s · แก้ไข %(changed)s · "
                            "ไม่เปลี่ยนแปลง %(unchanged)s · ไม่ถูกต้อง %(invalid)s") % {
            "file": path.name, "rows": f"{plan.rows:,}", "created": f"{len(plan.to_create):,}",
            "changed": f"{len(plan.to_change):,}", "unchanged": f"{plan.unchanged:,}", "invalid": f"{len(plan.errors):,}"})
        if options["verbosity"] >= 2:
            for change in plan.to_change:
                described = "; ".join(f"{label}: {before} → {after}" for label, before, after in change.readable_changes)
                self.stdout.write(_("  แถว %(row)s: %(number)s %(changes)s") % {
                    "row": change.line, "number": change.asset.number, "changes": described})
        for error in plan.errors:
            self.stderr.write(_("  แถว %(row)s: %(errors)s") % {"row": error.line, "errors": "; ".join(error.messages)})
        if plan.errors:
            raise CommandError(_("ไม่ได้นำเข้า: มีแถวที่ไม่ถูกต้อง %(count)s แถว ไม่มีการบันทึกข้อมูลใด ๆ") % {
                "count": f"{len(plan.errors):,}"})
        if dry_run:
            self.stdout.write(_("ทดลองเท่านั้น (--dry-run): ไม่ได้บันทึก"))
            return
        try:
            result = commit_import(plan, actor=user)
        except ImportRefused as error:
            raise CommandError("\n".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(
            _("นำเข้าแล้ว: ลงทะเบียนใหม่ %(created)s รายการ แก้ไข %(changed)s รายการ") % {
                "created": f"{len(result.created):,}", "changed": f"{len(result.changed):,}"}))

    def _actor(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username__iexact=username, is_active=True).first()
            if user is None:
                raise CommandError(_("ไม่พบผู้ใช้ %(username)s (หรือบัญชีถูกปิดแล้ว)") % {"username": username})
            if not roles.can(user, "asset.register"):
                raise CommandError(_("%(username)s ไม่มีสิทธิ์ลงทะเบียนครุภัณฑ์ (ต้องเป็นเจ้าหน้าที่พัสดุหรือผู้ดูแลระบบ)") % {
                    "username": user.username})
            return user
        user = (User.objects.filter(is_active=True)
                .filter(Q(is_superuser=True) | Q(groups__name__in=[roles.ADMINISTRATOR, roles.PROPERTY_OFFICER]))
                .order_by("pk").distinct().first())
        if user is None:
            raise CommandError(_("ไม่มีผู้ดูแลระบบหรือเจ้าหน้าที่พัสดุที่ใช้งานอยู่ กรุณาระบุ --actor"))
        return user
