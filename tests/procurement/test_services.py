"""The procurement rules: the state machine, the specific-method limit, price warnings, penalties with partial
deliveries, acceptance registering exactly N linked assets, asset numbers named in titles, each move logged."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from activity.models import Entry
from assets.models import Asset, BudgetType, Category
from organization.models import Organization
from procurement import services
from procurement.models import Item, LinkedAsset, Method, Procurement
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory

pytestmark = pytest.mark.django_db
S = Procurement.Status
D = dt.date


@pytest.fixture
def officer(db):
    return make_user("p_officer", "staff", "property_officer", division=DivisionFactory(code="KLANG", name="กองคลัง"))


@pytest.fixture
def division(db):
    return DivisionFactory(code="EDU", name="กองการศึกษา")


def create(officer, division, *, method=Method.E_BIDDING, amount="1200000", items=None, **extra):
    computers = Category.objects.get(code="416")
    fields = dict(fiscal_year=2568, title="ซื้อเครื่องคอมพิวเตอร์สำหรับศูนย์พัฒนาเด็กเล็ก", project_type="ซื้อ",
                  division=division, amount=Decimal(amount), reference_price=Decimal("1150000"),
                  reference_source="ราคามาตรฐานครุภัณฑ์", method=method,
                  budget_type=BudgetType.objects.get(code="BUDGET"))
    fields.update(extra)
    if items is None:
        items = [{"description": "เครื่องคอมพิวเตอร์ All In One", "kind": "durable", "category": computers,
                  "quantity": 3, "unit": "เครื่อง", "unit_price": Decimal("23000")},
                 {"description": "กระดาษ A4", "kind": "supplies", "quantity": 10, "unit": "รีม",
                  "unit_price": Decimal("120")}]
    return services.procurement_create(actor=officer, items=items, **fields)


def through_contract(officer, procurement, *, agreed="1100000", due=D(2025, 1, 31), rate="0.2"):
    procurement = services.procurement_announce(actor=officer, procurement=procurement, announced_on=D(2024, 11, 29))
    services.bid_add(actor=officer, procurement=procurement, bidder="บริษัท คอมพ์ไทย จำกัด", price=Decimal("1100000"),
                     address="12 ถนนเรืองราษฎร์ อำเภอเมืองระนอง\x00 จังหวัดระนอง", phone=" 077-812 345 ")
    loser = services.bid_add(actor=officer, procurement=procurement, bidder="หจก. ระนองไอที", price=Decimal("1120000"))
    winner = procurement.bids.order_by("price").first()
    assert loser != winner
    procurement, _warnings = services.procurement_award(actor=officer, procurement=procurement, winner=winner,
                                                        agreed_price=Decimal(agreed), selection_reason="ราคาต่ำสุด")
    return services.procurement_contract(actor=officer, procurement=procurement, contract_number="15/2568",
                                         contract_date=D(2024, 12, 20), delivery_due=due, penalty_rate=Decimal(rate))


def test_the_full_path_is_logged_step_by_step(officer, division):
    procurement = through_contract(officer, create(officer, division))
    services.delivery_record(actor=officer, procurement=procurement, delivered_on=D(2025, 1, 30), value=Decimal("1100000"))
    procurement.refresh_from_db()
    assert procurement.status == S.DELIVERED
    services.procurement_accept(actor=officer, procurement=procurement, accepted_on=D(2025, 2, 3),
                                committee="นายก ประธาน\nนางข กรรมการ")
    services.procurement_close(actor=officer, procurement=procurement)
    actions = list(Entry.objects.filter(object_type__endswith="procurement").order_by("id").values_list("action", flat=True))
    assert actions == ["procurement.create", "procurement.announce", "procurement.bid", "procurement.bid",
                       "procurement.award", "procurement.contract", "procurement.delivery", "procurement.accept",
                       "procurement.close"]


def test_refused_moves(officer, division):
    procurement = create(officer, division)
    with pytest.raises(ValidationError, match="ต้องประกาศเชิญชวนก่อน"):
        services.bid_add(actor=officer, procurement=procurement, bidder="x", price=1)
    for move in (lambda: services.procurement_close(actor=officer, procurement=procurement),
                 lambda: services.procurement_accept(actor=officer, procurement=procurement, accepted_on=D(2025, 1, 1),
                                                     committee="x"),
                 lambda: services.delivery_record(actor=officer, procurement=procurement, delivered_on=D(2025, 1, 1),
                                                  value=1)):
        with pytest.raises(ValidationError):
            move()
    procurement = through_contract(officer, procurement)
    with pytest.raises(ValidationError, match="ทำรายการนี้ไม่ได้"):
        services.procurement_cancel(actor=officer, procurement=procurement, reason="ไม่ใช้แล้ว")
    with pytest.raises(ValidationError, match="ทำรายการนี้ไม่ได้"):
        services.procurement_announce(actor=officer, procurement=procurement, announced_on=D(2025, 1, 1))
    assert Procurement.objects.get().status == S.CONTRACTED


def test_cancel_needs_a_reason_and_only_before_the_contract(officer, division):
    procurement = create(officer, division)
    with pytest.raises(ValidationError, match="เหตุผล"):
        services.procurement_cancel(actor=officer, procurement=procurement, reason="  ")
    cancelled = services.procurement_cancel(actor=officer, procurement=procurement, reason="งบประมาณถูกโอนไปใช้งานอื่น")
    assert cancelled.status == S.CANCELLED
    assert Entry.objects.get(action="procurement.cancel").details["reason"] == "งบประมาณถูกโอนไปใช้งานอื่น"


def test_only_the_supply_unit_keeps_the_register(division):
    for role in ("staff", "division_head", "auditor", "agency_head"):
        with pytest.raises(PermissionDenied):
            create(make_user(f"u_{role}", role, division=division), division)


def test_the_specific_method_limit_is_editable_and_exceeding_it_needs_a_reason(officer, division):
    with pytest.raises(ValidationError, match="500,000.00"):
        create(officer, division, method=Method.SPECIFIC, amount="500000.01")
    assert create(officer, division, method=Method.SPECIFIC, amount="500000").method == Method.SPECIFIC
    over = create(officer, division, method=Method.SPECIFIC, amount="650000", over_limit_reason="ผู้ผลิตรายเดียว")
    assert over.over_limit_reason == "ผู้ผลิตรายเดียว"
    Organization.objects.filter(pk=1).update(specific_method_limit=Decimal("100000"))
    with pytest.raises(ValidationError, match="100,000.00"):
        create(officer, division, method=Method.SPECIFIC, amount="150000")


def test_the_specific_method_takes_its_offer_without_an_invitation(officer, division):
    procurement = create(officer, division, method=Method.SPECIFIC, amount="45000")
    services.bid_add(actor=officer, procurement=procurement, bidder="ร้านหงาวพาณิชย์", price=Decimal("44500"))
    assert Procurement.objects.get().status == S.BIDS_RECEIVED


def test_price_warnings(officer, division):
    procurement = create(officer, division, amount="100000", reference_price=Decimal("90000"))
    procurement = services.procurement_announce(actor=officer, procurement=procurement, announced_on=D(2024, 11, 1))
    bid = services.bid_add(actor=officer, procurement=procurement, bidder="ร้าน ก", price=Decimal("105000"))
    procurement, warnings = services.procurement_award(actor=officer, procurement=procurement, winner=bid,
                                                       agreed_price=Decimal("105000"), selection_reason="รายเดียว")
    assert "สูงกว่าวงเงิน" in warnings[0] and "สูงกว่าราคากลาง" in warnings[1]
    assert "ไม่เท่ากับราคาที่ตกลง" in warnings[2] and len(warnings) == 3  # the items add up to 70,200
    assert Entry.objects.get(action="procurement.award").details["warnings"] == warnings
    within = create(officer, division, amount="100000", reference_price=Decimal("95000"), title="ซื้อโต๊ะ")
    within.agreed_price = Decimal("70200")  # the items' total
    assert services.price_warnings(within) == []


def test_penalty_rate_times_late_value_times_days_with_partial_deliveries(officer, division):
    procurement = through_contract(officer, create(officer, division), agreed="1000000", due=D(2025, 1, 31), rate="0.1")
    services.delivery_record(actor=officer, procurement=procurement, delivered_on=D(2025, 1, 20), value=Decimal("600000"))
    services.delivery_record(actor=officer, procurement=procurement, delivered_on=D(2025, 2, 10), value=Decimal("300000"))
    procurement.refresh_from_db()
    penalty = services.penalty(procurement, as_of=D(2025, 2, 20))
    # On time: 600,000 (no penalty). 300,000 ten days late: 0.1% × 300,000 × 10 = 3,000.
    # 100,000 still not delivered on 20 Feb, twenty days late: 0.1% × 100,000 × 20 = 2,000.
    assert [(line.value, line.days_late, line.amount) for line in penalty.lines] == [
        (Decimal("300000.00"), 10, Decimal("3000.00")), (Decimal("100000.00"), 20, Decimal("2000.00"))]
    assert penalty.total == Decimal("5000.00")
    with pytest.raises(ValidationError, match="เกินมูลค่าที่ยังไม่ได้ส่งมอบ"):
        services.delivery_record(actor=officer, procurement=procurement, delivered_on=D(2025, 2, 21), value=Decimal("100000.01"))
    services.delivery_record(actor=officer, procurement=procurement, delivered_on=D(2025, 2, 21), value=Decimal("100000"))
    procurement.refresh_from_db()
    assert procurement.status == S.DELIVERED
    final = services.penalty(procurement, as_of=D(2025, 3, 30))
    assert final.total == Decimal("3000.00") + Decimal("2100.00")  # the last 100,000 came 21 days late


def test_acceptance_registers_exactly_n_linked_assets_with_numbers(officer, division):
    procurement = through_contract(officer, create(officer, division))
    services.delivery_record(actor=officer, procurement=procurement, delivered_on=D(2025, 1, 30), value=Decimal("1100000"))
    before = Asset.objects.count()
    assets = services.procurement_accept(actor=officer, procurement=procurement, accepted_on=D(2025, 2, 3),
                                         committee="นายก ประธาน")
    assert len(assets) == 3 and Asset.objects.count() == before + 3
    numbers = sorted(asset.number for asset in assets)
    assert numbers == ["416-68-0001", "416-68-0002", "416-68-0003"]
    for asset in Asset.objects.filter(pk__in=[a.pk for a in assets]):
        assert asset.unit_price == Decimal("23000.00") and asset.vendor_name == "บริษัท คอมพ์ไทย จำกัด"
        assert asset.vendor_address == "12 ถนนเรืองราษฎร์ อำเภอเมืองระนอง จังหวัดระนอง"  # the winner's, as typed
        assert asset.vendor_phone == "077-812 345"
        assert asset.document_number == "15/2568" and asset.budget_type.code == "BUDGET"
        assert asset.acquired_on == D(2025, 2, 3) and asset.division == division
        assert asset.acquisition_method.code == "BUY"
    links = LinkedAsset.objects.filter(procurement=procurement)
    assert links.count() == 3 and set(links.values_list("kind", flat=True)) == {LinkedAsset.Kind.ACQUIRED}
    assert list(Item.objects.filter(procurement=procurement).values_list("received_quantity", flat=True)) == [3, 10]
    entry = Entry.objects.get(action="procurement.accept")
    assert entry.details["registered"] == 3 and entry.details["supplies"] == ["กระดาษ A4 10 รีม"]
    assert set(entry.asset_links.values_list("asset_id", flat=True)) == {asset.pk for asset in assets}
    assert Entry.objects.filter(action="asset.register").count() >= 3


def test_acceptance_needs_a_committee_and_a_date_after_delivery(officer, division):
    procurement = through_contract(officer, create(officer, division))
    services.delivery_record(actor=officer, procurement=procurement, delivered_on=D(2025, 1, 30), value=Decimal("1100000"))
    with pytest.raises(ValidationError, match="คณะกรรมการ"):
        services.procurement_accept(actor=officer, procurement=procurement, accepted_on=D(2025, 2, 3), committee="")
    with pytest.raises(ValidationError, match="ไม่ก่อนวันที่ส่งมอบ"):
        services.procurement_accept(actor=officer, procurement=procurement, accepted_on=D(2025, 1, 29), committee="x")
    assert not LinkedAsset.objects.exists()


def test_a_repair_title_links_the_assets_it_names_in_thai_digits(officer, division):
    car = AssetFactory(number="001-51-0003", name="รถยนต์ส่วนกลาง", division=division)
    other = AssetFactory(number="001-51-0004", name="รถยนต์กู้ชีพ", division=division)
    procurement = create(officer, division, method=Method.SPECIFIC, amount="8500", items=[],
                         title="จ้างซ่อมแซมรถยนต์ส่วนกลาง หมายเลขครุภัณฑ์ ๐๐๑-๕๑-๐๐๐๓ และ 001-51-0004 โดยวิธีเฉพาะเจาะจง")
    assert set(LinkedAsset.objects.filter(procurement=procurement).values_list("asset", flat=True)) == {car.pk, other.pk}
    assert Entry.objects.get(action="procurement.link_assets").details["numbers"] == ["001-51-0003", "001-51-0004"]


def test_an_asset_page_shows_its_repairs_and_their_cost(client, officer, division):
    car = AssetFactory(number="001-51-0003", name="รถยนต์ส่วนกลาง", division=division)
    create(officer, division, method=Method.SPECIFIC, amount="8500", items=[],
           title="จ้างซ่อมแซมรถยนต์ หมายเลขครุภัณฑ์ ๐๐๑-๕๑-๐๐๐๓")
    create(officer, division, method=Method.SPECIFIC, amount="1500", items=[],
           title="จ้างเปลี่ยนยางรถยนต์ ครุภัณฑ์เลขที่ 001-51-0003")
    client.force_login(officer)
    page = client.get(f"/assets/{car.pk}/").content.decode()
    assert "จ้างซ่อมแซมรถยนต์" in page and "10,000.00" in page


@pytest.mark.parametrize("title, numbers", [
    ("จ้างซ่อมแซมรถยนต์ส่วนกลาง หมายเลขครุภัณฑ์ ๐๐๑-๕๑-๐๐๐๓ โดยวิธีเฉพาะเจาะจง", ["๐๐๑-๕๑-๐๐๐๓"]),
    ("ซ่อมเครื่องปรับอากาศ หมายเลขครุภัณฑ์ 420-58-0001, 420-58-0002 และ ๔๒๐-๕๘-๐๐๐๓ จำนวน 3 เครื่อง",
     ["420-58-0001", "420-58-0002", "๔๒๐-๕๘-๐๐๐๓"]),
    ("ซื้อวัสดุสำนักงาน 10 รายการ", []),
    ("ซื้อครุภัณฑ์คอมพิวเตอร์ 2 เครื่อง", []),
    ("ซ่อมรถบรรทุกขยะ (ครุภัณฑ์เลขที่ 003.55.0001) ของกองสาธารณสุข", ["003.55.0001"]),
    # The ways of DOMAIN.md section 3, as issue 15 quotes them from e-GP open data:
    ("จ้างซ่อมเครื่องปรับอากาศ รหัส ๔๑๗ ๖๐ ๐๐๐๕ โดยวิธีเฉพาะเจาะจง", ["๔๑๗ ๖๐ ๐๐๐๕"]),
    ("จ้างซ่อมเครื่องคอมพิวเตอร์ รหัสครุภัณฑ์ ๔๑๖ ๖๓ ๐๐๖๑ จำนวน ๑ เครื่อง", ["๔๑๖ ๖๓ ๐๐๖๑"]),
    ("จ้างซ่อมรถบรรทุกน้ำ หมายเลข ๔๘๐-๕๗-๐๐๐๗ และหมายเลข ๔๘๐-๕๗-๐๐๑๑ โดยวิธีเฉพาะเจาะจง",
     ["๔๘๐-๕๗-๐๐๐๗", "๔๘๐-๕๗-๐๐๑๑"]),
    ("จ้างซ่อมเครื่องพิมพ์ รหัสพัสดุ 714-65-0002 ของกองคลัง", ["714-65-0002"]),
    ("จ้างซ่อมรถจักรยานยนต์ หมายเลข นค ๔๔๒-๕๗-๐๐๐๑", ["นค ๔๔๒-๕๗-๐๐๐๑"]),
    ("จ้างซ่อมเครื่องถ่ายเอกสาร รหัสสินทรัพย์ ๔๐๒-๕๒๑๐๒๗-๐๐๐๐๑", ["๔๐๒-๕๒๑๐๒๗-๐๐๐๐๑"]),
    ("จ้างซ่อมรถยนต์ หมายเลขทะเบียน กข 1234 ระนอง", []),
    ("จ้างซ่อมรถยนต์ หมายเลขครุภัณฑ์ 001 - 51 - 0003 จำนวน 2 รายการ", ["001-51-0003"]),
])
def test_asset_numbers_in_titles(title, numbers):
    assert services.asset_numbers_in(title) == numbers


def test_bad_fields_are_refused_with_thai_messages(officer, division):
    for extra, message in (({"title": " "}, "งานที่จัดซื้อ"), ({"fiscal_year": 68}, "ปีงบประมาณ"),
                           ({"amount": Decimal("-1")}, "วงเงิน"), ({"method": "auction"}, "วิธีซื้อ"),
                           ({"egp_number": "67A"}, "e-GP")):
        with pytest.raises(ValidationError, match=message):
            create(officer, division, **extra)
    with pytest.raises(ValidationError, match="ประเภทครุภัณฑ์"):
        create(officer, division, items=[{"description": "โต๊ะ", "kind": "durable", "quantity": 1, "unit_price": 1}])
    assert not Procurement.objects.exists()


def test_publication_refuses_a_future_date_and_a_duplicate_leaves_no_file(officer, settings, tmp_path):
    from procurement.models import Publication

    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="อนาคต"):
        services.publication_record(actor=officer, kind="plan", fiscal_year=2568, published_on=today + dt.timedelta(days=1),
                                    where="บอร์ดประชาสัมพันธ์")
    services.publication_record(actor=officer, kind="plan", fiscal_year=2568, published_on=today, where="บอร์ด",
                                content=b"%PDF-1.7 a", file_name="plan.pdf")
    with pytest.raises(ValidationError, match="ไว้แล้ว"):
        services.publication_record(actor=officer, kind="plan", fiscal_year=2568, published_on=today, where="บอร์ด",
                                    content=b"%PDF-1.7 b", file_name="plan.pdf")
    assert Publication.objects.count() == 1
    assert len([path for path in tmp_path.rglob("*.pdf")]) == 1
    assert Entry.objects.filter(action="procurement.publish").count() == 1


def test_a_summary_is_not_published_before_the_period_it_sums_up_ends(officer, time_machine):
    from procurement.models import Publication

    time_machine.move_to(dt.datetime(2026, 10, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
    with pytest.raises(ValidationError, match="ก่อนวันสิ้นเดือน"):
        services.publication_record(actor=officer, kind="monthly", fiscal_year=2569, month=dt.date(2025, 12, 1),
                                    published_on=dt.date(2025, 12, 30), where="บอร์ด")
    with pytest.raises(ValidationError, match="ก่อนสิ้นปีงบประมาณ"):
        services.publication_record(actor=officer, kind="yearly", fiscal_year=2569, published_on=dt.date(2026, 9, 29),
                                    where="บอร์ด")
    with pytest.raises(ValidationError, match="ปีงบประมาณ"):
        services.publication_record(actor=officer, kind="yearly", fiscal_year=None, published_on=dt.date(2026, 9, 29),
                                    where="บอร์ด")
    assert not Publication.objects.exists()
    services.publication_record(actor=officer, kind="monthly", fiscal_year=2569, month=dt.date(2025, 12, 1),
                                published_on=dt.date(2025, 12, 31), where="บอร์ด")
    services.publication_record(actor=officer, kind="yearly", fiscal_year=2568, published_on=dt.date(2025, 10, 3),
                                where="บอร์ด")
    assert Publication.objects.count() == 2


def test_an_imported_contract_gets_its_terms_before_deliveries(officer, division):
    procurement = create(officer, division, items=[])
    Procurement.objects.filter(pk=procurement.pk).update(status=S.CONTRACTED, agreed_price=Decimal("1000"),
                                                         contract_date=D(2025, 1, 5))  # as the e-GP import leaves it
    procurement.refresh_from_db()
    with pytest.raises(ValidationError, match="กำหนดส่งมอบ"):
        services.delivery_record(actor=officer, procurement=procurement, delivered_on=D(2025, 1, 20), value=Decimal("1000"))
    services.procurement_contract(actor=officer, procurement=procurement, contract_number="9/2568",
                                  contract_date=D(2025, 1, 5), delivery_due=D(2025, 1, 31), penalty_rate=Decimal("0.1"))
    services.delivery_record(actor=officer, procurement=procurement, delivered_on=D(2025, 1, 20), value=Decimal("1000"))
    assert Procurement.objects.get(pk=procurement.pk).status == S.DELIVERED


def test_thai_digit_egp_numbers_are_stored_in_arabic_digits(officer, division):
    procurement = create(officer, division, egp_number="๖๗๑๑๙๐๑๒๓๔๕")
    assert procurement.egp_number == "67119012345"
    with pytest.raises(ValidationError, match="e-GP"):
        create(officer, division, egp_number="²³")


def test_only_who_registers_assets_records_an_acceptance(officer, division):
    supply_head = make_user("supply", "staff", "supply_head", division=division)
    procurement = through_contract(officer, create(officer, division))
    services.delivery_record(actor=officer, procurement=procurement, delivered_on=D(2025, 1, 30), value=Decimal("1100000"))
    with pytest.raises(ValidationError, match="เจ้าหน้าที่พัสดุ"):
        services.procurement_accept(actor=supply_head, procurement=procurement, accepted_on=D(2025, 2, 3), committee="x")
    with pytest.raises(ValidationError, match="อนาคต"):
        services.procurement_accept(actor=officer, procurement=procurement, accepted_on=timezone.localdate() + dt.timedelta(days=2),
                                    committee="x")


def test_steps_dated_in_the_future_or_out_of_order_are_refused(officer, division):
    today = timezone.localdate()
    procurement = create(officer, division)
    with pytest.raises(ValidationError, match="อนาคต"):
        services.procurement_announce(actor=officer, procurement=procurement, announced_on=today + dt.timedelta(days=1))
    procurement = services.procurement_announce(actor=officer, procurement=procurement, announced_on=D(2024, 11, 29))
    with pytest.raises(ValidationError, match="ก่อนวันที่ประกาศ"):
        services.publication_record(actor=officer, kind="announcement", fiscal_year=2568, procurement=procurement,
                                    published_on=D(2024, 11, 28), where="บอร์ด")
    bid = services.bid_add(actor=officer, procurement=procurement, bidder="บริษัท คอมพ์ไทย จำกัด", price=Decimal("1100000"))
    procurement, _warnings = services.procurement_award(actor=officer, procurement=procurement, winner=bid,
                                                        agreed_price=Decimal("1100000"), selection_reason="ราคาต่ำสุด")
    contract = dict(actor=officer, procurement=procurement, contract_number="15/2568", penalty_rate=Decimal("0.2"))
    with pytest.raises(ValidationError, match="ก่อนวันที่ประกาศ"):
        services.procurement_contract(**contract, contract_date=D(2024, 11, 1), delivery_due=D(2025, 1, 31))
    with pytest.raises(ValidationError, match="อนาคต"):
        services.procurement_contract(**contract, contract_date=today + dt.timedelta(days=2),
                                      delivery_due=today + dt.timedelta(days=30))
    assert Procurement.objects.get(pk=procurement.pk).status == S.AWARDED


def test_one_offer_per_bidder_a_real_tax_id_and_a_warning_when_agreed_above_the_offer(officer, division):
    procurement = create(officer, division, method=Method.SPECIFIC, amount="100000", reference_price=Decimal("95000"))
    bid = services.bid_add(actor=officer, procurement=procurement, bidder="ร้านหงาวคอมพิวเตอร์", price=Decimal("87900"),
                           tax_id="๐-๑๐๕-๕๕๖๗-๐๑๒๓-๔")
    assert bid.tax_id == "0105556701234"
    with pytest.raises(ValidationError, match="ไว้แล้ว"):
        services.bid_add(actor=officer, procurement=procurement, bidder=" ร้านหงาวคอมพิวเตอร์ ", price=Decimal("87900"))
    with pytest.raises(ValidationError, match="13 หลัก"):
        services.bid_add(actor=officer, procurement=procurement, bidder="ร้านอื่น", price=Decimal("88000"), tax_id="abc")
    assert procurement.bids.count() == 1
    procurement, warnings = services.procurement_award(actor=officer, procurement=procurement, winner=bid,
                                                       agreed_price=Decimal("95000"), selection_reason="รายเดียว")
    assert any("สูงกว่าราคาที่ ร้านหงาวคอมพิวเตอร์ เสนอ 87,900.00 บาท" in warning for warning in warnings)


def test_a_title_finds_the_asset_however_its_number_is_written(officer, division):
    """รหัส ๔๑๗ ๖๐ ๐๐๐๕ is 417-60-0005 (the same without separators); นค ๔๔๒-๕๗-๐๐๐๑ is 442-57-0001 when the register
    has no number with the series; a number two assets share without separators links neither."""
    aircon = AssetFactory(number="417-60-0005", division=division)
    bike = AssetFactory(number="442-57-0001", division=division)
    AssetFactory(number="416-63-0061", division=division)
    AssetFactory(number="41663-0061", division=division)
    procurement = create(officer, division, method=Method.SPECIFIC, amount="8500", items=[],
                         title="จ้างซ่อมเครื่องปรับอากาศ รหัส ๔๑๗ ๖๐ ๐๐๐๕ และรถจักรยานยนต์ หมายเลข นค ๔๔๒-๕๗-๐๐๐๑ "
                               "และเครื่องคอมพิวเตอร์ รหัสครุภัณฑ์ ๔๑๖ ๖๓ ๐๐๖๑")
    assert set(LinkedAsset.objects.filter(procurement=procurement).values_list("asset_id", flat=True)) == {
        aircon.pk, bike.pk}
