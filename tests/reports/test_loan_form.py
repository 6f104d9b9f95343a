import datetime as dt
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest

from loans import services
from reports.loan_form import loan_form_html
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory

BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def loan(db, time_machine):
    """A loan of 1–3 December 2569, requested on 28 November: the clock is pinned, since a loan may not start
    in the past and the form's dates are checked as text."""
    time_machine.move_to(dt.datetime(2026, 11, 28, 10, 0, tzinfo=BANGKOK), tick=False)
    division = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    admin = make_user("admin_f", "administrator", division=division)
    borrower = make_user("somchai_f", "staff", division=division, first_name="สมชาย", last_name="ใจดี",
                         position="นักวิเคราะห์นโยบายและแผน")
    version = services.manual_publish(actor=admin, title="คู่มือ", body="ใช้เพื่อราชการ")
    services.manual_acknowledge(actor=borrower, version=version)
    assets = [AssetFactory(number=f"407-67-00{n}1", name=name, is_lendable=True, division=division)
              for n, name in enumerate(["โปรเจคเตอร์", "จอรับภาพ"], start=1)]
    return services.loan_request(actor=borrower, assets=assets, purpose="ประชุมประชาคมหมู่ 3", place="outside",
                                 where="ศาลาประชาคม", starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 12, 3),
                                 phone="0812345678")


def test_the_form_has_the_thai_fields_be_dates_and_items(loan):
    html = loan_form_html(loan)
    for text in ["ใบยืมพัสดุ", "ข้าพเจ้า", "สมชาย ใจดี", "นักวิเคราะห์นโยบายและแผน", "สำนักปลัดเทศบาล", "0812345678",
                 "ประชุมประชาคมหมู่ 3", "ศาลาประชาคม", "1 ธันวาคม 2569", "3 ธันวาคม 2569", "ลำดับที่", "รายการ",
                 "จำนวน", "หมายเลขครุภัณฑ์", "หมายเหตุ", "407-67-0011", "407-67-0021", "โปรเจคเตอร์", "จอรับภาพ",
                 "ผู้ยืม", "หัวหน้ากองของผู้ยืม", "เจ้าหน้าที่พัสดุ", "ผู้อนุมัติ", "ผู้จ่ายของ", "การส่งคืน"]:
        assert text in html, text


def test_the_pdf_prints_at_any_stage(client, loan):
    client.force_login(loan.borrower)
    response = client.get(f"/loans/{loan.pk}/form.pdf")
    assert response["Content-Type"] == "application/pdf"
    pdf = pdfium.PdfDocument(response.content)
    assert len(pdf) == 1
    text = pdf[0].get_textpage().get_text_range()
    assert "407-67-0011" in text and "2569" in text and "0812345678" in text
    stranger = make_user("stranger_f", "staff", division=DivisionFactory())
    client.force_login(stranger)
    assert client.get(f"/loans/{loan.pk}/form.pdf").status_code == 404


def test_the_form_in_thai_digits(client, loan):
    html = loan_form_html(loan, thai_digits=True)
    assert "๔๐๗-๖๗-๐๐๑๑" in html and "๑ ธันวาคม ๒๕๖๙" in html and "๐๘๑๒๓๔๕๖๗๘" in html
    client.force_login(loan.borrower)
    text = pdfium.PdfDocument(client.get(f"/loans/{loan.pk}/form.pdf?digits=thai").content)[0] \
        .get_textpage().get_text_range()
    assert "๒๕๖๙" in text and "2569" not in text
    assert f'/loans/{loan.pk}/form.pdf?digits=thai' in client.get(f"/loans/{loan.pk}/").content.decode()


def test_the_form_names_who_handed_out_and_who_received_back(loan):
    division = loan.division
    head = make_user("mayor_f", "agency_head", division=division)
    divhead = make_user("divhead_f", "staff", "division_head", division=division)
    officer = make_user("officer_f", "staff", "property_officer", division=division, first_name="ประภา",
                        last_name="มั่นคง")
    if loan.needs_endorsement:
        services.loan_endorse(actor=divhead, loan=loan)
    services.loan_approve(actor=head, loan=loan)
    assert "ประภา มั่นคง" not in loan_form_html(loan)
    loan = services.loan_hand_out(actor=officer, loan=loan)
    html = loan_form_html(loan)
    assert html.count("(ประภา มั่นคง)") == 2  # the property officer's and the issuer's lines
    loan = services.loan_receive(actor=officer, loan=loan,
                                 returns={item.asset_id: ("good", "") for item in loan.items.all()})
    assert loan_form_html(loan).count("(ประภา มั่นคง)") == 3 and "(สมชาย ใจดี)" in loan_form_html(loan)
