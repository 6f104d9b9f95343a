"""Import of the register (service level): all or nothing, round trips, Thai input, changes, refusals.

The same refusals through the command and the web UI are in test_import_command.py and
test_import_views.py.
"""

import codecs
import datetime as dt
import io
import random
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test.utils import override_settings

from activity.models import Entry
from assets import services
from assets.exports import register_headers, render_register
from assets.imports import ImportRefused, commit_import, parse_import
from assets.models import AcquisitionMethod, Asset, BudgetType, Category, NumberCounter, Status
from common.spreadsheets import write_csv, write_xlsx
from organization.models import Division
from tests.conftest import make_user
from tests.factories import DivisionFactory, LocationFactory

pytestmark = pytest.mark.django_db

THAI_LETTERS = re.compile(r"[\u0E01-\u0E4E]")
HEADERS = register_headers()
COLUMNS = ["number", "name", "category", "division", "location", "acquired_on", "unit_price"]


# --- helpers (also used by the command and view tests) -----------------------------------------------------


def good_row(**overrides) -> dict:
    row = {"number": "", "name": "เครื่องคอมพิวเตอร์โน้ตบุ๊ก", "category": "416", "division": "PALAD",
           "location": "P01", "acquired_on": "15/03/2567", "unit_price": "21000"}
    row.update(overrides)
    return row


def make_file(rows: list[dict], fmt: str = "xlsx", *, columns=None, thai_headers=False) -> bytes:
    """A register file of these rows: the columns named by the rows' keys (first seen first), or `columns`."""
    if columns is None:
        columns = list(dict.fromkeys(name for row in rows for name in row)) or COLUMNS
    headers = [HEADERS[_FIELDS.index(name)] for name in columns] if thai_headers else columns
    values = [[row.get(name) for name in columns] for row in rows]
    return write_xlsx(headers, values) if fmt == "xlsx" else write_csv(headers, values)


_FIELDS = ["number", "name", "specification", "brand_model", "serial_number", "category", "division", "location",
           "custodian", "acquired_on", "acquisition_method", "budget_type", "document_number", "vendor_name",
           "vendor_address", "vendor_phone", "unit", "unit_price", "useful_life_years", "status", "is_lendable", "notes"]


def state() -> tuple:
    """Everything an import that is refused must leave as it was."""
    return (Asset.objects.count(), Entry.objects.count(),
            list(NumberCounter.objects.order_by("pk").values_list("category_id", "fiscal_year", "last")),
            list(Asset.objects.order_by("pk").values_list("pk", "updated_at")))


def refused(data: bytes, filename: str, actor) -> str:
    before = state()
    with pytest.raises(ImportRefused) as error:
        plan = parse_import(data, filename, actor=actor)
        commit_import(plan, actor=actor)
    assert state() == before
    message = str(error.value)
    assert THAI_LETTERS.search(message), message
    return message


def import_file(data: bytes, filename: str, actor):
    plan = parse_import(data, filename, actor=actor)
    assert plan.errors == [], plan.errors
    return plan, commit_import(plan, actor=actor)


