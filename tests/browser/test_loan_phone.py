"""A loan on a phone: staff request from the label page, the division head endorses, the supply head
approves, the property officer hands out from the asset's scan URL and receives it back."""

import datetime as dt

import pytest
from django.utils import timezone

from assets.models import Status as AssetStatus
from loans import services
from loans.models import Loan
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-test-12345"


def sign_in(browser, live_server, username, path):
    from tests.browser.conftest import PHONE

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/?next={path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(f"{live_server.url}{path}")
    return context, page


def test_request_endorse_approve_hand_out_by_scan_and_receive(live_server, browser):
    division = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    store = DivisionFactory(code="KLANG", name="กองคลัง")
    staff = make_user("somchai", "staff", division=division, first_name="สมชาย", last_name="ใจดี")
    make_user("sunee", "staff", "division_head", division=division)
    make_user("wichai", "staff", "supply_head", division=store)
    make_user("prapa", "staff", "property_officer", division=store)
    version = services.manual_publish(actor=make_user("boss", "administrator", division=store), title="คู่มือ",
                                      body="ใช้เพื่อราชการเท่านั้น")
    services.manual_acknowledge(actor=staff, version=version)
    asset = AssetFactory(number="407-67-0042", name="โปรเจคเตอร์", is_lendable=True, division=division)
    today = timezone.localdate()
    be = lambda day: f"{day.day:02d}/{day.month:02d}/{day.year + 543}"  # noqa: E731

    context, page = sign_in(browser, live_server, "somchai", f"/a/{asset.number}")
    page.get_by_role("link", name="ขอยืม").click()
    page.get_by_label("ใช้ภายในสถานที่ราชการ").check()
    page.fill("textarea[name=purpose]", "ประชุมประชาคมหมู่ 3")
    page.fill("input[name=starts_on]", be(today))
    page.fill("input[name=ends_on]", be(today + dt.timedelta(days=1)))
    page.fill("input[name=phone]", "0812345678")
    page.get_by_role("button", name="ส่งคำขอยืม").click()
    page.wait_for_url("**/loans/*/")
    loan = Loan.objects.get()
    assert page.get_by_test_id("loan-status").inner_text() == "รออนุมัติ"
    context.close()

    for username, button, status in [("sunee", "เห็นชอบ", "หัวหน้ากองเห็นชอบแล้ว"), ("wichai", "อนุมัติ", "อนุมัติแล้ว")]:
        context, page = sign_in(browser, live_server, username, "/loans/inbox/")
        page.get_by_role("link", name=str(loan.pk), exact=True).click()
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state()
        assert page.get_by_test_id("loan-status").inner_text() == status
        context.close()

    context, page = sign_in(browser, live_server, "prapa", f"/a/{asset.number}")
    page.get_by_role("link", name="การยืมของครุภัณฑ์นี้ (ส่งมอบ/รับคืน)").click()
    page.get_by_role("link", name=f"ส่งมอบ: ใบยืมที่ {loan.pk} (สมชาย ใจดี)").click()
    page.fill(f"input[name=condition_out_{asset.pk}]", "ครบ พร้อมสายไฟและรีโมท")
    page.get_by_role("button", name="ส่งมอบ", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_test_id("loan-status").inner_text() == "ส่งมอบแล้ว"
    asset.refresh_from_db()
    assert asset.status == AssetStatus.ON_LOAN

    page.goto(f"{live_server.url}/a/{asset.number}")
    page.get_by_role("link", name="การยืมของครุภัณฑ์นี้ (ส่งมอบ/รับคืน)").click()
    page.get_by_role("link", name=f"รับคืน: ใบยืมที่ {loan.pk} (สมชาย ใจดี)").click()
    page.check(f"input[name=return_{asset.pk}]")
    page.get_by_role("button", name="บันทึกรับคืน").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("loan-status").inner_text() == "คืนครบแล้ว"
    context.close()
    asset.refresh_from_db()
    loan.refresh_from_db()
    assert asset.status == AssetStatus.IN_USE and loan.status == Loan.Status.RETURNED
