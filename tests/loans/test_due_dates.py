"""Due dates (issue 5, item 5): extensions decided like the loan, overdue loans, the approver's duty to
chase within 7 days of the due date, and the daily `loans_followup` run that notifies once."""

import datetime as dt
import smtplib
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from activity.models import Entry
from loans import services
from loans.models import Delegation, Loan, LoanExtension, LoanFollowUp, Notification
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory

TODAY = timezone.localdate()
D = dt.timedelta
BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def people(db):
    division = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    other = DivisionFactory(code="KLANG", name="กองคลัง")
    admin = make_user("admin_d", "administrator", division=other)
    version = services.manual_publish(actor=admin, title="คู่มือการใช้ทรัพย์สิน", body="ใช้เพื่อราชการเท่านั้น")

    def person(username, *roles, division=division):
        return make_user(username, *roles, division=division, email=f"{username}@example.go.th")

    people = {
        "staff": person("somchai", "staff"),
        "colleague": person("somsri", "staff"),
        "divhead": person("divhead_d", "staff", "division_head"),
        "supplyhead": person("supply_d", "staff", "supply_head", division=other),
        "head": person("mayor_d", "agency_head"),
        "officer": person("officer_d", "staff", "property_officer", division=other),
        "admin": admin,
    }
    for user in people.values():
        services.manual_acknowledge(actor=user, version=version)
    return people


@pytest.fixture
def projector(people):
    return AssetFactory(number="407-67-0101", name="โปรเจคเตอร์", is_lendable=True, division=people["staff"].division)


@pytest.fixture
def camera(people):
    return AssetFactory(number="407-67-0102", name="กล้องถ่ายภาพ", is_lendable=True, division=people["staff"].division)


@pytest.fixture
def clock(monkeypatch):
    """Move "now" (and so the local date) to 10:00 Bangkok time on a day, or to an exact moment."""
    def set_to(when):
        moment = when if isinstance(when, dt.datetime) else dt.datetime.combine(when, dt.time(10), tzinfo=BANGKOK)
        monkeypatch.setattr(timezone, "now", lambda: moment)
    return set_to


def run_notices():
    """The daily run's notices (the decision notices of approve and reject are left out)."""
    return Notification.objects.exclude(key__startswith="decided:")


def approved(people, assets, *, who="staff", place=Loan.Place.INSIDE, start=1, end=3, **extra):
    assets = assets if isinstance(assets, list) else [assets]
    loan = services.loan_request(
        actor=people[who], assets=assets, purpose="ประชุมประชาคม", place=place, phone="0812345678",
        starts_on=TODAY + D(days=start), ends_on=TODAY + D(days=end),
        where="ศาลาประชาคมหมู่ 2" if place == Loan.Place.OUTSIDE else "", **extra)
    if loan.needs_endorsement:
        services.loan_endorse(actor=people["divhead"], loan=loan)
    approver = "supplyhead" if place == Loan.Place.INSIDE else "head"
    return services.loan_approve(actor=people[approver], loan=loan)


def out(people, assets, **kwargs):
    return services.loan_hand_out(actor=people["officer"], loan=approved(people, assets, **kwargs))


def actions(loan) -> list[str]:
    return list(Entry.objects.filter(object_type="loans.loan", object_id=str(loan.pk)).order_by("id")
                .values_list("action", flat=True))


def run(day: dt.date) -> str:
    output = StringIO()
    call_command("loans_followup", "--date", day.isoformat(), stdout=output)
    return output.getvalue()


# --- extensions ----------------------------------------------------------------------------------------

def test_an_approved_extension_moves_the_due_date_and_each_step_is_logged(people, projector):
    loan = out(people, projector, end=3)
    extension = services.extension_request(actor=people["staff"], loan=loan, new_ends_on=TODAY + D(days=6),
                                           reason="งานประชุมเลื่อนออกไป")
    assert extension.status == LoanExtension.Status.REQUESTED and extension.old_ends_on == TODAY + D(days=3)
    loan.refresh_from_db()
    assert loan.ends_on == TODAY + D(days=3)  # nothing moves until approved
    extension = services.extension_approve(actor=people["supplyhead"], extension=extension)
    loan.refresh_from_db()
    assert extension.status == LoanExtension.Status.APPROVED and extension.decided_by == people["supplyhead"]
    assert loan.ends_on == TODAY + D(days=6) and loan.status == Loan.Status.OUT
    assert actions(loan)[-2:] == ["loan.extension_request", "loan.extension_approve"]
    entry = Entry.objects.get(action="loan.extension_approve")
    assert entry.details["old_ends_on"] == (TODAY + D(days=3)).isoformat()
    assert entry.details["new_ends_on"] == (TODAY + D(days=6)).isoformat()
    assert entry.action_label == "อนุมัติการขยายเวลายืม"


