"""python manage.py import_egp FILE [--dry-run] [--actor USERNAME]: e-GP open data (procurement.egp),
all rows of this organisation or none."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.translation import gettext as _

from organization import roles
from organization.models import User
from procurement.egp import ImportRefused, check_size, commit_egp, parse_egp


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a str: translated when the command runs, not at import
        return _("นำเข้าข้อมูลเปิดจาก e-GP (.csv หรือ .xlsx) เฉพาะแถวของหน่วยงานนี้: แสดงสรุป แถวที่มีข้อสังเกต "
                 "และทุกแถวที่ไม่ถูกต้อง ถ้ามีแถวที่ไม่ถูกต้องจะไม่บันทึกเลยและจบด้วยรหัสผิดพลาด")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("ไฟล์ .csv หรือ .xlsx ที่ดาวน์โหลดจาก e-GP"))
        parser.add_argument("--dry-run", action="store_true", help=_("ตรวจสอบและแสดงสรุปเท่านั้น ไม่บันทึก"))
        parser.add_argument("--actor", help=_("ชื่อบัญชีผู้นำเข้า (ค่าเริ่มต้น: ผู้ดูแลระบบ หัวหน้าหน่วยพัสดุ "
                                              "หรือเจ้าหน้าที่พัสดุคนแรกที่ใช้งานอยู่)"))

    def handle(self, *args, file: str, dry_run: bool, actor: str | None, **options):
        user = self._actor(actor)
        path = Path(file)
        try:
            check_size(path.stat().st_size)
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(_("ไม่พบไฟล์ %(path)s") % {"path": path}) from None
        except OSError as error:
            raise CommandError(_("อ่านไฟล์ %(path)s ไม่ได้: %(reason)s") % {
                "path": path, "reason": error.strerror}) from None
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        try:
            plan = parse_egp(data, path.name, actor=user)
        except ImportRefused as error:
            raise CommandError("\n".join(error.messages)) from None
        except PermissionDenied:
            raise CommandError(_("%(username)s ไม่มีสิทธิ์จัดการการจัดซื้อจัดจ้าง") % {
                "username": user.username}) from None
        self.stdout.write(_("%(file)s: %(rows)s แถว · ของ %(agency)s %(own)s · สร้างใหม่ %(created)s · "
                            "แก้ไข %(updated)s · ไม่เปลี่ยนแปลง %(unchanged)s · หน่วยงานอื่น (ไม่นำเข้า) %(other)s · "
                            "มีข้อสังเกต %(flagged)s · ไม่ถูกต้อง %(invalid)s") % {
            "file": path.name, "rows": f"{plan.rows:,}", "agency": plan.agency, "own": f"{plan.own_rows:,}",
            "created": f"{len(plan.to_create):,}", "updated": f"{len(plan.to_update):,}",
            "unchanged": f"{plan.unchanged:,}", "other": f"{plan.other_rows:,}", "flagged": f"{len(plan.flagged):,}",
            "invalid": f"{len(plan.errors):,}"})
        if plan.own_rows == 0:
            self.stderr.write(_("ไม่พบแถวของ “%(agency)s” ในไฟล์ กรุณาตรวจสอบชื่อหน่วยงานตามที่ระบบ e-GP สะกด") % {
                "agency": plan.agency})
        if options["verbosity"] >= 2:
            for row in plan.to_update:
                described = "; ".join(f"{label}: {before} → {after}" for label, before, after in row.readable_changes)
                self.stdout.write(_("  แถว %(row)s: %(number)s %(changes)s") % {
                    "row": row.line, "number": row.egp_number, "changes": described})
        for row in plan.flagged:
            self.stdout.write(_("  ข้อสังเกต แถว %(row)s: %(number)s %(flag)s") % {
                "row": row.line, "number": row.egp_number, "flag": row.flag})
        for row in plan.kept:
            described = "; ".join(f"{label}: {before} → {after}" for label, before, after in row.readable_changes)
            self.stdout.write(_("  ไม่ได้แก้ไข แถว %(row)s: %(number)s มีสถานะ “%(status)s” (%(changes)s)") % {
                "row": row.line, "number": row.procurement.egp_number,
                "status": row.procurement.get_status_display(), "changes": described})
        for error in plan.errors:
            self.stderr.write(_("  แถว %(row)s: %(errors)s") % {"row": error.line, "errors": "; ".join(error.messages)})
        if plan.errors:
            raise CommandError(_("ไม่ได้นำเข้า: มีแถวที่ไม่ถูกต้อง %(count)s แถว ไม่มีการบันทึกข้อมูลใด ๆ") % {
                "count": f"{len(plan.errors):,}"})
        if dry_run:
            self.stdout.write(_("ทดลองเท่านั้น (--dry-run): ไม่ได้บันทึก"))
            return
        try:
            result = commit_egp(plan, actor=user)
        except ImportRefused as error:
            raise CommandError("\n".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(
            _("นำเข้าแล้ว: สร้างใหม่ %(created)s รายการ แก้ไข %(updated)s รายการ "
              "เชื่อมกับครุภัณฑ์ %(linked)s รายการ") % {
                "created": f"{len(result.created):,}", "updated": f"{len(result.updated):,}",
                "linked": f"{result.linked:,}"}))

    def _actor(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username__iexact=username, is_active=True).first()
            if user is None:
                raise CommandError(_("ไม่พบผู้ใช้ %(username)s (หรือบัญชีถูกปิดแล้ว)") % {"username": username})
            if not roles.can(user, "procurement.manage"):
                raise CommandError(_("%(username)s ไม่มีสิทธิ์จัดการการจัดซื้อจัดจ้าง (ต้องเป็นเจ้าหน้าที่พัสดุ "
                                     "หัวหน้าหน่วยพัสดุ หรือผู้ดูแลระบบ)") % {"username": user.username})
            return user
        managers = [roles.ADMINISTRATOR, roles.SUPPLY_HEAD, roles.PROPERTY_OFFICER]
        user = (User.objects.filter(is_active=True)
                .filter(Q(is_superuser=True) | Q(groups__name__in=managers))
                .order_by("pk").distinct().first())
        if user is None:
            raise CommandError(_("ไม่มีผู้ดูแลระบบหรือเจ้าหน้าที่พัสดุที่ใช้งานอยู่ กรุณาระบุ --actor"))
        return user
