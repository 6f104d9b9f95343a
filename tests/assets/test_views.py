"""The register's web views: who may do what, what the form accepts and refuses, photos, search, query counts, history.

Every request goes through the test client and the real URL conf, so middleware (login required,
locale), permission checks, forms, services and templates are exercised together.
"""

import datetime as dt
import io
import random
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from PIL import Image

from activity.models import Entry
from assets.models import Asset, Category, NumberCounter, Status
from tests.conftest import ROLE_NAMES
from tests.factories import AssetFactory, DivisionFactory, LocationFactory, UserFactory

pytestmark = pytest.mark.django_db

EDITOR_ROLES = {"property_officer", "administrator"}
READ_ONLY_ROLES = [role for role in ROLE_NAMES if role not in EDITOR_ROLES]
THAI_LETTERS = re.compile(r"[\u0E01-\u0E4E]")
GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def _fast_hasher_and_private_media(settings, tmp_path):
    """Cheap password hashing (factories hash one password per user) and uploads kept in tmp_path."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


# --- helpers ---------------------------------------------------------------------------------


def jpeg_bytes(size=(64, 48), *, gps=False, color="red") -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "TestCam"
        exif[GPS_IFD] = {1: "N", 2: (9.0, 58.0, 12.0), 3: "E", 4: (98.0, 38.0, 24.0)}  # Ranong
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def noisy_png_bytes(size=(64, 64)) -> bytes:
    """A real PNG that does not compress to almost nothing (random pixels)."""
    image = Image.frombytes("RGB", size, random.Random(2567).randbytes(size[0] * size[1] * 3))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def create_data(category, division, /, **overrides) -> dict:
    """What the registration form posts, as a browser would send it (all fields, blanks as "")."""
    data = {
        "number": "",
        "name": "เครื่องคอมพิวเตอร์โน้ตบุ๊ก สำหรับงานประมวลผล",
        "category": str(category.pk),
        "specification": "",
        "brand_model": "",
        "serial_number": "",
        "division": str(division.pk),
        "location": "",
        "custodian": "",
        "acquired_on": "15/03/2567",
        "acquisition_method": "",
        "budget_type": "",
        "document_number": "",
        "vendor_name": "",
        "vendor_address": "",
        "vendor_phone": "",
        "unit": "เครื่อง",
        "unit_price": "21000.00",
        "useful_life_years": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def edit_data(asset: Asset, /, **overrides) -> dict:
    """What the edit form posts for an asset left as it is (the values the form shows)."""
    def pk(value):
        return "" if value is None else str(value.pk)

    data = {
        "number": asset.number,
        "name": asset.name,
        "category": pk(asset.category),
        "specification": asset.specification,
        "brand_model": asset.brand_model,
        "serial_number": asset.serial_number,
        "division": pk(asset.division),
        "location": pk(asset.location),
        "custodian": pk(asset.custodian),
        "acquired_on": f"{asset.acquired_on.day:02d}/{asset.acquired_on.month:02d}/{asset.acquired_on.year + 543}",
        "acquisition_method": pk(asset.acquisition_method),
        "budget_type": pk(asset.budget_type),
        "document_number": asset.document_number,
        "vendor_name": asset.vendor_name,
        "vendor_address": asset.vendor_address,
        "vendor_phone": asset.vendor_phone,
        "unit": asset.unit,
        "unit_price": f"{asset.unit_price:.2f}",
        "useful_life_years": str(asset.useful_life_years),
        "status": asset.status,
        "notes": asset.notes,
    }
    if asset.is_lendable:
        data["is_lendable"] = "on"
    data.update(overrides)
    return data


def assert_login_redirect(response, path):
    assert response.status_code == 302, response.status_code
    target = urlparse(response["Location"])
    assert target.path == "/accounts/login/"
    assert parse_qs(target.query).get("next") == [path]


def body(response) -> str:
    return response.content.decode()


def served_bytes(response) -> bytes:
    # No response.close() here: the test client closed it already, and closing it again fires
    # request_finished, which on PostgreSQL closes the connection inside the test's transaction.
    return b"".join(response.streaming_content) if response.streaming else response.content


_TBODY = re.compile(r"<tbody>(.*?)</tbody>", re.S)
_DETAIL_LINK = re.compile(r'href="/assets/(\d+)/"')


def listed_rows(response) -> list[int]:
    """The asset ids linked from the rows the list page shows (read from the HTML, whatever renders it)."""
    tables = _TBODY.findall(body(response))
    assert len(tables) == 1, "expected one table body on the list page"
    return [int(pk) for pk in _DETAIL_LINK.findall(tables[0])]


def listed_pks(response) -> set[int]:
    rows = listed_rows(response)
    assert len(rows) == len(set(rows)), "an asset is listed twice"
    return set(rows)


def state_counts() -> tuple[int, int, list]:
    """What a refused request must leave as it found it: assets, log entries, number counters."""
    return (Asset.objects.count(), Entry.objects.count(),
            list(NumberCounter.objects.order_by("pk").values_list("category_id", "fiscal_year", "last")))


@pytest.fixture
def other_location(division):
    return LocationFactory(division=division, code="P02", name="ห้องประชุมสภา")


@pytest.fixture
def photo_asset(asset):
    asset.photo.save("seed.jpg", ContentFile(jpeg_bytes()), save=True)
    return asset


# --- permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_every_role_may_view_the_list(client, users_by_role, asset, role):
    client.force_login(users_by_role[role])
    response = client.get("/assets/")
    assert response.status_code == 200
    assert asset.pk in listed_pks(response)
    assert ('href="/assets/new/"' in body(response)) is (role in EDITOR_ROLES)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_every_role_may_view_the_detail(client, users_by_role, asset, role):
    client.force_login(users_by_role[role])
    response = client.get(f"/assets/{asset.pk}/")
    assert response.status_code == 200
    assert asset.number in body(response)
    assert (f'href="/assets/{asset.pk}/edit/"' in body(response)) is (role in EDITOR_ROLES)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_every_role_may_see_the_photo(client, users_by_role, photo_asset, role):
    client.force_login(users_by_role[role])
    response = client.get(f"/assets/{photo_asset.pk}/photo/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    assert served_bytes(response)[:2] == b"\xff\xd8"


@pytest.mark.parametrize("role", sorted(EDITOR_ROLES))
def test_editors_get_the_forms(client, users_by_role, asset, role):
    client.force_login(users_by_role[role])
    assert client.get("/assets/new/").status_code == 200
    response = client.get(f"/assets/{asset.pk}/edit/")
    assert response.status_code == 200
    assert response.context["form"]["number"].value() == asset.number


@pytest.mark.parametrize("role", sorted(EDITOR_ROLES))
def test_editors_may_register_and_edit(client, users_by_role, computer_category, division, asset, role):
    client.force_login(users_by_role[role])
    before = Asset.objects.count()
    response = client.post("/assets/new/", create_data(computer_category, division, name="เครื่องพิมพ์เลเซอร์"))
    assert response.status_code == 302
    created = Asset.objects.exclude(pk=asset.pk).get()
    assert response["Location"] == f"/assets/{created.pk}/"
    assert Asset.objects.count() == before + 1

    response = client.post(f"/assets/{asset.pk}/edit/", edit_data(asset, name="ชื่อใหม่"))
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.name == "ชื่อใหม่"


@pytest.mark.parametrize("role", READ_ONLY_ROLES + ["no_role"])
def test_others_may_not_register_or_edit(client, users_by_role, computer_category, division, asset, role):
    client.force_login(users_by_role[role])
    before = state_counts()
    assert client.get("/assets/new/").status_code == 403
    response = client.post("/assets/new/", create_data(computer_category, division, name="ลงทะเบียนแอบ"))
    assert response.status_code == 403
    assert "คุณไม่มีสิทธิ์ทำรายการนี้" in body(response)

    assert client.get(f"/assets/{asset.pk}/edit/").status_code == 403
    response = client.post(f"/assets/{asset.pk}/edit/", edit_data(asset, name="แก้ไขแอบ", unit_price="1.00"))
    assert response.status_code == 403

    assert state_counts() == before
    asset.refresh_from_db()
    assert asset.name != "แก้ไขแอบ"
    assert asset.unit_price == Decimal("21000.00")


def test_signed_in_without_role_sees_nothing(client, users_by_role, photo_asset):
    client.force_login(users_by_role["no_role"])
    assert client.get("/assets/").status_code == 403
    assert client.get(f"/assets/{photo_asset.pk}/").status_code == 404
    assert client.get(f"/assets/{photo_asset.pk}/photo/").status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("path", ["/assets/", "/assets/new/", "/assets/{pk}/", "/assets/{pk}/edit/", "/assets/{pk}/photo/"])
def test_anonymous_is_sent_to_login(client, photo_asset, computer_category, division, path, method):
    path = path.format(pk=photo_asset.pk)
    before = state_counts()
    if method == "post":
        response = client.post(path, create_data(computer_category, division, name="ไม่ระบุตัวตน"))
    else:
        response = client.get(path)
    assert_login_redirect(response, path)
    assert state_counts() == before


# --- registering through the form ------------------------------------------------------------


def test_register_reads_be_date_and_thai_digit_price_and_allocates_a_number(
    client, officer, computer_category, division, location
):
    client.force_login(officer)
    response = client.post("/assets/new/", create_data(
        computer_category, division, location=str(location.pk), acquired_on="15/03/2567", unit_price="๒๑,๐๐๐.๕๐",
    ))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    asset = Asset.objects.get()
    assert asset.acquired_on == dt.date(2024, 3, 15)
    assert asset.unit_price == Decimal("21000.50")
    assert asset.number == "416-67-0001"  # category 416 คอมพิวเตอร์, fiscal year 2567
    assert asset.useful_life_years == computer_category.useful_life_years
    assert asset.location == location
    entry = Entry.objects.get()
    assert entry.action == "asset.register"

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = body(page)
    assert "15 มีนาคม 2567" in html
    assert "416-67-0001" in html
    assert "21,000.50" in html
    assert "ลงทะเบียนครุภัณฑ์ 416-67-0001 แล้ว" in html  # the success message

    # The next blank number in the same category and fiscal year continues the run.
    client.post("/assets/new/", create_data(computer_category, division, acquired_on="30/09/2567"))
    assert Asset.objects.filter(number="416-67-0002").exists()
    # 1 Oct 2024 is the first day of fiscal year 2568: a new run.
    client.post("/assets/new/", create_data(computer_category, division, acquired_on="01/10/2567"))
    assert Asset.objects.filter(number="416-68-0001").exists()


def test_legacy_number_in_thai_digits_is_kept_and_guards_against_duplicates(client, officer, computer_category, division):
    client.force_login(officer)
    response = client.post("/assets/new/", create_data(computer_category, division, number="๔๑๖-๖๐-๐๐๐๕"))
    assert response.status_code == 302
    legacy = Asset.objects.get()
    assert legacy.number == "๔๑๖-๖๐-๐๐๐๕"
    assert legacy.number_key == "416-60-0005"

    before = state_counts()
    response = client.post("/assets/new/", create_data(computer_category, division, number="416-60-0005"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "number" in errors
    assert "มีอยู่ในทะเบียนแล้ว" in " ".join(errors["number"])
    assert "มีอยู่ในทะเบียนแล้ว" in body(response)
    assert state_counts() == before


def test_blank_number_skips_a_legacy_number_already_taken(client, officer, computer_category, division):
    AssetFactory(number="416-67-0001", category=computer_category, division=division)
    client.force_login(officer)
    response = client.post("/assets/new/", create_data(computer_category, division))
    assert response.status_code == 302
    assert Asset.objects.filter(number="416-67-0002").exists()


BAD_INPUT = [
    # (id, field, posted value, expected Thai text in the re-rendered form or None for "some Thai message")
    ("date-31-feb", "acquired_on", "31/02/2567", "ไม่มีวันที่"),
    ("date-29-feb-non-leap", "acquired_on", "29/02/2566", "ไม่มีวันที่"),
    ("date-text", "acquired_on", "abc", "อ่านวันที่"),
    ("date-blank", "acquired_on", "", None),
    ("date-year-zero", "acquired_on", "01/01/0000", None),
    ("date-far-future", "acquired_on", f"{timezone.localdate() + dt.timedelta(days=400):%d/%m/}"
                                       f"{(timezone.localdate() + dt.timedelta(days=400)).year + 543}",
     "วันที่ได้มาอยู่ไกลเกินไปในอนาคต"),
    ("price-negative", "unit_price", "-5", "ราคาต่อหน่วยต้องไม่ติดลบ"),
    ("price-thai-negative", "unit_price", "-๕", "ราคาต่อหน่วยต้องไม่ติดลบ"),
    ("price-text", "unit_price", "abc", "กรุณากรอกราคาเป็นตัวเลข"),
    ("price-nan", "unit_price", "NaN", "กรุณากรอกราคาเป็นตัวเลข"),
    ("price-infinity", "unit_price", "Infinity", "กรุณากรอกราคาเป็นตัวเลข"),
    ("price-too-many-digits", "unit_price", "1234567890123456", "ราคามีจำนวนหลักมากเกินไป"),
    ("price-exponent", "unit_price", "1e400", None),
    ("price-three-decimals", "unit_price", "10.555", "ราคาทศนิยมได้ไม่เกิน 2 ตำแหน่ง"),
    ("price-blank", "unit_price", "", None),
    ("category-unknown", "category", "99999", None),
    ("category-text", "category", "abc", None),
    ("division-unknown", "division", "99999", None),
    ("division-text", "division", "abc", None),
    ("location-unknown", "location", "99999", None),
    ("location-text", "location", "abc", None),
    ("custodian-unknown", "custodian", "99999", None),
    ("life-zero", "useful_life_years", "0", "อายุการใช้งานต้องมากกว่า 0 ปี"),
    ("life-thai-zero", "useful_life_years", "๐", "อายุการใช้งานต้องมากกว่า 0 ปี"),
    ("life-negative", "useful_life_years", "-3", "อายุการใช้งานต้องมากกว่า 0 ปี"),
    ("life-text", "useful_life_years", "สามปี", "กรุณากรอกอายุการใช้งานเป็นจำนวนปี"),
    ("life-huge", "useful_life_years", "99999999999999999999", None),
    ("name-blank", "name", "", None),
    ("name-too-long", "name", "ก" * 301, None),
    ("number-too-long", "number", "9" * 61, None),
    ("unit-too-long", "unit", "เครื่อง" * 5, None),
    ("name-null-character", "name", "เครื่อง\x00พิมพ์", None),
]
def _bad_input_params():
    # Over-long text and NUL characters are refused by Django's own validators, whose messages Django's th
    # catalogue did not translate: the project's locale/th supplies them (these cases were an xfail before).
    for case_id, field, value, expected in BAD_INPUT:
        yield pytest.param(field, value, expected, id=case_id)


@pytest.mark.parametrize("field, value, expected", list(_bad_input_params()))
def test_malformed_input_is_refused_with_a_thai_message(client, officer, computer_category, division, field, value, expected):
    client.force_login(officer)
    before = state_counts()
    response = client.post("/assets/new/", create_data(computer_category, division, **{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    messages = form.errors[field]
    assert all(THAI_LETTERS.search(message) for message in messages), messages
    if expected:
        assert any(expected in message for message in messages), messages
    html = body(response)
    assert 'class="error"' in html
    assert any(message.replace('"', "&quot;").replace("'", "&#x27;") in html for message in messages)
    assert state_counts() == before


@pytest.mark.parametrize("typed", ["01/01/0001", "0001-09-30", "15/03/0567"])
def test_year_one_is_refused_or_harmless(officer, computer_category, division, typed):
    """Regression: a date in Jan–Sep of 1 CE was stored, then fiscal_year_bounds(544) built dt.date(0, 10, 1)
    and the list page (for everyone) and the detail page answered 500."""
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    response = client.post("/assets/new/", create_data(computer_category, division, acquired_on=typed))
    if response.status_code == 200:  # refused with a message: fine
        assert "acquired_on" in response.context["form"].errors
        assert Asset.objects.count() == 0
        return
    assert response.status_code == 302
    asset = Asset.objects.get()
    assert client.get("/assets/").status_code == 200  # the whole register list, for everyone
    assert client.get(f"/assets/{asset.pk}/").status_code == 200


def test_location_of_another_division_is_refused(client, officer, computer_category, division):
    elsewhere = LocationFactory(division=DivisionFactory(code="CHANG", name="กองช่าง"), code="C01", name="ห้องกองช่าง")
    client.force_login(officer)
    before = state_counts()
    response = client.post("/assets/new/", create_data(computer_category, division, location=str(elsewhere.pk)))
    assert response.status_code == 200
    assert "สถานที่นี้ไม่ได้อยู่ในกองที่เลือก" in " ".join(response.context["form"].errors["location"])
    assert "สถานที่นี้ไม่ได้อยู่ในกองที่เลือก" in body(response)
    assert state_counts() == before


def test_inactive_category_is_refused(client, officer, division):
    retired = Category.objects.create(code="499", name="ประเภทเลิกใช้", useful_life_years=5, is_active=False)
    client.force_login(officer)
    before = state_counts()
    response = client.post("/assets/new/", create_data(retired, division))
    assert response.status_code == 200
    assert "category" in response.context["form"].errors
    assert state_counts() == before


@override_settings(PHOTO_MAX_BYTES=1000)
def test_oversized_photo_is_refused(client, officer, computer_category, division):
    png = noisy_png_bytes()
    assert len(png) > 1000
    assert Image.open(io.BytesIO(png)).format == "PNG"
    client.force_login(officer)
    before = state_counts()
    upload = SimpleUploadedFile("big.png", png, content_type="image/png")
    response = client.post("/assets/new/", {**create_data(computer_category, division), "photo": upload})
    assert response.status_code == 200
    photo_errors = " ".join(response.context["form"].errors.get("photo", []))
    assert "รูปภาพมีขนาดเกิน" in photo_errors
    assert "รูปภาพมีขนาดเกิน" in body(response)
    assert state_counts() == before


def test_non_image_photo_is_refused(client, officer, computer_category, division, settings):
    client.force_login(officer)
    before = state_counts()
    upload = SimpleUploadedFile("x.jpg", b"this is not a picture, just some text\n" * 10, content_type="image/jpeg")
    response = client.post("/assets/new/", {**create_data(computer_category, division), "photo": upload})
    assert response.status_code == 200
    errors = response.context["form"].errors
    all_messages = " ".join(message for messages in errors.values() for message in messages)
    assert "ไม่ใช่รูปภาพ" in all_messages, errors
    assert "ไม่ใช่รูปภาพ" in body(response)
    assert state_counts() == before  # the number allocated before the photo was checked is rolled back
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_empty_photo_is_refused(client, officer, computer_category, division):
    client.force_login(officer)
    before = state_counts()
    upload = SimpleUploadedFile("empty.jpg", b"", content_type="image/jpeg")
    response = client.post("/assets/new/", {**create_data(computer_category, division), "photo": upload})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "photo" in errors
    assert all(THAI_LETTERS.search(message) for message in errors["photo"]), errors
    assert state_counts() == before


def test_gif_photo_is_refused(client, officer, computer_category, division):
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, format="GIF")
    client.force_login(officer)
    before = state_counts()
    upload = SimpleUploadedFile("x.gif", out.getvalue(), content_type="image/gif")
    response = client.post("/assets/new/", {**create_data(computer_category, division), "photo": upload})
    assert response.status_code == 200
    assert "รับเฉพาะรูปภาพ JPEG, PNG หรือ WebP" in body(response)
    assert state_counts() == before


@pytest.mark.parametrize("query", [
    "division=abc", "division=99999", "fiscal_year=xyz", "fiscal_year=1", "category=abc", "location=abc",
    "status=nonsense", "page=abc", "page=99999", "page=-1", "page=0", "per_page=7", "per_page=abc",
    "per_page=100000", "sort=nonexistent", "sort=-net_value", "q=%22", "q=*", "q=%22%22%22abc", "q=NEAR(a+b)",
    "q=a+OR+b", "q=%25%25%25", "q=__", "q=" + "ก" * 500,
])
def test_bad_list_filters_do_not_fail(client, officer, asset, query):
    client.force_login(officer)
    response = client.get(f"/assets/?{query}")
    assert response.status_code == 200


def test_page_beyond_the_end_shows_the_last_page(client, officer, division):
    AssetFactory.create_batch(30, division=division)
    client.force_login(officer)
    response = client.get("/assets/?page=99999")
    assert response.status_code == 200
    assert "หน้า 2 จาก 2" in body(response)
    assert len(listed_pks(response)) == 5
    first = listed_pks(client.get("/assets/?page=1"))
    second = listed_pks(client.get("/assets/?page=2"))
    assert len(first) == 25 and not first & second
    assert listed_pks(client.get("/assets/?page=abc")) == first
    assert listed_pks(client.get("/assets/?page=0")) == first


def test_sorting_and_paging_agree(client, officer, division):
    prices = [Decimal(1000 + (i * 37) % 60 * 100) for i in range(60)]
    assets = [AssetFactory(division=division, unit_price=price, acquired_on=dt.date(2020, 1, 1) + dt.timedelta(days=i))
              for i, price in enumerate(prices)]
    client.force_login(officer)
    by_price = sorted(assets, key=lambda a: (-a.unit_price, a.number_key))  # number_key breaks ties, descending
    pages = [listed_rows(client.get("/assets/", {"sort": "-unit_price", "page": n})) for n in (1, 2, 3)]
    shown = [pk for page in pages for pk in page]
    assert len(shown) == len(set(shown)) == 60
    shown_prices = [Asset.objects.get(pk=pk).unit_price for pk in shown]
    assert shown_prices == sorted(shown_prices, reverse=True)
    assert shown[0] in {a.pk for a in by_price if a.unit_price == by_price[0].unit_price}

    oldest_first = listed_rows(client.get("/assets/", {"sort": "acquired_on", "per_page": "100"}))
    assert oldest_first == [a.pk for a in assets]
    assert listed_rows(client.get("/assets/", {"sort": "-acquired_on", "per_page": "100"})) == oldest_first[::-1]


@pytest.mark.parametrize("per_page, expected", [("7", 25), ("abc", 25), ("50", 50), ("100", 100), ("1000", 25)])
def test_page_size_is_clamped(client, officer, division, per_page, expected):
    AssetFactory.create_batch(101, division=division)
    client.force_login(officer)
    response = client.get(f"/assets/?per_page={per_page}")
    assert response.status_code == 200
    assert len(listed_pks(response)) == expected


# --- photos ----------------------------------------------------------------------------------


def test_photo_is_stored_without_gps_and_served_to_other_roles(client, officer, users_by_role, computer_category,
                                                               division, settings):
    original = jpeg_bytes((320, 240), gps=True)
    assert GPS_IFD in Image.open(io.BytesIO(original)).getexif()  # the fixture really carries a location

    client.force_login(officer)
    upload = SimpleUploadedFile("IMG_0001.jpg", original, content_type="image/jpeg")
    response = client.post("/assets/new/", {**create_data(computer_category, division), "photo": upload})
    assert response.status_code == 302
    asset = Asset.objects.get()
    assert asset.photo
    stored_path = settings.MEDIA_ROOT / asset.photo.name
    assert stored_path.is_file()
    assert str(stored_path.resolve()).startswith(str(settings.MEDIA_ROOT.resolve()))
    assert "IMG_0001" not in asset.photo.name  # the upload's name is not kept
    with Image.open(stored_path) as stored:
        assert GPS_IFD not in stored.getexif()

    detail = client.get(f"/assets/{asset.pk}/")
    assert f'src="/assets/{asset.pk}/photo/"' in body(detail)

    client.force_login(users_by_role["staff"])
    response = client.get(f"/assets/{asset.pk}/photo/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    data = served_bytes(response)
    with Image.open(io.BytesIO(data)) as served:
        assert served.format == "JPEG"
        assert served.size == (320, 240)
        exif = served.getexif()
        assert GPS_IFD not in exif
        assert exif.get_ifd(GPS_IFD) == {}

    client.force_login(users_by_role["no_role"])
    assert client.get(f"/assets/{asset.pk}/photo/").status_code == 404
    client.logout()
    assert_login_redirect(client.get(f"/assets/{asset.pk}/photo/"), f"/assets/{asset.pk}/photo/")


def test_png_with_transparency_stays_png(client, officer, computer_category, division):
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (255, 0, 0, 128)).save(out, format="PNG")
    client.force_login(officer)
    upload = SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")
    response = client.post("/assets/new/", {**create_data(computer_category, division), "photo": upload})
    assert response.status_code == 302
    asset = Asset.objects.get()
    response = client.get(f"/assets/{asset.pk}/photo/")
    assert response["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(served_bytes(response))) as served:
        assert served.format == "PNG"


def test_photo_of_asset_without_photo_is_404(client, officer, asset):
    client.force_login(officer)
    assert client.get(f"/assets/{asset.pk}/photo/").status_code == 404


def test_photo_file_missing_on_disk_is_404_not_500(client, officer, photo_asset, settings):
    (settings.MEDIA_ROOT / photo_asset.photo.name).unlink()
    client.force_login(officer)
    assert client.get(f"/assets/{photo_asset.pk}/photo/").status_code == 404


def test_unknown_asset_is_404(client, officer):
    client.force_login(officer)
    for path in ("/assets/99999/", "/assets/99999/photo/", "/assets/99999/edit/"):
        assert client.get(path).status_code == 404, path


def test_edit_replaces_and_removes_photo(client, officer, photo_asset):
    client.force_login(officer)
    upload = SimpleUploadedFile("new.jpg", jpeg_bytes((10, 10), gps=True, color="blue"), content_type="image/jpeg")
    response = client.post(f"/assets/{photo_asset.pk}/edit/", {**edit_data(photo_asset), "photo": upload})
    assert response.status_code == 302
    photo_asset.refresh_from_db()
    with photo_asset.photo.open("rb") as handle, Image.open(handle) as image:
        assert image.size == (10, 10)
        assert GPS_IFD not in image.getexif()

    response = client.post(f"/assets/{photo_asset.pk}/edit/", {**edit_data(photo_asset), "remove_photo": "1"})
    assert response.status_code == 302
    photo_asset.refresh_from_db()
    assert not photo_asset.photo
    assert client.get(f"/assets/{photo_asset.pk}/photo/").status_code == 404


# --- search and filters ----------------------------------------------------------------------


@pytest.fixture
def catalogue(division):
    """A few assets with distinct names, numbers, divisions, statuses and acquisition dates."""
    other = DivisionFactory(code="EDU", name="กองการศึกษา")
    media = Category.objects.get(code="407")
    return {
        "projector": AssetFactory(number="407-67-0001", name="เครื่องมัลติมีเดียโปรเจคเตอร์ 4,000 ANSI Lumens",
                                  category=media, division=division, acquired_on=dt.date(2024, 3, 15)),
        "projector2": AssetFactory(number="407-66-0002", name="โปรเจคเตอร์พกพา", category=media, division=other,
                                   acquired_on=dt.date(2023, 5, 1), status=Status.DAMAGED),
        "camera": AssetFactory(number="407-68-0003", name="กล้องถ่ายภาพดิจิทัล", category=media, division=other,
                               acquired_on=dt.date(2024, 10, 1)),
        "desk": AssetFactory(number="401-60-0004", name="โต๊ะทำงานเหล็ก 5 ฟุต", category=Category.objects.get(code="401"),
                             division=division, acquired_on=dt.date(2017, 1, 5), status=Status.DAMAGED),
        "computer": AssetFactory(number="416-67-0001", name="เครื่องคอมพิวเตอร์โน้ตบุ๊ก", division=division,
                                 acquired_on=dt.date(2023, 10, 1)),
        "legacy": AssetFactory(number="๔๑๖-๖๐-๐๐๐๕", name="เครื่องพิมพ์ดอทเมทริกซ์", division=other,
                               acquired_on=dt.date(2016, 12, 1)),
        "other_division": other,
    }


@pytest.mark.parametrize("query, expected", [
    ("โปรเจคเตอร์", {"projector", "projector2"}),
    ("มัลติมีเดีย", {"projector"}),
    ("กล", {"camera"}),  # two characters: below the trigram index, still found
    ("โต", {"desk"}),
    ("ansi", {"projector"}),
    ("ANSI lumens", {"projector"}),
    ("ภาพ กล", {"camera"}),
    ("โปรเจคเตอร์ พกพา", {"projector2"}),
    ("๔๑๖-๖๗-๐๐๐๑", {"computer"}),  # Thai digits typed, Arabic stored
    ("416-67-0001", {"computer"}),
    ("416-60-0005", {"legacy"}),  # Thai digits stored, Arabic typed
    ("๔๑๖-๖๐", {"legacy"}),
    ("407-", {"projector", "projector2", "camera"}),
    ("ไม่มีสิ่งนี้", set()),
    ("  ", {"projector", "projector2", "camera", "desk", "computer", "legacy"}),
])
def test_search(client, officer, catalogue, query, expected):
    client.force_login(officer)
    response = client.get("/assets/", {"q": query, "per_page": "100"})
    assert response.status_code == 200
    assert listed_pks(response) == {catalogue[name].pk for name in expected}


def test_filters(client, officer, catalogue, division):
    client.force_login(officer)
    other = catalogue["other_division"]

    def found(**params):
        response = client.get("/assets/", {**params, "per_page": "100"})
        assert response.status_code == 200
        return {name for name, obj in catalogue.items() if isinstance(obj, Asset) and obj.pk in listed_pks(response)}

    assert found(division=division.pk) == {"projector", "desk", "computer"}
    assert found(division=other.pk) == {"projector2", "camera", "legacy"}
    assert found(status=Status.DAMAGED) == {"projector2", "desk"}
    assert found(fiscal_year=2567) == {"projector", "computer"}  # 1 Oct 2023 – 30 Sep 2024
    assert found(fiscal_year=2568) == {"camera"}
    assert found(fiscal_year=2566) == {"projector2"}
    assert found(division=division.pk, status=Status.DAMAGED) == {"desk"}
    assert found(q="โปรเจคเตอร์", division=other.pk) == {"projector2"}
    assert found(q="โปรเจคเตอร์", fiscal_year=2567, status=Status.IN_USE) == {"projector"}
    assert found(category=Category.objects.get(code="407").pk) == {"projector", "projector2", "camera"}


def test_search_finds_assets_registered_and_renamed_through_the_form(client, officer, computer_category, division, asset):
    client.force_login(officer)
    client.post("/assets/new/", create_data(computer_category, division, name="เครื่องสแกนเนอร์ความเร็วสูง",
                                            serial_number="SN-XYZ-778"))
    assert {a.name for a in Asset.objects.filter(pk__in=listed_pks(client.get("/assets/?q=สแกนเนอร์")))} == {
        "เครื่องสแกนเนอร์ความเร็วสูง"}
    assert len(listed_pks(client.get("/assets/?q=xyz-778"))) == 1

    client.post(f"/assets/{asset.pk}/edit/", edit_data(asset, name="ตู้เย็นสองประตู"))
    assert listed_pks(client.get("/assets/?q=ตู้เย็น")) == {asset.pk}
    assert asset.pk not in listed_pks(client.get("/assets/?q=ทดสอบ"))


# --- query counts ----------------------------------------------------------------------------


@pytest.fixture
def big_register(division):
    locations = [LocationFactory(division=division) for _ in range(4)]
    custodians = [UserFactory(division=division) for _ in range(4)]
    return [
        AssetFactory(division=division, location=locations[i % 4], custodian=custodians[i % 4],
                     acquired_on=dt.date(2024, 1, 10) + dt.timedelta(days=i % 200))
        for i in range(120)
    ]


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("extra", [
    "",
    "&q=คอมพิวเตอร์",
    "&q=ทดสอบ+99",  # an indexed term and a two-character one
    "&status=in_use&fiscal_year=2567",
    "&q=คอมพิวเตอร์&status=in_use&fiscal_year=2567&division={division}",
    "&sort=-unit_price",
    "&sort=location",
])
def test_list_query_count_does_not_grow_with_page_size(client, officer, big_register, division, extra):
    client.force_login(officer)
    client.get("/assets/")  # warm the session and the role cache the same way for both
    extra = extra.format(division=division.pk)
    small, small_response = _count_queries(client, f"/assets/?per_page=25{extra}")
    large, large_response = _count_queries(client, f"/assets/?per_page=100{extra}")
    assert (len(listed_pks(small_response)), len(listed_pks(large_response))) == (25, 100)
    assert small == large, (small, large)
    assert large <= 15


def test_detail_query_count_does_not_grow_with_history(client, officer, asset, django_assert_max_num_queries):
    client.force_login(officer)
    client.post(f"/assets/{asset.pk}/edit/", edit_data(asset, notes="ครั้งที่ 0"))
    with CaptureQueriesContext(connection) as one_entry:
        assert client.get(f"/assets/{asset.pk}/").status_code == 200
    queries_with_one_entry = len(one_entry)  # read now: the next request clears the connection's log
    assert queries_with_one_entry > 0
    for n in range(1, 8):
        client.post(f"/assets/{asset.pk}/edit/", edit_data(asset, notes=f"ครั้งที่ {n}"))
    assert Entry.objects.count() == 8
    with django_assert_max_num_queries(queries_with_one_entry):
        response = client.get(f"/assets/{asset.pk}/")
    assert body(response).count("แก้ไขข้อมูลครุภัณฑ์") == 8


# --- editing ---------------------------------------------------------------------------------


def test_edit_changes_price_and_location_and_logs_once(client, officer, asset, location, other_location):
    client.force_login(officer)
    response = client.get(f"/assets/{asset.pk}/edit/")
    assert response.status_code == 200
    assert 'value="15/03/2567"' in body(response)

    response = client.post(f"/assets/{asset.pk}/edit/", edit_data(
        asset, unit_price="25,000.00", location=str(other_location.pk)))
    assert response.status_code == 302
    assert response["Location"] == f"/assets/{asset.pk}/"
    asset.refresh_from_db()
    assert asset.unit_price == Decimal("25000.00")
    assert asset.location == other_location

    entries = list(Entry.objects.filter(asset_links__asset_id=asset.pk))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.action == "asset.update"
    assert entry.actor_id == officer.pk
    changes = entry.details["changes"]
    assert set(changes) == {"unit_price", "location"}
    assert changes["unit_price"] == ["21000.00", "25000.00"]
    assert changes["location"] == [location.name, other_location.name]

    page = client.get(f"/assets/{asset.pk}/")
    html = body(page)
    assert "แก้ไขข้อมูลครุภัณฑ์" in html
    assert "21,000.00 → 25,000.00" in html  # the page shows money as money; the log keeps "21000.00"
    assert f"{location.name} → {other_location.name}" in html
    assert "บันทึกการแก้ไข" in html  # the success message
    assert "ยังไม่มีประวัติ" not in html


def test_edit_without_changes_writes_no_entry(client, officer, asset):
    client.force_login(officer)
    response = client.post(f"/assets/{asset.pk}/edit/", edit_data(asset))
    assert response.status_code == 302
    assert Entry.objects.count() == 0


@pytest.mark.parametrize("typed", ["21000", "๒๑,๐๐๐", "21,000.0"])
def test_edit_with_same_price_typed_differently_writes_no_entry(client, officer, asset, typed):
    """Regression: the log compared Decimals as strings, so 21000 for a stored 21000.00 was logged as a change."""
    client.force_login(officer)
    response = client.post(f"/assets/{asset.pk}/edit/", edit_data(asset, unit_price=typed))
    assert response.status_code == 302
    assert list(Entry.objects.values_list("details_json", flat=True)) == []
    asset.refresh_from_db()
    assert asset.unit_price == Decimal("21000.00")


def test_edit_refuses_bad_input_without_writing(client, officer, asset, computer_category):
    client.force_login(officer)
    other = AssetFactory(number="416-67-0099", division=asset.division)
    before = state_counts()
    for overrides, field in [
        ({"unit_price": "-1"}, "unit_price"),
        ({"acquired_on": "31/02/2567"}, "acquired_on"),
        ({"number": "๔๑๖-๖๗-๐๐๙๙"}, "number"),  # another asset's number, typed in Thai digits
        ({"location": "99999"}, "location"),
        ({"status": "disposed"}, "status"),  # only workflows dispose
        ({"status": "nonsense"}, "status"),
    ]:
        response = client.post(f"/assets/{asset.pk}/edit/", edit_data(asset, **overrides))
        assert response.status_code == 200, overrides
        errors = response.context["form"].errors
        assert field in errors, (overrides, errors)
        assert all(THAI_LETTERS.search(message) for message in errors[field])
    assert state_counts() == before
    asset.refresh_from_db()
    other.refresh_from_db()
    assert asset.unit_price == Decimal("21000.00")
    assert asset.number != other.number


def test_edit_may_change_status_and_number(client, officer, asset):
    old_number = asset.number
    client.force_login(officer)
    response = client.post(f"/assets/{asset.pk}/edit/", edit_data(asset, status=Status.UNDER_REPAIR, number="๔๑๖-๕๐-๐๐๐๑"))
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.status == Status.UNDER_REPAIR
    assert asset.number == "๔๑๖-๕๐-๐๐๐๑"
    assert asset.number_key == "416-50-0001"
    changes = Entry.objects.get().details["changes"]
    assert changes["status"] == ["in_use", "under_repair"]
    assert changes["number"] == [old_number, "๔๑๖-๕๐-๐๐๐๑"]


def _browser_choice(html: str, name: str) -> str | None:
    """The value a browser submits for a <select>: the selected option, else the first (None: no such select)."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if not select:
        return None
    options = re.findall(r'<option value="([^"]*)"([^>]*)>', select.group(1))
    chosen = [value for value, attrs in options if "selected" in attrs]
    return chosen[0] if chosen else options[0][0]