def test_an_approved_loan_not_yet_handed_out_can_be_extended(people, projector):
    loan = approved(people, projector, end=3)
    extension = services.extension_request(actor=people["staff"], loan=loan, new_ends_on=TODAY + D(days=4), reason="x")
    services.extension_approve(actor=people["supplyhead"], extension=extension)
    loan.refresh_from_db()
    assert loan.ends_on == TODAY + D(days=4) and loan.status == Loan.Status.APPROVED


def test_an_extension_is_refused_when_another_loan_holds_the_asset_in_the_extra_days(people, projector):
    loan = out(people, projector, start=1, end=3)
    later = approved(people, projector, who="colleague", start=5, end=7)
    with pytest.raises(ValidationError, match=f"ใบยืมที่ {later.pk}"):
        services.extension_request(actor=people["staff"], loan=loan, new_ends_on=TODAY + D(days=5), reason="ยังใช้อยู่")
    assert not LoanExtension.objects.exists()
    touching = services.extension_request(actor=people["staff"], loan=loan, new_ends_on=TODAY + D(days=4),
                                          reason="ยังใช้อยู่")  # ends the day before the other loan starts
    services.extension_approve(actor=people["supplyhead"], extension=touching)
    loan.refresh_from_db()
    assert loan.ends_on == TODAY + D(days=4)


def test_a_clash_approved_meanwhile_refuses_the_approval_naming_the_loan(people, projector):
    loan = out(people, projector, start=1, end=3)
    extension = services.extension_request(actor=people["staff"], loan=loan, new_ends_on=TODAY + D(days=8),
                                           reason="ยังใช้อยู่")
    meanwhile = approved(people, projector, who="colleague", start=6, end=9)  # pending extensions hold nothing
    with pytest.raises(ValidationError, match=f"ใบยืมที่ {meanwhile.pk}"):
        services.extension_approve(actor=people["supplyhead"], extension=extension)
    loan.refresh_from_db()
    extension.refresh_from_db()
    assert loan.ends_on == TODAY + D(days=3) and extension.status == LoanExtension.Status.REQUESTED
    assert "loan.extension_approve" not in actions(loan)


def test_only_unreturned_assets_count_for_the_clash(people, projector, camera):
    loan = out(people, [projector, camera], start=1, end=3)
    services.loan_receive(actor=people["officer"], loan=loan, returns={camera.pk: ("good", "")})
    approved(people, camera, who="colleague", start=4, end=6)  # the camera is back and lent on
    extension = services.extension_request(actor=people["staff"], loan=loan, new_ends_on=TODAY + D(days=6),
                                           reason="โปรเจคเตอร์ยังใช้อยู่")
    services.extension_approve(actor=people["supplyhead"], extension=extension)
    loan.refresh_from_db()
    assert loan.ends_on == TODAY + D(days=6)


def test_nobody_approves_their_own_extension(people, projector):
    people["supply_borrower"] = make_user("supply_self", "staff", "supply_head", division=people["staff"].division)
    services.manual_acknowledge(actor=people["supply_borrower"], version=services.current_manual())
    loan = out(people, projector, who="supply_borrower")  # a head of the supply unit borrows, inside
    extension = services.extension_request(actor=people["supply_borrower"], loan=loan, new_ends_on=TODAY + D(days=5),
                                           reason="x")
    assert list(services.extensions_waiting_for(people["supply_borrower"])) == []
    with pytest.raises(PermissionDenied):
        services.extension_approve(actor=people["supply_borrower"], extension=extension)
    with pytest.raises(PermissionDenied):
        services.extension_reject(actor=people["supply_borrower"], extension=extension, reason="x")
    approved_extension = services.extension_approve(actor=people["supplyhead"], extension=extension)
    assert approved_extension.status == LoanExtension.Status.APPROVED


