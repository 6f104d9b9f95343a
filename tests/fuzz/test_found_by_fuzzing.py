"""What the bad-input tests found, pinned down as plain examples (they fail on PostgreSQL with a 500, or on
SQLite by storing what PostgreSQL cannot, without the fixes):

- a NUL character posted to a view that reads request.POST itself (no Django form to refuse it) reached the
  database: a loan's moves, the manual, the publish forms, the annual report's edit form, an inspection
  sheet's note or reason, the counting endpoint's note;
- an asset number whose upper case is longer than itself ("ß" → "SS") gave a key longer than its column;
- an .xlsx cell "_x0000_" (Excel's escape for a NUL) reached the imports as a NUL (the test is in
  test_fuzz_assets.py);
- the manual's title was stored as long as it was typed, past its column's 200 characters;
- an id past 64 bits in the label page's ?ids= (9223372036854775808) reached SQLite as a number it cannot
  hold (OverflowError, a 500);
- a unit price of "sNaN" (a signalling NaN, which Decimal accepts) on the procurement edit form: the formset
  compared it with the item's price before refusing it, and comparing a signalling NaN raises (a 500).
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from assets.models import Asset, Category
from audits import services as audits
from audits.models import Line
from loans import services as loans
from loans.models import Loan
from organization.models import Organization
from procurement import services as procurement_services
from procurement.models import Method
from reports import annual
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory
from tests.fuzz.support import assert_stored_rows_valid, database_state

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NUL = "ก\x00ข <script>alert(1)</script>"


def be(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


@pytest.fixture
def people(db):
    Organization.objects.filter(pk=1).update(loan_endorsement_required=False)
    division = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    return {
        "division": division,
        "staff": make_user("nul_staff", "staff", division=division),
        "supplyhead": make_user("nul_supply", "staff", "supply_head", division=division),
        "officer": make_user("nul_officer", "staff", "property_officer", division=division),
        "admin": make_user("nul_admin", "administrator", division=division),
        "head": make_user("nul_head", "agency_head", division=division),
        "inspector": make_user("nul_inspector", "staff", division=division),
    }


def refused_and_nothing_stored(client, user, url, data, **kwargs):
    client.force_login(user)
    before = database_state()
    response = client.post(url, data, **kwargs)
    assert response.status_code < 500
    assert database_state() == before
    return response


def test_a_nul_in_a_loan_move_or_the_manual_is_refused(client, people):
    version = loans.manual_publish(actor=people["admin"], title="คู่มือ", body="ใช้ในราชการ")
    loans.manual_acknowledge(actor=people["staff"], version=version)
    asset = AssetFactory(is_lendable=True, division=people["division"])
    loan = loans.loan_request(actor=people["staff"], assets=[asset], purpose="ประชุม", place=Loan.Place.INSIDE,
                              phone="0800000000", starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=2))
    refused_and_nothing_stored(client, people["supplyhead"], f"/loans/{loan.pk}/", {"action": "reject", "reason": NUL})
    refused_and_nothing_stored(client, people["admin"], "/loans/manual/", {"action": "publish", "title": NUL, "body": "x"})


@pytest.mark.parametrize("fields", [{"channel": "board", "board": NUL},
                                    {"channel": "web", "url": "https://www.example.go.th/\x00"}])
@pytest.mark.parametrize("url", ["/procurement/disclosures/publish/", "/procurement/disclosures/publish-document/"])
def test_a_nul_in_a_publish_form_is_refused(client, people, url, fields):
    procurement = procurement_services.procurement_create(actor=people["officer"], fiscal_year=2568, title="ซื้อโต๊ะ",
                                                          amount=Decimal("1000"), reference_price=Decimal("1000"),
                                                          method=Method.SPECIFIC)
    procurement_services.procurement_announce(actor=people["officer"], procurement=procurement, announced_on=TODAY)
    kind = {"kind": "announcement", "procurement": str(procurement.pk)} if "document" not in url else {
        "kind": "plan", "fiscal_year": "2568"}
    refused_and_nothing_stored(client, people["officer"], url, {**kind, "published_on": be(TODAY), **fields})


def test_a_nul_in_the_annual_report_is_refused(client, people):
    annual.report_create(actor=people["officer"], year=2568)
    refused_and_nothing_stored(client, people["officer"], "/annual/2568/edit/", {"title": "รายงาน", "m1-steps": NUL})


def test_a_nul_in_an_inspection_note_or_reason_is_dropped(client, people):
    AssetFactory(number="416-67-0001", division=people["division"])
    AssetFactory(number="416-67-0002", division=people["division"])
    round_ = audits.round_appoint(actor=people["admin"], fiscal_year=2567, order_number="1/2567",
                                  order_date=dt.date(2024, 9, 20), appointed_by=people["head"],
                                  inspectors=[people["inspector"]])
    round_ = audits.round_start(actor=people["inspector"], round_=round_, today=round_.starts_on)
    sheet = round_.sheets.get()
    client.force_login(people["inspector"])
    before = database_state()
    response = client.post(f"/inspections/sheet/{sheet.pk}/scan/", json.dumps({"number": "416-67-0001", "note": NUL}),
                           content_type="application/json")
    assert response.status_code == 200
    line = Line.objects.get(number="416-67-0001")
    client.post(f"/inspections/sheet/{sheet.pk}/missing/", {"all": "1", "note": NUL})
    client.post(f"/inspections/sheet/{sheet.pk}/close/")
    client.post(f"/inspections/sheet/{sheet.pk}/reopen/", {"reason": NUL})
    assert_stored_rows_valid(before)
    line.refresh_from_db()
    assert line.note == "กข <script>alert(1)</script>"
    assert Line.objects.get(number="416-67-0002").note == "กข <script>alert(1)</script>"


def test_a_number_whose_upper_case_is_longer_fits_its_key(client, people):
    client.force_login(people["officer"])
    response = client.post("/assets/new/", {"number": "ß" * 40, "name": "โต๊ะ", "category": str(Category.objects.get(code="416").pk), "division":
                                            str(people["division"].pk), "acquired_on": "15/03/2567", "unit": "ตัว",
                                            "unit_price": "100"})
    assert response.status_code < 500
    asset = Asset.objects.get()
    asset.full_clean()
    assert len(asset.number_key) <= 60


def test_the_manual_title_is_cut_to_its_column(client, people):
    client.force_login(people["admin"])
    response = client.post("/loans/manual/", {"action": "publish", "title": "ก" * 300, "body": "ใช้ในราชการ"})
    assert response.status_code == 302
    version = loans.current_manual()
    version.full_clean()
    assert version.title == "ก" * 200


@pytest.mark.parametrize("ids", ["9223372036854775808", "99999999999999999999999", "0", "-1", "1e9", "١٢"])
def test_an_id_no_database_can_hold_is_left_out(client, people, ids):
    """The label page's ?ids= keeps only ids a database row can have and leaves the rest out, never a 500."""
    officer = make_user("nul_officer", "staff", "property_officer", division=people["division"])
    asset = AssetFactory(division=people["division"])
    client.force_login(officer)
    assert client.get("/labels/", {"ids": ids}).status_code == 200
    AssetFactory(division=people["division"])
    response = client.get("/labels/", {"ids": f"{ids},{asset.pk}"})
    page = response.content.decode()
    assert response.status_code == 200 and "ครุภัณฑ์ที่เลือก 1 รายการ" in page and f"?ids={asset.pk}&amp;" in page


