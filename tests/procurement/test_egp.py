"""Import of e-GP open data (DOMAIN.md section 6): only this organisation's rows, keyed by the e-GP project
number (a second import of the same file changes nothing), short BE dates, "-" as empty, Thai-digit asset
numbers in titles linked to the register, disagreeing figures flagged, any bad row blocking the whole file;
through the service, the command and the upload → preview → confirm pages."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from activity.models import Entry
from common.spreadsheets import write_xlsx
from organization.models import Organization
from procurement import selectors
from procurement.egp import ImportRefused, commit_egp, parse_egp
from procurement.models import Bid, LinkedAsset, Method, Procurement
from tests.conftest import make_user
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db

THAI_LETTERS = re.compile(r"[\u0E01-\u0E4E]")
TOKEN = re.compile(r'name="token" value="([0-9a-f]{32})"')
OURS = "เทศบาลตำบลหงาว"
HEADERS = ["ลำดับ", "รหัสโครงการ", "ชื่อโครงการ", "ชื่อประเภทโครงการ", "ชื่อหน่วยงาน", "ชื่อหน่วยงานย่อย",
           "วิธีจัดซื้อฯ", "กลุ่มวิธีจัดซื้อฯ", "วันที่ประกาศ", "งบประมาณ(บาท)", "ราคากลาง(บาท)", "ราคาตกลงซื้อ/จ้าง",
           "ปีงบประมาณ", "วันที่เกิดรายการ", "จังหวัด"]
REPAIR_TITLE = "จ้างซ่อมรถยนต์ส่วนกลาง หมายเลขครุภัณฑ์ ๐๐๑-๕๑-๐๐๐๓ และ ๐๐๑-๕๑-๐๐๐๔ โดยวิธีเฉพาะเจาะจง"


def row(**overrides) -> dict:
    """A row of this organisation as e-GP publishes it (a repair by the specific method, contract on 29 Nov 2024)."""
    values = {
        "ลำดับ": "1", "รหัสโครงการ": "67119012345", "ชื่อโครงการ": REPAIR_TITLE,
        "ชื่อประเภทโครงการ": "จ้างทำของ/จ้างเหมาบริการ", "ชื่อหน่วยงาน": "กรมส่งเสริมการปกครองท้องถิ่น",
        "ชื่อหน่วยงานย่อย": OURS, "วิธีจัดซื้อฯ": "เฉพาะเจาะจง", "กลุ่มวิธีจัดซื้อฯ": "เฉพาะเจาะจง",
        "วันที่ประกาศ": "-", "งบประมาณ(บาท)": "12,500.00", "ราคากลาง(บาท)": "12,500.00",
        "ราคาตกลงซื้อ/จ้าง": "12,000.00", "ปีงบประมาณ": "2568", "วันที่เกิดรายการ": "29 พ.ย. 67", "จังหวัด": "ระนอง",
    }
    values.update(overrides)
    return values


def other_agency(**overrides) -> dict:
    return row(**{"รหัสโครงการ": "67119099999", "ชื่อโครงการ": "ซื้อวัสดุสำนักงาน",
                  "ชื่อหน่วยงานย่อย": "องค์การบริหารส่วนตำบลบางริ้น", **overrides})


def e_bidding(**overrides) -> dict:
    return row(**{"รหัสโครงการ": "67109876543", "ชื่อโครงการ": "ประกวดราคาจ้างก่อสร้างถนนคอนกรีตเสริมเหล็ก หมู่ที่ 3",
                  "ชื่อประเภทโครงการ": "จ้างก่อสร้าง", "วิธีจัดซื้อฯ": "ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)",
                  "กลุ่มวิธีจัดซื้อฯ": "ประกาศเชิญชวนทั่วไป", "วันที่ประกาศ": "15 ต.ค. 67",
                  "งบประมาณ(บาท)": "๒,๕๐๐,๐๐๐.๐๐", "ราคากลาง(บาท)": "2,480,000", "ราคาตกลงซื้อ/จ้าง": "-",
                  "วันที่เกิดรายการ": "-", **overrides})


def flagged(**overrides) -> dict:
    """A reference price ten times and more the budget: a zero too many somewhere."""
    return row(**{"รหัสโครงการ": "67129000111", "ชื่อโครงการ": "ซื้อหมึกเครื่องพิมพ์ โดยวิธีเฉพาะเจาะจง",
                  "ชื่อประเภทโครงการ": "ซื้อ", "งบประมาณ(บาท)": "5,000.00", "ราคากลาง(บาท)": "50,000.00",
                  "ราคาตกลงซื้อ/จ้าง": "4,900.00", "วันที่เกิดรายการ": "3 ธ.ค. 67", **overrides})


def make_csv(rows: list[dict], *, headers=HEADERS, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for values in rows:
        writer.writerow([values.get(header.replace(" ", ""), "") for header in headers])
    return out.getvalue().encode(encoding)


def state() -> tuple:
    """Everything an import that writes nothing must leave as it was."""
    return (list(Procurement.objects.order_by("pk").values_list("pk", "updated_at")), Bid.objects.count(),
            LinkedAsset.objects.count(), Entry.objects.count())


def import_file(data: bytes, actor, filename: str = "egp.csv"):
    plan = parse_egp(data, filename, actor=actor)
    assert plan.errors == [], plan.errors
    return plan, commit_egp(plan, actor=actor)


@pytest.fixture(autouse=True)
def _our_egp_name(db):
    Organization.objects.filter(pk=1).update(egp_name=OURS)


@pytest.fixture
def cars(division):
    """The two cars the repair's title names (numbered in Arabic digits in the register)."""
    return [AssetFactory(number="001-51-0003", name="รถยนต์ส่วนกลาง กข 1234", division=division),
            AssetFactory(number="001-51-0004", name="รถยนต์ส่วนกลาง กข 5678", division=division)]