def test_an_extension_follows_the_loans_route_and_delegation_by_date(people, projector, camera):
    inside = out(people, projector)
    extension = services.extension_request(actor=people["staff"], loan=inside, new_ends_on=TODAY + D(days=5),
                                           reason="x")
    assert list(services.extensions_waiting_for(people["supplyhead"])) == [extension]
    assert list(services.extensions_waiting_for(people["head"])) == []
    with pytest.raises(PermissionDenied):
        services.extension_approve(actor=people["head"], extension=extension)  # not the inside route
    with pytest.raises(PermissionDenied):
        services.extension_approve(actor=people["officer"], extension=extension)

    outside = out(people, camera, place=Loan.Place.OUTSIDE)
    far = services.extension_request(actor=people["staff"], loan=outside, new_ends_on=TODAY + D(days=5), reason="x")
    with pytest.raises(PermissionDenied):
        services.extension_approve(actor=people["supplyhead"], extension=far)
    deputy = make_user("deputy_d", "staff", division=people["officer"].division)
    Delegation.objects.create(delegate=deputy, starts_on=TODAY - D(days=5), ends_on=TODAY - D(days=1),
                              granted_by=people["head"])
    with pytest.raises(PermissionDenied):
        services.extension_approve(actor=deputy, extension=far)  # the delegation has ended
    Delegation.objects.create(delegate=deputy, starts_on=TODAY, ends_on=TODAY + D(days=9), granted_by=people["head"])
    assert list(services.extensions_waiting_for(deputy)) == [far]
    assert services.extension_approve(actor=deputy, extension=far).status == LoanExtension.Status.APPROVED


def test_who_may_ask_and_when(people, projector, camera):
    loan = out(people, projector)
    with pytest.raises(PermissionDenied):
        services.extension_request(actor=people["colleague"], loan=loan, new_ends_on=TODAY + D(days=5), reason="x")
    for new_ends_on, field in [(TODAY + D(days=3), "new_ends_on"), (TODAY + D(days=2), "new_ends_on")]:
        with pytest.raises(ValidationError) as error:
            services.extension_request(actor=people["staff"], loan=loan, new_ends_on=new_ends_on, reason="x")
        assert field in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.extension_request(actor=people["staff"], loan=loan, new_ends_on=TODAY + D(days=5), reason=" ")
    assert "reason" in error.value.message_dict
    services.extension_request(actor=people["staff"], loan=loan, new_ends_on=TODAY + D(days=5), reason="x")
    with pytest.raises(ValidationError, match="รอพิจารณาอยู่แล้ว"):
        services.extension_request(actor=people["staff"], loan=loan, new_ends_on=TODAY + D(days=6), reason="y")

    # A division head who asked for their staff may ask for more time too; a pending request may not.
    pending = services.loan_request(actor=people["divhead"], borrower=people["colleague"], assets=[camera],
                                    purpose="งานราชการ", place=Loan.Place.INSIDE, phone="0800000000",
                                    starts_on=TODAY + D(days=1), ends_on=TODAY + D(days=2))
    with pytest.raises(ValidationError, match="อนุมัติหรือส่งมอบแล้ว"):
        services.extension_request(actor=people["divhead"], loan=pending, new_ends_on=TODAY + D(days=4), reason="x")
    Loan.objects.filter(pk=pending.pk).update(needs_endorsement=False)
    services.loan_approve(actor=people["supplyhead"], loan=pending)
    assert services.extension_request(actor=people["divhead"], loan=pending, new_ends_on=TODAY + D(days=4),
                                      reason="x").requested_by == people["divhead"]


def test_reject_needs_a_reason_cancel_by_the_asker_and_each_is_logged(people, projector):
    loan = out(people, projector)
    first = services.extension_request(actor=people["staff"], loan=loan, new_ends_on=TODAY + D(days=5), reason="x")
    with pytest.raises(ValidationError):
        services.extension_reject(actor=people["supplyhead"], extension=first, reason=" ")
    first = services.extension_reject(actor=people["supplyhead"], extension=first, reason="มีผู้จองต่อ")
    assert first.status == LoanExtension.Status.REJECTED and first.rejection_reason == "มีผู้จองต่อ"
    with pytest.raises(ValidationError, match="ไม่อนุมัติ"):
        services.extension_approve(actor=people["supplyhead"], extension=first)
    second = services.extension_request(actor=people["staff"], loan=loan, new_ends_on=TODAY + D(days=4), reason="y")
    with pytest.raises(PermissionDenied):
        services.extension_cancel(actor=people["colleague"], extension=second)
    assert services.extension_cancel(actor=people["staff"], extension=second).status == LoanExtension.Status.CANCELLED
    loan.refresh_from_db()
    assert loan.ends_on == TODAY + D(days=3)
    assert actions(loan)[-4:] == ["loan.extension_request", "loan.extension_reject", "loan.extension_request",
                                  "loan.extension_cancel"]


