"""A label scanned with a phone: what an anonymous visitor and a signed-in member of staff see."""

import pytest

from assets.models import Status
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory, LocationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_scan_anonymous_then_sign_in_and_report_damage(live_server, phone):
    division = DivisionFactory(code="KLANG", name="กองคลัง")
    location = LocationFactory(division=division, name="งานพัสดุ")
    make_user("somchai", "staff", division=division, first_name="สมชาย", last_name="ใจดี")
    asset = AssetFactory(number="416-67-0042", name="เครื่องคอมพิวเตอร์โน้ตบุ๊ก", division=division, location=location)

    phone.goto(f"{live_server.url}/a/{asset.number}")
    assert phone.get_by_test_id("number").inner_text() == "416-67-0042"
    assert phone.get_by_test_id("name").inner_text() == "เครื่องคอมพิวเตอร์โน้ตบุ๊ก"
    assert "ทรัพย์สินของทางราชการ" in phone.content()
    assert phone.get_by_test_id("status").count() == 0
    assert "งานพัสดุ" not in phone.content()

    phone.get_by_role("link", name="เข้าสู่ระบบ (เจ้าหน้าที่)").click()
    phone.fill("input[name=username]", "somchai")
    phone.fill("input[name=password]", "pw-test-12345")
    phone.get_by_role("button", name="เข้าสู่ระบบ").click()
    phone.wait_for_url(f"{live_server.url}/a/{asset.number}")
    assert phone.get_by_test_id("status").inner_text() == "ใช้งาน"
    assert "งานพัสดุ" in phone.content()

    phone.get_by_text("แจ้งชำรุด", exact=True).click()
    phone.fill("textarea[name=note]", "จอแตก เปิดไม่ติด")
    phone.get_by_role("button", name="ส่งแจ้งชำรุด").click()
    phone.wait_for_load_state()
    assert phone.get_by_test_id("status").inner_text() == "ชำรุด"
    assert "แจ้งชำรุดแล้ว" in phone.content()
    asset.refresh_from_db()
    assert asset.status == Status.DAMAGED