# --- the service: parse → plan → commit ----------------------------------------------------------------


def test_only_this_organisations_rows_are_imported(officer, cars):
    data = make_csv([row(), other_agency(), e_bidding(), other_agency(รหัสโครงการ="67119099998"),
                     other_agency(ชื่อหน่วยงานย่อย="-", ชื่อหน่วยงาน="เทศบาลเมืองระนอง", รหัสโครงการ="6711")])
    plan = parse_egp(data, "egp.csv", actor=officer)
    assert (plan.rows, plan.own_rows, plan.other_rows) == (5, 2, 3)
    assert dict(plan.other_agencies) == {"องค์การบริหารส่วนตำบลบางริ้น": 2, "เทศบาลเมืองระนอง": 1}
    assert [new.line for new in plan.to_create] == [2, 4] and plan.errors == [] and plan.to_update == []
    commit_egp(plan, actor=officer)
    assert set(Procurement.objects.values_list("egp_number", flat=True)) == {"67119012345", "67109876543"}

    repair = Procurement.objects.get(egp_number="67119012345")
    assert repair.title == REPAIR_TITLE and repair.project_type == "จ้างทำของ/จ้างเหมาบริการ"
    assert repair.method == Method.SPECIFIC and repair.fiscal_year == 2568
    assert (repair.amount, repair.reference_price, repair.agreed_price) == (
        Decimal("12500.00"), Decimal("12500.00"), Decimal("12000.00"))
    assert repair.announced_on is None  # "-"
    assert repair.contract_date == dt.date(2024, 11, 29)  # "29 พ.ย. 67"
    assert repair.status == Procurement.Status.CONTRACTED and repair.winner is None  # no supplier column
    assert repair.egp_flag == "" and repair.created_by == officer and repair.over_limit_reason == ""
    # Its agreed price still shows, on its page and in its month's สขร.1, with no winner's name to give.
    from reports.procurement_docs import sor_khor_1_html

    month = sor_khor_1_html(2567, 11)  # November 2567 (BE), the month of its contract
    assert "12,000.00" in month and "ไม่มีชื่อผู้ได้รับการคัดเลือกในข้อมูล" in month

    road = Procurement.objects.get(egp_number="67109876543")
    assert road.method == Method.E_BIDDING and road.amount == Decimal("2500000.00")  # Thai digits, separators
    assert road.announced_on == dt.date(2024, 10, 15) and road.status == Procurement.Status.ANNOUNCED
    assert road.agreed_price is None and road.contract_date is None