@pytest.mark.parametrize("status", [Status.ON_LOAN, Status.DISPOSED])
def test_asset_on_loan_can_still_be_edited_through_the_form(client, officer, asset, status):
    """Regression: the status <select> offered only manual statuses, the browser sent in_use back, and every
    edit of an asset on loan was refused ("สถานะนี้เปลี่ยนได้จากขั้นตอนงาน ... เท่านั้น")."""
    Asset.objects.filter(pk=asset.pk).update(status=status)
    asset.refresh_from_db()
    client.force_login(officer)
    html = body(client.get(f"/assets/{asset.pk}/edit/"))
    data = edit_data(asset, notes="ยืมไปใช้ที่ศูนย์เด็กเล็ก")
    data.pop("status")
    shown = _browser_choice(html, "status")  # what the officer's browser sends back untouched, if anything
    if shown is not None:
        data["status"] = shown
    response = client.post(f"/assets/{asset.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    asset.refresh_from_db()
    assert asset.notes == "ยืมไปใช้ที่ศูนย์เด็กเล็ก"
    assert asset.status == status

    # Posting a manual status by hand still cannot take the asset out of its workflow.
    response = client.post(f"/assets/{asset.pk}/edit/", edit_data(asset, status=Status.IN_USE))
    asset.refresh_from_db()
    assert asset.status == status


def test_an_asset_registered_at_no_value_is_kept_and_flagged(client, users_by_role, computer_category, division):
    client.force_login(users_by_role["property_officer"])
    response = client.post("/assets/new/", create_data(computer_category, division, unit_price="0"), follow=True)
    page = response.content.decode()
    assert Asset.objects.filter(unit_price=0).count() == 1 and "ราคาต่อหน่วย 0.00 บาท" in page
    response = client.post("/assets/new/", create_data(computer_category, division, name="โต๊ะ"), follow=True)
    assert "ราคาต่อหน่วย 0.00 บาท" not in response.content.decode()
