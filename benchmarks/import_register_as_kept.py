"""The mapping preview of a register kept the municipality's way, and its import (issue 15): seconds and rows/s.

Usage: python benchmarks/import_register_as_kept.py [sqlite|postgres] [--rows N]

The file has what municipal registers have (tests/assets/register_shapes.py describes the shape): two title
rows, a two-level header ("ราคา" over "ต่อหน่วย | รวม"), a heading row per category, a subtotal after each group,
blank lines, its own column names and words (สำนักปลัด, ตกลงราคา, ใช้งานได้, "5,900.-", dates "12 ม.ค. 2560" and
some "ส.ค. 2566"), one row in ten standing for three items, blank numbers. It runs against the benchmark database of
_setup.py, seeded with the demo municipality when empty; the assets it registers are removed afterwards.
Printed: reading and finding the table and planning every row (the preview the mapping page shows), then the
whole import (preview again, as the confirm does, and the write) in rows a second.
"""

import argparse
import io
import random
import sys
import time

from _setup import use_database

CATEGORIES = [("ครุภัณฑ์สำนักงาน", ["โต๊ะทำงานเหล็ก", "เก้าอี้สำนักงาน", "ตู้เหล็กเก็บเอกสาร"]),
              ("ครุภัณฑ์คอมพิวเตอร์", ["เครื่องคอมพิวเตอร์", "เครื่องพิมพ์เลเซอร์", "เครื่องสำรองไฟฟ้า"]),
              ("ครุภัณฑ์ไฟฟ้าและวิทยุ", ["เครื่องขยายเสียง", "ไมโครโฟนไร้สาย"])]
DIVISIONS = ["สำนักปลัด", "กองคลัง", "กองช่าง", "กองการศึกษา", "กองสาธารณสุขและสิ่งแวดล้อม"]


def build(rows: int) -> bytes:
    from openpyxl import Workbook

    rng = random.Random(2569)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["ทะเบียนครุภัณฑ์"])
    sheet.append(["เทศบาลตำบลหงาว อำเภอเมืองระนอง จังหวัดระนอง"])
    sheet.append([])
    sheet.append(["ลำดับ", "รหัสครุภัณฑ์", "รายการ", "ยี่ห้อ ชนิดแบบขนาดหมายเลขเครื่อง", "วัน เดือน ปี", "จำนวน",
                  "หน่วยนับ", "ราคา", None, "แหล่งเงิน", "วิธีการได้มา", "หน่วยงานที่รับผิดชอบ", "สถานะ", "หมายเหตุ"])
    sheet.append([None] * 7 + ["ต่อหน่วย", "รวม"])
    written = 0
    while written < rows:
        heading, names = CATEGORIES[written // 500 % len(CATEGORIES)]
        sheet.append([heading])
        group = min(500, rows - written)
        total = 0
        for index in range(group):
            quantity = 3 if index % 10 == 0 else 1
            price = rng.randrange(5000, 60000, 100)
            total += price * quantity
            day = f"{rng.randint(1, 28)} {rng.choice(['ม.ค.', 'มี.ค.', 'ส.ค.', 'ต.ค.'])} {rng.randint(2550, 2567)}"
            sheet.append([written + index + 1, None, rng.choice(names), "ยี่ห้อทั่วไป",
                          day if index % 7 else f"ส.ค. {rng.randint(2550, 2567)}", quantity, "เครื่อง",
                          f"{price:,}.-", price * quantity, "เงินงบประมาณ", rng.choice(["ตกลงราคา", "ซื้อ", "เฉพาะเจาะจง"]),
                          rng.choice(DIVISIONS), "ใช้งานได้", None])
        sheet.append([None, None, f"รวม {group} รายการ", None, None, None, None, None, total])
        sheet.append([])
        written += group
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database", nargs="?", default="sqlite")
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    use_database(args.database)
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from organization.models import Division, User

    if not User.objects.filter(username="officer").exists():
        settings.DEBUG = True
        call_command("seed_demo", assets=0, stdout=io.StringIO())
    settings.DEBUG = False
    settings.IMPORT_MAX_ROWS = max(args.rows, 20_000)
    from assets import imports
    from assets.models import Asset, ImportedRow, ImportMapping, NumberCounter

    officer = User.objects.get(username="officer")
    palad = Division.objects.get(code="PALAD")
    data = build(args.rows)
    print(f"{args.database}: {args.rows:,} rows as kept (+ headings, subtotals, blank lines), "
          f"XLSX of {len(data) / 1024:,.0f} KiB")
    ImportMapping.objects.all().delete()
    started = time.perf_counter()
    plan = imports.parse_import(data, "ทะเบียน.xlsx", actor=officer)
    preview = time.perf_counter() - started
    print(f"  mapping preview: {preview:.2f} s ({len(plan.to_create):,} assets planned, {len(plan.errors):,} rows "
          f"waiting on a choice, {len(plan.unknown_values)} distinct unknown values, {len(plan.skipped):,} rows "
          f"skipped)")
    choices = imports.Choices(values={"division": {imports.value_key("สำนักปลัด"): palad.pk}})
    layout, _columns = imports.read_layout(data, "ทะเบียน.xlsx", actor=officer, choices=choices)
    imports.mapping_save(actor=officer, headers=layout.headers, choices=choices)
    before = set(Asset.objects.values_list("pk", flat=True))
    started = time.perf_counter()
    plan = imports.parse_import(data, "ทะเบียน.xlsx", actor=officer)
    planned = time.perf_counter()
    assert not plan.errors, plan.errors[:3]
    result = imports.commit_import(plan, actor=officer)
    written = time.perf_counter()
    items = len(result.created)
    print(f"  import: plan {planned - started:.2f} s, write {written - planned:.2f} s, "
          f"{items:,} assets from {args.rows:,} rows in {written - started:.2f} s = "
          f"{args.rows / (written - started):,.0f} rows/s ({items / (written - started):,.0f} assets/s)")
    flagged = len(plan.flagged)
    print(f"  {flagged:,} assets flagged for review (estimated dates)")
    created = [asset.pk for asset in result.created]
    ImportedRow.objects.filter(asset_id__in=created).delete()
    from procurement.models import LinkedAsset

    LinkedAsset.objects.filter(asset_id__in=created).delete()
    Asset.objects.filter(pk__in=created).delete()
    NumberCounter.objects.all().delete()
    ImportMapping.objects.all().delete()
    assert set(Asset.objects.values_list("pk", flat=True)) == before


if __name__ == "__main__":
    sys.exit(main())
