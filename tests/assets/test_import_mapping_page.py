"""The mapping and preview page for a register kept the municipality's way: columns offered for matching with
their first values, each unknown value once with close names first, skipped rows listed, the good rows importable
alone and the rest downloadable with their reasons; the choices kept for the next file with the same headers."""

import io
import re

import pytest
from openpyxl import load_workbook

from assets.models import Asset, ImportMapping
from tests.assets.register_shapes import register_workbook
from tests.assets.test_import_views import TOKEN, body, upload
from tests.factories import DivisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def town(db):
    return {"palad": DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล"),
            "klang": DivisionFactory(code="KLANG", name="กองคลัง")}


def test_the_page_offers_the_columns_the_unknown_values_and_the_good_rows(client, officer, town):
    client.force_login(officer)
    html = body(upload(client, register_workbook(), "ทะเบียน.xlsx"))
    assert "หัวคอลัมน์อยู่ที่แถว 4–5 ของไฟล์" in html
    assert re.search(r'<td>H</td><td>ราคา ต่อหน่วย</td>\s*<td class="opt muted">5,900.- · ๑,๕๐๐ · 9,999 บาท</td>', html)
    assert re.search(r'name="column-7" id="column-7">.*?<option value="unit_price" selected>', html, re.S)
    assert '<optgroup label="ใกล้เคียง"><option value="%s">สำนักปลัดเทศบาล</option>' % town["palad"].pk in html
    assert "หัวข้อกลุ่ม (2)" in html and "แถวรวม (2)" in html and "ลายมือชื่อ (1)" in html and "“รวม 2 รายการ · 10400”" in html
    assert "มีแถวที่ไม่ถูกต้อง 2 แถว" in html and "นำเข้าเฉพาะแถวที่ถูกต้อง (1 รายการ)" in html


def test_choosing_a_value_saves_the_mapping_and_the_whole_file_imports(client, officer, town):
    client.force_login(officer)
    data = register_workbook()  # built once: a workbook written a second later has other bytes (its timestamps)
    token = TOKEN.search(body(upload(client, data, "ทะเบียน.xlsx")))[1]
    html = body(client.post("/assets/import/", {"remap": "1", "token": token, "value-0": town["palad"].pk}))
    assert "บันทึกการจับคู่แล้ว" in html and "มีแถวที่ไม่ถูกต้อง" not in html and 'value="all"' in html
    assert ImportMapping.objects.count() == 1
    response = client.post("/assets/import/", {"confirm": "all", "token": token}, follow=True)
    assert "ลงทะเบียนใหม่ 5 รายการ" in body(response) and "ต้องตรวจสอบ" in body(response)
    assert Asset.objects.count() == 5 and Asset.objects.exclude(review_note="").count() == 4
    assert client.get("/assets/?review=1").content.decode().count("400-60-000") == 3
    again = body(upload(client, data, "ทะเบียน.xlsx"))  # the mapping is offered again
    assert "มีแถวที่ไม่ถูกต้อง" not in again and "ไม่เปลี่ยนแปลง 5" in again and "เคยนำเข้าแล้วเมื่อ" in again


def test_the_good_rows_only_and_the_rest_as_a_file(client, officer, town):
    client.force_login(officer)
    token = TOKEN.search(body(upload(client, register_workbook(), "ทะเบียน.xlsx")))[1]
    done = body(client.post("/assets/import/", {"confirm": "good", "token": token}))
    assert "ไม่ได้นำเข้า 2 แถว" in done and f"?rejects={token}" in done
    assert list(Asset.objects.values_list("number", flat=True)) == ["416-63-0061"]
    response = client.get(f"/assets/import/?rejects={token}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [7, 8] and "สำนักปลัด" in rows[1][-1]


def test_a_value_left_out_is_listed_and_nothing_else_changes(client, officer, town):
    client.force_login(officer)
    token = TOKEN.search(body(upload(client, register_workbook(), "ทะเบียน.xlsx")))[1]
    html = body(client.post("/assets/import/", {"remap": "1", "token": token, "value-0": "leave_out",
                                                "column-3": ""}))
    assert "ไม่นำเข้าตามที่เลือก 2" in html and 'value="all"' in html
    client.post("/assets/import/", {"confirm": "all", "token": token})
    computer = Asset.objects.get()
    assert computer.number == "416-63-0061" and computer.brand_model == ""  # the brand column was not imported
