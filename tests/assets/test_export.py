"""Export of the register: Thai headers, every register field, BE dates, formula-safe cells, the list's filter,
no query per row, logged; the web URLs (every role may export) and `manage.py export_assets`."""

import codecs
import csv
import datetime as dt
import io
from decimal import Decimal
from urllib.parse import parse_qs, quote, urlparse

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activity.models import Entry
from assets import services
from assets.exports import REGISTER_FIELDS, register_headers, render_register
from assets.models import AcquisitionMethod, Asset, BudgetType, Category, Status
from tests.conftest import ROLE_NAMES
from tests.factories import AssetFactory, DivisionFactory, LocationFactory

pytestmark = pytest.mark.django_db

EXPECTED_HEADERS = [
    "หมายเลขครุภัณฑ์", "ชื่อ/ลักษณะ", "คุณสมบัติ", "ยี่ห้อ/รุ่น/แบบ", "หมายเลขเครื่อง (Serial)", "ประเภท",
    "หน่วยงานที่รับผิดชอบ", "สถานที่ตั้ง", "ผู้รับผิดชอบ/ผู้ครอบครอง", "วันที่ได้มา", "วิธีการได้มา", "ประเภทเงิน",
    "เลขที่เอกสาร", "ชื่อผู้ขาย/ผู้รับจ้าง/ผู้บริจาค", "ที่อยู่ผู้ขาย", "โทรศัพท์ผู้ขาย", "หน่วยนับ", "ราคาต่อหน่วย (บาท)",
    "อายุการใช้งาน (ปี)", "สถานะ", "ให้ยืมได้", "หมายเหตุ", "ข้อสังเกตให้ตรวจสอบ",
]


@pytest.fixture
def full_asset(officer, location, computer_category):
    return services.asset_register(
        actor=officer, name="=เครื่องคอมพิวเตอร์", category=computer_category, division=location.division,
        location=location, custodian=officer, acquired_on=dt.date(2024, 3, 15), unit_price=Decimal("21000.50"),
        specification="CPU 8 core\r\nRAM 16 GB", brand_model="@เลอโนโว", serial_number="-SN1",
        acquisition_method=AcquisitionMethod.objects.get(code="BUY"), budget_type=BudgetType.objects.get(code="BUDGET"),
        document_number="12/2567", vendor_name="หจก.ระนองคอมพิวเตอร์", vendor_address="ต.หงาว",
        vendor_phone="+66 77 811234", unit="เครื่อง", useful_life_years=3, is_lendable=True, notes="ซื้อปี ๒๕๖๗",
    )


def xlsx_rows(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row), "a cell is a formula"
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def csv_rows(content: bytes) -> list[list]:
    assert content.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8"), newline="")))


def test_headers_are_the_fields_thai_labels():
    assert register_headers() == EXPECTED_HEADERS
    assert REGISTER_FIELDS == tuple(
        f.name for f in Asset._meta.get_fields()
        if f.name in services.EDITABLE_FIELDS or f.name in ("number", "status")
    )


def test_xlsx_row_holds_every_register_field(full_asset):
    rows = xlsx_rows(render_register(Asset.objects.all(), "xlsx").content)
    assert rows[0] == EXPECTED_HEADERS
    assert rows[1] == [
        "416-67-0001", "'=เครื่องคอมพิวเตอร์", "CPU 8 core\nRAM 16 GB", "'@เลอโนโว", "'-SN1", "416", "PALAD", "P01",
        "officer", "15/03/2567", "ซื้อ", "เงินงบประมาณ", "12/2567", "หจก.ระนองคอมพิวเตอร์", "ต.หงาว", "'+66 77 811234",
        "เครื่อง", 21000.5, 3, "ใช้งาน", "ใช่", "ซื้อปี ๒๕๖๗", None,
    ]


def test_csv_row_is_the_same_as_text(full_asset):
    rows = csv_rows(render_register(Asset.objects.all(), "csv").content)
    assert rows[0] == EXPECTED_HEADERS
    assert rows[1][:2] == ["416-67-0001", "'=เครื่องคอมพิวเตอร์"]
    assert rows[1][2] == "CPU 8 core\r\nRAM 16 GB"
    assert rows[1][9:] == ["15/03/2567", "ซื้อ", "เงินงบประมาณ", "12/2567", "หจก.ระนองคอมพิวเตอร์", "ต.หงาว",
                           "'+66 77 811234", "เครื่อง", "21000.50", "3", "ใช้งาน", "ใช่", "ซื้อปี ๒๕๖๗", ""]


def test_blank_references_and_statuses(division):
    AssetFactory(division=division, status=Status.ON_LOAN)
    row = xlsx_rows(render_register(Asset.objects.all(), "xlsx").content)[1]
    assert row[7] is None and row[8] is None and row[10] is None and row[11] is None
    assert row[19] == "ถูกยืม" and row[20] == "ไม่"


def test_no_query_per_row(officer, division, location):
    AssetFactory.create_batch(3, division=division, location=location, custodian=officer)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            render_register(Asset.objects.all(), "csv")
        return len(captured)

    few = queries()
    AssetFactory.create_batch(40, division=division, location=location, custodian=officer)
    assert queries() == few


