"""The import page: who may use it, upload → preview → confirm, the file kept server-side between the two,
and every bad file answered with a Thai message on the page (status 200, never a 500), nothing written."""

import random
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings

from assets.exports import render_register
from assets.models import Asset, Category
from tests.assets.test_import import good_row, make_file, state
from tests.conftest import ROLE_NAMES

pytestmark = pytest.mark.django_db

EDITOR_ROLES = {"property_officer", "administrator"}
TOKEN = re.compile(r'name="token" value="([0-9a-f]{32})"')


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, data: bytes, name: str):
    return client.post("/assets/import/", {"file": SimpleUploadedFile(name, data)})


def kept_files() -> list[str]:
    try:
        return default_storage.listdir("imports")[1]
    except FileNotFoundError:
        return []


def body(response) -> str:
    return response.content.decode()


# --- who may import ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_only_officers_and_administrators_may_import(client, users_by_role, location, role):
    client.force_login(users_by_role[role])
    page = client.get("/assets/import/")
    posted = upload(client, make_file([good_row()]), "x.xlsx")
    if role in EDITOR_ROLES:
        assert page.status_code == 200 and posted.status_code == 200
        assert 'href="/assets/import/"' in body(client.get("/assets/"))
    else:
        assert page.status_code == 403 and posted.status_code == 403
        assert Asset.objects.count() == 0 and kept_files() == []
        assert 'href="/assets/import/"' not in body(client.get("/assets/"))


def test_staff_may_export_but_not_import(client, staff_user, asset):
    client.force_login(staff_user)
    assert client.get("/assets/export.xlsx").status_code == 200
    assert client.get("/assets/import/").status_code == 403
    response = client.post("/assets/import/", {"confirm": "1", "token": "0" * 32})
    assert response.status_code == 403


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_login(client, method):
    response = getattr(client, method)("/assets/import/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/assets/import/")


# --- upload, preview, confirm ---------------------------------------------------------------------------------


def test_upload_previews_then_confirm_commits_and_forgets_the_file(client, officer, asset):
    client.force_login(officer)
    rows = [good_row(name="เครื่องพิมพ์เลเซอร์"),
            {**good_row(), "number": asset.number, "name": "ชื่อใหม่", "acquired_on": "15/03/2567", "unit_price": "21000"}]
    before = state()
    preview = upload(client, make_file(rows), "ทะเบียน.xlsx")
    assert preview.status_code == 200
    html = body(preview)
    assert "ทะเบียน.xlsx" in html and "เครื่องพิมพ์เลเซอร์" in html and "(ออกเลขให้เมื่อยืนยัน)" in html
    assert "ชื่อ/ลักษณะ: เครื่องคอมพิวเตอร์ทดสอบ" in html and "→ ชื่อใหม่" in html
    assert state() == before  # a preview writes nothing
    token = TOKEN.search(html)[1]
    assert kept_files() == [token] and client.session["asset_import"]["token"] == token
    done = client.post("/assets/import/", {"confirm": "1", "token": token})
    assert done.status_code == 302 and done["Location"] == "/assets/"
    assert Asset.objects.count() == 2 and Asset.objects.get(pk=asset.pk).name == "ชื่อใหม่"
    assert kept_files() == [] and "asset_import" not in client.session
    assert "ลงทะเบียนใหม่ 1 รายการ แก้ไข 1 รายการ" in body(client.get("/assets/"))


def test_a_new_upload_replaces_the_kept_file(client, officer, location):
    client.force_login(officer)
    first = TOKEN.search(body(upload(client, make_file([good_row()]), "a.xlsx")))[1]
    second = TOKEN.search(body(upload(client, make_file([good_row()], "csv"), "b.csv")))[1]
    assert first != second and kept_files() == [second]
    stale = client.post("/assets/import/", {"confirm": "1", "token": first})
    assert stale.status_code == 200 and "กรุณาอัปโหลดไฟล์อีกครั้ง" in body(stale)
    assert Asset.objects.count() == 0
    client.post("/assets/import/", {"cancel": "1"})
    assert kept_files() == [] and Asset.objects.count() == 0


def test_confirm_checks_the_file_again(client, officer, location):
    client.force_login(officer)
    token = TOKEN.search(body(upload(client, make_file([good_row(), good_row(category="401")]), "x.xlsx")))[1]
    Category.objects.filter(code="401").update(is_active=False)  # changed between preview and confirm
    before = state()
    response = client.post("/assets/import/", {"confirm": "all", "token": token})
    assert response.status_code == 200
    assert "แถวที่ไม่ถูกต้อง" in body(response) and "ปิดการใช้งาน" in body(response)
    # Nothing written; the file is kept so that the good row can still be imported alone.
    assert state() == before and kept_files() == [token]
    assert 'name="confirm" value="good"' in body(response) and "(1 รายการ)" in body(response)


def test_a_kept_file_that_disappeared(client, officer, location):
    client.force_login(officer)
    token = TOKEN.search(body(upload(client, make_file([good_row()]), "x.xlsx")))[1]
    default_storage.delete(f"imports/{token}")
    response = client.post("/assets/import/", {"confirm": "1", "token": token})
    assert response.status_code == 200 and "ไม่พบไฟล์ที่ตรวจสอบไว้" in body(response)


