"""The register as municipalities keep it (tests/assets/register_shapes.py): its table found below the title, a
two-level header, group headings giving the category, subtotals and blank lines skipped and listed, their own
words for divisions, statuses and how things were acquired, rows standing for several items, values as written,
estimated dates flagged; the person's choices (kept for the next file with the same headers); rows imported before
recognised; the good rows registered and the rest given back with their reasons."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from activity.models import Entry
from assets import imports
from assets.imports import LEAVE_OUT, Choices, commit_import, mapping_save, parse_import, read_layout, rejects_xlsx
from assets.models import Asset, ImportMapping, Status
from common.layout import BLANK, HEADER_AGAIN, SECTION, SIGNATURE, SUBTOTAL, TITLE
from common.spreadsheets import ImportRefused
from tests.assets.register_shapes import register_workbook
from tests.factories import DivisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(db):
    return {"palad": DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล"),
            "klang": DivisionFactory(code="KLANG", name="กองคลัง")}


def choose_palad(town) -> Choices:
    return Choices(values={"division": {imports.value_key("สำนักปลัด"): town["palad"].pk}})


def test_without_choices_every_unknown_value_is_named_once_with_its_rows_and_close_names(officer, town):
    plan = parse_import(register_workbook(), "ทะเบียน.xlsx", actor=officer)
    assert plan.header_lines == [4, 5]
    assert [(unknown.field, unknown.text, unknown.lines, unknown.suggestions) for unknown in plan.unknown_values] == [
        ("division", "สำนักปลัด", [7, 8], [town["palad"]])]
    assert [error.line for error in plan.errors] == [7, 8]
    assert "ไม่พบกองที่มีรหัสหรือชื่อ “สำนักปลัด” (ใกล้เคียง: สำนักปลัดเทศบาล)" in plan.errors[0].messages[0]
    assert [new.values["number"] for new in plan.to_create] == ["416-63-0061"]


def test_the_register_as_kept_is_read_row_by_row(officer, town):
    plan = parse_import(register_workbook(), "ทะเบียน.xlsx", actor=officer, choices=choose_palad(town))
    assert plan.errors == [] and plan.unknown_values == []
    kinds = [(row.line, row.kind) for row in plan.skipped]
    assert kinds == [(1, TITLE), (2, TITLE), (6, SECTION), (9, SUBTOTAL), (10, BLANK), (11, SECTION),
                     (12, HEADER_AGAIN), (14, SUBTOTAL), (15, BLANK), (16, SIGNATURE)]
    created = {new.values["number"]: new for new in plan.to_create}
    assert list(created) == ["400-60-0001", "400-60-0002", "400-60-0003", "400-60-0004", "416-63-0061"]
    desk, chair, computer = created["400-60-0001"].values, created["400-60-0003"].values, created["416-63-0061"].values
    assert (desk["category"].code, chair["category"].code, computer["category"].code) == ("401", "401", "416")
    assert desk["unit_price"] == Decimal("5900.00") and chair["unit_price"] == Decimal("1500.00")
    assert computer["unit_price"] == Decimal("9999.00")
    assert desk["acquired_on"] == dt.date(2017, 1, 12) and desk["acquisition_method"].code == "BUY"
    assert "วิธีจัดหา: ตกลงราคา" in desk["notes"] and desk["status"] == Status.IN_USE and desk["unit"] == "ตัว"
    assert chair["status"] == Status.DAMAGED and chair["notes"].startswith("ขาหัก 1 ตัว")
    assert chair["acquired_on"] == dt.date(2023, 8, 1) and "ส.ค. 2566" in created["400-60-0003"].flags[0]
    assert computer["acquired_on"] == dt.date(2005, 10, 1) and computer["division"] == town["klang"]
    assert computer["budget_type"].name == "เงินอุดหนุน" and computer["status"] == Status.IN_USE
    assert [new.item for new in plan.to_create] == [0, 1, 2, 3, 0]
    assert not created["400-60-0001"].flags and len(plan.flagged) == 4


def test_committed_assets_carry_their_review_note_and_a_second_import_registers_nothing(officer, town):
    data = register_workbook()
    plan = parse_import(data, "ทะเบียน.xlsx", actor=officer, choices=choose_palad(town))
    commit_import(plan, actor=officer)
    chair = Asset.objects.get(number="400-60-0003")
    assert "ส.ค. 2566" in chair.review_note and Asset.objects.get(number="400-60-0001").review_note == ""
    entries = Entry.objects.count()
    again = parse_import(data, "ทะเบียน.xlsx", actor=officer, choices=choose_palad(town))
    assert again.to_create == [] and again.to_change == [] and again.unchanged == 5
    assert again.imported_before  # this very file, when
    commit_import(again, actor=officer)
    assert Entry.objects.count() == entries and Asset.objects.count() == 5


def without_numbers() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["ชื่อครุภัณฑ์", "ประเภท", "หน่วยงาน", "วัน เดือน ปี", "จำนวน", "ราคา/หน่วย"])
    sheet.append(["เก้าอี้พลาสติก", "สำนักงาน", "กองคลัง", "01/10/2566", 2, "350"])
    sheet.append(["เก้าอี้พลาสติก", "สำนักงาน", "กองคลัง", "01/10/2566", 2, "350"])  # two more of the same
    sheet.append(["พัดลมตั้งพื้น", "งานบ้านงานครัว", "กองคลัง", "-", 1, "-"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_rows_without_numbers_imported_again_are_recognised(officer, town):
    """Four chairs (two rows of two) and a fan without a date, a number or a price: the fan cannot be registered
    (no date to estimate from); the chairs are, once."""
    plan = parse_import(without_numbers(), "x.xlsx", actor=officer)
    assert [error.line for error in plan.errors] == [4]
    assert "วันที่ได้มา" in plan.errors[0].messages[0]
    assert len(plan.to_create) == 4 and all(new.fingerprint for new in plan.to_create)
    assert len({new.fingerprint for new in plan.to_create}) == 4
    commit_import(plan, actor=officer, good_rows_only=True)
    assert Asset.objects.count() == 4
    again = parse_import(without_numbers(), "another name.xlsx", actor=officer)
    assert again.to_create == [] and again.seen_before == 4


def test_the_good_rows_and_the_rest_with_their_reasons(officer, town):
    choices = Choices(values={"division": {imports.value_key("สำนักปลัด"): LEAVE_OUT}})
    plan = parse_import(register_workbook(), "ทะเบียน.xlsx", actor=officer, choices=choices)
    assert [(left.line, left.reason) for left in plan.left_out] == [
        (7, "เลือกไม่นำเข้าแถวที่มีกอง “สำนักปลัด”"), (8, "เลือกไม่นำเข้าแถวที่มีกอง “สำนักปลัด”")]
    assert plan.errors == [] and [new.values["number"] for new in plan.to_create] == ["416-63-0061"]
    commit_import(plan, actor=officer)
    sheet = load_workbook(io.BytesIO(rejects_xlsx(plan))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "แถวในไฟล์เดิม" and rows[0][-1] == "เหตุที่ไม่ได้นำเข้า" and rows[0][2] == "รหัสครุภัณฑ์"
    assert [(row[0], row[2], row[-1]) for row in rows[1:]] == [
        (7, "400-60-0001", "เลือกไม่นำเข้าแถวที่มีกอง “สำนักปลัด”"),
        (8, "400-60-0002 ถึง 0004", "เลือกไม่นำเข้าแถวที่มีกอง “สำนักปลัด”")]


def test_bad_rows_block_the_import_unless_only_the_good_rows_are_asked_for(officer, town):
    plan = parse_import(register_workbook(), "ทะเบียน.xlsx", actor=officer)
    with pytest.raises(ImportRefused, match="เฉพาะแถวที่ถูกต้อง"):
        commit_import(plan, actor=officer)
    assert Asset.objects.count() == 0
    commit_import(plan, actor=officer, good_rows_only=True)
    assert list(Asset.objects.values_list("number", flat=True)) == ["416-63-0061"]
    rejected = list(load_workbook(io.BytesIO(rejects_xlsx(plan))).active.iter_rows(values_only=True))[1:]
    assert [row[0] for row in rejected] == [7, 8] and "สำนักปลัด" in rejected[0][-1]


def test_choices_are_kept_for_the_next_file_with_the_same_headers(officer, town):
    layout, columns = read_layout(register_workbook(), "ทะเบียน.xlsx", actor=officer)
    assert [column.field for column in columns][:9] == ["", "number", "name", "brand_model", "acquired_on",
                                                       "quantity", "unit", "unit_price", "total_price"]
    assert columns[0].how == "skipped"  # ลำดับ
    choices = choose_palad(town)
    choices.columns = {columns[3].key: ""}  # do not import the brand column
    mapping_save(actor=officer, headers=layout.headers, choices=choices)
    assert ImportMapping.objects.count() == 1 and Entry.objects.filter(action="asset.import_mapping").exists()
    plan = parse_import(register_workbook(), "ทะเบียน ฉบับใหม่.xlsx", actor=officer)
    assert plan.errors == [] and len(plan.to_create) == 5
    assert plan.to_create[0].values["brand_model"] == ""  # "ลักกี้" not imported
    assert [column.how for column in plan.columns][3] == "chosen"


def test_a_sheet_without_a_register_header_is_refused_saying_what_was_looked_for(officer, town):
    book = Workbook()
    book.active.append(["สรุปงบประมาณ"])
    book.active.append(["ไตรมาส", "ยอด"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportRefused, match="ไม่พบแถวหัวคอลัมน์"):
        parse_import(out.getvalue(), "x.xlsx", actor=officer)


@pytest.mark.parametrize("number, quantity, expected, problem", [
    ("401-50-0003 ถึง 0007", 5, ["401-50-0003", "401-50-0004", "401-50-0005", "401-50-0006", "401-50-0007"], ""),
    ("401-50-0003 - 0005", None, ["401-50-0003", "401-50-0004", "401-50-0005"], ""),
    ("๔๐๑-๕๐-๐๐๐๘ ถึง ๐๐๐๙", 2, ["๔๐๑-๕๐-๐๐๐๘", "๔๐๑-๕๐-๐๐๐๙"], ""),
    ("401-50-0003 ถึง 0007", 3, [], "มี 5 หมายเลข แต่จำนวนคือ 3"),
    ("401-50-0010", 3, ["401-50-0010", "401-50-0011", "401-50-0012"], ""),
    ("416 - 67", None, ["416 - 67"], ""),
])
def test_a_row_standing_for_several_items_registers_one_asset_per_item(officer, town, number, quantity, expected,
                                                                       problem):
    book = Workbook()
    book.active.append(["รหัสครุภัณฑ์", "รายการ", "ประเภท", "กอง", "วันที่ได้มา", "จำนวน", "ราคาต่อหน่วย"])
    book.active.append([number, "เก้าอี้", "401", "KLANG", "01/10/2566", quantity, 500])
    out = io.BytesIO()
    book.save(out)
    plan = parse_import(out.getvalue(), "x.xlsx", actor=officer)
    assert [new.values["number"] for new in plan.to_create] == expected
    if problem:
        assert problem in plan.errors[0].messages[0]
    else:
        assert plan.errors == []


def sheet(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["รหัสครุภัณฑ์", "รายการ", "ประเภท", "วันที่ได้มา", "จำนวน", "ราคาต่อหน่วย"]


def test_the_same_rows_for_another_division_are_not_taken_for_rows_imported_before(officer, town):
    """Two files without a division column, one value chosen for each: their identical rows are different assets."""
    data = sheet(HEADER[1:], ["เก้าอี้พลาสติก", "401", "01/10/2565", 1, 350])
    for division in (town["palad"], town["klang"]):
        plan = parse_import(data, "x.xlsx", actor=officer, choices=Choices(defaults={"division": division.pk}))
        assert plan.seen_before == 0 and len(plan.to_create) == 1
        commit_import(plan, actor=officer)
    assert sorted(Asset.objects.values_list("division__code", flat=True)) == ["KLANG", "PALAD"]


def test_a_row_of_several_numbered_items_imported_again_changes_nothing(officer, town):
    data = sheet(HEADER + ["กอง"], ["401-50-0003", "เก้าอี้", "401", "01/10/2566", 3, 500, "KLANG"])
    commit_import(parse_import(data, "x.xlsx", actor=officer), actor=officer)
    again = parse_import(data, "x.xlsx", actor=officer)
    assert again.to_create == [] and again.unchanged == 3 and again.errors == []


def test_an_update_file_leaves_what_it_says_nothing_about(officer, town):
    """A dash in a text field stays as written (an export read back changes nothing); one division chosen for every
    row, a group heading and a procurement method written as how it was acquired touch only new assets."""
    old = parse_import(sheet(HEADER + ["กอง", "ยี่ห้อ", "หมายเหตุ"],
                             ["416-60-0005", "เครื่องพิมพ์", "416", "01/10/2559", 1, 9000, "PALAD", "-", "ซื้อจากงบปี 60"]),
                       "old.xlsx", actor=officer)
    commit_import(old, actor=officer)
    printer = Asset.objects.get(number="416-60-0005")
    assert printer.brand_model == "-"
    update = sheet(HEADER + ["วิธีการได้มา", "ยี่ห้อ"], ["ครุภัณฑ์สำนักงาน"],
                   ["416-60-0005", "เครื่องพิมพ์", None, "01/10/2559", 1, 9000, "ตกลงราคา", "-"],
                   ["416-60-0006", "เครื่องพิมพ์", None, "01/10/2559", 1, 9000, "ตกลงราคา", "Canon"])
    plan = parse_import(update, "update.xlsx", actor=officer, choices=Choices(defaults={"division": town["klang"].pk}))
    assert plan.errors == [] and [change.asset.number for change in plan.to_change] == ["416-60-0005"]
    assert set(plan.to_change[0].values) == {"acquisition_method"}
    new = plan.to_create[0].values
    assert (new["division"], new["category"].code, new["notes"]) == (town["klang"], "401", "วิธีจัดหา: ตกลงราคา")


@pytest.mark.parametrize("quantity", [",", "1.5", "-", "๓ ตัว", "3ตัว"])
def test_a_quantity_as_written(officer, town, quantity):
    plan = parse_import(sheet(HEADER + ["กอง"], [None, "เก้าอี้", "401", "01/10/2566", quantity, 500, "KLANG"]),
                        "x.xlsx", actor=officer)
    if quantity in (",", "1.5"):
        assert "จำนวน" in plan.errors[0].messages[0] and plan.to_create == []
    else:
        assert plan.errors == [] and len(plan.to_create) == (1 if quantity == "-" else 3)
        assert quantity == "-" or plan.to_create[0].values["unit"] == "ตัว"
