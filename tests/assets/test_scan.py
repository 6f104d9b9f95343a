import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activity.models import Entry
from assets import services
from assets.models import Status
from assets.numbering import number_from_scan
from tests.factories import LocationFactory


@pytest.fixture
def labelled(asset, users_by_role):
    asset.custodian = users_by_role["staff"]
    asset.save()
    return asset


def page(response) -> str:
    return response.content.decode()


def test_anonymous_visitors_see_only_what_the_label_says(client, labelled):
    response = client.get(f"/a/{labelled.number}")
    assert response.status_code == 200
    html = page(response)
    assert labelled.number in html and labelled.name in html
    assert "ทรัพย์สินของทางราชการ" in html and "เทศบาลตำบลหงาว" in html
    assert f'href="/accounts/login/?next=/a/{labelled.number}"' in html
    assert 'data-testid="status"' not in html
    assert labelled.division.name not in html
    assert str(labelled.custodian) not in html
    assert 'name="action"' not in html


def test_the_page_is_light_and_loads_nothing_else(client, labelled, users_by_role):
    client.force_login(users_by_role["property_officer"])
    html = page(client.get(f"/a/{labelled.number}"))
    assert len(html.encode()) < 100_000
    assert not re.search(r"<(link|script)[^>]+(href|src)=", html)
    assert "<img" not in html


def test_signed_in_staff_see_status_and_can_report_damage(client, labelled, users_by_role):
    client.force_login(users_by_role["staff"])
    html = page(client.get(f"/a/{labelled.number}"))
    assert 'data-testid="status"' in html and "ใช้งาน" in html
    assert labelled.division.name in html and str(labelled.custodian) in html
    assert 'value="damage"' in html and 'value="repair"' not in html and "do=transfer" not in html
    response = client.post(f"/a/{labelled.number}", {"action": "damage", "note": "จอแตก"}, follow=True)
    assert "แจ้งชำรุดแล้ว" in page(response)
    labelled.refresh_from_db()
    assert labelled.status == Status.DAMAGED
    entry = Entry.objects.get(action="asset.report_damage")
    assert entry.details["note"] == "จอแตก" and entry.actor == users_by_role["staff"]


def test_damage_needs_a_note_and_is_not_reported_twice(client, labelled, users_by_role):
    client.force_login(users_by_role["staff"])
    response = client.post(f"/a/{labelled.number}", {"action": "damage", "note": " "}, follow=True)
    assert "กรุณาบอกว่าชำรุดอย่างไร" in page(response)
    client.post(f"/a/{labelled.number}", {"action": "damage", "note": "จอแตก"})
    response = client.post(f"/a/{labelled.number}", {"action": "damage", "note": "อีกครั้ง"}, follow=True)
    assert "มีสถานะ “ชำรุด” อยู่แล้ว" in page(response)
    assert Entry.objects.filter(action="asset.report_damage").count() == 1


def test_the_auditor_only_reads(client, labelled, users_by_role):
    client.force_login(users_by_role["auditor"])
    assert 'name="action"' not in page(client.get(f"/a/{labelled.number}"))
    assert client.post(f"/a/{labelled.number}", {"action": "damage", "note": "x"}).status_code == 403
    labelled.refresh_from_db()
    assert labelled.status == Status.IN_USE


def test_officer_repair_cycle(client, labelled, users_by_role):
    client.force_login(users_by_role["property_officer"])
    client.post(f"/a/{labelled.number}", {"action": "repair", "note": "ร้านซ่อมคอม"})
    labelled.refresh_from_db()
    assert labelled.status == Status.UNDER_REPAIR
    assert 'value="repaired"' in page(client.get(f"/a/{labelled.number}"))
    client.post(f"/a/{labelled.number}", {"action": "repaired", "repaired": "0"})
    labelled.refresh_from_db()
    assert labelled.status == Status.DAMAGED
    client.post(f"/a/{labelled.number}", {"action": "repair"})
    client.post(f"/a/{labelled.number}", {"action": "repaired", "repaired": "1"})
    labelled.refresh_from_db()
    assert labelled.status == Status.IN_USE
    assert Entry.objects.filter(action__in=["asset.send_to_repair", "asset.return_from_repair"]).count() == 4


def test_staff_cannot_repair_or_transfer(client, labelled, users_by_role):
    client.force_login(users_by_role["staff"])
    assert client.post(f"/a/{labelled.number}", {"action": "repair"}).status_code == 403
    assert client.get(f"/a/{labelled.number}?do=transfer").status_code == 403
    assert client.post(f"/a/{labelled.number}", {"action": "transfer", "division": labelled.division_id}).status_code == 403


