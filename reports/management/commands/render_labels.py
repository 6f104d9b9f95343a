import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assets.models import Asset, Status
from organization.models import Division
from reports.labels import labels_for, render_sheet
from reports.models import LabelLayout


def find_layout(name: str | None) -> LabelLayout:
    layouts = LabelLayout.objects.filter(is_active=True)
    if not name:
        layout = layouts.first()
    else:
        layout = layouts.filter(name=name).first() or layouts.filter(name__icontains=name).first()
    if layout is None:
        known = ", ".join(f"“{n}”" for n in layouts.values_list("name", flat=True))
        raise CommandError(_("ไม่พบรูปแบบแผ่นป้าย “%(name)s” (มี: %(known)s)") % {"name": name, "known": known})
    return layout


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a str: translated when the command runs, not at import
        return _("พิมพ์ป้าย QR ของครุภัณฑ์เป็น PDF (ทั้งกอง หรือทุกรายการที่ยังไม่จำหน่าย)")

    def add_arguments(self, parser):
        parser.add_argument("--division", help=_("รหัสกอง (เว้นไว้: ทุกกอง)"))
        parser.add_argument("--layout", help=_("ชื่อรูปแบบแผ่นป้าย (หรือบางส่วนของชื่อ เช่น 3×8)"))
        parser.add_argument("--skip", type=int, default=0, help=_("จำนวนช่องที่ใช้ไปแล้วบนแผ่นแรก"))
        parser.add_argument("-o", "--output", required=True, help=_("ไฟล์ PDF ที่จะเขียน"))

    def handle(self, *args, division, layout, skip, output, **options):
        started = time.perf_counter()
        layout = find_layout(layout)
        if skip < 0 or skip >= layout.per_page:
            raise CommandError(_("--skip ต้องอยู่ระหว่าง 0 ถึง %(max)s สำหรับ %(layout)s") % {
                "max": layout.per_page - 1, "layout": layout})
        assets = Asset.objects.exclude(status=Status.DISPOSED).select_related("division").order_by("number_key")
        if division:
            found = Division.objects.filter(code__iexact=division).first()
            if found is None:
                raise CommandError(_("ไม่พบกองรหัส “%(code)s”") % {"code": division})
            assets = assets.filter(division=found)
        labels = labels_for(assets.iterator(chunk_size=2000))
        if not labels:
            raise CommandError(_("ไม่มีครุภัณฑ์ที่จะพิมพ์ป้าย"))
        pdf = render_sheet(labels, layout, skip=skip)
        Path(output).write_bytes(pdf)
        self.stdout.write(self.style.SUCCESS(
            _("เขียน %(output)s: ป้าย %(count)s ดวง (%(layout)s) %(size)s KB ใน %(seconds)s วินาที") % {
                "output": output, "count": f"{len(labels):,}", "layout": layout, "size": f"{len(pdf) / 1024:,.0f}",
                "seconds": f"{time.perf_counter() - started:.1f}"}))