def test_bad_rows_are_listed_with_their_row_number_and_only_the_good_rows_offered(client, officer, location):
    client.force_login(officer)
    before = state()
    response = upload(client, make_file([good_row(), good_row(category="999"), good_row(unit_price="abc")], "csv"),
                      "x.csv")
    assert response.status_code == 200
    html = body(response)
    assert "มีแถวที่ไม่ถูกต้อง 2 แถว" in html
    assert re.search(r'<td class="num">3</td><td>ประเภท: ไม่พบประเภทที่มีรหัสหรือชื่อ “999”', html)
    assert re.search(r'<td class="num">4</td><td>ราคาต่อหน่วย \(บาท\): “abc” ไม่ใช่ตัวเลข', html)
    assert 'name="confirm" value="all"' not in html and "นำเข้าเฉพาะแถวที่ถูกต้อง (1 รายการ)" in html
    assert state() == before


def test_a_file_that_changes_nothing_offers_no_confirm(client, officer, asset):
    client.force_login(officer)
    response = upload(client, render_register(Asset.objects.all(), "xlsx").content, "x.xlsx")
    assert "ไม่เปลี่ยนแปลง 1" in body(response) and 'name="confirm"' not in body(response)


# --- bad files: a message on the page, never a 500 --------------------------------------------------------------


BAD_FILES = [
    pytest.param("garbage.xlsx", random.Random(3).randbytes(5 * 1024 * 1024), "ไม่ใช่ไฟล์ Excel", id="garbage named xlsx"),
    pytest.param("garbage.csv", random.Random(4).randbytes(5 * 1024 * 1024), "UTF-8", id="garbage named csv"),
    pytest.param("utf16.csv", "name,category\r\nเครื่องพิมพ์,416\r\n".encode("utf-16-le"), "UTF-8", id="utf-16"),
    pytest.param("cp874.csv", b"name,category\r\n\xdb\xdc\xfc\xfd,416\r\n", "874", id="invalid cp874"),
    pytest.param("empty.xlsx", b"", "ไฟล์ว่างเปล่า", id="empty"),
    pytest.param("register.pdf", b"%PDF-1.4", ".xlsx และ .csv", id="pdf"),
]


@pytest.mark.parametrize("name, data, expected", BAD_FILES)
def test_bad_files_are_refused_on_the_page(client, officer, asset, name, data, expected):
    client.force_login(officer)
    before = state()
    response = upload(client, data, name)
    assert response.status_code == 200
    assert expected in body(response)
    assert state() == before and kept_files() == []


def test_a_missing_required_column_is_refused_on_the_page(client, officer, asset):
    client.force_login(officer)
    response = upload(client, make_file([good_row()], columns=["number", "name", "division", "acquired_on", "unit_price"]),
                      "x.xlsx")
    assert response.status_code == 200 and "ไม่มีคอลัมน์ที่จำเป็น: ประเภท" in body(response)
    # The mapping page opens all the same (nothing can be confirmed): one category for every row makes it importable.
    assert 'name="confirm"' not in body(response) and 'name="default-category"' in body(response)
    token = TOKEN.search(body(response))[1]
    category = Category.objects.get(code="416")
    again = body(client.post("/assets/import/", {"remap": "1", "token": token, "default-category": category.pk}))
    assert "ไม่มีคอลัมน์ที่จำเป็น" not in again and 'name="confirm" value="all"' in again
    # A saved mapping that leaves a required column out never locks the file out: the page says what is missing.
    again = body(client.post("/assets/import/", {"remap": "1", "token": token, "default-category": "",
                                                 "column-4": ""}))
    assert "ไม่มีคอลัมน์ที่จำเป็น: ประเภท, ราคาต่อหน่วย (บาท)" in again and 'name="column-4"' in again


@override_settings(IMPORT_MAX_ROWS=5)
def test_a_file_over_the_row_cap_is_refused_on_the_page(client, officer, asset):
    client.force_login(officer)
    before = state()
    response = upload(client, make_file([good_row()] * 6), "x.xlsx")
    assert response.status_code == 200 and "เกิน 5 แถว" in body(response)
    assert state() == before


@override_settings(IMPORT_MAX_BYTES=200)
def test_a_file_over_the_size_cap_is_refused_on_the_page(client, officer, asset):
    client.force_login(officer)
    response = upload(client, make_file([good_row()] * 3), "x.xlsx")
    assert response.status_code == 200 and "เกินขนาดสูงสุด" in body(response)


def test_no_file_at_all(client, officer):
    client.force_login(officer)
    response = client.post("/assets/import/", {})
    assert response.status_code == 200 and "กรุณาเลือกไฟล์" in body(response)


def test_the_page_lists_the_columns(client, officer):
    client.force_login(officer)
    html = body(client.get("/assets/import/"))
    assert "หมายเลขครุภัณฑ์" in html and "<code>unit_price</code>" in html and "20,000 แถว" in html
