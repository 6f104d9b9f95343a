"""The register card (ทะเบียนคุมทรัพย์สิน): content on the HTML that feeds the PDF, then the PDF itself,
permissions, the cap on cards per request, the Thai-digits switch and the links from the register pages."""

import datetime as dt
import re
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlparse

import pypdfium2 as pdfium
import pytest
from django.conf import settings
from django.urls import reverse

from assets.models import AcquisitionMethod, Asset, BudgetType, Category
from reports import register_card
from reports.register_card import (LedgerLine, card_html, cards_for, cards_max, ledger_lines, register_assets,
                                   render_cards)
from tests.factories import AssetFactory, DivisionFactory

pytestmark = pytest.mark.django_db

PRINTED_ON = dt.date(2025, 6, 1)  # fiscal year 2568: its year-end lines and later ones are projected
HEADER_FIELDS = ["ส่วนราชการ/หน่วยงาน", "ประเภท", "รหัส", "ลักษณะ/คุณสมบัติ", "รุ่น/แบบ",
                 "สถานที่ตั้ง/หน่วยงานที่รับผิดชอบ", "ชื่อผู้ขาย/ผู้รับจ้าง/ผู้บริจาค", "ที่อยู่", "โทรศัพท์",
                 "ประเภทเงิน", "วิธีการได้มา"]
COLUMNS = ["วัน/เดือน/ปี", "เลขที่เอกสาร", "รายการ", "จำนวน/หน่วย", "ราคา/หน่วย/ชุด/กลุ่ม", "มูลค่ารวม",
           "อายุการใช้งาน", "อัตราค่าเสื่อมราคา", "ค่าเสื่อมราคาประจำปี", "ค่าเสื่อมราคาสะสม", "มูลค่าสุทธิ",
           "หมายเหตุ"]
ARABIC = re.compile(r"[0-9]")


@pytest.fixture
def motorcycle(location):
    """DOMAIN.md section 3's worked example: 45,000 baht over 5 years, acquired on the first day of FY 2567."""
    return AssetFactory(
        number="403-67-0001", name="รถจักรยานยนต์ ขนาด 110 ซีซี", specification="แบบเกียร์ธรรมดา\nสีแดง",
        brand_model="Honda Wave 110i", serial_number="MLHJC1234", unit="คัน",
        category=Category.objects.get(code="403"), division=location.division, location=location,
        acquired_on=dt.date(2023, 10, 1), unit_price=Decimal("45000.00"), useful_life_years=5,
        document_number="สัญญา 12/2567", vendor_name="ห้างหุ้นส่วนจำกัด ระนองยนต์",
        vendor_address="99 ถนนเรืองราษฎร์ อำเภอเมืองระนอง จังหวัดระนอง", vendor_phone="077-811-234",
        budget_type=BudgetType.objects.get(code="BUDGET"), acquisition_method=AcquisitionMethod.objects.get(code="BUY"),
    )


def loaded(*assets) -> list[Asset]:
    return list(register_assets(Asset.objects.filter(pk__in=[a.pk for a in assets])))


def html_of(*assets, thai_digits=False, as_of=PRINTED_ON) -> str:
    return card_html(cards_for(loaded(*assets), as_of=as_of, thai_digits=thai_digits), printed_on=as_of,
                     thai_digits=thai_digits)


def cells(html: str, tag: str) -> list[str]:
    return [unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, flags=re.S)]


def ledger_rows(html: str) -> list[list[str]]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [cells(row, "td") for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)]


def pdf_text(pdf: pdfium.PdfDocument, page: int) -> str:
    return pdf[page].get_textpage().get_text_range()


def same_thai(text: str) -> str:
    """WeasyPrint's text layer gives "ำ" as "า" (DESIGN.md); pdfium also returns the nikhahit part of the
    glyph as U+02F8. Map both sides the same way before comparing."""
    return text.replace("ำ", "า").replace("\u02f8", "")


# --- content, on the HTML that feeds the PDF ----------------------------------------------------


