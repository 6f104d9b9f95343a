"""The e-GP import reads the files as they are published (tests/procurement/egp_shapes.py names the sources): the
FY 2568 contract CSV with the generic list of method groups in either method column, the FY 2569 bulk export's
renamed headers, the supplier and contract columns (taxpayer ID kept), UTF-8 with or without a BOM and
Windows-874; the copy whose header lacks two names is refused, saying so; rows of an agency of the same name in
another province are not ours; asset numbers in titles are found however they are written; an imported
procurement is not in the annual plan until marked, and one without a winner can have its result recorded."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from activity.models import Entry
from organization.models import Organization
from procurement import disclosure, services
from procurement.egp import ImportRefused, commit_egp, parse_egp
from procurement.models import LinkedAsset, Method, Procurement
from tests.factories import AssetFactory
from tests.procurement.egp_shapes import (BUS_LEASE_2569, FY2568_HEADERS, FY2568_HEADERS_AS_PUBLISHED,
                                          FY2569_HEADERS, FY2569_NAMES, GROUP_LIST, OURS, RAILWAY_2568, csv_bytes,
                                          ours)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _organisation(db):
    Organization.objects.filter(pk=1).update(egp_name=OURS, province="ระนอง")


def fy2568_rows() -> list[dict]:
    return [
        RAILWAY_2568,
        ours("67119012345", "จ้างซ่อมเครื่องปรับอากาศ รหัส ๔๑๗ ๖๐ ๐๐๐๕ โดยวิธีเฉพาะเจาะจง"),
        ours("67119012346", "จ้างซ่อมรถบรรทุกน้ำ หมายเลข ๔๘๐-๕๗-๐๐๐๗ และหมายเลข ๔๘๐-๕๗-๐๐๑๑ โดยวิธีเฉพาะเจาะจง",
             group_first=False, supplier="ร้านระนองการช่าง", tax_id="3850100123456", contract="จ.32/2568"),
        ours("67109876543", "ประกวดราคาจ้างก่อสร้างถนนคอนกรีตเสริมเหล็ก หมู่ที่ 3 บ้านหงาว",
             method="ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)", amount="2450000", reference="2438000",
             agreed="2390000", announced="15 ต.ค. 67", on="20 ธ.ค. 67", supplier="หจก.หงาวก่อสร้าง",
             tax_id="0853555000111", contract="จ.5/2568", **{"ชื่อประเภทโครงการ": "จ้างก่อสร้าง"}),
        ours("67129000999", "ซื้อวัสดุสำนักงาน โดยวิธีเฉพาะเจาะจง", province="เชียงราย"),  # another เทศบาลตำบลหงาว
    ]


def test_the_fy_2568_file_as_published_is_read_row_by_row(officer):
    """The generic list of method groups in วิธีจัดซื้อฯ on some rows and in กลุ่มวิธีจัดซื้อฯ on others names no
    method: the other column does. Supplier, taxpayer ID, contract number and date are kept."""
    aircon = AssetFactory(number="417-60-0005")
    trucks = [AssetFactory(number="480-57-0007"), AssetFactory(number="480-57-0011")]
    plan = parse_egp(csv_bytes(FY2568_HEADERS, fy2568_rows()), "egp-2568.csv", actor=officer)
    assert plan.errors == [] and plan.ignored_columns == []
    assert plan.rows == 5 and len(plan.to_create) == 3 and plan.other_rows == 2 and plan.same_name_elsewhere == 1
    assert dict(plan.top_other_agencies) == {"ฝ่ายโครงการพิเศษและก่อสร้าง": 1, f"{OURS} (จังหวัดเชียงราย)": 1}
    commit_egp(plan, actor=officer)
    repair, trucks_repair, road = (Procurement.objects.get(egp_number=number)
                                   for number in ("67119012345", "67119012346", "67109876543"))
    assert (repair.method, trucks_repair.method, road.method) == (Method.SPECIFIC, Method.SPECIFIC, Method.E_BIDDING)
    assert trucks_repair.winner.bidder == "ร้านระนองการช่าง" and trucks_repair.winner.tax_id == "3850100123456"
    assert road.contract_number == "จ.5/2568" and road.contract_date == dt.date(2024, 12, 20)
    assert road.announced_on == dt.date(2024, 10, 15) and road.agreed_price == Decimal("2390000.00")
    assert road.status == Procurement.Status.CONTRACTED
    linked = dict(LinkedAsset.objects.values_list("asset_id", "procurement__egp_number"))
    assert linked == {aircon.pk: "67119012345", trucks[0].pk: "67119012346", trucks[1].pk: "67119012346"}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp874"])
def test_the_fy_2569_bulk_export_is_read_by_its_own_headers(officer, encoding):
    rows = [BUS_LEASE_2569,
            ours("68119000123", "จ้างซ่อมเครื่องพิมพ์ รหัสพัสดุ 714-65-0002 ของกองคลัง", year="2569", on="3 ธ.ค. 68",
                 contract="จ.7/2569", group_first=False)]
    plan = parse_egp(csv_bytes(FY2569_HEADERS, rows, encoding=encoding, names=FY2569_NAMES), "2569-egp-contract-1.csv",
                     actor=officer)
    assert plan.errors == [] and plan.ignored_columns == [] and plan.other_rows == 1
    commit_egp(plan, actor=officer)
    printer = Procurement.objects.get(egp_number="68119000123")
    assert printer.fiscal_year == 2569 and printer.method == Method.SPECIFIC and printer.agreed_price == Decimal("12000")
    assert printer.contract_date == dt.date(2025, 12, 3) and printer.winner.tax_id == "0855560000123"
    assert printer.title == "จ้างซ่อมเครื่องพิมพ์ รหัสพัสดุ 714-65-0002 ของกองคลัง"


def test_the_copy_whose_header_lacks_two_names_is_refused_saying_so(officer):
    """26 names over rows of 28 values: every column after จังหวัด would be read under the wrong name (the
    supplier as a date). Nothing is read; the message names the row, the counts and what to do."""
    data = csv_bytes(FY2568_HEADERS_AS_PUBLISHED, fy2568_rows(), values_per_row=28)
    before = (Procurement.objects.count(), Entry.objects.count())
    with pytest.raises(ImportRefused) as refused:
        parse_egp(data, "egp-2568.csv", actor=officer)
    message = str(refused.value)
    assert "หัวตารางมี 26 ชื่อ แต่แถวที่ 2 มี 28 ค่า" in message and "“อำเภอ” และ “ตำบล”" in message
    assert (Procurement.objects.count(), Entry.objects.count()) == before


def test_a_header_short_of_names_anywhere_is_refused(officer):
    headers = [name for name in FY2568_HEADERS if name != "สถานะสัญญา"]
    with pytest.raises(ImportRefused, match="หัวตารางมี 27 ชื่อ แต่แถวที่ 2 มี 28 ค่า"):
        parse_egp(csv_bytes(headers, [ours("67119012345", "ซื้อหมึก")], values_per_row=28), "x.csv", actor=officer)


def test_the_group_list_after_a_method_still_reads_the_method(officer):
    row = ours("67119012345", "ซื้อหมึก", **{"วิธีจัดซื้อฯ": f"เฉพาะเจาะจง / {GROUP_LIST}", "กลุ่มวิธีจัดซื้อฯ": ""})
    plan = parse_egp(csv_bytes(FY2568_HEADERS, [row]), "x.csv", actor=officer)
    assert plan.errors == [] and plan.to_create[0].values["method"] == Method.SPECIFIC
    only_the_list = ours("67119012346", "ซื้อหมึก", **{"วิธีจัดซื้อฯ": GROUP_LIST, "กลุ่มวิธีจัดซื้อฯ": GROUP_LIST})
    plan = parse_egp(csv_bytes(FY2568_HEADERS, [only_the_list]), "x.csv", actor=officer)
    assert len(plan.errors) == 1 and "ไม่รู้จักวิธีจัดซื้อจัดจ้าง" in plan.errors[0].messages[0]


def test_the_name_followed_by_where_it_is_is_ours_and_a_longer_name_is_not(officer):
    rows = [ours("67119012345", "ซื้อหมึก", **{"ชื่อหน่วยงานย่อย": f"{OURS} อำเภอเมืองระนอง จังหวัดระนอง"}),
            ours("67119012346", "ซื้อหมึก", **{"ชื่อหน่วยงานย่อย": f"{OURS}ใหม่"})]
    plan = parse_egp(csv_bytes(FY2568_HEADERS, rows), "x.csv", actor=officer)
    assert [row.egp_number for row in plan.to_create] == ["67119012345"] and plan.other_rows == 1


def test_an_imported_procurement_is_not_in_the_plan_until_marked(officer):
    planned = services.procurement_create(actor=officer, fiscal_year=2568, title="ซื้อเครื่องพิมพ์", amount="24000",
                                          method=Method.SPECIFIC, egp_number="67119012345")
    plan = parse_egp(csv_bytes(FY2568_HEADERS, fy2568_rows()), "egp-2568.csv", actor=officer)
    commit_egp(plan, actor=officer)
    assert Procurement.objects.get(pk=planned.pk).in_plan  # updated by the file, still the officer's plan
    road = Procurement.objects.get(egp_number="67109876543")
    assert not road.in_plan
    assert [p.egp_number for p in disclosure.plan_procurements(2568)] == ["67119012345"]
    services.procurement_plan_mark(actor=officer, procurement=road, in_plan=True)
    assert {p.egp_number for p in disclosure.plan_procurements(2568)} == {"67119012345", "67109876543"}
    assert Entry.objects.filter(action="procurement.plan_mark", object_id=str(road.pk)).count() == 1


def test_an_import_without_a_winner_can_have_its_result_recorded(client, officer):
    """A file without supplier columns gives an agreed price and no winner: the officer records who it was, and
    the month's สขร.1 names them."""
    headers = FY2568_HEADERS[:15]
    plan = parse_egp(csv_bytes(headers, [ours("67119012345", "จ้างซ่อมรถยนต์ส่วนกลาง")]), "x.csv", actor=officer)
    commit_egp(plan, actor=officer)
    repair = Procurement.objects.get(egp_number="67119012345")
    assert repair.winner is None and repair.status == Procurement.Status.CONTRACTED
    client.force_login(officer)
    page = client.get(f"/procurement/{repair.pk}/").content.decode()
    assert "ไม่อยู่ในแผน (นำเข้าจาก e-GP)" in page and 'action="/procurement/%s/result/"' % repair.pk in page
    response = client.post(f"/procurement/{repair.pk}/result/", {
        "result-bidder": "อู่หงาวการช่าง", "result-tax_id": "๐-๘๕๕๕-๖๐๐๐๐-๑๒-๓", "result-price": "12,000",
        "result-selection_reason": "ราคาเหมาะสม"}, follow=True)
    assert "บันทึกผู้ได้รับการคัดเลือกแล้ว" in response.content.decode()
    repair.refresh_from_db()
    assert repair.winner.bidder == "อู่หงาวการช่าง" and repair.winner.tax_id == "0855560000123"
    line = next(p for p in disclosure.sor_khor_1(2567, 11).procurements if p.pk == repair.pk)
    assert line.winner.bidder == "อู่หงาวการช่าง"
    with pytest.raises(ValidationError, match="ไว้แล้ว"):
        services.procurement_result_record(actor=officer, procurement=repair, bidder="อื่น", price="1",
                                           selection_reason="x")
    assert '/result/' not in client.get(f"/procurement/{repair.pk}/").content.decode()


def test_a_result_is_recorded_only_past_the_award(officer):
    planned = services.procurement_create(actor=officer, fiscal_year=2568, title="ซื้อเครื่องพิมพ์", amount="24000",
                                          method=Method.SPECIFIC)
    with pytest.raises(ValidationError, match="ผ่านการคัดเลือกแล้ว"):
        services.procurement_result_record(actor=officer, procurement=planned, bidder="ร้าน", price="1",
                                           selection_reason="x")
    assert planned.bids.count() == 0


def test_importing_the_published_file_again_changes_nothing(officer):
    data = csv_bytes(FY2568_HEADERS, fy2568_rows())
    commit_egp(parse_egp(data, "egp-2568.csv", actor=officer), actor=officer)
    before = (list(Procurement.objects.values_list("pk", "updated_at")), Entry.objects.count())
    again = parse_egp(data, "egp-2568.csv", actor=officer)
    assert not again.has_work and again.unchanged == 3
    commit_egp(again, actor=officer)
    assert (list(Procurement.objects.values_list("pk", "updated_at")), Entry.objects.count()) == before