@pytest.fixture
def register(officer, location, computer_category, division):
    """A small register with every kind of value: references, formula-like text, Thai digits, workflow statuses."""
    other_location = LocationFactory(division=division, code="P02", name="ห้องประชุมสภา")
    klang = DivisionFactory(code="KLANG", name="กองคลัง")
    klang_store = LocationFactory(division=klang, code="P01", name="ห้องเก็บพัสดุกองคลัง")  # same code, other division
    custodian = make_user("somchai", "staff", division=division, first_name="สมชาย", last_name="ใจดี")
    assets = [
        services.asset_register(
            actor=officer, name="=SUM(A1:A2)", category=computer_category, division=division, location=location,
            custodian=custodian, acquired_on=dt.date(2024, 3, 15), unit_price=Decimal("21000.50"),
            specification="CPU 8 core\r\nRAM 16 GB", brand_model="@เลอโนโว", serial_number="-SN-1",
            acquisition_method=AcquisitionMethod.objects.get(code="BUY"),
            budget_type=BudgetType.objects.get(code="SUBSIDY"), document_number="12/2567",
            vendor_name="+บริษัท", vendor_address="ต.หงาว", vendor_phone="+66 77 811234", unit="เครื่อง",
            useful_life_years=3, is_lendable=True, notes="'=ไม่ใช่สูตร",
        ),
        services.asset_register(actor=officer, number="๔๐๑ ๕๙ ๐๐๑๒", name="โต๊ะทำงานเหล็ก", category=Category.objects.get(code="401"),
                                division=division, location=other_location, acquired_on=dt.date(2016, 1, 5),
                                unit_price=Decimal("4500"), useful_life_years=5),
        services.asset_register(actor=officer, name="เครื่องพิมพ์", category=computer_category, division=klang,
                                location=klang_store, acquired_on=dt.date(2023, 10, 1), unit_price=Decimal("0"),
                                useful_life_years=3),
        services.asset_register(actor=officer, name="กล้องถ่ายภาพ", category=Category.objects.get(code="407"),
                                division=division, acquired_on=dt.date(2020, 6, 30), unit_price=Decimal("18000"),
                                useful_life_years=5, is_lendable=True),
    ]
    Asset.objects.filter(pk=assets[2].pk).update(status=Status.ON_LOAN)  # as the loans workflow would
    Asset.objects.filter(pk=assets[3].pk).update(status=Status.DISPOSED)
    return assets


# --- round trips ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_export_then_import_changes_nothing(officer, register, fmt):
    content = render_register(Asset.objects.all(), fmt).content
    before = state()
    plan = parse_import(content, f"register.{fmt}", actor=officer)
    assert (len(plan.to_create), len(plan.to_change), plan.unchanged, plan.errors) == (0, 0, len(register), [])
    result = commit_import(plan, actor=officer)
    assert result.created == [] and result.changed == []
    assert state() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formula_cells_are_neutralised_in_the_file_and_restored_on_import(officer, register, fmt):
    content = render_register(Asset.objects.all(), fmt).content
    if fmt == "csv":
        text = content.decode("utf-8-sig")
        for written in ["'=SUM(A1:A2)", "'@เลอโนโว", "'-SN-1", "'+บริษัท", "'+66 77 811234", "''=ไม่ใช่สูตร"]:
            assert written in text
    else:
        archive = zipfile.ZipFile(io.BytesIO(content))
        xml = "".join(archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/"))
        assert "<f>" not in xml and "'=SUM(A1:A2)" in xml and "''=ไม่ใช่สูตร" in xml
    # Into an empty register: the file's assets come back as new ones, numbers and text as they were
    # (those on loan or disposed are left out: an import cannot create an asset in a workflow's status).
    manual = Asset.objects.filter(status__in=services.MANUAL_STATUSES)
    content = render_register(manual, fmt).content
    expected = {a.number_key: (a.name, a.brand_model, a.serial_number, a.vendor_name, a.vendor_phone, a.notes)
                for a in manual}
    Asset.objects.all().delete()
    _, result = import_file(content, f"register.{fmt}", officer)
    assert len(result.created) == 2
    for asset in Asset.objects.all():
        assert (asset.name, asset.brand_model, asset.serial_number, asset.vendor_name, asset.vendor_phone,
                asset.notes) == expected[asset.number_key]


def test_a_formula_typed_without_the_guard_is_kept_as_text(officer, division, location):
    text = ("name,category,division,acquired_on,unit_price\r\n"
            "=1+2,416,PALAD,01/10/2567,1\r\n"  # typed by hand: no guard to remove
            "''=x,416,PALAD,01/10/2567,1\r\n"  # a guard in front of a quote and a formula: one quote removed
            "'plain,416,PALAD,01/10/2567,1\r\n")  # a quote in front of anything else is data
    _, result = import_file(text.encode(), "x.csv", officer)
    assert sorted(asset.name for asset in result.created) == ["'=x", "'plain", "=1+2"]


# --- all or nothing ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_one_bad_row_among_good_ones_writes_nothing(officer, register, fmt):
    rows = [good_row(), good_row(name="เครื่องพิมพ์"), good_row(category="999", acquired_on="31/02/2567"), good_row()]
    before = state()
    plan = parse_import(make_file(rows, fmt), f"x.{fmt}", actor=officer)
    assert len(plan.to_create) == 3
    assert [error.line for error in plan.errors] == [4]
    messages = plan.errors[0].messages
    assert any("ประเภท" in m and "999" in m for m in messages)
    assert any("วันที่ได้มา" in m and "ไม่มีวันที่" in m for m in messages)
    with pytest.raises(ImportRefused, match="ไม่ถูกต้อง 1 แถว"):
        commit_import(plan, actor=officer)
    assert state() == before


def test_a_failure_while_writing_writes_nothing(officer, register, monkeypatch):
    rows = [good_row(), good_row(number=register[0].number, unit_price="22000")]
    plan = parse_import(make_file(rows), "x.xlsx", actor=officer)
    assert len(plan.to_create) == 1 and len(plan.to_change) == 1
    before = state()

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "assets_register_bulk", broken)
    with pytest.raises(RuntimeError):
        commit_import(plan, actor=officer)
    assert state() == before  # the change made before the failure was rolled back