def test_header_names_every_field_with_its_value(motorcycle):
    html = html_of(motorcycle)
    head = html.split('<table class="head">', 1)[1].split("</table>", 1)[0]
    assert cells(head, "th") == HEADER_FIELDS
    values = cells(head, "td")
    assert values == [
        f"เทศบาลตำบลหงาว / {motorcycle.division.name}",
        "403 ยานพาหนะและขนส่ง", "403-67-0001",
        "รถจักรยานยนต์ ขนาด 110 ซีซี\nแบบเกียร์ธรรมดา\nสีแดง",
        "Honda Wave 110i / หมายเลขเครื่อง MLHJC1234",
        f"ห้องสำนักปลัด / {motorcycle.division.name}",
        "ห้างหุ้นส่วนจำกัด ระนองยนต์", "99 ถนนเรืองราษฎร์ อำเภอเมืองระนอง จังหวัดระนอง", "077-811-234",
        "เงินงบประมาณ", "ซื้อ",
    ]


def test_the_twelve_columns_in_the_order_of_the_form(motorcycle):
    html = html_of(motorcycle)
    thead = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert cells(thead, "th") == COLUMNS


def test_worked_example_acquisition_then_one_line_per_fiscal_year(motorcycle):
    rows = ledger_rows(html_of(motorcycle))
    assert rows[0] == ["1 ต.ค. 2566", "สัญญา 12/2567", "รถจักรยานยนต์ ขนาด 110 ซีซี", "1 คัน", "45,000.00",
                       "45,000.00", "5 ปี", "20.00%", "", "", "", ""]
    years = rows[1:]
    assert [row[0] for row in years] == [f"30 ก.ย. {year}" for year in range(2567, 2572)]
    assert [row[2] for row in years] == [f"ค่าเสื่อมราคาปีงบประมาณ {year}" for year in range(2567, 2572)]
    assert [row[8] for row in years] == ["9,000.00"] * 4 + ["8,999.00"]
    assert [row[9] for row in years] == ["9,000.00", "18,000.00", "27,000.00", "36,000.00", "44,999.00"]
    assert [row[10] for row in years] == ["36,000.00", "27,000.00", "18,000.00", "9,000.00", "1.00"]
    assert all(row[1] == row[3] == row[4] == row[5] == "" for row in years)


def test_years_not_ended_when_printed_are_projected_and_a_part_year_says_so(asset):
    # 21,000 baht, 3 years, acquired 15 Mar 2024: FY 2567 holds it for 200 days.
    rows = ledger_rows(html_of(asset, as_of=dt.date(2025, 9, 30)))
    assert [row[0] for row in rows] == ["15 มี.ค. 2567", "30 ก.ย. 2567", "30 ก.ย. 2568", "30 ก.ย. 2569",
                                        "30 ก.ย. 2570"]
    assert [row[11] for row in rows] == ["", "คิดตามส่วน 200 วัน", "", "ประมาณการ", "ประมาณการ"]
    assert rows[-1][9:11] == ["20,999.00", "1.00"]


def test_an_asset_worth_one_baht_has_only_its_acquisition_line(location):
    cheap = AssetFactory(division=location.division, unit_price=Decimal("1.00"), useful_life_years=5)
    rows = ledger_rows(html_of(cheap))
    assert len(rows) == 1 and rows[0][4] == "1.00"


def test_later_lines_join_the_ledger_in_date_order(motorcycle):
    """The hook a later issue (disposal) uses: its lines are merged by date after the year's own lines."""
    disposal = LedgerLine(date=dt.date(2025, 9, 30), document="คำสั่ง 5/2568", description="จำหน่าย (ขายทอดตลาด)",
                          net=Decimal("0.00"))
    lines = ledger_lines(loaded(motorcycle)[0], as_of=PRINTED_ON, later=[disposal])
    assert [line.date for line in lines] == sorted(line.date for line in lines)
    assert lines.index(disposal) == 3  # acquisition, FY 2567, FY 2568, then the disposal of 30 Sep 2568
    cards = cards_for(loaded(motorcycle), as_of=PRINTED_ON, later_by_asset={motorcycle.pk: [disposal]})
    assert cards[0].rows[3].description == "จำหน่าย (ขายทอดตลาด)" and cards[0].rows[3].net == "0.00"