def test_every_procurement_written_is_logged_with_the_file(officer, cars):
    import_file(make_csv([row(), e_bidding(), other_agency()]), officer, "e-GP 2568.csv")
    created = Entry.objects.filter(action="procurement.import_create").order_by("id")
    assert created.count() == 2 and {entry.actor_id for entry in created} == {officer.pk}
    first = created.first()
    assert first.details["egp_number"] == "67119012345" and first.details["amount"] == "12500.00"
    assert first.details["contract_date"] == "2024-11-29" and first.details["filename"] == "e-GP 2568.csv"
    summary = Entry.objects.get(action="procurement.import")
    assert summary.details["created"] == 2 and summary.details["other_agencies"] == 1
    assert summary.details["assets_linked"] == 2 and summary.id > first.id


def test_asset_numbers_in_thai_digits_link_the_repair_to_the_assets(officer, cars):
    plan, _result = import_file(make_csv([row()]), officer)
    assert [(number, asset) for number, asset in plan.to_create[0].named] == [
        ("๐๐๑-๕๑-๐๐๐๓", cars[0]), ("๐๐๑-๕๑-๐๐๐๔", cars[1])]
    repair = Procurement.objects.get()
    links = LinkedAsset.objects.filter(procurement=repair).order_by("asset_id")
    assert [(link.asset_id, link.kind) for link in links] == [(cars[0].pk, "repair"), (cars[1].pk, "repair")]
    # the asset's page lists its repairs and their cost (procurement.selectors)
    assert [link.procurement for link in selectors.asset_procurements(cars[0].pk)] == [repair]
    assert selectors.repair_cost(cars[0].pk) == Decimal("12000.00")
    assert Entry.objects.filter(action="procurement.link_assets", object_id=str(repair.pk)).count() == 1


def test_a_flagged_row_is_imported_with_its_reason(officer):
    plan, _result = import_file(make_csv([row(), flagged()]), officer)
    assert [(row.line, row.egp_number) for row in plan.flagged] == [(3, "67129000111")]
    assert "ราคากลาง 50,000.00 บาท สูงกว่างบประมาณ 5,000.00 บาท ตั้งแต่ 10 เท่าขึ้นไป" in plan.flagged[0].flag
    ink = Procurement.objects.get(egp_number="67129000111")
    assert ink.egp_flag == plan.flagged[0].flag and ink.reference_price == Decimal("50000.00")  # not "corrected"
    assert Procurement.objects.get(egp_number="67119012345").egp_flag == ""


@pytest.mark.parametrize("overrides, expected", [
    ({"งบประมาณ(บาท)": "0", "ราคากลาง(บาท)": "-", "ราคาตกลงซื้อ/จ้าง": "-"}, "งบประมาณเป็น 0 บาท"),
    ({"ราคากลาง(บาท)": "500"}, "ไม่เกินหนึ่งในสิบของงบประมาณ"),
    ({"ราคาตกลงซื้อ/จ้าง": "13,000"}, "ราคาตกลงซื้อ/จ้าง 13,000.00 บาท สูงกว่างบประมาณ 12,500.00 บาท"),
    ({"งบประมาณ(บาท)": "125000", "ราคากลาง(บาท)": "1000", "ราคาตกลงซื้อ/จ้าง": "12000"}, "สูงกว่าราคากลาง"),
    ({"วันที่ประกาศ": "1 ธ.ค. 67"}, "ก่อนวันที่ประกาศ"),
    ({"รหัสโครงการ": "6711901"}, "มี 7 หลัก"),
])
def test_figures_that_disagree_are_flagged_not_refused(officer, overrides, expected):
    plan = parse_egp(make_csv([row(**overrides)]), "egp.csv", actor=officer)
    assert plan.errors == [] and len(plan.to_create) == 1
    assert expected in plan.flagged[0].flag