@pytest.mark.parametrize("price", ["sNaN", "NaN", "-Infinity", "๑e๙๙๙๙๙๙"])
def test_a_price_that_is_not_a_number_is_refused_on_the_edit_form(client, people, price):
    officer = make_user("nan_officer", "staff", "property_officer", division=people["division"])
    category = Category.objects.get(code="416")
    existing = procurement_services.procurement_create(
        actor=officer, fiscal_year=2568, title="ซื้อโต๊ะ", amount=Decimal("10000"), method=Method.SPECIFIC,
        items=[{"description": "โต๊ะ", "kind": "durable", "category": category, "quantity": 2, "unit": "ตัว",
                "unit_price": Decimal("5000")}])
    client.force_login(officer)
    form = client.get(f"/procurement/{existing.pk}/edit/").context["form"]
    posted = {name: ("" if value is None else value) for name, value in form.initial.items()
              if name not in ("items",) and not isinstance(value, (list, dict))}
    posted.update({"fiscal_year": "2568", "title": "ซื้อโต๊ะ", "amount": "10000", "method": Method.SPECIFIC,
                   "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0",
                   "items-MAX_NUM_FORMS": "1000", "items-0-description": "โต๊ะ", "items-0-kind": "durable",
                   "items-0-category": str(category.pk), "items-0-quantity": "2", "items-0-unit": "ตัว",
                   "items-0-unit_price": price})
    before = database_state()
    response = client.post(f"/procurement/{existing.pk}/edit/", posted)
    assert response.status_code == 200 and database_state() == before