def test_a_disposed_asset_card_ends_with_its_disposal_and_a_nil_value(motorcycle):
    """A completed disposal is the card's last line (the order, the method, to whom, the value when proposed and
    the proceeds) with a net value of nil; no depreciation year ending after it is printed."""
    from assets.models import Status
    from audits.models import DisposalCase, DisposalItem
    from tests.conftest import make_user

    officer = make_user("officer_card", "staff", "property_officer", division=motorcycle.division)
    case = DisposalCase.objects.create(
        title="จำหน่ายรถจักรยานยนต์", reason="ชำรุดใช้การไม่ได้", path=DisposalCase.Path.DIRECT,
        method=DisposalCase.Method.SALE, status=DisposalCase.Status.COMPLETED, created_by=officer,
        order_number="45/2569", ordered_on=dt.date(2025, 10, 20), completed_on=dt.date(2025, 11, 15),
        recipient="นายสมหมาย ประมูลได้", proceeds=Decimal("3500.00"))
    DisposalItem.objects.create(case=case, asset=motorcycle, status_before=Status.DAMAGED,
                                book_value=Decimal("18000.00"))
    Asset.objects.filter(pk=motorcycle.pk).update(status=Status.DISPOSED)

    rows = ledger_rows(html_of(motorcycle, as_of=dt.date(2026, 1, 10)))
    assert [row[0] for row in rows] == ["1 ต.ค. 2566", "30 ก.ย. 2567", "30 ก.ย. 2568", "15 พ.ย. 2568"]
    last = rows[-1]
    assert last[1] == "คำสั่งที่ 45/2569" and "ขาย" in last[2] and "นายสมหมาย ประมูลได้" in last[2]
    assert last[10] == "0.00" and "18,000.00" in last[11] and "3,500.00" in last[11]

    # A cancelled case, or one not yet completed, prints nothing of the kind.
    case.status = DisposalCase.Status.APPROVED
    case.save()
    rows = ledger_rows(html_of(motorcycle, as_of=dt.date(2026, 1, 10)))
    assert rows[-1][0] == "30 ก.ย. 2571" and "จำหน่าย:" not in " ".join(row[2] for row in rows)


def test_thai_digits_switch(motorcycle):
    html = html_of(motorcycle, thai_digits=True)
    rows = ledger_rows(html)
    assert rows[0][:2] == ["๑ ต.ค. ๒๕๖๖", "สัญญา ๑๒/๒๕๖๗"]
    assert rows[-1][0] == "๓๐ ก.ย. ๒๕๗๑" and rows[-1][9:11] == ["๔๔,๙๙๙.๐๐", "๑.๐๐"]
    body = html.split("<body", 1)[1]
    printed = " ".join(cells(body, "td"))
    assert not ARABIC.search(printed), "an Arabic digit was left in the card"
    assert "๔๐๓-๖๗-๐๐๐๑" in printed
    # and the default is Arabic: DOMAIN.md section 8 allows it in tables of money
    assert "44,999.00" in html_of(motorcycle) and "๔" not in " ".join(cells(html_of(motorcycle), "td"))


# --- the PDF --------------------------------------------------------------------------------------


def test_one_card_is_one_a4_landscape_page_with_its_figures(motorcycle):
    pdf = pdfium.PdfDocument(render_cards(cards_for(loaded(motorcycle), as_of=PRINTED_ON), printed_on=PRINTED_ON))
    assert len(pdf) == 1
    width, height = pdf[0].get_size()
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (297, 210)
    text = same_thai(pdf_text(pdf, 0))
    for expected in ["44,999.00", "45,000.00", "9,000.00", "30 ก.ย. 2571", "403-67-0001", "20.00%",
                     "ทะเบียนคุมทรัพย์สิน", "มูลค่าสุทธิ", "ค่าเสื่อมราคาปีงบประมาณ 2571",
                     "เทศบาลตำบลหงาว / สำนักปลัดเทศบาล", "ห้างหุ้นส่วนจำกัด ระนองยนต์"]:
        assert same_thai(expected) in text, expected
    assert re.search(r"(?<![\d,])1\.00(?!\d)", text), "the 1.00 baht residual value"


