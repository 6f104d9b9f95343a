"""The daily run for cron or the task worker: overdue notices and the 7-day follow-up duty (loans.services)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from loans.services import loans_followup_run
from thai.dates import ThaiDateError, format_date, parse_date


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a str: translated when the command runs, not at import
        return _("แจ้งเตือนใบยืมที่เกินกำหนดคืนและใบยืมที่เลยกำหนดติดตามทวงคืน 7 วัน (รันวันละครั้ง รันซ้ำไม่แจ้งซ้ำ)")

    def add_arguments(self, parser):
        parser.add_argument("--date", help=_("ตรวจ ณ วันที่ (YYYY-MM-DD; เว้นไว้: วันนี้ตามเวลาประเทศไทย)"))

    def handle(self, *args, date, **options):
        today = None
        if date:
            try:
                today = parse_date(date)
            except ThaiDateError as error:
                raise CommandError(str(error)) from error
        summary = loans_followup_run(today=today)
        self.stdout.write(self.style.SUCCESS(_(
            "ตรวจ ณ %(date)s: เกินกำหนดคืน %(overdue)s ใบ, เลยกำหนดติดตาม 7 วัน %(late)s ใบ; "
            "แจ้งเตือนใหม่ %(notices)s รายการ, ส่งอีเมล %(emails)s ฉบับ, ส่งไม่สำเร็จ %(failures)s ฉบับ") % {
                "date": format_date(summary.today), "overdue": summary.overdue, "late": summary.late,
                "notices": summary.notices, "emails": summary.emails, "failures": summary.email_failures}))
