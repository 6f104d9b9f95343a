"""The disclosure documents: the monthly สขร.1 (content on its HTML; digits and pages on its PDF), the annual plan
and the yearly summary (figures against counts made here), their XLSX, exports logged, publishing recorded
(when, where, the PDF kept) and logged, and bad months, years and URLs answered in Thai, never with a 500."""

import datetime as dt
import io
import re
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activity.models import Entry
from assets.models import BudgetType
from procurement import disclosure, services
from procurement.models import Method, Procurement, Publication
from reports import procurement_docs
from reports.procurement_docs import plan_html, sor_khor_1_html, yearly_summary_html
from tests.conftest import make_user
from tests.factories import DivisionFactory

pytestmark = pytest.mark.django_db

NINE = ["ลำดับที่", "งานที่จัดซื้อหรือจัดจ้าง", "วงเงินที่จะซื้อหรือจ้าง", "ราคากลาง", "วิธีซื้อหรือจ้าง",
        "รายชื่อผู้เสนอราคาและราคาที่เสนอ", "ผู้ได้รับการคัดเลือกและราคาที่ตกลงซื้อหรือจ้าง",
        "เหตุผลที่คัดเลือกโดยสรุป",
        "เลขที่และวันที่ของสัญญาหรือข้อตกลงในการซื้อหรือจ้าง"]
MARCH_2568 = dt.date(2025, 3, 1)  # มีนาคม 2568, in fiscal year 2568


def procure(actor, title: str, amount, *, method=Method.SPECIFIC, reference=None, division=None, bids=(),
            agreed=None, contract_date=None, contract_number="", fiscal_year=2568, planned_month=None,
            budget_type=None, **fields) -> Procurement:
    """A procurement through the services: created, announced (unless specific), its bids, and, with a
    contract date, awarded to the first bid and contracted. Without `reference`, one with offers is left without
    ราคากลาง afterwards, as an e-GP import can leave one (the services ask for it before offers are taken)."""
    without_reference = reference is None and bool(bids)
    procurement = services.procurement_create(
        actor=actor, fiscal_year=fiscal_year, title=title, amount=Decimal(amount), method=method,
        reference_price=Decimal(amount) if without_reference else None if reference is None else Decimal(reference),
        division=division, planned_month=planned_month, budget_type=budget_type, **fields)
    when = contract_date or dt.date(2025, 1, 15)
    if method != Method.SPECIFIC and bids:
        procurement = services.procurement_announce(actor=actor, procurement=procurement,
                                                    announced_on=when - dt.timedelta(days=20))
    offers = [services.bid_add(actor=actor, procurement=procurement, bidder=bidder, price=Decimal(price))
              for bidder, price in bids]
    if contract_date and offers:
        services.procurement_award(actor=actor, procurement=procurement, winner=offers[0],
                                   agreed_price=Decimal(agreed or offers[0].price),
                                   selection_reason="ราคาต่ำสุดและถูกต้องตามเงื่อนไข")
        services.procurement_contract(actor=actor, procurement=procurement,
                                      contract_number=contract_number or f"{procurement.pk}/2568",
                                      contract_date=contract_date, delivery_due=contract_date + dt.timedelta(days=30),
                                      penalty_rate="0.20")
    if without_reference:
        Procurement.objects.filter(pk=procurement.pk).update(reference_price=None)
    return Procurement.objects.get(pk=procurement.pk)


def pdf_text(content: bytes) -> tuple[int, str]:
    document = pdfium.PdfDocument(content)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    return len(document), text.replace("\u02f8", "")