def test_commit_refuses_a_number_taken_since_the_preview(officer, division, location, computer_category):
    plan = parse_import(make_file([good_row(number="416-67-0500"), good_row()]), "x.xlsx", actor=officer)
    services.asset_register(actor=officer, number="๔๑๖-๖๗-๐๕๐๐", name="อื่น", category=computer_category,
                            division=division, acquired_on=dt.date(2024, 1, 1), unit_price=Decimal(1))
    before = state()
    with pytest.raises(ImportRefused) as error:
        commit_import(plan, actor=officer)
    assert "มีอยู่ในทะเบียนแล้ว" in str(error.value)
    assert state() == before


# --- new assets --------------------------------------------------------------------------------------------


def test_blank_numbers_are_allocated_and_each_asset_is_logged_once(officer, division, location):
    rows = [good_row(), good_row(acquired_on="2024-10-01"), good_row(number="  ", category="คอมพิวเตอร์")]
    entries = Entry.objects.count()
    plan, result = import_file(make_file(rows), "x.xlsx", officer)
    assert sorted(asset.number for asset in result.created) == ["416-67-0001", "416-67-0002", "416-68-0001"]
    assert all(new.number == "" for new in plan.to_create)
    assert Entry.objects.count() == entries + 3 + 1
    assert list(Entry.objects.filter(action="asset.register").values_list("actor", flat=True)) == [officer.pk] * 3
    summary = Entry.objects.get(action="asset.import")
    assert {key: summary.details[key] for key in ("filename", "rows", "created", "changed", "unchanged")} == {
        "filename": "x.xlsx", "rows": 3, "created": 3, "changed": 0, "unchanged": 0}
    assert len(summary.details["sha256"]) == 64


def test_a_file_that_previews_clean_commits_when_its_legacy_number_is_the_next_to_allocate(officer, division,
                                                                                            location):
    """A legacy number and a blank-number row of the same category and fiscal year: allocation skips the number
    the file itself brings (it gave 416-67-0001 to the blank row too, and the commit failed as a duplicate)."""
    rows = [good_row(number="416-67-0001"), good_row()]
    plan, result = import_file(make_file(rows), "x.xlsx", officer)
    assert sorted(asset.number for asset in result.created) == ["416-67-0001", "416-67-0002"]


def test_thai_digits_be_dates_and_thai_headers(officer, division, location):
    row = good_row(number="๔๑๖-๖๗-๐๐๒๐", acquired_on="๑๕/๐๓/๒๕๖๗", unit_price="๒๑,๐๐๐.๕๐", useful_life_years="๔",
                   is_lendable="ใช่", status="ชำรุด")
    other = good_row(number="416-67-0021", acquired_on="15 มี.ค. 2567", unit_price=" 1 500 ", is_lendable="no",
                     status="under_repair", useful_life_years="")
    data = make_file([row, other], thai_headers=True)
    _, result = import_file(data, "x.xlsx", officer)
    first, second = sorted(result.created, key=lambda a: a.number_key)
    assert first.number == "๔๑๖-๖๗-๐๐๒๐" and first.number_key == "416-67-0020"
    assert first.acquired_on == dt.date(2024, 3, 15) and second.acquired_on == dt.date(2024, 3, 15)
    assert first.unit_price == Decimal("21000.50") and second.unit_price == Decimal("1500.00")
    assert first.useful_life_years == 4 and second.useful_life_years == 3  # blank: the category's
    assert first.is_lendable and not second.is_lendable
    assert (first.status, second.status) == (Status.DAMAGED, Status.UNDER_REPAIR)