def test_a_bad_row_blocks_the_whole_file(officer, cars):
    rows = [row(), row(รหัสโครงการ="67119000002", **{"งบประมาณ(บาท)": "๑๒,abc"}),
            row(รหัสโครงการ="67119000003", วันที่เกิดรายการ="31 ก.พ. 67"), row(รหัสโครงการ="-"),
            row(รหัสโครงการ="6711-9000-05"), row(รหัสโครงการ="67119000006", **{"วิธีจัดซื้อฯ": "สอบราคา",
                                                                                   "กลุ่มวิธีจัดซื้อฯ": "สอบราคา"}),
            row(รหัสโครงการ="67119000007", ปีงบประมาณ="2025"),
            other_agency(**{"งบประมาณ(บาท)": "not read"})]  # other agencies' rows are not even read
    before = state()
    plan = parse_egp(make_csv(rows), "egp.csv", actor=officer)
    reasons = {error.line: " ".join(error.messages) for error in plan.errors}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8]
    assert "งบประมาณ(บาท): “๑๒,abc” ไม่ใช่ตัวเลข" in reasons[3]
    assert "วันที่เกิดรายการ:" in reasons[4] and "ไม่มีวันที่" in reasons[4]
    assert "รหัสโครงการ: ไม่มีข้อมูล" in reasons[5]
    assert "รหัสโครงการ: “6711-9000-05” ต้องเป็นตัวเลขเท่านั้น" in reasons[6]
    assert "ไม่รู้จักวิธีจัดซื้อจัดจ้าง “สอบราคา" in reasons[7]
    assert "ปีงบประมาณต้องเป็นปี พ.ศ." in reasons[8]
    assert all(THAI_LETTERS.search(reason) for reason in reasons.values())
    with pytest.raises(ImportRefused, match="มีแถวที่ไม่ถูกต้อง 6 แถว"):
        commit_egp(plan, actor=officer)
    assert state() == before


def test_importing_the_same_file_twice_changes_nothing(officer, cars):
    data = make_csv([row(), e_bidding(), flagged(), other_agency()])
    import_file(data, officer)
    before = state()
    plan = parse_egp(data, "egp.csv", actor=officer)
    assert (plan.to_create, plan.to_update, plan.unchanged, plan.has_work) == ([], [], 3, False)
    assert [row.egp_number for row in plan.flagged] == ["67129000111"]  # still shown
    result = commit_egp(plan, actor=officer)
    assert (result.created, result.updated) == ([], [])
    assert state() == before  # no procurement touched, no log entry


def test_a_later_file_updates_by_project_number_with_the_changes_logged(officer, cars):
    import_file(make_csv([e_bidding()]), officer)
    road = Procurement.objects.get()
    later = e_bidding(**{"ราคาตกลงซื้อ/จ้าง": "2,450,000.00", "วันที่เกิดรายการ": "20 ม.ค. 68",
                         "ราคากลาง(บาท)": "-"})  # "-" leaves the recorded reference price as it is
    plan, result = import_file(make_csv([later]), officer)
    assert plan.to_create == [] and [change.procurement.pk for change in plan.to_update] == [road.pk]
    readable = {label: (before, after) for label, before, after in plan.to_update[0].readable_changes}
    assert readable["ราคาที่ตกลงซื้อหรือจ้าง (บาท)"] == ("—", "2,450,000.00")
    assert readable["สถานะ"] == ("ประกาศแล้ว", "ลงนามสัญญา/ใบสั่งแล้ว")
    road.refresh_from_db()
    assert road.status == Procurement.Status.CONTRACTED and road.contract_date == dt.date(2025, 1, 20)
    assert road.reference_price == Decimal("2480000.00") and road.agreed_price == Decimal("2450000.00")
    entry = Entry.objects.get(action="procurement.import_update")
    assert entry.details["changes"]["agreed_price"] == [None, "2450000.00"]
    assert entry.details["changes"]["status"] == ["announced", "contracted"]
    # an older file (no agreed price yet) never takes it back
    plan = parse_egp(make_csv([e_bidding()]), "egp.csv", actor=officer)
    assert plan.to_update == [] and plan.unchanged == 1


def test_a_procurement_past_its_contract_is_not_changed(officer):
    import_file(make_csv([row()]), officer)
    Procurement.objects.update(status=Procurement.Status.ACCEPTED)
    before = state()
    plan = parse_egp(make_csv([row(**{"ราคาตกลงซื้อ/จ้าง": "11,000.00"})]), "egp.csv", actor=officer)
    assert plan.to_update == [] and plan.errors == [] and len(plan.kept) == 1
    assert plan.kept[0].readable_changes == [("ราคาที่ตกลงซื้อหรือจ้าง (บาท)", "12,000.00", "11,000.00")]
    commit_egp(plan, actor=officer)
    assert state() == before


