"""What borrowers, division heads and property officers are told: who a request waits on, the decision notice,
declining at endorsement, the on-behalf choice only for division heads, the week ahead on the desk, overdue."""

import datetime as dt

import pytest
from django.utils import timezone

from loans import services
from loans.models import Loan, Notification
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory

TODAY = timezone.localdate()
D = dt.timedelta


@pytest.fixture
def office(db):
    division = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    other = DivisionFactory(code="KLANG", name="กองคลัง")
    people = {
        "staff": make_user("somchai", "staff", division=division, first_name="สมชาย", last_name="ใจดี"),
        "divhead": make_user("divhead_w", "staff", "division_head", division=division, first_name="วิไล",
                             last_name="หัวหน้ากอง"),
        "supplyhead": make_user("supply_w", "staff", "supply_head", division=other, first_name="สุดา",
                                last_name="พัสดุ"),
        "head": make_user("mayor_w", "agency_head", division=division, first_name="นายก", last_name="เทศมนตรี"),
        "officer": make_user("officer_w", "staff", "property_officer", division=other),
        "admin": make_user("admin_w", "administrator", division=other),
    }
    version = services.manual_publish(actor=people["admin"], title="คู่มือ", body="ใช้เพื่อราชการเท่านั้น")
    for user in people.values():
        services.manual_acknowledge(actor=user, version=version)
    people["asset"] = AssetFactory(number="407-67-0031", name="โปรเจคเตอร์", is_lendable=True, division=division)
    return people


def ask(office, who="staff", place=Loan.Place.INSIDE, start=0, end=2):
    return services.loan_request(actor=office[who], assets=[office["asset"]], purpose="ประชุม", place=place,
                                 starts_on=TODAY + D(days=start), ends_on=TODAY + D(days=end), phone="0812345678",
                                 where="ศาลาประชาคม" if place == Loan.Place.OUTSIDE else "")


def test_the_loan_page_says_who_it_waits_on(client, office):
    loan = ask(office)
    client.force_login(office["staff"])
    assert "รอการพิจารณาจาก: วิไล หัวหน้ากอง" in client.get(f"/loans/{loan.pk}/").content.decode()
    services.loan_endorse(actor=office["divhead"], loan=loan)
    assert "รอการพิจารณาจาก: สุดา พัสดุ" in client.get(f"/loans/{loan.pk}/").content.decode()

    # The head of agency's own outside loan: only a delegate could decide it, and there is none yet.
    own = ask(office, who="head", place=Loan.Place.OUTSIDE, start=5, end=6)
    services.loan_endorse(actor=office["divhead"], loan=own)
    client.force_login(office["head"])
    page = client.get(f"/loans/{own.pk}/").content.decode()
    assert "ยังไม่มีผู้ที่พิจารณาคำขอนี้ได้" in page


def test_the_borrower_is_told_of_the_decision(client, office):
    loan = ask(office)
    services.loan_endorse(actor=office["divhead"], loan=loan)
    services.loan_approve(actor=office["supplyhead"], loan=loan)
    notice = Notification.objects.get(user=office["staff"])
    assert f"ใบยืมที่ {loan.pk} อนุมัติแล้ว" in notice.text and notice.link == f"/loans/{loan.pk}/"
    client.force_login(office["staff"])
    assert f"ใบยืมที่ {loan.pk} อนุมัติแล้ว" in client.get("/loans/notifications/").content.decode()

    other = AssetFactory(number="407-67-0032", name="จอ", is_lendable=True, division=office["asset"].division)
    second = services.loan_request(actor=office["staff"], assets=[other], purpose="อบรม", place=Loan.Place.INSIDE,
                                   starts_on=TODAY, ends_on=TODAY + D(days=1), phone="0812345678")
    services.loan_endorse(actor=office["divhead"], loan=second)
    services.loan_reject(actor=office["supplyhead"], loan=second, reason="ช่วงนั้นต้องใช้ในงานของเทศบาล")
    assert Notification.objects.filter(user=office["staff"], text__contains="ไม่อนุมัติ: ช่วงนั้นต้องใช้").count() == 1


def test_a_division_head_may_decline_instead_of_endorsing(client, office):
    loan = ask(office)
    client.force_login(office["divhead"])
    page = client.get(f"/loans/{loan.pk}/").content.decode()
    assert "ไม่เห็นชอบ" in page
    client.post(f"/loans/{loan.pk}/", {"action": "reject", "reason": "งานในกองต้องใช้เครื่องนี้"})
    loan.refresh_from_db()
    assert loan.status == Loan.Status.REJECTED and loan.decided_by == office["divhead"]
    assert Notification.objects.filter(user=office["staff"], text__contains="หัวหน้ากองไม่เห็นชอบ").exists()
    # Another division's head cannot.
    second = ask(office, start=3, end=4)
    stranger = make_user("other_head_w", "staff", "division_head", division=office["officer"].division)
    client.force_login(stranger)
    assert client.post(f"/loans/{second.pk}/", {"action": "reject", "reason": "x"}).status_code in (403, 404)
    second.refresh_from_db()
    assert second.status == Loan.Status.REQUESTED


def test_only_a_division_head_is_offered_to_ask_for_someone_else(client, office):
    client.force_login(office["staff"])
    assert 'name="borrower"' not in client.get("/loans/new/").content.decode()
    client.force_login(office["divhead"])
    assert 'name="borrower"' in client.get("/loans/new/").content.decode()


def test_the_desk_lists_the_week_ahead_and_my_loans_mark_overdue(client, office):
    loan = ask(office, start=3, end=4)
    services.loan_endorse(actor=office["divhead"], loan=loan)
    services.loan_approve(actor=office["supplyhead"], loan=loan)
    client.force_login(office["officer"])
    page = client.get("/loans/desk/").content.decode()
    assert "จะส่งมอบภายใน 7 วัน (1)" in page and f'href="/loans/{loan.pk}/"' in page

    late = ask(office, start=0, end=1)
    Loan.objects.filter(pk=late.pk).update(status=Loan.Status.OUT, starts_on=TODAY - D(days=5),
                                           ends_on=TODAY - D(days=1))
    client.force_login(office["staff"])
    page = client.get("/loans/").content.decode()
    assert page.count('data-testid="overdue"') == 1
