"""Counting on a phone: an inspector records three labels, one while the phone has no signal; once the
connection is back the scan is sent, the count is right and nothing is doubled."""

import datetime as dt

import pytest

from activity.models import Entry
from audits import services
from audits.models import Line, Scan
from tests.browser.conftest import csp_violations
from tests.browser.test_loan_phone import sign_in
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory, LocationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_three_scans_one_offline_counted_once_each(live_server, browser):
    division = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    LocationFactory(division=division, code="P01", name="ห้องสำนักปลัด")
    head = make_user("mayor", "agency_head", division=division)
    inspector = make_user("somsri", "staff", division=division, first_name="สมศรี", last_name="ตรวจดี")
    admin = make_user("boss", "administrator", division=division)
    for n in range(1, 6):
        AssetFactory(number=f"416-67-000{n}", name=f"เครื่องคอมพิวเตอร์ {n}", division=division)
    round_ = services.round_appoint(actor=admin, fiscal_year=2567, order_number="1/2567", order_date=dt.date(2024, 9, 20),
                                    appointed_by=head, inspectors=[inspector])
    round_ = services.round_start(actor=inspector, round_=round_, today=round_.starts_on)
    sheet = round_.sheets.get()
    path = f"/inspections/sheet/{sheet.pk}/count/"

    context, page = sign_in(browser, live_server, "somsri", path)
    violations = csp_violations(context)
    progress = page.get_by_test_id("progress")
    assert progress.inner_text() == "พบ 0 / 5"

    def record(number, condition=None):
        page.fill("#number", number)
        if condition:
            page.select_option("#condition", condition)
        page.get_by_role("button", name="บันทึก", exact=True).click()

    record("416-67-0001", "damaged")
    page.wait_for_function("() => document.getElementById('found').textContent === '1'")
    assert page.eval_on_selector("#condition", "select => select.value") == "usable"  # the next asset starts usable
    record(f"{live_server.url}/a/416-67-0002")  # a label's URL, as the camera reads it
    page.wait_for_function("() => document.getElementById('found').textContent === '2'")

    context.set_offline(True)
    record("416-67-0003")
    waiting = page.locator("#recent li[data-state=waiting]")
    waiting.wait_for()
    assert "416-67-0003" in waiting.inner_text()
    assert "ออฟไลน์" in page.get_by_test_id("net").inner_text()
    page.wait_for_timeout(1500)  # the retry timer runs while offline: nothing can leave
    assert Line.objects.filter(sheet=sheet, outcome=Line.Outcome.SEEN).count() == 2
    stored = page.evaluate(f"JSON.parse(localStorage.getItem('phatsadu.count.{sheet.pk}.{inspector.pk}'))")
    assert [item["number"] for item in stored] == ["416-67-0003"]

    context.set_offline(False)
    page.wait_for_function("() => document.getElementById('found').textContent === '3'", timeout=15_000)
    page.wait_for_function("() => document.querySelectorAll('#recent li[data-state=waiting]').length === 0")
    page.wait_for_timeout(5000)  # another retry tick: the sent scan must not go again

    seen = Line.objects.filter(sheet=sheet, outcome=Line.Outcome.SEEN)
    assert sorted(seen.values_list("number", flat=True)) == ["416-67-0001", "416-67-0002", "416-67-0003"]
    assert dict(seen.values_list("number", "condition")) == {
        "416-67-0001": "damaged", "416-67-0002": "usable", "416-67-0003": "usable"}
    assert Scan.objects.count() == 3
    assert Entry.objects.filter(action="inspection.count").count() == 3
    assert page.evaluate(f"localStorage.getItem('phatsadu.count.{sheet.pk}.{inspector.pk}')") == "[]"
    assert progress.inner_text() == "พบ 3 / 5"

    # The label page's inline script (allowed by its nonce) offers "record in this count" on this phone.
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/a/416-67-0004")
    expect(page.locator("#count-link")).to_have_attribute("href", f"{path}?number=416-67-0004")
    assert "default-src 'self'" in page.goto(f"{live_server.url}{path}").headers["content-security-policy"]
    assert violations == [], "the pages broke the Content Security Policy:\n" + "\n".join(violations)
    context.close()


def test_a_scan_waiting_offline_survives_a_reload(live_server, browser):
    division = DivisionFactory(code="KLANG", name="กองคลัง")
    head = make_user("mayor", "agency_head", division=division)
    inspector = make_user("somchai", "staff", division=division)
    admin = make_user("boss", "administrator", division=division)
    AssetFactory(number="416-67-0101", division=division)
    round_ = services.round_appoint(actor=admin, fiscal_year=2567, order_number="2/2567", order_date=dt.date(2024, 9, 20),
                                    appointed_by=head, inspectors=[inspector])
    round_ = services.round_start(actor=inspector, round_=round_, today=round_.starts_on)
    sheet = round_.sheets.get()
    path = f"/inspections/sheet/{sheet.pk}/count/"
    context, page = sign_in(browser, live_server, "somchai", path)
    context.set_offline(True)
    page.fill("#number", "416-67-0101")
    page.get_by_role("button", name="บันทึก", exact=True).click()
    page.locator("#recent li[data-state=waiting]").wait_for()
    page.route("**/scan/", lambda route: route.abort())  # back online, but the server cannot be reached yet
    context.set_offline(False)
    page.reload()
    page.locator("#recent li[data-state=waiting]").wait_for()
    assert not Line.objects.filter(sheet=sheet, outcome=Line.Outcome.SEEN).exists()
    page.unroute("**/scan/")
    page.wait_for_function("() => document.getElementById('found').textContent === '1'", timeout=15_000)
    assert Line.objects.filter(sheet=sheet, outcome=Line.Outcome.SEEN).count() == 1
    assert Scan.objects.count() == 1
    context.close()