def test_the_specific_method_over_the_limit_records_why(officer):
    big = row(รหัสโครงการ="67119000100", ชื่อโครงการ="ซื้อรถบรรทุกขยะ", **{
        "งบประมาณ(บาท)": "2,000,000", "ราคากลาง(บาท)": "2,000,000", "ราคาตกลงซื้อ/จ้าง": "1,990,000"})
    import_file(make_csv([big]), officer)
    assert Procurement.objects.get().over_limit_reason == "นำเข้าจาก e-GP"


def test_supplier_and_contract_columns_record_the_winner(officer):
    headers = [*HEADERS, "ชื่อผู้ประกอบการ", "เลขประจำตัวผู้เสียภาษี", "เลขที่สัญญา", "วันที่ทำสัญญา"]
    supplied = row(**{"ชื่อผู้ประกอบการ": "อู่ช่างเอก", "เลขประจำตัวผู้เสียภาษี": "3850100012345",
                      "เลขที่สัญญา": "ข 12/2568", "วันที่ทำสัญญา": "2 ธ.ค. 67"})
    data = make_csv([supplied], headers=headers)
    import_file(data, officer)
    repair = Procurement.objects.select_related("winner").get()
    assert (repair.winner.bidder, repair.winner.tax_id, repair.winner.price) == (
        "อู่ช่างเอก", "3850100012345", Decimal("12000.00"))
    assert repair.contract_number == "ข 12/2568" and repair.contract_date == dt.date(2024, 12, 2)
    before = state()
    plan, _result = import_file(data, officer)
    assert plan.unchanged == 1 and state() == before


def test_headers_are_read_with_spaces_and_other_encodings(officer):
    spaced = [" ลำดับ", "รหัสโครงการ ", "ชื่อโครงการ", "ชื่อประเภทโครงการ", "ชื่อหน่วยงาน", "ชื่อหน่วยงานย่อย",
              "วิธีจัดซื้อฯ", "กลุ่มวิธีจัดซื้อฯ", "วันที่ประกาศ", "งบประมาณ (บาท)", "ราคากลาง (บาท)",
              "ราคาตกลงซื้อ/จ้าง", "ปีงบประมาณ", "วันที่เกิดรายการ", "จังหวัด", "หมายเหตุ"]
    data = make_csv([row(ชื่อหน่วยงานย่อย="  เทศบาลตำบล หงาว ")], headers=spaced, encoding="cp874")
    plan = parse_egp(data, "egp.csv", actor=officer)
    assert len(plan.to_create) == 1 and plan.to_create[0].values["amount"] == Decimal("12500.00")
    assert plan.ignored_columns == ["หมายเหตุ"]
    xlsx = write_xlsx(HEADERS, [[row()[header] for header in HEADERS]])
    assert len(parse_egp(xlsx, "egp.xlsx", actor=officer).to_create) == 1


def test_a_repeated_row_is_read_once_and_a_conflicting_one_is_refused(officer):
    plan = parse_egp(make_csv([row(), row(ลำดับ="2")]), "egp.csv", actor=officer)
    assert len(plan.to_create) == 1 and plan.duplicates == 1 and plan.errors == []
    plan = parse_egp(make_csv([row(), row(**{"ราคาตกลงซื้อ/จ้าง": "11,000"})]), "egp.csv", actor=officer)
    assert [error.line for error in plan.errors] == [3] and "ซ้ำกับแถวที่ 2" in plan.errors[0].messages[0]


def test_a_file_that_is_not_e_gp_data_is_refused(officer):
    with pytest.raises(ImportRefused, match="ไม่ใช่ข้อมูลเปิดจาก e-GP") as error:
        parse_egp(make_csv([row()], headers=["ลำดับ", "ชื่อโครงการ", "จังหวัด"]), "egp.csv", actor=officer)
    assert "รหัสโครงการ" in str(error.value) and "งบประมาณ(บาท)" in str(error.value)
    with pytest.raises(ImportRefused, match="ไม่มีแถวข้อมูล"):
        parse_egp(make_csv([]), "egp.csv", actor=officer)


def test_without_the_e_gp_name_the_administrator_is_asked_to_set_it(officer):
    Organization.objects.filter(pk=1).update(egp_name="  ")
    with pytest.raises(ImportRefused, match="ผู้ดูแลระบบ") as error:
        parse_egp(make_csv([row()]), "egp.csv", actor=officer)
    assert "ชื่อหน่วยงานตามที่ระบบ e-GP สะกด" in str(error.value)