def test_references_by_code_or_name_and_location_within_the_row_division(officer, division, location):
    klang = DivisionFactory(code="KLANG", name="กองคลัง")
    LocationFactory(division=klang, code="P01", name="ห้องพัสดุ")
    make_user("Prapa", "staff", division=division)
    rows = [
        good_row(category="คอมพิวเตอร์", division="สำนักปลัดเทศบาล", location="ห้องสำนักปลัด", custodian="prapa",
                 acquisition_method="รับบริจาค", budget_type="donation"),
        good_row(division="KLANG", location="P01", acquisition_method="BUY", budget_type="เงินสะสม"),
        good_row(category="416 คอมพิวเตอร์", division="กองคลัง", location="ห้องพัสดุ"),
    ]
    _, result = import_file(make_file(rows), "x.xlsx", officer)
    first, second, third = sorted(result.created, key=lambda a: a.pk)
    assert (first.division, first.location, first.custodian.username) == (division, location, "Prapa")
    assert (first.acquisition_method.code, first.budget_type.code) == ("DONATED", "DONATION")
    assert second.division == klang and second.location.division == klang and second.location.code == "P01"
    assert (second.acquisition_method.code, second.budget_type.code) == ("BUY", "RESERVE")
    assert third.location.name == "ห้องพัสดุ"


@pytest.mark.parametrize("overrides, expected", [
    ({"category": "999"}, "ไม่พบประเภท"),
    ({"division": "ไม่มีกองนี้"}, "ไม่พบกอง"),
    ({"location": "X99"}, "ไม่พบสถานที่"),
    ({"custodian": "nobody"}, "ไม่พบผู้ใช้"),
    ({"acquired_on": "31/02/2567"}, "ไม่มีวันที่"),
    ({"acquired_on": "ไม่ทราบ"}, "อ่านวันที่"),
    ({"acquired_on": "01/01/2800"}, "ไกลเกินไปในอนาคต"),
    ({"acquired_on": ""}, "กรุณาระบุวันที่ได้มา"),
    ({"unit_price": "หนึ่งพัน"}, "ไม่ใช่ตัวเลข"),
    ({"unit_price": "-5"}, "ติดลบ"),
    ({"unit_price": "10.555"}, "ทศนิยม"),
    ({"unit_price": "NaN"}, "ไม่ใช่ตัวเลข"),
    ({"unit_price": "1e12"}, "หลักมากเกินไป"),  # over the column's 14 digits
    ({"unit_price": "9" * 40}, "หลักมากเกินไป"),  # over what Decimal arithmetic takes
    ({"unit_price": 1e300}, "หลักมากเกินไป"),  # a number cell
    ({"useful_life_years": "1" * 30}, "หลักมากเกินไป"),
    ({"useful_life_years": "2.5"}, "จำนวนเต็ม"),
    ({"useful_life_years": "0"}, "มากกว่า 0"),
    ({"useful_life_years": "500"}, "1 ถึง 100"),
    ({"name": ""}, "กรุณากรอกชื่อ/ลักษณะ"),
    ({"name": "ก" * 301}, "ยาวได้ไม่เกิน 300"),
    ({"number": "๑" * 61}, "ไม่เกิน 60"),
    ({"status": "ไม่แน่ใจ"}, "ไม่รู้จักสถานะ"),
    ({"status": "ถูกยืม"}, "ขั้นตอนงาน"),
    ({"is_lendable": "บางที"}, "ใช่/ไม่"),
    ({"unit": ""}, "กรุณากรอกหน่วยนับ"),
])
def test_bad_values_are_reported_with_their_row_and_a_thai_reason(officer, division, location, overrides, expected):
    rows = [good_row(unit="เครื่อง"), good_row(**overrides)]
    plan = parse_import(make_file(rows, "csv"), "x.csv", actor=officer)
    assert [error.line for error in plan.errors] == [3]
    assert expected in " ".join(plan.errors[0].messages), plan.errors[0].messages


