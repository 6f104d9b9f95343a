"""The public procurement page (no sign-in): what was published and only that, with only its public fields;
stored files served for publications alone; everything else (the documents, the disclosures page) still
behind the sign-in."""

import datetime as dt
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from procurement import services
from procurement.models import Method, Procurement, Publication
from tests.conftest import make_user
from tests.factories import DivisionFactory
from tests.procurement.test_disclosure import pdf_text, procure

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LOGIN = resolve_url(settings.LOGIN_URL)


@pytest.fixture
def published(settings, tmp_path):
    """Fiscal year 2568: the plan and March's สขร.1 published (their PDFs kept), a road job whose invitation
    and result are published, a purchase announced but not published, and a result published with a date
    still to come."""
    settings.MEDIA_ROOT = tmp_path / "media"
    division = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    officer = make_user("officer_p", "property_officer", division=division, first_name="สมหญิง",
                        last_name="พัสดุดี")
    road = procure(officer, "จ้างก่อสร้างถนนคอนกรีต หมู่ 5", "900000.00", method=Method.E_BIDDING,
                   reference="880000.00", division=division, need="บันทึกภายใน-ห้ามเผยแพร่",
                   bids=[("หจก. ทางดีก่อสร้าง", "850000.00"), ("บริษัท ถนนงาม จำกัด", "870000.00")],
                   contract_date=dt.date(2025, 3, 5))
    Procurement.objects.filter(pk=road.pk).update(egp_flag="ข้อสังเกต-e-GP-ภายใน")
    secret = procure(officer, "ซื้อรถยนต์ส่วนกลางที่ยังไม่เผยแพร่", "1200000.00", method=Method.E_BIDDING,
                     division=division, bids=[("บริษัท รถใหม่ จำกัด", "1190000.00")])
    pending = procure(officer, "ซื้อเครื่องพิมพ์ที่ประกาศผลล่วงหน้า", "20000.00", division=division,
                      bids=[("ร้านพรินต์ดี", "19000.00")], contract_date=dt.date(2025, 3, 9))
    publish = dict(actor=officer, published_on=dt.date(2025, 4, 3), where="https://www.ngao.go.th/ita/o13")
    plan = services.publication_record(kind="plan", fiscal_year=2568, content=b"%PDF-1.7 plan", file_name="plan.pdf",
                                       **publish)
    monthly = services.publication_record(kind="monthly", fiscal_year=2568, month=dt.date(2025, 3, 1),
                                          content=b"%PDF-1.7 march", file_name="sk1.pdf", **publish)
    announcement = services.publication_record(kind="announcement", fiscal_year=2568, procurement=road,
                                               **{**publish, "where": "บอร์ดประชาสัมพันธ์"})
    result = services.publication_record(kind="result", fiscal_year=2568, procurement=road, content=b"%PDF-1.7 won",
                                         file_name="won.pdf", **publish)
    future = services.publication_record(kind="result", fiscal_year=2568, procurement=pending,
                                         content=b"%PDF-1.7 later", file_name="later.pdf",
                                         **{**publish, "published_on": TODAY})
    # The service refuses a date in the future; the public page must still hide one a database edit left there.
    Publication.objects.filter(pk=future.pk).update(published_on=TODAY + dt.timedelta(days=3))
    return {"officer": officer, "road": road, "secret": secret, "pending": pending, "plan": plan, "monthly": monthly,
            "announcement": announcement, "result": result, "future": future}