def test_only_procurement_managers_may_import(staff_user):
    with pytest.raises(PermissionDenied):
        parse_egp(make_csv([row()]), "egp.csv", actor=staff_user)


# --- the command -----------------------------------------------------------------------------------------------


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_egp", *[str(arg) for arg in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_prints_and_is_idempotent(tmp_path, officer, cars):
    path = tmp_path / "egp.csv"
    path.write_bytes(make_csv([row(), flagged(), other_agency()]))
    out, _err = run(path, "--dry-run")
    assert "3 แถว · ของ เทศบาลตำบลหงาว 2 · สร้างใหม่ 2 · แก้ไข 0 · ไม่เปลี่ยนแปลง 0" in out
    assert "หน่วยงานอื่น (ไม่นำเข้า) 1 · มีข้อสังเกต 1 · ไม่ถูกต้อง 0" in out and "--dry-run" in out
    assert Procurement.objects.count() == 0
    out, _err = run(path, "--actor", officer.username)
    assert "นำเข้าแล้ว: สร้างใหม่ 2 รายการ แก้ไข 0 รายการ เชื่อมกับครุภัณฑ์ 2 รายการ" in out
    assert "ข้อสังเกต แถว 3: 67129000111" in out
    assert set(Entry.objects.filter(action="procurement.import_create").values_list("actor", flat=True)) == {officer.pk}
    before = state()
    out, _err = run(path)
    assert "สร้างใหม่ 0 · แก้ไข 0 · ไม่เปลี่ยนแปลง 2" in out and state() == before


def test_the_command_refuses_bad_rows_and_files_with_a_non_zero_exit(tmp_path, officer):
    path = tmp_path / "egp.csv"
    path.write_bytes(make_csv([row(), row(รหัสโครงการ="67119000002", ปีงบประมาณ="ปีนี้")]))
    before = state()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="ไม่ถูกต้อง 1 แถว"):
        call_command("import_egp", str(path), stdout=out, stderr=err)
    assert "แถว 3: ปีงบประมาณ: “ปีนี้” ไม่ใช่ตัวเลข" in err.getvalue()
    wrong = tmp_path / "egp.pdf"
    wrong.write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError, match=".xlsx และ .csv"):
        run(wrong)
    with pytest.raises(CommandError, match="ไม่มีสิทธิ์"):
        run(path, "--actor", make_user("reader", "staff").username)
    assert state() == before


# --- the pages: upload → preview → confirm ----------------------------------------------------------------------


@pytest.fixture
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, data: bytes, name: str = "egp.csv"):
    return client.post("/procurement/import/", {"file": SimpleUploadedFile(name, data)})


def kept_files() -> list[str]:
    try:
        return default_storage.listdir("imports/egp")[1]
    except FileNotFoundError:
        return []


def body(response) -> str:
    return response.content.decode()


@pytest.mark.usefixtures("_private_media")
def test_upload_preview_confirm(client, officer, cars):
    client.force_login(officer)
    assert client.get("/procurement/import/").status_code == 200
    before = state()
    preview = upload(client, make_csv([row(), flagged(), other_agency()]), "e-GP 2568.csv")
    html = body(preview)
    assert preview.status_code == 200 and "e-GP 2568.csv" in html
    assert "สร้างใหม่ 2 · แก้ไข 0 · ไม่เปลี่ยนแปลง 0 · หน่วยงานอื่น (ไม่นำเข้า) 1 · มีข้อสังเกต 1" in html
    assert "องค์การบริหารส่วนตำบลบางริ้น" in html and "ตั้งแต่ 10 เท่าขึ้นไป" in html
    assert f'href="/assets/{cars[0].pk}/"' in html  # the repaired asset, found from its Thai-digit number
    assert state() == before  # a preview writes nothing
    token = TOKEN.search(html)[1]
    assert kept_files() == [token]
    done = client.post("/procurement/import/confirm/", {"token": token})
    assert done.status_code == 302 and done["Location"] == "/procurement/"
    assert [str(message) for message in get_messages(done.wsgi_request)] == [
        "นำเข้าข้อมูล e-GP แล้ว: สร้างใหม่ 2 รายการ แก้ไข 0 รายการ ไม่เปลี่ยนแปลง 0 รายการ มีข้อสังเกต 1 รายการ"]
    assert Procurement.objects.count() == 2 and LinkedAsset.objects.count() == 2
    assert kept_files() == [] and "egp_import" not in client.session
    again = upload(client, make_csv([row(), flagged(), other_agency()]))
    assert "ไม่เปลี่ยนแปลง 2" in body(again) and 'name="confirm"' not in body(again)
    assert "ไม่มีรายการที่ต้องเพิ่มหรือแก้ไข" in body(again)
    elsewhere = upload(client, make_csv([other_agency()]))
    assert "ไม่พบแถวของ “เทศบาลตำบลหงาว” ในไฟล์" in body(elsewhere) and kept_files() == []


