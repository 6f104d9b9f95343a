"""python manage.py annual_report --year 2567 -o FILE.pdf: the year's integrity report as a PDF.

Without --issue it writes the current draft (made first when the year has none, its figures counted now); with
--issue it issues a new version (frozen, anchored to the activity chain) and writes that."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organization.models import User
from reports import annual
from reports.pdf import html_to_pdf


class Command(BaseCommand):
    @property
    def help(self):
        return _("เขียนรายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสของปีงบประมาณเป็น PDF")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help=_("ปีงบประมาณ พ.ศ. เช่น 2567"))
        parser.add_argument("-o", "--output", required=True, help=_("ไฟล์ PDF ที่จะเขียน"))
        parser.add_argument("--issue", action="store_true", help=_("ออกเป็นฉบับใหม่ (บันทึกและผูกกับบันทึกการใช้งาน)"))
        parser.add_argument("--actor", help=_("ชื่อผู้ใช้ของผู้ออกรายงาน (ค่าเริ่มต้น: ผู้ดูแลระบบคนแรก)"))

    def handle(self, *args, year: int, output: str, issue: bool, actor: str | None, **options):
        actor_user = self._actor(actor)
        try:
            report = annual.report_for(year) or annual.report_create(actor=actor_user, year=year)
            if issue:
                version = annual.report_issue(actor=actor_user, report=report)
                content = version.pdf.open("rb").read()
                note = _("ฉบับที่ %(n)s") % {"n": version.number}
            else:
                content = html_to_pdf(annual.document_html(report))
                note = _("ร่าง")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        Path(output).write_bytes(content)
        self.stdout.write(_("เขียน %(file)s แล้ว (%(note)s, %(size)s ไบต์)") % {
            "file": output, "note": note, "size": f"{len(content):,}"})

    @staticmethod
    def _actor(username: str | None) -> User:
        from organization import roles

        users = User.objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(_("ไม่พบผู้ใช้ %(name)s") % {"name": username})
        else:
            user = next((candidate for candidate in users.order_by("id")
                         if roles.can(candidate, "annual_report.edit")), None)
            if user is None:
                raise CommandError(_("ไม่มีผู้ใช้ที่มีสิทธิ์ทำรายงาน: ระบุ --actor"))
        if not roles.can(user, "annual_report.edit"):
            raise CommandError(_("%(name)s ไม่มีสิทธิ์ทำรายงานประจำปี") % {"name": user.username})
        return user
