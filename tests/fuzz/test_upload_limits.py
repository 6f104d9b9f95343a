"""Uploads are limited by size and type where no other test shows it yet (the asset photo's size and type and the
register import's size and type are in tests/assets): the e-GP file's size, the signed PDF kept with a
publication (size; its type is in tests/procurement/test_disclosure.py), and the photo the counting page sends
(size and type)."""

import base64
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from audits import services as audits
from organization.models import Organization
from procurement import services
from procurement.models import Method, Publication
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory
from tests.fuzz.support import database_state

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def officer(db):
    return make_user("limits_officer", "staff", "property_officer", division=DivisionFactory(code="KLANG"))


def test_an_egp_file_over_the_size_cap_is_refused_before_it_is_read(client, officer, settings):
    settings.EGP_IMPORT_MAX_BYTES = 1024 * 1024
    Organization.objects.filter(pk=1).update(egp_name="เทศบาลตำบลหงาว")
    client.force_login(officer)
    before = database_state()
    big = b"\xef\xbb\xbf" + "รหัสโครงการ,ชื่อโครงการ\n".encode() + b"67119012345,x\n" * 80_000
    response = client.post("/procurement/import/", {"file": SimpleUploadedFile("egp.csv", big)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "เกินขนาดสูงสุดที่นำเข้าได้ (1 MB)" in page and 'name="token"' not in page
    assert database_state() == before


def test_a_signed_pdf_over_the_size_cap_is_refused(client, officer, monkeypatch):
    monkeypatch.setattr("procurement.publication_views.MAX_UPLOAD", 2048)
    procurement = services.procurement_create(actor=officer, fiscal_year=2568, title="ซื้อโต๊ะ", amount=Decimal("9000"),
                                              reference_price=Decimal("9000"), method=Method.SPECIFIC)
    services.procurement_announce(actor=officer, procurement=procurement, announced_on=TODAY)
    client.force_login(officer)
    before = database_state()
    form = {"kind": "announcement", "procurement": str(procurement.pk), "published_on": TODAY.strftime("%d/%m/")
            + str(TODAY.year + 543), "channel": "board", "board": "หน้าสำนักงาน"}
    big = SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n" + b"0" * 4096)
    response = client.post("/procurement/disclosures/publish/", {**form, "file": big})
    assert response.status_code == 302
    assert any("ไฟล์มีขนาดเกิน" in str(message) for message in get_messages(response.wsgi_request))
    assert database_state() == before and not Publication.objects.exists()
    small = SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n% signed\n")
    assert client.post("/procurement/disclosures/publish/", {**form, "file": small}).status_code == 302
    assert Publication.objects.get().file.read() == b"%PDF-1.4\n% signed\n"


def _data_url(image_format: str, size=(8, 8)) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, format=image_format)
    return f"data:image/{image_format.lower()};base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture
def sheet(db):
    palad = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    admin = make_user("limits_admin", "administrator", division=palad)
    head = make_user("limits_head", "agency_head", division=palad)
    inspector = make_user("limits_inspector", "staff", division=palad)
    AssetFactory(number="416-67-0001", division=palad)
    round_ = audits.round_appoint(actor=admin, fiscal_year=2567, order_number="1/2567", order_date=dt.date(2024, 9, 20),
                                  appointed_by=head, inspectors=[inspector])
    round_ = audits.round_start(actor=inspector, round_=round_, today=round_.starts_on)
    return round_.sheets.get(), inspector


@pytest.mark.parametrize("photo, refusal", [
    pytest.param("big", "รูปภาพมีขนาดเกิน", id="over-the-size-cap"),
    pytest.param(_data_url("GIF"), "JPEG, PNG หรือ WebP", id="gif"),
    pytest.param(_data_url("BMP"), "JPEG, PNG หรือ WebP", id="bmp-named-image"),
    pytest.param("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "JPEG, PNG หรือ WebP", id="html"),
])
def test_the_counting_page_photo_is_limited_by_size_and_type(client, sheet, settings, photo, refusal):
    sheet, inspector = sheet
    settings.PHOTO_MAX_BYTES = 2048
    if photo == "big":
        photo = "data:image/png;base64," + base64.b64encode(b"\x89PNG" + b"\0" * 8000).decode()
    client.force_login(inspector)
    before = database_state()
    response = client.post(f"/inspections/sheet/{sheet.pk}/scan/", json.dumps({"number": "416-67-0001", "photo": photo}),
                           content_type="application/json")
    assert response.status_code == 400 and refusal in response.json()["error"]
    assert database_state() == before
    accepted = client.post(f"/inspections/sheet/{sheet.pk}/scan/",
                           json.dumps({"number": "416-67-0001", "photo": _data_url("JPEG")}), content_type="application/json")
    assert accepted.status_code == 200
