"""The loan pages, walked through as the people who use them."""

import datetime as dt

import pytest
from django.utils import timezone

from assets.models import Status as AssetStatus
from loans import services
from loans.models import Compensation, Loan
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory

TODAY = timezone.localdate()


def be(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


@pytest.fixture
def office(db):
    division = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    other = DivisionFactory(code="KLANG", name="กองคลัง")
    people = {
        "staff": make_user("somchai", "staff", division=division),
        "divhead": make_user("divhead_p", "staff", "division_head", division=division),
        "supplyhead": make_user("supply_p", "staff", "supply_head", division=other),
        "officer": make_user("officer_p", "staff", "property_officer", division=other),
        "admin": make_user("admin_p", "administrator", division=other),
        "auditor": make_user("auditor_p", "auditor", division=other),
    }
    version = services.manual_publish(actor=people["admin"], title="คู่มือการใช้ทรัพย์สิน", body="ใช้เพื่อราชการเท่านั้น")
    people["version"] = version
    people["asset"] = AssetFactory(number="407-67-0009", name="โปรเจคเตอร์", is_lendable=True, division=division)
    return people


def test_manual_must_be_acknowledged_then_the_whole_flow(client, office):
    asset = office["asset"]
    client.force_login(office["staff"])
    assert "รับทราบคู่มือ" in client.get("/loans/new/").content.decode()
    client.post("/loans/manual/", {"action": "acknowledge"})
    form = {"assets": "๔๐๗-๖๗-๐๐๐๙", "place": "inside", "purpose": "ประชุมประชาคม", "phone": "0812345678",
            "starts_on": be(TODAY), "ends_on": be(TODAY + dt.timedelta(days=2))}
    response = client.post("/loans/new/", form)
    loan = Loan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/loans/{loan.pk}/"
    assert "ประชุมประชาคม" in client.get(f"/loans/{loan.pk}/").content.decode()

    client.force_login(office["divhead"])
    assert str(loan.pk) in client.get("/loans/inbox/").content.decode()
    client.post(f"/loans/{loan.pk}/", {"action": "endorse"})
    client.force_login(office["supplyhead"])
    client.post(f"/loans/{loan.pk}/", {"action": "approve"})
    client.force_login(office["officer"])
    assert f'href="/loans/{loan.pk}/"' in client.get("/loans/desk/").content.decode()  # to hand out today
    client.post(f"/loans/{loan.pk}/", {"action": "hand_out", f"condition_out_{asset.pk}": "ครบ สายไฟ รีโมท"})
    asset.refresh_from_db()
    assert asset.status == AssetStatus.ON_LOAN
    client.post(f"/loans/{loan.pk}/", {"action": "receive", f"return_{asset.pk}": "1",
                                       f"condition_{asset.pk}": "damaged", f"note_{asset.pk}": "หลอดภาพเสีย"})
    loan.refresh_from_db()
    asset.refresh_from_db()
    assert loan.status == Loan.Status.RETURNED and asset.status == AssetStatus.DAMAGED
    assert Compensation.objects.filter(item__loan=loan, settled_at__isnull=True).exists()
    assert "หลอดภาพเสีย" in client.get(f"/loans/{loan.pk}/").content.decode()


@pytest.mark.parametrize("change, message", [
    ({"assets": "999-99-9999"}, "ไม่พบหมายเลขครุภัณฑ์"),
    ({"starts_on": "31/02/2568"}, "ไม่มีวันที่"),
    ({"place": "outside", "where": ""}, "สถานที่ที่จะนำไปใช้"),
    ({"purpose": ""}, "กรุณากรอกช่องนี้"),
])
def test_a_bad_request_is_shown_in_thai_and_writes_nothing(client, office, change, message):
    services.manual_acknowledge(actor=office["staff"], version=office["version"])
    client.force_login(office["staff"])
    form = {"assets": "407-67-0009", "place": "inside", "purpose": "ประชุม", "phone": "0812345678",
            "starts_on": be(TODAY), "ends_on": be(TODAY + dt.timedelta(days=1)), **change}
    response = client.post("/loans/new/", form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Loan.objects.exists()


def test_who_sees_what(client, office):
    services.manual_acknowledge(actor=office["staff"], version=office["version"])
    loan = services.loan_request(actor=office["staff"], assets=[office["asset"]], purpose="ประชุม", place="inside",
                                 starts_on=TODAY, ends_on=TODAY, phone="0800000000")
    stranger = make_user("stranger", "staff", division=DivisionFactory())
    client.force_login(stranger)
    assert client.get(f"/loans/{loan.pk}/").status_code == 404  # another borrower's loan, by changing the id
    assert client.post(f"/loans/{loan.pk}/", {"action": "cancel"}).status_code == 404
    client.force_login(office["auditor"])
    page = client.get(f"/loans/{loan.pk}/").content.decode()
    assert "ประชุม" in page and 'value="approve"' not in page
    assert client.get("/loans/desk/").status_code == 403
    client.force_login(office["officer"])
    assert client.get("/loans/desk/").status_code == 200


def test_administrators_see_who_has_not_acknowledged(client, office):
    services.manual_acknowledge(actor=office["staff"], version=office["version"])
    client.force_login(office["admin"])
    page = client.get("/loans/manual/").content.decode()
    assert "ยังไม่รับทราบ" in page and "รับทราบแล้ว" in page


def test_the_scan_page_offers_a_loan_for_lendable_assets(client, office):
    client.force_login(office["staff"])
    page = client.get(f"/a/{office['asset'].number}").content.decode()
    assert "/loans/new/?asset=407-67-0009" in page


def _out_loan(office, *, ends_in: int):
    services.manual_acknowledge(actor=office["staff"], version=office["version"])
    loan = services.loan_request(actor=office["staff"], assets=[office["asset"]], purpose="ประชุม", place="inside",
                                 starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=2), phone="0800000000")
    services.loan_endorse(actor=office["divhead"], loan=loan)
    services.loan_approve(actor=office["supplyhead"], loan=loan)
    services.loan_hand_out(actor=office["officer"], loan=loan)
    Loan.objects.filter(pk=loan.pk).update(starts_on=TODAY + dt.timedelta(days=ends_in - 2),
                                           ends_on=TODAY + dt.timedelta(days=ends_in))
    loan.refresh_from_db()
    return loan


def test_extension_requested_and_approved_on_the_loan_page(client, office):
    loan = _out_loan(office, ends_in=2)
    client.force_login(office["staff"])
    response = client.post(f"/loans/{loan.pk}/", {"action": "extend", "new_ends_on": be(TODAY + dt.timedelta(days=9)),
                                                  "reason": "งานยังไม่เสร็จ"}, follow=True)
    assert "บันทึกแล้ว" in response.content.decode()
    extension = loan.extensions.get()
    client.force_login(office["supplyhead"])
    assert f"/loans/{loan.pk}/" in client.get("/loans/inbox/").content.decode()
    client.post(f"/loans/{loan.pk}/", {"action": "extension_approve", "extension": extension.pk})
    loan.refresh_from_db()
    assert loan.ends_on == TODAY + dt.timedelta(days=9)


def test_a_bad_extension_date_is_a_message(client, office):
    loan = _out_loan(office, ends_in=2)
    client.force_login(office["staff"])
    response = client.post(f"/loans/{loan.pk}/", {"action": "extend", "new_ends_on": "31/02/2569", "reason": "x"},
                           follow=True)
    assert response.status_code == 200 and "ไม่มีวันที่" in response.content.decode()
    assert not loan.extensions.exists()


def test_an_overdue_loan_shows_the_duty_and_takes_a_follow_up(client, office):
    loan = _out_loan(office, ends_in=-8)
    client.force_login(office["officer"])
    desk = client.get("/loans/desk/").content.decode()
    assert "เลยกำหนดติดตามทวงคืน 7 วัน (1)" in desk
    page = client.get(f"/loans/{loan.pk}/").content.decode()
    assert "เกินกำหนดคืน" in page and 'value="followup"' in page
    client.post(f"/loans/{loan.pk}/", {"action": "followup", "how": "phone", "note": "โทรแจ้งแล้ว จะคืนพรุ่งนี้"})
    assert loan.followups.count() == 1
    assert "เลยกำหนดติดตามทวงคืน 7 วัน (0)" in client.get("/loans/desk/").content.decode()


def test_notifications_page(client, office):
    from django.core.management import call_command

    loan = _out_loan(office, ends_in=-1)
    call_command("loans_followup", stdout=open("/dev/null", "w"))
    client.force_login(office["staff"])
    page = client.get("/loans/notifications/").content.decode()
    assert f"/loans/{loan.pk}/" in page
    client.post("/loans/notifications/")
    assert 'class="unread"' not in client.get("/loans/notifications/").content.decode()


def test_the_desk_takes_a_fixed_number_of_queries_with_late_follow_ups(client, office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import AssetFactory as Factory

    def count():
        client.get("/loans/desk/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/loans/desk/").status_code == 200
        return len(captured)

    _out_loan(office, ends_in=-9)  # past the 7-day follow-up deadline
    client.force_login(office["officer"])
    one = count()
    for _ in range(3):
        office["asset"] = Factory(is_lendable=True, division=office["staff"].division)
        _out_loan(office, ends_in=-9)
    assert count() == one


def test_the_register_page_of_a_lendable_asset_offers_a_loan(client, office):
    client.force_login(office["staff"])
    page = client.get(f"/assets/{office['asset'].pk}/").content.decode()
    assert "/loans/new/?asset=407-67-0009" in page and f"/loans/asset/{office['asset'].pk}/" in page
    client.force_login(office["auditor"])
    assert "/loans/new/" not in client.get(f"/assets/{office['asset'].pk}/").content.decode()
