"""On a 390-px phone the signed-in pages fit the screen: the top menu and the action buttons wrap as whole
items (never a Thai word broken into syllables) and wide tables scroll inside their own box."""

import pytest

from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-test-12345"

ONE_LINE = """selector => [...document.querySelectorAll(selector)].filter(el => {
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    return box.height > 1.8 * parseFloat(style.lineHeight) || box.left < 0 || box.right > window.innerWidth;
}).map(el => el.textContent.trim())"""


def test_property_officer_pages_fit_a_phone(live_server, phone):
    store = DivisionFactory(code="KLANG", name="กองคลัง")
    health = DivisionFactory(code="SATHA", name="กองสาธารณสุขและสิ่งแวดล้อม")
    make_user("prapa", "staff", "property_officer", division=store, is_staff=True,
              first_name="ประภา", last_name="มั่นคง")
    for n in range(3):
        AssetFactory(division=health, name="เครื่องปรับอากาศ ขนาด 24,000 บีทียู")
        AssetFactory(division=store, name="ตู้เหล็กเก็บเอกสาร 2 บาน")

    phone.goto(f"{live_server.url}/accounts/login/?next=/assets/")
    phone.fill("input[name=username]", "prapa")
    phone.fill("input[name=password]", PASSWORD)
    phone.get_by_role("button", name="เข้าสู่ระบบ").click()
    phone.wait_for_url(f"{live_server.url}/assets/")

    for path in ("/assets/", "/"):
        phone.goto(f"{live_server.url}{path}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert phone.evaluate(ONE_LINE, ".topbar nav a") == [], path
    phone.goto(f"{live_server.url}/assets/")
    assert phone.get_by_role("link", name="ข้อมูลอ้างอิง").is_visible()
    assert phone.get_by_role("link", name="นำเข้าจากไฟล์").is_visible()
    assert phone.evaluate(ONE_LINE, ".heading .actions .button") == []
