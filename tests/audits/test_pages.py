"""The inspection and disposal pages: who sees what, the scan endpoint's JSON, forms that refuse bad input."""

import datetime as dt
import json
import uuid

import pytest
from django.utils import timezone

from audits.models import Line, Round, Sheet
from tests.audits.conftest import sheet_of

pytestmark = pytest.mark.django_db


def post_scan(client, sheet, **body):
    return client.post(f"/inspections/sheet/{sheet.pk}/scan/", json.dumps(body), content_type="application/json")


def test_round_pages_by_role(client, org, counting):
    people = org["people"]
    for who, status in (("auditor", 200), ("head", 200), ("officer", 200), ("inspector1", 200), ("staff", 404)):
        client.force_login(people[who])
        assert client.get(f"/inspections/{counting.pk}/").status_code == status, who
        sheet = sheet_of(counting, org["palad"])
        assert client.get(f"/inspections/sheet/{sheet.pk}/").status_code == status, who
    client.force_login(people["staff"])
    assert "ยังไม่มีการตรวจสอบ" in client.get("/inspections/").content.decode()


def test_the_auditor_reads_but_cannot_count_or_start(client, org):
    from tests.audits.conftest import appoint

    round_ = appoint(org)
    client.force_login(org["people"]["auditor"])
    page = client.get(f"/inspections/{round_.pk}/").content.decode()
    assert "เริ่มตรวจนับ" not in page
    response = client.post(f"/inspections/{round_.pk}/start/")
    assert response.status_code == 403
    round_.refresh_from_db()
    assert round_.status == Round.Status.PLANNED


def test_appointment_form_refuses_a_property_officer_and_saves_a_valid_order(client, org):
    people = org["people"]
    client.force_login(people["supplyhead"])
    form = {"kind": "annual", "fiscal_year": "๒๕๖๗", "order_number": "99/2567", "order_date": "20/09/2567",
            "appointed_by": people["head"].pk, "inspectors": [people["inspector1"].pk, people["officer"].pk]}
    response = client.post("/inspections/new/", form)
    assert response.status_code == 200 and not Round.objects.exists()
    form["inspectors"] = [people["inspector1"].pk, people["inspector2"].pk]
    form["order_date"] = "31/02/2567"
    assert client.post("/inspections/new/", form).status_code == 200 and not Round.objects.exists()
    form["order_date"] = "20/09/2567"
    response = client.post("/inspections/new/", form)
    round_ = Round.objects.get()
    assert response.status_code == 302 and round_.fiscal_year == 2567 and round_.order_date == dt.date(2024, 9, 20)
    page = client.get(f"/inspections/{round_.pk}/").content.decode()
    assert "13 พฤศจิกายน 2567" in page


def test_scan_endpoint_answers_json_and_counts_once(client, org, counting):
    sheet = sheet_of(counting, org["palad"])
    client.force_login(org["people"]["inspector1"])
    client_id = str(uuid.uuid4())
    earlier = (timezone.now() - dt.timedelta(hours=2)).replace(microsecond=0)
    first = post_scan(client, sheet, client_id=client_id, number="416-67-0001", condition="usable",
                      scanned_at=earlier.isoformat())
    assert first.status_code == 200 and first.json()["progress"]["found"] == 1
    again = post_scan(client, sheet, client_id=client_id, number="416-67-0001")
    assert again.status_code == 200 and again.json()["duplicate"]
    seen = Line.objects.get(asset=org["assets"]["p1"])
    assert seen.counted_at == earlier  # the device's time of a scan that waited offline
    post_scan(client, sheet, number="416-67-0002", scanned_at="2999-01-01T00:00:00+07:00")
    assert Line.objects.get(asset=org["assets"]["p2"]).counted_at <= timezone.now()


@pytest.mark.parametrize("body", [
    {"number": ""}, {"number": "416-67-0001", "condition": "exploded"}, {"number": "416-67-0001", "location": "99999"},
    {"number": "416-67-0001", "photo": "data:image/png;base64,!!!"}, {"number": "416-67-0001", "photo": "javascript:1"},
    {"number": "416-67-0001", "client_id": "nope"},
])
def test_bad_scans_get_a_thai_message_and_change_nothing(client, org, counting, body):
    sheet = sheet_of(counting, org["palad"])
    client.force_login(org["people"]["inspector1"])
    response = post_scan(client, sheet, **body)
    assert response.status_code == 400 and response.json()["error"]
    assert not Line.objects.exclude(outcome=Line.Outcome.PENDING).exists()


def test_malformed_json_and_outsiders(client, org, counting):
    sheet = sheet_of(counting, org["palad"])
    client.force_login(org["people"]["inspector1"])
    response = client.post(f"/inspections/sheet/{sheet.pk}/scan/", "{not json", content_type="application/json")
    assert response.status_code == 400 and "อ่านไม่ได้" in response.json()["error"]
    client.force_login(org["people"]["auditor"])
    response = post_scan(client, sheet, number="416-67-0001")
    assert response.status_code == 403 and response.json()["error"]
    assert client.get(f"/inspections/sheet/{sheet.pk}/count/").status_code == 403