# --- overdue and the 7-day follow-up -------------------------------------------------------------------

def test_due_today_is_not_overdue_due_yesterday_is(people, projector, camera):
    loan = out(people, projector, end=3)
    due = loan.ends_on
    waiting = approved(people, camera, end=3)  # approved, never handed out: not overdue
    assert not services.is_overdue(loan, today=due) and services.is_overdue(loan, today=due + D(days=1))
    assert list(services.overdue_loans(due)) == []
    assert list(services.overdue_loans(due + D(days=1))) == [loan]
    assert waiting not in services.overdue_loans(due + D(days=30))
    services.loan_receive(actor=people["officer"], loan=loan, returns={projector.pk: ("good", "")})
    assert list(services.overdue_loans(due + D(days=1))) == []


def test_overdue_follows_the_bangkok_date(people, projector, clock):
    loan = out(people, projector, end=3)
    due = loan.ends_on
    clock(dt.datetime.combine(due, dt.time(16, 59), tzinfo=dt.timezone.utc))  # 23:59 on the due date in Bangkok
    assert not services.is_overdue(loan)
    clock(dt.datetime.combine(due, dt.time(17, 0), tzinfo=dt.timezone.utc))  # 00:00 the next day in Bangkok
    assert services.is_overdue(loan)
    assert list(services.overdue_loans()) == [loan]


def test_the_follow_up_deadline_is_seven_days_after_the_due_date(people, projector):
    loan = out(people, projector, end=3)
    due = loan.ends_on
    assert services.followup_deadline(loan) == due + D(days=7)
    assert list(services.followup_late_loans(due + D(days=7))) == []  # day 7: still in time
    assert list(services.followup_late_loans(due + D(days=8))) == [loan]  # day 8: late
    overdue = services.overdue_loans(due + D(days=8)).get()
    assert overdue.followed_up is False


def test_a_follow_up_clears_lateness_and_only_the_approver_or_an_officer_records_it(people, projector, clock):
    loan = out(people, projector, end=3)
    due = loan.ends_on
    clock(due)
    with pytest.raises(ValidationError, match="เกินกำหนดคืนแล้ว"):
        services.followup_record(actor=people["supplyhead"], loan=loan, how="phone", note="โทรเตือน")
    clock(due + D(days=9))
    for who in ("staff", "colleague", "head", "divhead"):
        with pytest.raises(PermissionDenied):
            services.followup_record(actor=people[who], loan=loan, how="phone", note="โทรแล้ว")
    with pytest.raises(ValidationError) as error:
        services.followup_record(actor=people["supplyhead"], loan=loan, how="pigeon", note=" ")
    assert set(error.value.message_dict) == {"how", "note"}
    assert list(services.followup_late_loans()) == [loan]
    followup = services.followup_record(actor=people["supplyhead"], loan=loan, how=LoanFollowUp.How.PHONE,
                                        note="ผู้ยืมรับว่าจะคืนพรุ่งนี้")
    assert followup.due_on == due and timezone.localtime(followup.recorded_at).date() == due + D(days=9)
    assert list(services.followup_late_loans()) == []
    assert services.overdue_loans().get().followed_up is True
    services.followup_record(actor=people["officer"], loan=loan, how=LoanFollowUp.How.LETTER, note="ส่งหนังสือทวง")
    assert actions(loan)[-2:] == ["loan.followup", "loan.followup"]
    entry = Entry.objects.filter(action="loan.followup").order_by("id").first()
    assert entry.details["due_on"] == due.isoformat() and entry.details["in_time"] is False


def test_after_an_extension_the_new_due_date_needs_its_own_follow_up(people, projector, clock):
    loan = out(people, projector, end=3)
    old_due = loan.ends_on
    clock(old_due + D(days=2))
    services.followup_record(actor=people["supplyhead"], loan=loan, how="phone", note="ขอขยายเวลา")
    extension = services.extension_request(actor=people["staff"], loan=loan, new_ends_on=old_due + D(days=4),
                                           reason="งานยังไม่เสร็จ")
    services.extension_approve(actor=people["supplyhead"], extension=extension)
    new_due = old_due + D(days=4)
    assert list(services.overdue_loans()) == []  # no longer overdue
    assert list(services.followup_late_loans(new_due + D(days=7))) == []
    assert list(services.followup_late_loans(new_due + D(days=8))) == [loan]  # the old follow-up does not count