def test_a_location_of_another_division_is_refused(officer, division, location):
    klang = DivisionFactory(code="KLANG", name="กองคลัง")
    plan = parse_import(make_file([good_row(division="KLANG", location="ห้องสำนักปลัด")]), "x.xlsx", actor=officer)
    assert "ไม่พบสถานที่" in plan.errors[0].messages[0] and klang.name in plan.errors[0].messages[0]


def test_inactive_references_are_refused_for_new_assets(officer, division, location):
    Category.objects.filter(code="401").update(is_active=False)
    make_user("left", "staff", division=division, is_active=False)
    plan = parse_import(make_file([good_row(category="401", custodian="left")]), "x.xlsx", actor=officer)
    text = " ".join(plan.errors[0].messages)
    assert "ประเภท" in text and "ผู้รับผิดชอบ" in text and "ปิดการใช้งาน" in text


def test_duplicate_numbers_in_the_file_are_errors(officer, division, location):
    rows = [good_row(number="416-67-0100"), good_row(number="๔๑๖-๖๗-๐๑๐๐"), good_row(number="416 - 67")]
    plan = parse_import(make_file(rows), "x.xlsx", actor=officer)
    assert [error.line for error in plan.errors] == [3]
    assert "ซ้ำกับแถวที่ 2" in plan.errors[0].messages[0]


def test_blank_rows_are_skipped_and_row_numbers_are_the_sheet_rows(officer, division, location):
    rows = [good_row(), {}, {}, good_row(category="999")]
    plan = parse_import(make_file(rows, columns=COLUMNS), "x.xlsx", actor=officer)
    assert len(plan.to_create) == 1 and [error.line for error in plan.errors] == [5]


def test_cells_beyond_the_headers_are_an_error(officer, division, location):
    data = write_csv(COLUMNS, [[good_row()[c] for c in COLUMNS] + ["ส่วนเกิน"]])
    plan = parse_import(data, "x.csv", actor=officer)
    assert "เกินคอลัมน์" in plan.errors[0].messages[0]


# --- changes of existing assets ------------------------------------------------------------------------------


def test_a_change_writes_one_update_entry_with_the_diff(officer, register, location):
    asset = register[1]  # ๔๐๑ ๕๙ ๐๐๑๒, matched by its number in Arabic digits
    rows = [{"number": "401 59 0012", "name": asset.name, "category": "401", "division": "PALAD",
             "location": "P01", "acquired_on": "05/01/2559", "unit_price": "4,800.00"}]
    plan = parse_import(make_file(rows), "x.xlsx", actor=officer)
    assert plan.to_create == [] and plan.errors == []
    [change] = plan.to_change
    assert change.line == 2 and change.asset.pk == asset.pk
    assert change.changes == {"location": ["ห้องประชุมสภา", "ห้องสำนักปลัด"],
                              "unit_price": [Decimal("4500.00"), Decimal("4800.00")]}
    before = Entry.objects.count()
    result = commit_import(plan, actor=officer)
    assert [a.pk for a in result.changed] == [asset.pk]
    assert Entry.objects.count() == before + 2  # the update and the import's own entry
    entry = Entry.objects.get(action="asset.update")
    assert list(entry.asset_links.values_list("asset_id", flat=True)) == [asset.pk]
    assert entry.details == {"changes": {"location": ["ห้องประชุมสภา", "ห้องสำนักปลัด"],
                                         "unit_price": ["4500.00", "4800.00"]}}
    asset.refresh_from_db()
    assert asset.number == "๔๐๑ ๕๙ ๐๐๑๒"  # kept as typed
    assert asset.location == location and asset.unit_price == Decimal("4800.00")
    assert asset.search_text.startswith("401 59 0012")