def test_sheet_page_actions_missing_and_close(client, org, counting):
    sheet = sheet_of(counting, org["palad"])
    client.force_login(org["people"]["inspector1"])
    page = client.get(f"/inspections/sheet/{sheet.pk}/").content.decode()
    assert "416-67-0001" in page and "ปิดบัญชีตรวจนับ" in page
    response = client.post(f"/inspections/sheet/{sheet.pk}/close/", follow=True)
    assert "ยังมีครุภัณฑ์ที่ยังไม่ได้ตรวจ 3 รายการ" in response.content.decode()
    line = sheet.lines.get(asset=org["assets"]["p1"])
    client.post(f"/inspections/sheet/{sheet.pk}/missing/", {"line": [line.pk]})
    assert Line.objects.get(pk=line.pk).outcome == Line.Outcome.MISSING
    client.post(f"/inspections/sheet/{sheet.pk}/missing/", {"all": "1"})
    client.post(f"/inspections/sheet/{sheet.pk}/close/")
    assert Sheet.objects.get(pk=sheet.pk).status == Sheet.Status.CLOSED
    assert client.get(f"/inspections/{counting.pk}/progress/").json()["sheets"][0]["missing"] == 3


def test_counting_page_and_progress_for_an_inspector(client, org, counting):
    sheet = sheet_of(counting, org["palad"])
    client.force_login(org["people"]["inspector2"])
    page = client.get(f"/inspections/sheet/{sheet.pk}/count/?number=416-67-0002").content.decode()
    assert 'value="416-67-0002"' in page and "ห้องเก็บของสำนักปลัด" in page and "js/count.js" in page


def test_disposal_pages(client, org):
    from assets.models import Status as AssetStatus
    from audits.models import DisposalCase
    from tests.factories import AssetFactory

    broken = AssetFactory(number="416-60-0001", division=org["palad"], status=AssetStatus.DAMAGED)
    client.force_login(org["people"]["officer"])
    response = client.post("/inspections/disposals/new/", {
        "title": "จำหน่ายคอมพิวเตอร์", "assets": "416-60-0001", "reason": "ชำรุด", "path": "direct", "method": "sale"})
    case = DisposalCase.objects.get()
    assert response.status_code == 302
    page = client.get(f"/inspections/disposals/{case.pk}/").content.decode()
    assert broken.number in page and "/approve/" not in page  # the officer does not order it
    client.force_login(org["people"]["head"])
    client.post(f"/inspections/disposals/{case.pk}/approve/", {"approve-order_number": "5/2568",
                                                               "approve-ordered_on": "6/1/2568"})
    case.refresh_from_db()
    assert case.status == DisposalCase.Status.APPROVED and case.ordered_on == dt.date(2025, 1, 6)
    response = client.post(f"/inspections/disposals/{case.pk}/approve/", {"approve-order_number": "x",
                                                                          "approve-ordered_on": "bad"}, follow=True)
    assert response.status_code == 200
    client.force_login(org["people"]["staff"])
    assert client.get(f"/inspections/disposals/{case.pk}/").status_code == 404
    assert client.get("/inspections/disposals/").status_code == 403


def test_disposed_assets_leave_the_active_register_but_stay_findable(client, org):
    from assets.models import Status as AssetStatus
    from tests.factories import AssetFactory

    AssetFactory(number="416-50-0001", name="เครื่องพิมพ์ดีดเก่า", division=org["palad"], status=AssetStatus.DISPOSED)
    client.force_login(org["people"]["auditor"])
    assert "416-50-0001" not in client.get("/assets/").content.decode()
    assert "416-50-0001" in client.get("/assets/?status=disposed").content.decode()
    assert client.get("/a/416-50-0001").status_code == 200


def test_demo_data_has_rounds_and_a_disposal(db, settings):
    settings.DEBUG = True
    from django.core.management import call_command

    from audits.models import DisposalCase

    call_command("seed_demo", assets=300, verbosity=0)
    statuses = set(Round.objects.values_list("status", flat=True))
    assert {Round.Status.ACCEPTED, Round.Status.SUBMITTED}.issubset(statuses)
    assert DisposalCase.objects.filter(status=DisposalCase.Status.REPORTED).exists()


@pytest.mark.parametrize("path, data", [
    ("missing", {"line": "²"}), ("on_loan", {"loan_line": "²"}), ("missing", {"line": "99999999999999999999999"})])
def test_odd_digits_in_forms_never_give_a_500(client, org, counting, path, data):
    sheet = sheet_of(counting, org["palad"])
    client.force_login(org["people"]["inspector1"])
    assert client.post(f"/inspections/sheet/{sheet.pk}/{path}/", data).status_code in (302, 404)
    assert post_scan(client, sheet, number="416-67-0001", location="²").status_code == 400
    officer = org["people"]["officer"]
    client.force_login(officer)
    assert client.get("/inspections/disposals/new/?round=²").status_code == 200


def test_the_disposals_link_is_shown_only_to_whoever_may_open_it(client, org):
    people = org["people"]
    for who, shown in (("staff", False), ("inspector1", False), ("officer", True), ("head", True), ("auditor", True)):
        client.force_login(people[who])
        page = client.get("/inspections/").content.decode()
        assert ('href="/inspections/disposals/"' in page) is shown, who
        assert client.get("/inspections/disposals/").status_code == (200 if shown else 403), who
