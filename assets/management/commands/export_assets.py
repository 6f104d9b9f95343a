"""python manage.py export_assets -o FILE.xlsx|FILE.csv [--q TEXT] [--category CODE] [--division CODE] ..."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assets.exports import FORMATS, assets_export
from assets.filters import AssetFilter
from assets.models import Asset, Category, Status
from organization.models import Division, Location


class Command(BaseCommand):
    help = "ส่งออกทะเบียนครุภัณฑ์เป็นไฟล์ .xlsx หรือ .csv (หัวคอลัมน์ภาษาไทย วันที่ พ.ศ.) เลือกตัวกรองได้เหมือนหน้าทะเบียน"

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="ไฟล์ที่จะเขียน: ลงท้าย .xlsx หรือ .csv")
        parser.add_argument("--q", default="", help="ค้นหาจากชื่อ หมายเลข หรือ Serial")
        parser.add_argument("--category", help="รหัสประเภท")
        parser.add_argument("--division", help="รหัสกอง")
        parser.add_argument("--location", help="รหัสสถานที่ (ใช้คู่กับ --division)")
        parser.add_argument("--status", choices=Status.values, help="สถานะ")
        parser.add_argument("--fiscal-year", type=int, help="ปีงบประมาณที่ได้มา (พ.ศ.)")

    def handle(self, *args, output: str, **options):
        path = Path(output)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise CommandError("ชื่อไฟล์ต้องลงท้าย .xlsx หรือ .csv")
        data = self._filter_data(options)
        asset_filter = AssetFilter(data or None, queryset=Asset.objects.all())
        if data and not asset_filter.form.is_valid():
            raise CommandError(f"ตัวกรองไม่ถูกต้อง: {asset_filter.form.errors.as_text()}")
        export = assets_export(actor=None, queryset=asset_filter.qs, fmt=fmt, filters=data, source="command")
        try:
            path.write_bytes(export.content)
        except OSError as error:
            raise CommandError(f"เขียนไฟล์ {path} ไม่ได้: {error.strerror}") from None
        self.stdout.write(self.style.SUCCESS(f"ส่งออก {export.rows:,} รายการ ไปที่ {path}"))

    def _filter_data(self, options) -> dict:
        """The options as the list page's GET parameters (references by id, found here by code)."""
        data = {}
        if options["q"]:
            data["q"] = options["q"]
        division = None
        if options["division"]:
            division = Division.objects.filter(code=options["division"]).first()
            if division is None:
                raise CommandError(f"ไม่พบกองรหัส {options['division']}")
            data["division"] = str(division.pk)
        if options["category"]:
            category = Category.objects.filter(code=options["category"]).first()
            if category is None:
                raise CommandError(f"ไม่พบประเภทรหัส {options['category']}")
            data["category"] = str(category.pk)
        if options["location"]:
            locations = Location.objects.filter(code=options["location"])
            if division is not None:
                locations = locations.filter(division=division)
            found = list(locations[:2])
            if len(found) != 1:
                raise CommandError(f"ไม่พบสถานที่รหัส {options['location']}" if not found
                                   else f"สถานที่รหัส {options['location']} มีหลายกอง กรุณาระบุ --division")
            data["location"] = str(found[0].pk)
        if options["status"]:
            data["status"] = options["status"]
        if options["fiscal_year"]:
            data["fiscal_year"] = str(options["fiscal_year"])
        return data