def test_columns_missing_from_the_file_are_left_as_they_are(officer, register):
    asset = register[0]
    rows = [{"number": asset.number, "name": "เครื่องคอมพิวเตอร์ตั้งโต๊ะ", "category": "416", "division": "PALAD",
             "acquired_on": "15/03/2567", "unit_price": "21000.5"}]
    _, result = import_file(make_file(rows), "x.xlsx", officer)
    asset.refresh_from_db()
    assert asset.name == "เครื่องคอมพิวเตอร์ตั้งโต๊ะ"
    assert asset.location is not None and asset.custodian is not None and asset.notes == "'=ไม่ใช่สูตร"
    assert Entry.objects.filter(action="asset.update").get().details["changes"] == {
        "name": ["=SUM(A1:A2)", "เครื่องคอมพิวเตอร์ตั้งโต๊ะ"]}


def test_status_rules_for_existing_assets(officer, register):
    on_loan, disposed, in_use = register[2], register[3], register[0]
    base = {"category": "416", "division": "PALAD", "acquired_on": "15/03/2567", "unit_price": "21000.50"}

    def row(asset, status, **extra):
        return {**base, "number": asset.number, "name": asset.name, "status": status, **extra}

    rows = [
        row(on_loan, "ถูกยืม", category="416", division="KLANG", location="P01", acquired_on="01/10/2566",
            unit_price="0"),  # unchanged: allowed
        row(in_use, "ชำรุด"),  # a manual status: allowed
        row(disposed, "ใช้งาน", category="407", acquired_on="30/06/2563", unit_price="18000"),  # from a workflow: refused
        row(on_loan, "in_use", category="416", division="KLANG", location="P01", acquired_on="01/10/2566",
            unit_price="0"),  # the same number twice, and from a workflow
    ]
    plan = parse_import(make_file(rows), "x.xlsx", actor=officer)
    assert plan.unchanged == 1 and [c.asset.pk for c in plan.to_change] == [in_use.pk]
    assert [error.line for error in plan.errors] == [4, 5]
    assert "ขั้นตอนงาน" in plan.errors[0].messages[0]


def test_a_blank_status_or_life_of_an_existing_asset(officer, register):
    asset = register[0]
    rows = [{"number": asset.number, "name": asset.name, "category": "416", "division": "PALAD",
             "acquired_on": "15/03/2567", "unit_price": "21000.50", "status": "", "useful_life_years": ""}]
    plan = parse_import(make_file(rows), "x.xlsx", actor=officer)
    assert plan.unchanged == 1  # blank status: as it is; blank life: the category's (3, as it is)


def test_inactive_references_already_on_an_asset_are_kept(officer, register):
    Category.objects.filter(code="416").update(is_active=False)
    Division.objects.filter(code="PALAD").update(is_active=False)
    content = render_register(Asset.objects.all(), "csv").content
    plan = parse_import(content, "x.csv", actor=officer)
    assert plan.errors == [] and plan.unchanged == len(register)


# --- files refused as a whole ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["garbage.xlsx", "garbage.csv"])
def test_five_megabytes_of_garbage_are_refused(officer, register, name):
    refused(random.Random(7).randbytes(5 * 1024 * 1024), name, officer)


def test_an_xlsx_with_a_missing_required_column_is_refused(officer, register):
    columns = [c for c in COLUMNS if c not in ("category", "unit_price")]
    message = refused(make_file([good_row()], columns=columns), "x.xlsx", officer)
    assert "ไม่มีคอลัมน์ที่จำเป็น" in message and "ประเภท" in message and "ราคาต่อหน่วย (บาท)" in message


@pytest.mark.parametrize("data", [
    pytest.param("name,category\r\nเครื่องพิมพ์,416\r\n".encode("utf-16-le"), id="utf-16 without BOM"),
    pytest.param(b"name,category\r\n\xdb\xdc\xfc\xfd,416\r\n", id="bytes invalid in cp874"),
])
def test_a_csv_in_an_unknown_encoding_is_refused(officer, register, data):
    assert "UTF-8" in refused(data, "x.csv", officer)


