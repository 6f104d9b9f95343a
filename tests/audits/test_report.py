"""The round's report: its content on the HTML that feeds the PDF, the PDF's digits and pages, the XLSX."""

import datetime as dt
import io

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from audits import services
from audits.models import Condition
from reports.inspection_report import inspection_report_html
from reports.pdf import html_to_pdf
from tests.audits.conftest import sheet_of
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(org, counting):
    inspector = org["people"]["inspector1"]
    palad, klang = sheet_of(counting, org["palad"]), sheet_of(counting, org["klang"])
    services.inspection_scan(actor=inspector, sheet=palad, number="416-67-0001")
    services.inspection_scan(actor=inspector, sheet=palad, number="416-67-0002", condition=Condition.DAMAGED,
                             note="หัวพิมพ์เสีย")
    services.inspection_scan(actor=inspector, sheet=palad, number="416-67-0005", location=org["room_p"])
    services.inspection_scan(actor=inspector, sheet=palad, number="999-99-9999")
    services.lines_declare_missing(actor=inspector, sheet=palad)
    services.lines_declare_missing(actor=inspector, sheet=klang)
    for sheet in (palad, klang):
        services.sheet_close(actor=inspector, sheet=sheet)
    return services.round_submit(actor=inspector, round_=counting, today=dt.date(2024, 11, 12))


def _pdf_text(pdf: bytes, save_to=None) -> tuple[int, str]:
    document = pdfium.PdfDocument(pdf)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    return len(document), text.replace("\u02f8", "")


def test_report_html_has_divisions_counts_be_dates_inspectors_and_the_chain_head(org, submitted):
    html = inspection_report_html(submitted)
    for text in ("รายงานผลการตรวจสอบพัสดุ", "ตรวจสอบพัสดุประจำปีงบประมาณ 2567", "สำนักปลัดเทศบาล", "กองคลัง",
                 "1 ตุลาคม 2567", "13 พฤศจิกายน 2567", "12 พฤศจิกายน 2567", "30 กันยายน 2567",
                 "สมศรี ตรวจดี", "สมชาย นับถูก", "ประธานกรรมการ", "หัวพิมพ์เสีย", "999-99-9999",
                 submitted.report_anchor.head_hash):
        assert text in html, text
    # Palad: 3 expected, 2 seen, 1 missing (the projector); Klang: 2 expected, 1 seen (in Palad), 1 missing.
    assert '<td>สำนักปลัดเทศบาล</td><td class="num">3</td><td class="num">2</td><td class="num">0</td><td class="num">1</td><td class="num">0</td>' in html
    assert '<td>กองคลัง</td><td class="num">2</td><td class="num">1</td><td class="num">0</td><td class="num">1</td><td class="num">1</td>' in html
    assert '<td>รวมทั้งสิ้น</td><td class="num">5</td><td class="num">3</td>' in html


def test_report_pdf_keeps_the_digits_and_has_its_pages(org, submitted):
    pages, text = _pdf_text(html_to_pdf(inspection_report_html(submitted)))
    assert pages == 2 and "หน้า 2/2" in text  # the summary and lists, then the signature lines
    assert "2567" in text and "416-67-0002" in text and "999-99-9999" in text
    thai_pages, thai_text = _pdf_text(html_to_pdf(inspection_report_html(submitted, thai_digits=True)))
    assert "๒๕๖๗" in thai_text and "๔๑๖-๖๗-๐๐๐๒" in thai_text and "2567" not in thai_text
    assert thai_pages == 2 and "หน้า ๒/๒" in thai_text


def test_a_long_report_runs_over_pages(org, counting):
    inspector = org["people"]["inspector1"]
    palad = sheet_of(counting, org["palad"])
    for n in range(120):
        AssetFactory(number=f"416-68-{n:04d}", name=f"ครุภัณฑ์ที่ไม่อยู่ในบัญชี {n}", division=org["palad"])
        services.inspection_scan(actor=inspector, sheet=palad, number=f"416-68-{n:04d}")
    pages, _text = _pdf_text(html_to_pdf(inspection_report_html(counting)))
    assert pages >= 3


def test_report_xlsx_has_the_summary_every_line_and_the_findings(client, org, submitted):
    client.force_login(org["people"]["auditor"])
    response = client.get(f"/inspections/{submitted.pk}/report.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    summary, lines, findings = (list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets)
    assert summary[1][:5] == ("สำนักปลัดเทศบาล", 3, 2, 0, 1)
    assert summary[-1][:2] == ("รวมทั้งสิ้น", 5)
    assert len(lines) == 1 + 5
    assert findings[1][1] == "999-99-9999" and findings[1][0] == "ไม่มีในทะเบียน"


def test_report_pdf_view_for_an_auditor(client, org, submitted):
    client.force_login(org["people"]["auditor"])
    response = client.get(f"/inspections/{submitted.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(org["people"]["staff"])
    assert client.get(f"/inspections/{submitted.pk}/report.pdf").status_code == 404
