"""Day one in the browser: an administrator of an empty municipality fills the profile, imports 12 divisions and
250 staff from the spreadsheets as they are kept (titles, a heading row per division, names with their titles),
prints the first-sign-in slips, and a member of staff sets a password with their link: on a desk screen, and the
import and the slip on a 390-px phone."""

import os
import re
from pathlib import Path

import pytest

from organization.models import Division, User
from tests.conftest import make_user
from tests.organization import staff_shapes as shapes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-test-12345"
SHOTS = os.environ.get("SCREENSHOTS")  # a folder: the walk's pages are saved there to be looked at


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def upload(page, url, path, tmp_path, name, rows):
    file = tmp_path / name
    file.write_bytes(shapes.xlsx(rows))
    page.goto(url + path)
    page.set_input_files("input[type=file]", str(file))
    page.get_by_role("button", name="ตรวจไฟล์").click()
    page.wait_for_selector("text=ตรวจไฟล์ “")


def test_an_administrator_sets_up_a_municipality(live_server, browser, tmp_path):
    office = Division.objects.create(code="00", name="ผู้ดูแลระบบ")
    make_user("admin", "administrator", division=office, first_name="ผู้ดูแล", last_name="ระบบ")
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    page = desk.new_page()
    page.set_default_timeout(30_000)
    url = live_server.url
    page.goto(f"{url}/accounts/login/?next=/setup/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(f"{url}/setup/")
    assert page.get_by_text("ยังไม่มีหัวหน้าหน่วยงาน").is_visible()
    shot(page, "01-readiness-empty")

    page.get_by_role("link", name="ข้อมูลหน่วยงาน").first.click()
    page.fill("input[name=name]", "เทศบาลตำบลหงาว")
    page.fill("input[name=egp_name]", "เทศบาลตำบลหงาว")
    page.fill("input[name=district]", "เมืองระนอง")
    page.fill("input[name=province]", "ระนอง")
    page.fill("input[name=phone]", "077-800-000")
    page.get_by_role("button", name="บันทึก").click()
    page.wait_for_url(f"{url}/setup/")

    upload(page, url, "/setup/tables/divisions/import/", tmp_path, "divisions.xlsx", shapes.divisions_file())
    shot(page, "02-divisions-preview")
    page.get_by_role("button", name="ยืนยันนำเข้า").click()
    page.wait_for_url(f"{url}/setup/")
    assert Division.objects.filter(is_active=True).count() == 13

    upload(page, url, "/setup/tables/staff/import/", tmp_path, "staff.xlsx", shapes.municipality_staff(250))
    assert page.locator(".cards .card").first.inner_text().startswith("250")
    shot(page, "03-staff-preview")
    page.get_by_role("button", name="ยืนยันนำเข้า").click()
    page.wait_for_url(f"{url}/setup/staff/first-sign-in/")
    assert page.locator(".slip").count() == 250
    shot(page, "04-slips")
    assert User.objects.filter(is_active=True).count() == 251

    page.goto(f"{url}/setup/")
    problems = page.locator(".readiness li.blocking").all_inner_texts()
    assert not any(name in text for text in problems for name in shapes.DIVISIONS_12), problems
    assert not any("ยังไม่มีหัวหน้าหน่วยงาน" in text or "ยังไม่มีเจ้าหน้าที่พัสดุ" in text for text in problems), problems
    shot(page, "05-readiness-after")
    page.goto(f"{url}/setup/staff/?q=ปลัดเทศบาล")
    assert page.get_by_text("หัวหน้าหน่วยงาน/ผู้ได้รับมอบอำนาจ").first.is_visible()

    # The same staff file again changes nothing.
    upload(page, url, "/setup/tables/staff/import/", tmp_path, "staff.xlsx", shapes.municipality_staff(250))
    assert page.locator(".cards .card").nth(2).inner_text().startswith("250")

    # A member of staff opens their slip's link on a phone and sets a password.
    person = User.objects.get(position="หัวหน้าฝ่ายพัสดุและทรัพย์สิน")
    page.goto(f"{url}/setup/staff/{person.pk}/first-sign-in/")
    link = re.search(r"/accounts/first/\S+/", page.locator(".slip .link").inner_text())[0]
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                locale="th-TH").new_page()
    phone.goto(url + link)
    phone.wait_for_selector("input[name=new_password1]")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "06-first-sign-in-phone")
    phone.fill("input[name=new_password1]", "Ngao-Phatsadu-2569")
    phone.fill("input[name=new_password2]", "Ngao-Phatsadu-2569")
    phone.get_by_role("button", name="ตั้งรหัสผ่านและเข้าระบบ").click()
    phone.wait_for_url(f"{url}/")
    assert phone.get_by_text("ตั้งรหัสผ่านแล้ว").is_visible()
    shot(phone, "07-home-phone")
    person.refresh_from_db()
    assert person.has_usable_password() and person.last_login is not None

    # The staff import page on the phone fits the screen.
    page_phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                     locale="th-TH").new_page()
    page_phone.goto(f"{url}/accounts/login/?next=/setup/tables/staff/import/")
    page_phone.fill("input[name=username]", "admin")
    page_phone.fill("input[name=password]", PASSWORD)
    page_phone.get_by_role("button", name="เข้าสู่ระบบ").click()
    page_phone.wait_for_url(f"{url}/setup/tables/staff/import/")
    upload(page_phone, url, "/setup/tables/staff/import/", tmp_path, "staff2.xlsx", shapes.municipality_staff(250))
    assert page_phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page_phone, "08-staff-preview-phone")
    desk.close()