@override_settings(IMPORT_MAX_ROWS=5)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_file_over_the_row_cap_is_refused(officer, register, fmt):
    assert parse_import(make_file([good_row()] * 5, fmt), f"x.{fmt}", actor=officer).to_create
    assert "เกิน 5 แถว" in refused(make_file([good_row()] * 6, fmt), f"x.{fmt}", officer)


@override_settings(IMPORT_MAX_BYTES=1000)
def test_a_file_over_the_size_cap_is_refused(officer, register):
    assert "เกินขนาดสูงสุด" in refused(make_file([good_row()] * 50), "x.xlsx", officer)


def test_unknown_and_repeated_headers_are_listed_and_not_imported(officer, register):
    """A column the register does not know, and a second column for a field already filled, are not imported;
    the plan names each by its letter and header (the mapping page offers to change that)."""
    data = write_csv(COLUMNS + ["ผู้ตรวจ", "ชื่อ/ลักษณะ", "มูลค่าสุทธิ"],
                     [[good_row()[c] for c in COLUMNS] + ["สมศรี", "x", "1.00"]])
    plan = parse_import(data, "x.csv", actor=officer)
    assert [(column.letter, column.header, column.how) for column in plan.ignored_columns] == [
        ("H", "ผู้ตรวจ", "unknown"), ("I", "ชื่อ/ลักษณะ", "duplicate")]
    assert [column.how for column in plan.columns if column.header == "มูลค่าสุทธิ"] == ["skipped"]
    assert plan.to_create[0].values["name"] == "เครื่องคอมพิวเตอร์โน้ตบุ๊ก" and plan.errors == []


@pytest.mark.parametrize("data, name, expected", [
    (b"", "x.csv", "ว่างเปล่า"),
    (b"name\r\n", "x.csv", "ไม่มีแถวข้อมูล"),
    (b"a,b", "x.ods", ".xlsx และ .csv"),
    ("ชื่อ,ราคา\r\n".encode(), "x.xlsx", "ไม่ใช่ไฟล์ Excel"),
])
def test_other_files_that_are_not_registers(officer, register, data, name, expected):
    if expected == "ไม่มีแถวข้อมูล":
        data = write_csv(COLUMNS, [])
    assert expected in refused(data, name, officer)


def test_data_under_an_empty_header_is_listed_as_a_column_without_a_header(officer, register):
    values = [good_row()[c] for c in COLUMNS]
    data = write_csv(COLUMNS[:3] + [""] + COLUMNS[3:], [values[:3] + ["ลืมหัวคอลัมน์"] + values[3:]])
    plan = parse_import(data, "x.csv", actor=officer)
    assert [(column.letter, column.how) for column in plan.ignored_columns] == [("D", "unnamed")]
    assert plan.header_lines == [1] and len(plan.to_create) == 1
    data = write_csv(COLUMNS[:3] + [""] + COLUMNS[3:], [values[:3] + [None] + values[3:]])
    plan = parse_import(data, "x.csv", actor=officer)
    assert plan.to_create and plan.ignored_columns == []  # an empty column without a header is not even listed


def test_random_damage_never_escapes_as_another_error(officer, register):
    """Whatever a damaged file holds, the answer is a plan or ImportRefused, never another exception."""
    sources = {"xlsx": render_register(Asset.objects.all(), "xlsx").content,
               "csv": render_register(Asset.objects.all(), "csv").content}
    rng = random.Random(2567)
    for round_ in range(120):
        fmt = "xlsx" if round_ % 2 else "csv"
        data = bytearray(sources[fmt])
        for _ in range(rng.randint(1, 8)):
            position = rng.randrange(len(data))
            data[position] = rng.randrange(256)
        if round_ % 5 == 0:
            data = data[: rng.randrange(len(data))]
        try:
            parse_import(bytes(data), f"x.{fmt}", actor=officer)
        except ImportRefused:
            pass