def test_transfer_to_another_division_location_and_custodian(client, labelled, users_by_role):
    client.force_login(users_by_role["property_officer"])
    form = page(client.get(f"/a/{labelled.number}?do=transfer"))
    assert 'name="division"' in form
    target = LocationFactory()
    response = client.post(f"/a/{labelled.number}", {"action": "transfer", "division": target.division_id,
                                                     "location": target.pk, "custodian": users_by_role["auditor"].pk},
                           follow=True)
    assert "บันทึกการโอนย้ายแล้ว" in page(response)
    labelled.refresh_from_db()
    assert (labelled.division_id, labelled.location_id, labelled.custodian_id) == (
        target.division_id, target.pk, users_by_role["auditor"].pk)
    changes = Entry.objects.get(action="asset.transfer").details["changes"]
    assert set(changes) == {"division", "location", "custodian"}


@pytest.mark.parametrize("data, message", [
    ({"division": ""}, "กรุณาเลือกกอง"),
    ({"division": "abc"}, "กรุณาเลือกกอง"),
    ({"division": "OTHER", "location": "MINE"}, "ไม่ได้อยู่ใน"),
    ({"division": "MINE", "location": "MINE", "custodian": "SAME"}, "ไม่มีอะไรเปลี่ยน"),
    ({"division": "MINE", "action": "explode"}, "ไม่รู้จักคำสั่งนี้"),
])
def test_bad_transfers_change_nothing(client, labelled, users_by_role, data, message):
    other = LocationFactory()
    values = {"division": {"MINE": labelled.division_id, "OTHER": other.division_id},
              "location": {"MINE": labelled.location_id}, "custodian": {"SAME": labelled.custodian_id}}
    data = {key: values.get(key, {}).get(value, value) for key, value in data.items()}
    client.force_login(users_by_role["property_officer"])
    response = client.post(f"/a/{labelled.number}", {"action": "transfer", **data}, follow=True)
    assert response.status_code == 200
    assert message in page(response)
    labelled.refresh_from_db()
    assert labelled.location_id is not None and not Entry.objects.filter(action="asset.transfer").exists()


def test_an_old_number_keeps_leading_to_the_asset(client, labelled, officer):
    old = labelled.number
    services.asset_update(actor=officer, asset=labelled, number="416-60-0999")
    response = client.get(f"/a/{old}")
    assert response.status_code == 302 and response["Location"] == "/a/416-60-0999"
    assert client.get(f"/a/{old.replace('-', '-')}", follow=True).status_code == 200


def test_a_number_typed_in_thai_digits_finds_the_asset(client, labelled):
    thai = labelled.number.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert client.get(f"/a/{thai}").status_code == 200


@pytest.mark.parametrize("number", ["999-99-9999", "x" * 300, "<script>alert(1)</script>", "%00", "../../etc"])
def test_unknown_or_malformed_numbers_get_a_friendly_404(client, db, number):
    response = client.get(f"/a/{number}")
    assert response.status_code == 404
    html = page(response)
    assert "ไม่พบครุภัณฑ์หมายเลขนี้" in html and 'name="number"' in html
    assert "<script>alert" not in html


def test_the_text_box_takes_a_number_or_a_full_url(client, labelled, settings):
    response = client.get("/a/", {"number": f"https://phatsadu.example.go.th/a/{labelled.number}"})
    assert response.status_code == 302 and response["Location"] == f"/a/{labelled.number}"
    assert client.get("/a/", {"number": labelled.number})["Location"] == f"/a/{labelled.number}"
    assert client.get("/a/", {"number": "nope"}).status_code == 404


def test_number_from_scan():
    assert number_from_scan("https://x.go.th/a/416-67-0001") == "416-67-0001"
    assert number_from_scan("https://x.go.th/a/%E0%B9%94%E0%B9%91%E0%B9%96%2067") == "๔๑๖ 67"
    assert number_from_scan("  416-67-0001 ") == "416-67-0001"


def test_a_fixed_small_number_of_queries(client, labelled, users_by_role):
    with CaptureQueriesContext(connection) as anonymous:
        client.get(f"/a/{labelled.number}")
    client.force_login(users_by_role["property_officer"])
    client.get(f"/a/{labelled.number}")
    with CaptureQueriesContext(connection) as signed_in:
        client.get(f"/a/{labelled.number}")
    assert len(anonymous) <= 3
    assert len(signed_in) <= 6


def test_the_scanner_page_has_a_text_box(client, users_by_role):
    client.force_login(users_by_role["staff"])
    html = page(client.get("/scan/"))
    assert 'name="number"' in html and "scanner.js" in html