@pytest.mark.usefixtures("_private_media")
def test_bad_rows_are_listed_and_offer_no_confirm(client, officer):
    client.force_login(officer)
    before = state()
    response = upload(client, make_csv([row(), row(รหัสโครงการ="ABC123")]))
    assert response.status_code == 200
    assert re.search(r'<td class="num">3</td><td>รหัสโครงการ: “ABC123” ต้องเป็นตัวเลขเท่านั้น', body(response))
    assert 'name="confirm"' not in body(response) and kept_files() == [] and state() == before


@pytest.mark.usefixtures("_private_media")
@pytest.mark.parametrize("name, data, expected", [
    pytest.param("egp.pdf", b"%PDF-1.4 not a table", "รองรับเฉพาะไฟล์ .xlsx และ .csv", id="pdf"),
    pytest.param("egp.txt", make_csv([row()]), "รองรับเฉพาะไฟล์ .xlsx และ .csv", id="csv named txt"),
    pytest.param("egp.csv", "รหัสโครงการ,ชื่อโครงการ\r\n1,ก\r\n".encode("utf-16-le"), "UTF-8", id="utf-16"),
    pytest.param("egp.xlsx", b"PK\x03\x04 not a workbook", "ไม่ใช่ไฟล์ Excel", id="broken xlsx"),
    pytest.param("egp.csv", b"", "ไฟล์ว่างเปล่า", id="empty"),
    pytest.param("egp.csv", "ชื่อ,ราคา\r\nปากกา,10\r\n".encode(), "ไม่ใช่ข้อมูลเปิดจาก e-GP", id="other csv"),
])
def test_a_file_that_is_not_an_e_gp_csv_is_refused_on_the_page(client, officer, name, data, expected):
    client.force_login(officer)
    before = state()
    response = upload(client, data, name)
    assert response.status_code == 200 and expected in body(response)
    assert state() == before and kept_files() == []


@pytest.mark.usefixtures("_private_media")
def test_cancel_and_stale_confirm(client, officer):
    client.force_login(officer)
    token = TOKEN.search(body(upload(client, make_csv([row()]))))[1]
    stale = client.post("/procurement/import/confirm/", {"token": "0" * 32})
    assert stale.status_code == 200 and "กรุณาอัปโหลดไฟล์อีกครั้ง" in body(stale)
    assert client.get("/procurement/import/confirm/").status_code == 302
    cancelled = client.post("/procurement/import/confirm/", {"token": token, "cancel": "1"})
    assert cancelled.status_code == 302 and kept_files() == [] and Procurement.objects.count() == 0


@pytest.mark.usefixtures("_private_media")
def test_without_the_e_gp_name_the_page_says_so(client, officer):
    Organization.objects.filter(pk=1).update(egp_name="")
    client.force_login(officer)
    assert "ผู้ดูแลระบบ" in body(client.get("/procurement/import/"))
    response = upload(client, make_csv([row()]))
    assert response.status_code == 200 and "ชื่อหน่วยงานตามที่ระบบ e-GP สะกด" in body(response)
    assert Procurement.objects.count() == 0


def test_only_procurement_managers_see_the_pages(client, users_by_role):
    for role, user in users_by_role.items():
        client.force_login(user)
        allowed = role in {"property_officer", "supply_head", "administrator"}
        assert client.get("/procurement/import/").status_code == (200 if allowed else 403), role
        if not allowed:
            assert client.post("/procurement/import/confirm/", {"token": "0" * 32}).status_code == 403