def test_cp874_and_utf8_files_with_and_without_bom(officer, division, location):
    text = "ชื่อ/ลักษณะ,ประเภท,หน่วยงานที่รับผิดชอบ,วันที่ได้มา,ราคาต่อหน่วย (บาท)\r\nเครื่องพิมพ์เลเซอร์,คอมพิวเตอร์,PALAD,01/10/2567,\"8,900\"\r\n"
    for encoded in [text.encode("cp874"), text.encode("utf-8"), codecs.BOM_UTF8 + text.encode("utf-8")]:
        plan = parse_import(encoded, "x.csv", actor=officer)
        assert plan.errors == []
        assert plan.to_create[0].values["name"] == "เครื่องพิมพ์เลเซอร์"
        assert plan.to_create[0].values["unit_price"] == Decimal("8900.00")


# --- who may import ---------------------------------------------------------------------------------------------


def test_staff_may_not_import(staff_user, division):
    with pytest.raises(PermissionDenied):
        parse_import(make_file([good_row()]), "x.xlsx", actor=staff_user)


def test_the_write_services_check_permission_too(officer, staff_user, division, location):
    plan = parse_import(make_file([good_row()]), "x.xlsx", actor=officer)
    with pytest.raises(PermissionDenied):
        commit_import(plan, actor=staff_user)
    assert Asset.objects.count() == 0


def test_number_cells_of_a_workbook(officer, division, location):
    rows = [good_row(unit_price=0.1 + 0.2), good_row(unit_price=10.555), good_row(unit_price=1e300),
            good_row(unit_price=float("inf")), good_row(unit_price=21000, useful_life_years=4.0)]
    plan = parse_import(make_file(rows), "x.xlsx", actor=officer)
    # An infinite number cannot be written to a workbook: its cell is empty, a blank price, 0.00 and flagged.
    assert [(new.line, new.values["unit_price"]) for new in plan.to_create] == [
        (2, Decimal("0.30")), (5, Decimal("0.00")), (6, Decimal("21000"))]
    assert plan.to_create[1].flags and not plan.to_create[0].flags
    assert plan.to_create[2].values["useful_life_years"] == 4
    assert [error.line for error in plan.errors] == [3, 4]


TRICKY = ["", " ", "'", "''", "=", "-", "@", "+1", "๑", "1,2,3", "1e400", "-0", "NaN", "Infinity", "9" * 60,
          "๓๑/๑๒/๒๕๖๗", "2024-02-30", "0/0/0", "31/12/99999", "ใช่", "ไม่", "ถูกยืม", "416", "PALAD", "P01",
          "ก" * 400, "a\nb", "\u200b", "🙂", 0, 1, -1, 2.5, 1e300, -1e-300, True, False,
          dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.datetime(2024, 1, 1, 12, 30)]


def test_any_cell_value_gives_a_plan_or_a_refusal(officer, register):
    """Every column filled with awkward values: each row is planned or reported, nothing else escapes."""
    rng = random.Random(2568)
    rows = []
    for _ in range(300):
        rows.append({name: rng.choice(TRICKY) for name in _FIELDS})
    for fmt in ("xlsx", "csv"):
        plan = parse_import(make_file(rows, fmt, columns=_FIELDS), f"x.{fmt}", actor=officer)
        assert plan.rows == len(rows) and len(plan.errors) > 250  # most rows are bad, each one is reported


def test_a_blank_price_is_registered_at_zero_and_flagged_and_a_disposed_row_is_left_out(officer, division, location):
    rows = [good_row(unit_price=""), good_row(unit_price="-"), good_row(status="จำหน่ายแล้ว"),
            good_row(status="disposed")]
    plan = parse_import(make_file(rows, "csv"), "x.csv", actor=officer)
    assert [(new.line, new.values["unit_price"]) for new in plan.to_create] == [(2, Decimal("0")), (3, Decimal("0"))]
    assert all("0.00 บาท" in new.values["review_note"] for new in plan.to_create)
    assert [(left.line, left.reason) for left in plan.left_out] == [(4, "จำหน่ายแล้ว: ไม่ลงทะเบียน"),
                                                                   (5, "จำหน่ายแล้ว: ไม่ลงทะเบียน")]
    _plan, result = import_file(make_file(rows, "csv"), "x.csv", officer)
    assert [asset.review_note for asset in result.created] == [plan.to_create[0].values["review_note"]] * 2