def test_anonymous_visitors_see_what_was_published(client, published):
    response = client.get(reverse("public_procurement"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("การเปิดเผยข้อมูลการจัดซื้อจัดจ้าง", "เทศบาลตำบลหงาว", "ปีงบประมาณ พ.ศ. 2568",
                 "จ้างก่อสร้างถนนคอนกรีต หมู่ 5", "ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)", "900,000.00",
                 "หจก. ทางดีก่อสร้าง", "850,000.00", "880,000.00", "มีนาคม 2568", "3 เม.ย. 2568", "บอร์ดประชาสัมพันธ์",
                 'href="https://www.ngao.go.th/ita/o13"'):
        assert text in html, text
    for pub in ("plan", "monthly", "result"):
        assert reverse("public_procurement_file", args=[published[pub].pk]) in html, pub
    assert 'name="password"' not in html and reverse("logout") not in html  # the light layout, no sign-in nav


def test_nothing_unpublished_or_internal_reaches_anonymous_visitors(client, published):
    html = client.get(reverse("public_procurement")).content.decode()
    for text in ("ซื้อรถยนต์ส่วนกลางที่ยังไม่เผยแพร่", "บริษัท รถใหม่ จำกัด", "1,200,000.00",  # never published
                 "ซื้อเครื่องพิมพ์ที่ประกาศผลล่วงหน้า", "ร้านพรินต์ดี",  # its publication is dated later
                 "บริษัท ถนนงาม จำกัด", "870,000.00",  # a losing offer is not on this page
                 "บันทึกภายใน-ห้ามเผยแพร่", "ข้อสังเกต-e-GP-ภายใน", "ราคาต่ำสุดและถูกต้องตามเงื่อนไข",
                 "officer_p", "สมหญิง", "พัสดุดี"):
        assert text not in html, text
    assert reverse("public_procurement_file", args=[published["future"].pk]) not in html


def test_files_are_served_for_publications_only(client, published):
    for pub in ("plan", "monthly", "result"):
        response = client.get(reverse("public_procurement_file", args=[published[pub].pk]))
        assert response.status_code == 200, pub
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("inline")
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get(reverse("public_procurement_file", args=[published["announcement"].pk])).status_code == 404
    assert client.get(reverse("public_procurement_file", args=[published["future"].pk])).status_code == 404
    assert client.get(reverse("public_procurement_file", args=[999999])).status_code == 404
    assert client.get(reverse("public_procurement_file", args=[10 ** 30])).status_code == 404
    published["monthly"].file.storage.delete(published["monthly"].file.name)  # gone from the disk: still no 500
    assert client.get(reverse("public_procurement_file", args=[published["monthly"].pk])).status_code == 404
    assert client.post(reverse("public_procurement_file", args=[published["plan"].pk])).status_code == 405


@pytest.mark.parametrize("name, args", [
    ("reports:sor_khor_1_pdf", [2568, 3]), ("reports:sor_khor_1_xlsx", [2568, 3]),
    ("reports:sor_khor_1_pdf", [2568, 4]),  # a month never published
    ("reports:procurement_plan_pdf", [2568]), ("reports:procurement_yearly_xlsx", [2568]),
    ("procurement:disclosures", []),
])
def test_the_documents_themselves_still_need_a_sign_in(client, published, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and urlparse(response["Location"]).path == LOGIN


def test_anonymous_posts_record_nothing(client, published):
    for name in ("procurement:publish", "reports:procurement_publish_document"):
        response = client.post(reverse(name), {"kind": "announcement", "procurement": published["secret"].pk,
                                               "published_on": TODAY.isoformat(), "channel": "board"})
        assert response.status_code == 302 and urlparse(response["Location"]).path == LOGIN
    assert not Publication.objects.filter(procurement=published["secret"]).exists()


@pytest.mark.parametrize("year", ["abc", "1", "25689", "๒๕๖x", "<b>2568</b>"])
def test_a_bad_year_gets_a_thai_message(client, published, year):
    response = client.get(reverse("public_procurement"), {"year": year})
    assert response.status_code == 400
    html = response.content.decode()
    assert "ปีต้องเป็นปี พ.ศ." in html and "<b>2568</b>" not in html


def test_another_year_shows_its_own_publications(client, published):
    html = client.get(reverse("public_procurement"), {"year": "2567"}).content.decode()
    assert "ปีงบประมาณ พ.ศ. 2567" in html and "จ้างก่อสร้างถนนคอนกรีต" not in html
    assert html.count("ยังไม่มีการเผยแพร่") == 5
    thai_digits = client.get(reverse("public_procurement"), {"year": "๒๕๖๘"}).content.decode()
    assert "จ้างก่อสร้างถนนคอนกรีต หมู่ 5" in thai_digits


def test_a_published_document_file_from_the_disclosures_page_is_what_the_public_downloads(client, published):
    officer = published["officer"]
    client.force_login(officer)
    response = client.post(reverse("reports:procurement_publish_document"), {
        "kind": "yearly", "fiscal_year": "2568", "published_on": TODAY.isoformat(), "channel": "web",
        "url": "https://www.ngao.go.th/ita/o14"})
    assert response.status_code == 302
    yearly = Publication.objects.get(kind="yearly")
    client.logout()
    html = client.get(reverse("public_procurement"), {"year": "2568"}).content.decode()
    assert reverse("public_procurement_file", args=[yearly.pk]) in html
    download = client.get(reverse("public_procurement_file", args=[yearly.pk]))
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF-") and content == yearly.file.open("rb").read()
    _pages, text = pdf_text(content)
    assert "2568" in text