# --- the daily run -------------------------------------------------------------------------------------

def test_the_run_notifies_once_per_loan_and_due_date(people, projector, mailoutbox):
    loan = out(people, projector, end=3)
    due = loan.ends_on
    assert run(due).count("เกินกำหนดคืน 0 ใบ") == 1 and len(mailoutbox) == 0  # due today: nothing
    output = run(due + D(days=1))
    assert "เกินกำหนดคืน 1 ใบ" in output and "แจ้งเตือนใหม่ 2 รายการ" in output and "ส่งอีเมล 2 ฉบับ" in output
    assert sorted(m.to[0] for m in mailoutbox) == ["somchai@example.go.th", "supply_d@example.go.th"]
    assert all(f"ใบยืมที่ {loan.pk}" in m.subject for m in mailoutbox)
    link = reverse("loans:detail", kwargs={"pk": loan.pk})
    assert all(link in m.body for m in mailoutbox)
    notices = run_notices().order_by("user__username")
    assert [(n.user.username, n.key, n.link) for n in notices] == [
        ("somchai", f"overdue:{loan.pk}:{due.isoformat()}", link),
        ("supply_d", f"overdue:{loan.pk}:{due.isoformat()}", link)]
    assert all(n.emailed_at and n.read_at is None for n in notices)
    assert "กรุณานำพัสดุมาคืน" in notices[0].text and "407-67-0101" in notices[0].text
    assert "ติดตามทวงคืน" in notices[1].text

    output = run(due + D(days=1))  # the same day again: nothing twice
    assert "แจ้งเตือนใหม่ 0 รายการ" in output
    assert len(mailoutbox) == 2 and run_notices().count() == 2
    run(due + D(days=7))  # still within the follow-up deadline: nothing new
    assert len(mailoutbox) == 2 and run_notices().count() == 2

    output = run(due + D(days=8))  # the deadline has passed without a follow-up: approver and officers
    assert "เลยกำหนดติดตาม 7 วัน 1 ใบ" in output
    assert len(mailoutbox) == 4 and run_notices().count() == 4
    late = run_notices().filter(key=f"followup_late:{loan.pk}:{due.isoformat()}")
    assert sorted(late.values_list("user__username", flat=True)) == ["officer_d", "supply_d"]
    run(due + D(days=8))
    run(due + D(days=9))
    assert len(mailoutbox) == 4 and run_notices().count() == 4
    assert actions(loan).count("loan.overdue") == 1 and actions(loan).count("loan.followup_late") == 1
    overdue_entry = Entry.objects.get(action="loan.overdue")
    assert overdue_entry.actor_id is None and overdue_entry.actor_name == "ระบบ"
    assert sorted(overdue_entry.details["notified"]) == sorted([people["staff"].pk, people["supplyhead"].pk])


def test_a_follow_up_in_time_means_no_late_notice(people, projector, clock, mailoutbox):
    loan = out(people, projector, end=3)
    due = loan.ends_on
    clock(due + D(days=7))
    services.followup_record(actor=people["supplyhead"], loan=loan, how="in_person", note="พบผู้ยืม")
    run(due + D(days=10))
    assert not run_notices().filter(key__startswith="followup_late:").exists()
    assert len(mailoutbox) == 2  # the overdue notices only


def test_an_extension_makes_a_new_due_date_that_is_notified_again(people, projector, mailoutbox):
    loan = out(people, projector, end=3)
    old_due = loan.ends_on
    run(old_due + D(days=1))
    assert len(mailoutbox) == 2
    extension = services.extension_request(actor=people["staff"], loan=loan, new_ends_on=old_due + D(days=5),
                                           reason="งานยังไม่เสร็จ")
    services.extension_approve(actor=people["supplyhead"], extension=extension)
    new_due = old_due + D(days=5)
    run(old_due + D(days=2))  # within the new dates: not overdue
    run(new_due)
    assert len(mailoutbox) == 2
    run(new_due + D(days=1))
    run(new_due + D(days=1))
    assert len(mailoutbox) == 4 and run_notices().count() == 4
    assert run_notices().filter(key=f"overdue:{loan.pk}:{new_due.isoformat()}").count() == 2
    assert actions(loan).count("loan.overdue") == 2