def test_rows_come_in_number_order(division):
    for number in ["416-67-0003", "401-60-0001", "416-67-0002"]:
        AssetFactory(number=number, division=division)
    rows = csv_rows(render_register(Asset.objects.order_by("-pk"), "csv").content)
    assert [row[0] for row in rows[1:]] == ["401-60-0001", "416-67-0002", "416-67-0003"]


# --- the web URLs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_every_role_may_export_and_each_export_is_logged(client, users_by_role, asset, role, fmt):
    client.force_login(users_by_role[role])
    before = Entry.objects.count()
    response = client.get(f"/assets/export.{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv" if fmt == "csv" else "application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and quote("ทะเบียนครุภัณฑ์") in disposition
    assert Entry.objects.count() == before + 1
    entry = Entry.objects.order_by("-id").first()
    assert entry.action == "asset.export" and entry.actor == users_by_role[role]
    assert entry.details["rows"] == 1 and entry.details["format"] == fmt


def test_signed_in_without_role_exports_nothing(client, users_by_role, asset):
    client.force_login(users_by_role["no_role"])
    assert client.get("/assets/export.csv").status_code == 403


@pytest.mark.parametrize("path", ["/assets/export.xlsx", "/assets/export.csv"])
def test_anonymous_is_sent_to_login(client, asset, path):
    response = client.get(path)
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert target.path == "/accounts/login/" and parse_qs(target.query)["next"] == [path]


def test_export_follows_the_list_filter(client, staff_user, division):
    other = DivisionFactory(code="KLANG", name="กองคลัง")
    mine = AssetFactory(division=division, name="เครื่องพิมพ์เลเซอร์")
    AssetFactory(division=other, name="เครื่องพิมพ์อิงค์เจ็ท")
    AssetFactory(division=division, name="โต๊ะทำงาน")
    client.force_login(staff_user)
    response = client.get("/assets/export.csv", {"q": "เครื่องพิมพ์", "division": division.pk, "page": "3", "sort": "x"})
    assert response.status_code == 200
    rows = csv_rows(response.content)
    assert [row[0] for row in rows[1:]] == [mine.number]
    entry = Entry.objects.order_by("-id").first()
    assert entry.details["filters"] == {"q": "เครื่องพิมพ์", "division": str(division.pk)}
    assert entry.details["rows"] == 1


@pytest.mark.parametrize("query", [{"division": "abc"}, {"status": "nope"}, {"fiscal_year": "๒๕๖๗x"}, {"category": "999999"}])
def test_bad_filters_do_not_fail(client, staff_user, asset, query):
    client.force_login(staff_user)
    assert client.get("/assets/export.xlsx", query).status_code == 200


def test_the_list_links_to_the_export_with_its_filter(client, staff_user, division, asset):
    client.force_login(staff_user)
    html = client.get("/assets/", {"division": division.pk}).content.decode()
    assert f'href="/assets/export.xlsx?division={division.pk}"' in html
    assert f'href="/assets/export.csv?division={division.pk}"' in html
    assert 'href="/assets/import/"' not in html  # staff may not import


# --- the command -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_command_writes_the_file_and_logs_it(tmp_path, full_asset, suffix):
    target = tmp_path / f"register.{suffix}"
    out = io.StringIO()
    call_command("export_assets", "-o", str(target), stdout=out)
    assert "1 รายการ" in out.getvalue()
    content = target.read_bytes()
    rows = xlsx_rows(content) if suffix == "xlsx" else csv_rows(content)
    assert rows[0] == EXPECTED_HEADERS and rows[1][0] == "416-67-0001"
    entry = Entry.objects.order_by("-id").first()
    assert entry.action == "asset.export" and entry.actor is None and entry.details["source"] == "command"


def test_command_filters_by_codes(tmp_path, officer, division, location, computer_category):
    office = Category.objects.get(code="401")
    keep = AssetFactory(division=division, location=location, category=computer_category)
    AssetFactory(division=division, location=location, category=office)
    AssetFactory(division=DivisionFactory(code="CHANG"), category=computer_category)
    target = tmp_path / "x.csv"
    call_command("export_assets", "-o", str(target), "--category", "416", "--division", "PALAD", "--location", "P01",
                 "--status", "in_use", "--fiscal-year", "2567", stdout=io.StringIO())
    assert [row[0] for row in csv_rows(target.read_bytes())[1:]] == [keep.number]


def test_command_refuses_bad_arguments(tmp_path, asset):
    with pytest.raises(CommandError, match=".xlsx หรือ .csv"):
        call_command("export_assets", "-o", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="ไม่พบกอง"):
        call_command("export_assets", "-o", str(tmp_path / "x.csv"), "--division", "NOPE")
    LocationFactory(code="P01")  # the same location code in another division
    with pytest.raises(CommandError, match="หลายกอง"):
        call_command("export_assets", "-o", str(tmp_path / "x.csv"), "--location", "P01")
    with pytest.raises(CommandError, match="เขียนไฟล์"):
        call_command("export_assets", "-o", str(tmp_path / "missing" / "x.csv"), stdout=io.StringIO())