def headings_of(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th>(.*?)</th>", html, re.S)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def people(db):
    palad = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    klang = DivisionFactory(code="KLANG", name="กองคลัง")
    return {"palad": palad, "klang": klang,
            "officer": make_user("officer_d", "property_officer", division=palad),
            "staff": make_user("staff_d", "staff", division=klang)}


@pytest.fixture
def march(people):
    """March 2568: an e-bidding with three offers, a specific purchase with one; a procurement contracted in
    March but cancelled (as an e-GP import can leave one), one contracted in April, one not contracted."""
    officer = people["officer"]
    road = procure(officer, "จ้างก่อสร้างถนนคอนกรีตเสริมเหล็ก หมู่ 3", "1500000.00", method=Method.E_BIDDING,
                   reference="1480000.00", division=people["palad"],
                   bids=[("หจก. ทางดีก่อสร้าง", "1390000.00"), ("บริษัท ถนนงาม จำกัด", "1420000.00"),
                         ("หจก. มั่นคงโยธา", "1455500.00")],
                   contract_date=dt.date(2025, 3, 5), contract_number="ส.12/2568")
    paper = procure(officer, "ซื้อวัสดุสำนักงาน (กระดาษ A4)", "8500.00", reference="8500.00", division=people["klang"],
                    bids=[("ร้านเครื่องเขียนระนอง", "8250.00")], contract_date=dt.date(2025, 3, 20),
                    contract_number="บส.45/2568")
    cancelled = procure(officer, "ซื้อเครื่องปรับอากาศที่ยกเลิกแล้ว", "60000.00", division=people["palad"],
                        bids=[("ร้านเย็นฉ่ำ", "59000.00")], contract_date=dt.date(2025, 3, 10))
    Procurement.objects.filter(pk=cancelled.pk).update(status=Procurement.Status.CANCELLED, cancel_reason="นำเข้า")
    april = procure(officer, "จ้างซ่อมรถบรรทุกขยะ เดือนเมษายน", "45000.00", division=people["palad"],
                    bids=[("อู่ช่างเอก", "44000.00")], contract_date=dt.date(2025, 4, 2))
    waiting = procure(officer, "ซื้อโต๊ะประชุมที่ยังไม่ได้ทำสัญญา", "30000.00", division=people["klang"])
    return {"road": road, "paper": paper, "cancelled": cancelled, "april": april, "waiting": waiting}


# --- สขร.1 ---------------------------------------------------------------------------------------------------------

def test_sor_khor_1_html_has_the_nine_headings_in_order_the_be_month_and_every_bid(march):
    html = sor_khor_1_html(2568, 3)
    assert headings_of(html) == NINE
    for text in ("สรุปผลการดำเนินการจัดซื้อจัดจ้างในรอบเดือน", "ประจำเดือน มีนาคม 2568", "เทศบาลตำบลหงาว",
                 "อำเภอเมืองระนอง", "จังหวัดระนอง", "แบบ สขร.1",
                 "จ้างก่อสร้างถนนคอนกรีตเสริมเหล็ก หมู่ 3", "1,500,000.00", "1,480,000.00",
                 "ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)", "หจก. ทางดีก่อสร้าง", "1,390,000.00", "บริษัท ถนนงาม จำกัด",
                 "1,420,000.00", "หจก. มั่นคงโยธา", "1,455,500.00", "ราคาต่ำสุดและถูกต้องตามเงื่อนไข",
                 "ส.12/2568", "5 มี.ค. 2568",
                 "ซื้อวัสดุสำนักงาน (กระดาษ A4)", "เฉพาะเจาะจง", "ร้านเครื่องเขียนระนอง", "8,250.00", "บส.45/2568",
                 "20 มี.ค. 2568"):
        assert text in html, text
    # By contract date: the road (5 March) first, then the paper (20 March); nothing else.
    assert html.index("จ้างก่อสร้างถนน") < html.index("ซื้อวัสดุสำนักงาน")
    for title in ("ซื้อเครื่องปรับอากาศที่ยกเลิกแล้ว", "จ้างซ่อมรถบรรทุกขยะ", "ซื้อโต๊ะประชุม"):
        assert title not in html, title
    assert "รวม 2 รายการ" in html


def test_sor_khor_1_winner_and_agreed_price_are_in_their_own_column(march):
    html = sor_khor_1_html(2568, 3)
    start = html.rindex("<tr>", 0, html.index("จ้างก่อสร้างถนน"))
    row = html[start:html.index("</tr>", start)]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert len(cells) == 9
    assert "หจก. ทางดีก่อสร้าง" in cells[5] and "บริษัท ถนนงาม จำกัด" in cells[5]  # every offer
    assert "หจก. ทางดีก่อสร้าง" in cells[6] and "1,390,000.00" in cells[6] and "ถนนงาม" not in cells[6]


def test_an_empty_month_says_so(people):
    html = sor_khor_1_html(2568, 2)
    assert "ประจำเดือน กุมภาพันธ์ 2568" in html and "ไม่มีการจัดซื้อจัดจ้างในเดือนนี้" in html
    assert headings_of(html) == NINE


def test_the_month_is_read_in_a_fixed_number_of_queries(people, django_assert_num_queries):
    officer = people["officer"]
    for n in range(6):
        procure(officer, f"ซื้อครุภัณฑ์รายการที่ {n}", "10000.00",
                bids=[(f"ร้าน {n} ก", "9000.00"), (f"ร้าน {n} ข", "9500.00")],
                contract_date=dt.date(2025, 3, 1 + n))
    with django_assert_num_queries(3):  # the organisation, the procurements with their winners, the bids
        html = sor_khor_1_html(2568, 3)
    assert html.count("ซื้อครุภัณฑ์รายการที่") == 6


def test_the_pdf_keeps_arabic_digits_or_thai_ones_and_runs_to_several_pages(client, people):
    officer = people["officer"]
    for n in range(24):
        procure(officer, f"จ้างเหมาบริการจัดเก็บขยะมูลฝอย ชุมชนที่ {n + 1} ประจำเดือนมีนาคม", "96000.00",
                reference="96000.00",
                bids=[(f"ผู้รับจ้างรายที่ {n + 1}-{k}", f"{95000 - k * 100}.00") for k in range(4)],
                contract_date=dt.date(2025, 3, 1 + n % 28))
    client.force_login(officer)
    url = reverse("reports:sor_khor_1_pdf", args=[2568, 3])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages, text = pdf_text(response.content)
    assert pages >= 3, pages
    assert f"หน้า 1/{pages}" in text and f"หน้า {pages}/{pages}" in text
    assert "2568" in text and "95,000.00" in text and "๒๕๖๘" not in text
    thai = client.get(url, {"digits": "thai"})
    thai_pages, thai_text = pdf_text(thai.content)
    assert thai_pages == pages
    assert "๒๕๖๘" in thai_text and "๙๕,๐๐๐.๐๐" in thai_text and f"หน้า ๑/{pages}".translate(
        str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")) in thai_text
    assert "2568" not in thai_text and "95,000.00" not in thai_text
    exports = Entry.objects.filter(action="procurement.export").order_by("id")
    assert [(entry.details["format"], entry.details["digits"], entry.details["month"]) for entry in exports] == [
        ("pdf", "arabic", "2025-03-01"), ("pdf", "thai", "2025-03-01")]
    assert exports[0].actor_id == officer.pk


def test_a_long_month_laid_out_in_parallel_runs_keeps_its_numbering(people, monkeypatch):
    officer = people["officer"]
    for n in range(14):
        procure(officer, f"จ้างซ่อมแซมถนนสายที่ {n + 1}", "50000.00",
                bids=[(f"ผู้รับจ้างถนน {n + 1}-{k}", f"{49000 + k * 100}.00") for k in range(3)],
                contract_date=dt.date(2025, 3, 1 + n))
    monkeypatch.setattr(procurement_docs, "PARALLEL_FROM", 10)
    runs = []
    parallel = procurement_docs.html_to_pdf_parallel
    monkeypatch.setattr(procurement_docs, "html_to_pdf_parallel", lambda documents: runs.append(documents) or
                        parallel(documents))
    pages, text = pdf_text(procurement_docs.sor_khor_1_pdf_bytes(2568, 3, workers=2))
    assert len(runs) == 1 and len(runs[0]) == 2
    assert "ประจำเดือน มีนาคม 2568" in runs[0][0] and "ประจำเดือน" not in runs[0][1]  # the title block once
    assert '<td class="center">8</td>' in runs[0][1] and "รวม 14 รายการ" in runs[0][1]  # numbering goes on
    assert pages >= 2 and [f"หน้า {n}/{pages}" in text for n in range(1, pages + 1)] == [True] * pages
    assert "ผู้รับจ้างถนน 1-0" in text and "ผู้รับจ้างถนน 14-2" in text
    _pages, thai = pdf_text(procurement_docs.sor_khor_1_pdf_bytes(2568, 3, thai_digits=True, workers=2))
    assert "หน้า ๑/" in thai and "แบบ สขร.๑" in thai and "2568" not in thai and "สขร.1" not in thai


def test_the_xlsx_has_the_nine_columns_and_the_month(client, people, march):
    client.force_login(people["staff"])  # every role may read the disclosures
    response = client.get(reverse("reports:sor_khor_1_xlsx", args=[2568, 3]))
    assert response.status_code == 200 and response["Content-Type"] == disclosure.XLSX_TYPE
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    sheet = workbook.worksheets[0]
    assert "มีนาคม 2568" in sheet.title
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == NINE
    assert len(rows) == 3
    road = rows[1]
    assert road[0] == 1 and road[1] == "จ้างก่อสร้างถนนคอนกรีตเสริมเหล็ก หมู่ 3"
    assert road[2] == 1500000 and road[3] == 1480000
    assert road[4] == "ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)"
    assert road[5].splitlines() == ["หจก. ทางดีก่อสร้าง ราคา 1,390,000.00 บาท",
                                    "บริษัท ถนนงาม จำกัด ราคา 1,420,000.00 บาท",
                                    "หจก. มั่นคงโยธา ราคา 1,455,500.00 บาท"]
    assert road[6] == "หจก. ทางดีก่อสร้าง ราคา 1,390,000.00 บาท"
    assert road[8] == "เลขที่ ส.12/2568 ลงวันที่ 5 มี.ค. 2568"
    assert rows[2][1] == "ซื้อวัสดุสำนักงาน (กระดาษ A4)"
    entry = Entry.objects.get(action="procurement.export")
    assert entry.details["format"] == "xlsx" and entry.details["document"] == "monthly"


# --- the plan and the yearly summary -------------------------------------------------------------------------------

@pytest.fixture
def year_2568(people, march):
    """More of fiscal year 2568 (selection, e-market, no reference price, a plan line cancelled) and one of 2567."""
    officer = people["officer"]
    budget = BudgetType.objects.get(code="BUDGET")
    subsidy = BudgetType.objects.get(code="SUBSIDY")
    procure(officer, "ซื้อรถพยาบาลฉุกเฉิน", "2100000.00", method=Method.SELECTION, reference="2050000.00",
            division=people["palad"], bids=[("บริษัท รถดี จำกัด", "1990000.00"), ("บริษัท กู้ภัย จำกัด", "2010000.00")],
            contract_date=dt.date(2025, 1, 20), planned_month=dt.date(2025, 1, 1), budget_type=subsidy)
    procure(officer, "ซื้อเครื่องคอมพิวเตอร์สำนักงาน", "66000.00", method=Method.E_MARKET, division=people["klang"],
            bids=[("บริษัท ไอทีระนอง จำกัด", "64000.00")], contract_date=dt.date(2024, 11, 12),
            planned_month=dt.date(2024, 11, 1), budget_type=budget)
    dropped = procure(officer, "จ้างปรับปรุงห้องประชุมที่ยกเลิกในแผน", "350000.00", division=people["klang"])
    services.procurement_cancel(actor=officer, procurement=dropped, reason="ไม่ได้รับจัดสรรงบประมาณ")
    procure(officer, "ซื้อวัสดุปีก่อน", "5000.00", fiscal_year=2567, division=people["palad"])


def test_the_plan_lists_the_year_without_the_cancelled_and_adds_up(year_2568):
    expected = list(Procurement.objects.filter(fiscal_year=2568).exclude(status=Procurement.Status.CANCELLED))
    html = plan_html(2568)
    assert "แผนการจัดซื้อจัดจ้าง ประจำปีงบประมาณ พ.ศ. 2568" in html and "1 ตุลาคม 2567" in html
    assert "30 กันยายน 2568" in html
    for procurement in expected:
        assert procurement.title in html, procurement.title
    assert "ยกเลิกในแผน" not in html and "ซื้อวัสดุปีก่อน" not in html
    total = sum(p.amount for p in expected)
    assert f"รวม {len(expected)} โครงการ" in html and f"{total:,.2f}" in html
    assert "มกราคม 2568" in html and "พฤศจิกายน 2567" in html and "เงินอุดหนุน" in html  # planned month, budget
    # Planned months first, in order (November, then January), the unplanned after them.
    assert html.index("ซื้อเครื่องคอมพิวเตอร์สำนักงาน") < html.index("ซื้อรถพยาบาลฉุกเฉิน") \
        < html.index("จ้างก่อสร้างถนน")
    rows = list(load_workbook(io.BytesIO(disclosure.plan_xlsx(2568)), read_only=True).worksheets[0]
                .iter_rows(values_only=True))
    assert rows[0][:4] == ("ลำดับที่", "งาน/โครงการที่จะจัดซื้อจัดจ้าง", "หน่วยงานที่ขอ",
                           "วงเงินที่จะซื้อหรือจ้าง (บาท)")
    assert len(rows) == 1 + len(expected) + 1
    assert rows[1][1] == "ซื้อเครื่องคอมพิวเตอร์สำนักงาน" and rows[1][6] == "พฤศจิกายน 2567"
    assert rows[-1][3] == total


def _expected_by(key) -> dict:
    figures = {}
    for p in Procurement.objects.filter(fiscal_year=2568).exclude(status=Procurement.Status.CANCELLED):
        row = figures.setdefault(key(p), {"count": 0, "amount": Decimal(0), "reference": Decimal(0), "awarded": 0,
                                          "agreed": Decimal(0), "saving": Decimal(0)})
        row["count"] += 1
        row["amount"] += p.amount
        row["reference"] += p.reference_price or 0
        if p.agreed_price is not None:
            row["awarded"] += 1
            row["agreed"] += p.agreed_price
            if p.reference_price is not None:
                row["saving"] += p.reference_price - p.agreed_price
    return figures


def _as_dict(row) -> dict:
    return {"count": row.count, "amount": row.amount, "reference": row.reference, "awarded": row.awarded,
            "agreed": row.agreed, "saving": row.saving}


def test_the_yearly_summary_by_method_and_by_division_matches_the_procurements(people, year_2568):
    summary = disclosure.yearly_summary(2568)
    by_method = _expected_by(lambda p: p.get_method_display())
    assert {row.label: _as_dict(row) for row in summary.by_method if row.count} == by_method
    assert [row.label for row in summary.by_method] == [str(label) for label in Method.labels]  # every method shown
    by_division = _expected_by(lambda p: p.division.name)
    assert {row.label: _as_dict(row) for row in summary.by_division} == by_division
    everything = _expected_by(lambda p: "all")["all"]
    assert _as_dict(summary.total) == everything
    # road 1,480,000 − 1,390,000; paper 8,500 − 8,250; ambulance 2,050,000 − 1,990,000 (the computers have no
    # reference price, the others no agreed price yet)
    assert everything["count"] == 6 and everything["saving"] == Decimal("150250.00")
    html = yearly_summary_html(2568)
    assert "สรุปผลการดำเนินการจัดซื้อจัดจ้าง ประจำปีงบประมาณ พ.ศ. 2568" in html
    for text in ("จำแนกตามวิธีซื้อหรือจ้าง", "จำแนกตามหน่วยงาน", "สำนักปลัดเทศบาล", "กองคลัง", "รวมทั้งสิ้น",
                 f"{everything['amount']:,.2f}", f"{everything['agreed']:,.2f}", f"{everything['saving']:,.2f}"):
        assert text in html, text
    sheets = load_workbook(io.BytesIO(disclosure.yearly_xlsx(2568)), read_only=True).worksheets
    methods = list(sheets[0].iter_rows(values_only=True))
    assert methods[-1][:3] == ("รวมทั้งสิ้น", 6, everything["amount"])
    assert methods[-1][7] == everything["saving"]
    divisions = list(sheets[1].iter_rows(values_only=True))
    assert {row[0]: row[1] for row in divisions[1:-1]} == {name: row["count"] for name, row in by_division.items()}


def test_plan_and_yearly_pdfs_with_thai_digits(client, people, year_2568):
    client.force_login(people["staff"])
    plan = client.get(reverse("reports:procurement_plan_pdf", args=[2568]), {"digits": "thai"})
    assert plan.status_code == 200 and plan["Content-Type"] == "application/pdf"
    _pages, text = pdf_text(plan.content)
    assert "๒๕๖๘" in text and "2568" not in text
    yearly = client.get(reverse("reports:procurement_yearly_pdf", args=[2568]))
    _pages, text = pdf_text(yearly.content)
    total = sum(p.amount for p in Procurement.objects.filter(fiscal_year=2568).exclude(status="cancelled"))
    assert "2568" in text and f"{total:,.2f}" in text and "หน้า 1/1" in text
    assert client.get(reverse("reports:procurement_plan_xlsx", args=[2568])).status_code == 200
    assert client.get(reverse("reports:procurement_yearly_xlsx", args=[2568])).status_code == 200
    assert Entry.objects.filter(action="procurement.export").count() == 4


# --- bad input -----------------------------------------------------------------------------------------------------

def test_bad_months_and_years_raise_thai_messages():
    with pytest.raises(ValidationError, match="เดือนต้องเป็นตัวเลข 1 ถึง 12"):
        disclosure.check_month(2568, 13)
    with pytest.raises(ValidationError, match="ปีต้องเป็นปี พ.ศ."):
        disclosure.check_month(2025, 3)  # a CE year
    for year in ("๒๕๖๘x", "²⁵⁶⁸", "2568.0", "", None, "-2568"):
        with pytest.raises(ValidationError, match="ปีต้องเป็นปี พ.ศ."):
            disclosure.check_year(year)
    with pytest.raises(ValidationError, match="เดือนต้องเป็นตัวเลข"):
        disclosure.check_month(2568, "³")
    assert disclosure.check_year("๒๕๖๘") == 2568


@pytest.mark.parametrize("name, args, message", [
    ("reports:sor_khor_1_pdf", [2568, 13], "เดือนต้องเป็นตัวเลข 1 ถึง 12"),
    ("reports:sor_khor_1_pdf", [2568, 0], "เดือนต้องเป็นตัวเลข 1 ถึง 12"),
    ("reports:sor_khor_1_xlsx", [2025, 3], "ปีต้องเป็นปี พ.ศ."),
    ("reports:sor_khor_1_pdf", [99999999999999999999, 3], "ปีต้องเป็นปี พ.ศ."),
    ("reports:procurement_plan_pdf", [1], "ปีต้องเป็นปี พ.ศ."),
    ("reports:procurement_yearly_xlsx", [30000], "ปีต้องเป็นปี พ.ศ."),
])
def test_a_bad_month_or_year_in_the_url_gets_a_thai_message(client, people, name, args, message):
    client.force_login(people["staff"])
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and message in page.content.decode()
    assert not Entry.objects.filter(action="procurement.export").exists()


def test_the_disclosures_page_lists_the_year_and_refuses_a_bad_year(client, people, march):
    client.force_login(people["staff"])
    response = client.get(reverse("procurement:disclosures"), {"year": 2568})
    html = response.content.decode()
    assert response.status_code == 200
    for month in ("ตุลาคม 2567", "พฤศจิกายน 2567", "มีนาคม 2568", "กันยายน 2568"):
        assert f"สขร.1 เดือน{month}" in html, month
    assert reverse("reports:sor_khor_1_pdf", args=[2568, 3]) in html
    assert reverse("reports:procurement_plan_xlsx", args=[2568]) in html
    assert "บันทึกการเผยแพร่" not in html  # staff may read, not publish
    for bad in ("abc", "1", "25680", "<script>"):
        response = client.get(reverse("procurement:disclosures"), {"year": bad})
        assert response.status_code == 400 and "ปีต้องเป็นปี พ.ศ." in response.content.decode()
        assert "<script>" not in response.content.decode()


# --- publishing ----------------------------------------------------------------------------------------------------

def _publish_form(**fields):
    form = {"published_on": timezone.localdate().isoformat(), "channel": "web",
            "url": "https://www.ngao.go.th/procurement/sor-khor-1/2568-03"}
    form.update(fields)
    return form


def test_publishing_a_month_keeps_the_pdf_and_is_logged(client, people, march, media):
    officer = people["officer"]
    client.force_login(officer)
    response = client.post(reverse("reports:procurement_publish_document"),
                           _publish_form(kind="monthly", year="2568", month="3", digits="thai"))
    assert response.status_code == 302 and response["Location"].endswith("?year=2568")
    publication = Publication.objects.get(kind="monthly")
    assert publication.month == MARCH_2568 and publication.fiscal_year == 2568
    assert publication.where == "https://www.ngao.go.th/procurement/sor-khor-1/2568-03"
    assert publication.published_by == officer and publication.published_on == timezone.localdate()
    pages, text = pdf_text(publication.file.read())
    assert pages >= 1 and "๒๕๖๘" in text and "๑,๓๙๐,๐๐๐.๐๐" in text and "2568" not in text  # as it was rendered
    entry = Entry.objects.get(action="procurement.publish")
    assert entry.details["kind"] == "monthly" and entry.details["month"] == "2025-03-01"
    assert entry.details["where"] == publication.where and entry.actor_id == officer.pk
    page = client.get(response["Location"]).content.decode()
    assert "เผยแพร่แล้ว" in page and publication.where in page
    # Once only.
    again = client.post(reverse("reports:procurement_publish_document"),
                        _publish_form(kind="monthly", year="2568", month="3"), follow=True)
    assert "บันทึกการเผยแพร่ไว้แล้ว" in again.content.decode()
    assert Publication.objects.filter(kind="monthly").count() == 1


def test_publishing_the_plan_and_the_summary_on_the_notice_board(client, people, year_2568, media):
    client.force_login(people["officer"])
    for kind in ("plan", "yearly"):
        response = client.post(reverse("reports:procurement_publish_document"),
                               _publish_form(kind=kind, fiscal_year="2568", channel="board", url="",
                                             board="หน้าสำนักงานเทศบาล"), follow=True)
        assert response.status_code == 200
    plan, yearly = Publication.objects.get(kind="plan"), Publication.objects.get(kind="yearly")
    assert plan.where == "บอร์ดประชาสัมพันธ์ (หน้าสำนักงานเทศบาล)" and plan.fiscal_year == 2568
    assert plan.file.read().startswith(b"%PDF-") and yearly.file.name.endswith(".pdf")
    assert Entry.objects.filter(action="procurement.publish").count() == 2


@pytest.mark.parametrize("fields, message", [
    ({"url": "javascript:alert(1)"}, "ไม่ถูกต้อง"),
    ({"url": "www.ngao.go.th"}, "ต้องขึ้นต้นด้วย https://"),
    ({"url": ""}, "กรุณากรอก URL"),
    ({"channel": ""}, "กรุณาเลือกช่องทางที่เผยแพร่"),
    ({"published_on": "31/02/2568"}, "ไม่มีวันที่"),
    ({"published_on": "yesterday"}, "อ่านวันที่"),
    ({"published_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()}, "ต้องไม่เกินวันนี้"),
    ({"month": "13"}, "เดือนต้องเป็นตัวเลข 1 ถึง 12"),
    ({"year": "2025"}, "ปีต้องเป็นปี พ.ศ."),
    ({"year": str(timezone.localdate().year + 544)}, "ยังไม่ถึงเดือน"),  # March of next year
    ({"kind": "nonsense"}, "ประเภทการเผยแพร่ไม่ถูกต้อง"),
])
def test_bad_publish_input_gets_a_thai_message_and_records_nothing(client, people, media, fields, message):
    client.force_login(people["officer"])
    form = _publish_form(kind="monthly", year="2568", month="3")
    form.update(fields)
    response = client.post(reverse("reports:procurement_publish_document"), form, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Publication.objects.exists()
    assert not Entry.objects.filter(action="procurement.publish").exists()


def test_publishing_needs_the_publish_role(client, people):
    client.force_login(people["staff"])
    response = client.post(reverse("reports:procurement_publish_document"),
                           _publish_form(kind="plan", fiscal_year="2568"))
    assert response.status_code == 403
    assert client.get(reverse("reports:procurement_publish_document")).status_code == 405
    assert not Publication.objects.exists()


def test_publishing_an_announcement_and_a_result_of_one_procurement(client, people, march, media):
    client.force_login(people["officer"])
    road = march["road"]
    signed = b"%PDF-1.4\n% the signed invitation\n"
    response = client.post(reverse("procurement:publish"), {
        **_publish_form(kind="announcement", procurement=road.pk, url="https://process3.gprocurement.go.th/x"),
        "file": io.BytesIO(signed)})
    assert response.status_code == 302
    announcement = Publication.objects.get(kind="announcement")
    assert announcement.procurement == road and announcement.fiscal_year == 2568
    assert announcement.file.read() == signed
    not_pdf = io.BytesIO(b"MZ\x90\x00 not a pdf")
    not_pdf.name = "result.exe"
    refused = client.post(reverse("procurement:publish"), {**_publish_form(kind="result", procurement=road.pk),
                                                           "file": not_pdf}, follow=True)
    assert "ไฟล์ประกาศต้องเป็น PDF" in refused.content.decode()
    client.post(reverse("procurement:publish"), _publish_form(kind="result", procurement=road.pk, channel="board"))
    result = Publication.objects.get(kind="result")
    assert result.where == "บอร์ดประชาสัมพันธ์" and not result.file
    waiting = client.post(reverse("procurement:publish"), _publish_form(kind="result", procurement=march["waiting"].pk),
                          follow=True)
    assert "ยังไม่มีผู้ได้รับการคัดเลือก" in waiting.content.decode()
    for wrong in ("x", "", "99999999999999999999999", "๑", "-1"):
        missing = client.post(reverse("procurement:publish"), _publish_form(kind="result", procurement=wrong),
                              follow=True)
        assert "ไม่พบรายการจัดซื้อจัดจ้างที่ระบุ" in missing.content.decode(), wrong
    plan_here = client.post(reverse("procurement:publish"), _publish_form(kind="plan", fiscal_year="2568"), follow=True)
    assert "ประเภทการเผยแพร่ไม่ถูกต้อง" in plan_here.content.decode()
    assert Entry.objects.filter(action="procurement.publish").count() == 2
    page = client.get(reverse("procurement:disclosures"), {"year": 2568}).content.decode()
    assert "https://process3.gprocurement.go.th/x" in page


def test_the_publish_date_is_typed_in_the_buddhist_era(client, people, march, media):
    client.force_login(people["officer"])
    page = client.get("/procurement/disclosures/?year=2568").content.decode()
    today = timezone.localdate()
    assert 'type="date"' not in page
    assert f'name="published_on" value="{today.day:02d}/{today.month:02d}/{today.year + 543}"' in page
    response = client.post(reverse("reports:procurement_publish_document"),
                           _publish_form(kind="monthly", year="2568", month="3",
                                         published_on=f"{today.day:02d}/{today.month:02d}/{today.year + 543}"))
    assert response.status_code == 302 and Publication.objects.get(kind="monthly").published_on == today