def test_an_agency_loan_notifies_its_requester_and_the_head(people, projector, mailoutbox):
    loan = out(people, projector, who="officer", place=Loan.Place.AGENCY, agency_name="โรงเรียนบ้านหงาว",
               agency_contact="ครูสมใจ", end=2)
    run(loan.ends_on + D(days=1))
    assert sorted(m.to[0] for m in mailoutbox) == ["mayor_d@example.go.th", "officer_d@example.go.th"]
    run(loan.ends_on + D(days=8))  # late: the head; the requesting officer is not told to chase their own loan
    late = run_notices().filter(key__startswith="followup_late:")
    assert list(late.values_list("user__username", flat=True)) == ["mayor_d"]
    assert "โรงเรียนบ้านหงาว" in late.get().text


def test_if_the_approver_has_left_the_current_approver_by_route_is_told(people, projector, mailoutbox):
    loan = out(people, projector, end=3)
    people["supplyhead"].is_active = False
    people["supplyhead"].save(update_fields=["is_active"])
    make_user("supply_new", "supply_head", division=people["officer"].division, email="supply_new@example.go.th")
    run(loan.ends_on + D(days=1))
    assert sorted(m.to[0] for m in mailoutbox) == ["somchai@example.go.th", "supply_new@example.go.th"]


def test_one_bad_address_does_not_stop_the_run(people, projector, camera, mailoutbox, monkeypatch, caplog):
    first = out(people, projector, end=3)
    second = out(people, camera, who="colleague", end=3)
    people["staff"].email = "bad@example.go.th"
    people["staff"].save(update_fields=["email"])
    people["colleague"].email = ""  # no address: the in-app notice only
    people["colleague"].save(update_fields=["email"])
    send = EmailBackend.send_messages

    def refusing(self, messages):
        if any("bad@" in address for message in messages for address in message.to):
            raise smtplib.SMTPRecipientsRefused({"bad@example.go.th": (550, b"no such user")})
        return send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refusing)
    output = run(first.ends_on + D(days=1))
    assert "แจ้งเตือนใหม่ 4 รายการ" in output and "ส่งอีเมล 2 ฉบับ" in output and "ส่งไม่สำเร็จ 1 ฉบับ" in output
    assert [m.to[0] for m in mailoutbox] == ["supply_d@example.go.th", "supply_d@example.go.th"]
    assert run_notices().filter(user=people["staff"], emailed_at__isnull=True).count() == 1
    assert "bad@example.go.th" in caplog.text
    run(second.ends_on + D(days=1))  # the failed e-mail is not retried, nothing is sent twice
    assert len(mailoutbox) == 2 and run_notices().count() == 4


def test_the_command_refuses_a_date_it_cannot_read(db):
    with pytest.raises(CommandError):
        call_command("loans_followup", "--date", "yesterday", stdout=StringIO())


def test_notices_are_marked_read_only_by_their_owner(people, projector):
    loan = out(people, projector, end=3)
    Notification.objects.filter(key__startswith="decided:").delete()  # the approval's notice: only the run's here
    run(loan.ends_on + D(days=1))
    assert services.notifications_mark_read(actor=people["colleague"]) == 0
    assert services.notifications_mark_read(actor=people["staff"]) == 1
    assert run_notices().filter(read_at__isnull=True).count() == 1


def test_the_lists_and_a_quiet_run_take_a_fixed_number_of_queries(people, projector, camera):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts(day):
        with CaptureQueriesContext(connection) as lists:
            overdue = list(services.overdue_loans(day))
            late = list(services.followup_late_loans(day))
            [(loan.borrower_name, loan.decided_by, loan.division, loan.followed_up) for loan in overdue + late]
        run(day)  # gives what is new
        with CaptureQueriesContext(connection) as quiet:
            run(day)  # nothing new: reads only
        return len(lists), len(quiet), len(overdue)

    first = out(people, projector, end=3)
    one = counts(first.ends_on + D(days=8))
    for index in range(3):
        asset = AssetFactory(is_lendable=True, division=people["staff"].division)
        out(people, asset, who="colleague", start=1, end=2 + index)
    out(people, camera, end=3)
    many = counts(first.ends_on + D(days=9))
    assert one[2] == 1 and many[2] == 5
    assert one[:2] == many[:2]
