"""The PDF renderer never sees live markup from what people typed: a procurement's title (and its bidders and
reasons) in a month's สขร.1, and an annual report's measure text, reach the HTML that feeds the PDF escaped,
with Arabic or Thai digits."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils.html import escape

from assets.models import BudgetType
from procurement import services
from procurement.models import Method
from reports import annual
from reports.pdf import thai_digits_html
from reports.procurement_docs import sor_khor_1_html
from tests.conftest import make_user
from tests.factories import DivisionFactory

pytestmark = pytest.mark.django_db

TITLE = "ซื้อเครื่องพิมพ์ <script>alert(1)</script> และ <b>หมึก</b> 2 ชุด"
BIDDER = "บริษัท <b>ตัวหนา</b> จำกัด"
REASON = "ราคาต่ำสุด <img src=x onerror=alert(2)>"
MEASURE = "ขั้นที่ 1 <script>alert(3)</script>\nขั้นที่ 2 <b>สำคัญ</b> & \"อ้าง\""
LIVE = ("<script", "<b>", "<img")


def assert_escaped(html: str, text: str, *, thai_digits: bool) -> None:
    assert not any(tag in html for tag in LIVE), [tag for tag in LIVE if tag in html]
    for line in text.split("\n"):
        expected = escape(line)
        assert (thai_digits_html(expected) if thai_digits else expected) in html, line


@pytest.fixture
def officer(db):
    return make_user("pdf_officer", "staff", "property_officer", division=DivisionFactory(code="KLANG"))


@pytest.mark.parametrize("thai_digits", [False, True])
def test_a_procurement_title_is_escaped_in_the_sor_khor_1(officer, thai_digits):
    procurement = services.procurement_create(
        actor=officer, fiscal_year=2568, title=TITLE, amount=Decimal("50000"), reference_price=Decimal("50000"),
        method=Method.SPECIFIC,
        budget_type=BudgetType.objects.get(code="BUDGET"))
    bid = services.bid_add(actor=officer, procurement=procurement, bidder=BIDDER, price=Decimal("48000"))
    services.procurement_award(actor=officer, procurement=procurement, winner=bid, agreed_price=Decimal("48000"),
                               selection_reason=REASON)
    services.procurement_contract(actor=officer, procurement=procurement, contract_number="<i>9</i>/2568",
                                  contract_date=dt.date(2024, 11, 20), delivery_due=dt.date(2024, 12, 20),
                                  penalty_rate=Decimal("0.1"))
    html = sor_khor_1_html(2567, 11, thai_digits=thai_digits)
    for text in (TITLE, BIDDER, REASON):
        assert_escaped(html, text, thai_digits=thai_digits)
    assert "<i>" not in html


@pytest.mark.parametrize("thai_digits", [False, True])
def test_an_annual_report_measure_is_escaped_in_its_document(officer, thai_digits):
    report = annual.report_create(actor=officer, year=2568)
    annual.report_update(actor=officer, report=report, title="รายงาน <b>ITA</b>", thai_digits=thai_digits,
                         measures={1: {"steps": MEASURE, "name": "มาตรการ <script>x</script>"},
                                   6: {"summary": MEASURE}})
    report.refresh_from_db()
    html = annual.document_html(report)
    for text in (MEASURE, "มาตรการ <script>x</script>", "รายงาน <b>ITA</b>"):
        assert_escaped(html, text, thai_digits=thai_digits)