def test_every_card_starts_a_page(motorcycle, location):
    others = [AssetFactory(division=location.division, number=f"416-68-{n:04d}", acquired_on=dt.date(2024, 11, 1),
                           unit_price=Decimal("30000.00"), useful_life_years=3) for n in (1, 2, 3)]
    assets = loaded(motorcycle, *others)
    pdf = pdfium.PdfDocument(render_cards(cards_for(assets, as_of=PRINTED_ON), printed_on=PRINTED_ON))
    assert len(pdf) >= len(assets)
    starts = [page for page in range(len(pdf)) if pdf_text(pdf, page).lstrip().startswith(same_thai("ทะเบียนคุม"))]
    assert len(starts) == len(assets)
    for page, asset in zip(starts, assets):
        text = pdf_text(pdf, page)
        assert asset.number in text
        assert all(other.number not in text for other in assets if other is not asset)


def numbers_by_page(pdf: pdfium.PdfDocument) -> list[str]:
    return [re.search(r"\d{3}-\d{2}-\d{4}", pdf_text(pdf, page))[0] for page in range(len(pdf))]


@pytest.fixture
def five_cards(location, monkeypatch):
    monkeypatch.setattr(register_card, "PARALLEL_FROM", 2)
    assets = [AssetFactory(division=location.division, number=f"416-68-{n:04d}", acquired_on=dt.date(2024, 11, 1),
                           unit_price=Decimal("30000.00"), useful_life_years=3) for n in range(1, 6)]
    return cards_for(loaded(*assets), as_of=PRINTED_ON)


def test_parallel_processes_give_every_card_in_order(five_cards, monkeypatch):
    runs = []
    parallel = register_card.html_to_pdf_parallel
    monkeypatch.setattr(register_card, "html_to_pdf_parallel", lambda documents: runs.append(len(documents)) or
                        parallel(documents))
    pdf = pdfium.PdfDocument(render_cards(five_cards, printed_on=PRINTED_ON, workers=2))
    assert runs == [2]  # two runs of cards (3 and 2), laid out by two processes, joined in order
    assert numbers_by_page(pdf) == [f"416-68-{n:04d}" for n in range(1, 6)]


def test_without_processes_the_document_comes_from_one(five_cards, monkeypatch):
    def refuse(documents):
        raise OSError("no processes")

    monkeypatch.setattr(register_card, "html_to_pdf_parallel", refuse)
    pdf = pdfium.PdfDocument(render_cards(five_cards, printed_on=PRINTED_ON, workers=2))
    assert numbers_by_page(pdf) == [f"416-68-{n:04d}" for n in range(1, 6)]


def test_thai_digits_in_the_pdf(client, motorcycle, officer):
    client.force_login(officer)
    response = client.get(reverse("reports:register_card", args=[motorcycle.pk]), {"digits": "thai"})
    text = pdf_text(pdfium.PdfDocument(response.content), 0)
    assert "๔๔,๙๙๙.๐๐" in text and "๓๐ ก.ย. ๒๕๗๑" in text
    assert "44,999.00" not in text


# --- the views: permissions, filter, cap ---------------------------------------------------------


def test_every_role_may_download_a_card(client, users_by_role, motorcycle):
    url = reverse("reports:register_card", args=[motorcycle.pk])
    assert url == f"/assets/{motorcycle.pk}/card.pdf"
    for role, user in users_by_role.items():
        client.force_login(user)
        response = client.get(url)
        if role == "no_role":
            assert response.status_code == 404  # as on the asset's own page: nothing to see
            continue
        assert response.status_code == 200, role
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("inline")
        assert response.content.startswith(b"%PDF")


def test_no_role_is_refused_the_filtered_cards(client, users_by_role, motorcycle):
    client.force_login(users_by_role["no_role"])
    assert client.get(reverse("reports:register_cards")).status_code == 403


def test_unknown_asset_is_404(client, officer):
    client.force_login(officer)
    assert client.get(reverse("reports:register_card", args=[999999])).status_code == 404


