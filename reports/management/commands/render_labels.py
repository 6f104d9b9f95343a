import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

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
        raise CommandError(f"ไม่พบรูปแบบแผ่นป้าย “{name}” (มี: {known})")
    return layout


class Command(BaseCommand):
    help = "พิมพ์ป้าย QR ของครุภัณฑ์เป็น PDF (ทั้งกอง หรือทุกรายการที่ยังไม่จำหน่าย)"

    def add_arguments(self, parser):
        parser.add_argument("--division", help="รหัสกอง (เว้นไว้: ทุกกอง)")
        parser.add_argument("--layout", help="ชื่อรูปแบบแผ่นป้าย (หรือบางส่วนของชื่อ เช่น 3×8)")
        parser.add_argument("--skip", type=int, default=0, help="จำนวนช่องที่ใช้ไปแล้วบนแผ่นแรก")
        parser.add_argument("-o", "--output", required=True, help="ไฟล์ PDF ที่จะเขียน")

    def handle(self, *args, division, layout, skip, output, **options):
        started = time.perf_counter()
        layout = find_layout(layout)
        if skip < 0 or skip >= layout.per_page:
            raise CommandError(f"--skip ต้องอยู่ระหว่าง 0 ถึง {layout.per_page - 1} สำหรับ {layout}")
        assets = Asset.objects.exclude(status=Status.DISPOSED).select_related("division").order_by("number_key")
        if division:
            found = Division.objects.filter(code__iexact=division).first()
            if found is None:
                raise CommandError(f"ไม่พบกองรหัส “{division}”")
            assets = assets.filter(division=found)
        labels = labels_for(assets.iterator(chunk_size=2000))
        if not labels:
            raise CommandError("ไม่มีครุภัณฑ์ที่จะพิมพ์ป้าย")
        pdf = render_sheet(labels, layout, skip=skip)
        Path(output).write_bytes(pdf)
        self.stdout.write(self.style.SUCCESS(
            f"เขียน {output}: ป้าย {len(labels):,} ดวง ({layout}) {len(pdf) / 1024:,.0f} KB "
            f"ใน {time.perf_counter() - started:.1f} วินาที"))