@pytest.mark.parametrize("name, args", [("reports:register_card", [1]), ("reports:register_cards", [])])
def test_anonymous_is_sent_to_sign_in(client, name, args):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert target.path == reverse(settings.LOGIN_URL)
    assert parse_qs(target.query)["next"] == [url]


def test_cards_of_a_filter_are_one_document_in_number_order(client, staff_user, location, motorcycle):
    elsewhere = DivisionFactory(code="KLANG", name="กองคลัง")
    mine = [AssetFactory(division=location.division, number=f"416-68-{n:04d}") for n in (3, 1, 2)]
    AssetFactory(division=elsewhere, number="416-68-0009")
    client.force_login(staff_user)
    response = client.get(reverse("reports:register_cards"), {"division": location.division.pk, "page": 3})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = pdfium.PdfDocument(response.content)
    assert len(pdf) == 4
    numbers = numbers_by_page(pdf)
    assert numbers == ["403-67-0001", "416-68-0001", "416-68-0002", "416-68-0003"]
    assert all("416-68-0009" not in pdf_text(pdf, page) for page in range(len(pdf)))
    assert {a.number for a in mine} <= set(numbers)


def test_no_query_per_asset(client, staff_user, location):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff_user)
    url = reverse("reports:register_cards")
    counts = []
    for batch in (2, 12):
        for _ in range(batch - Asset.objects.count()):
            AssetFactory(division=location.division, location=location)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"division": location.division.pk}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 8  # session, user, roles, count, organisation, the assets (one chunk)


def test_over_the_cap_the_register_comes_back_with_a_thai_message(client, staff_user, location, settings):
    settings.REGISTER_CARDS_MAX = 3
    for n in range(4):
        AssetFactory(division=location.division, number=f"416-68-{n:04d}")
    client.force_login(staff_user)
    params = {"division": location.division.pk, "status": "", "digits": "thai"}
    response = client.get(reverse("reports:register_cards"), params)
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert target.path == reverse("assets:list")
    assert parse_qs(target.query) == {"division": [str(location.division.pk)]}  # the same filter, no digits switch
    page = client.get(response["Location"]).content.decode()
    assert "พบครุภัณฑ์ 4 รายการ เกินกว่าที่พิมพ์ทะเบียนคุมได้ในครั้งเดียว (ไม่เกิน 3 รายการ)" in page
    assert "กรุณากรองให้แคบลง" in page
    # at the cap it prints
    Asset.objects.filter(number="416-68-0000").delete()
    response = client.get(reverse("reports:register_cards"), params)
    assert response.status_code == 200 and len(pdfium.PdfDocument(response.content)) == 3


def test_the_cap_defaults_to_three_hundred(settings):
    if hasattr(settings, "REGISTER_CARDS_MAX"):
        del settings.REGISTER_CARDS_MAX
    assert cards_max() == 300


def test_an_empty_filter_result_says_so(client, staff_user, location):
    client.force_login(staff_user)
    response = client.get(reverse("reports:register_cards"), {"q": "ไม่มีแน่นอน"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("assets:list"))
    assert "ไม่พบครุภัณฑ์ตามตัวกรองนี้" in response.content.decode()


# --- the links on the register's pages ----------------------------------------------------------


def test_the_asset_page_links_to_its_card(client, staff_user, motorcycle):
    client.force_login(staff_user)
    html = client.get(reverse("assets:detail", args=[motorcycle.pk])).content.decode()
    url = reverse("reports:register_card", args=[motorcycle.pk])
    assert f'href="{url}">ทะเบียนคุมทรัพย์สิน (PDF)</a>' in html
    assert f'href="{url}?digits=thai"' in html


def test_the_register_list_link_carries_the_filter(client, staff_user, motorcycle):
    client.force_login(staff_user)
    html = client.get(reverse("assets:list"), {"division": motorcycle.division.pk, "q": "รถ"}).content.decode()
    match = re.search(r'href="([^"]*)">พิมพ์ทะเบียนคุม \(PDF\)</a>', html)
    assert match, "no link to the register cards"
    link = urlparse(unescape(match[1]))
    assert link.path == reverse("reports:register_cards")
    assert parse_qs(link.query) == {"division": [str(motorcycle.division.pk)], "q": ["รถ"]}
