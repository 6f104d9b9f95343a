"""The loan rules of DOMAIN.md section 4: routes, delegation, endorsement, overlap, the manual."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from activity.models import Entry
from assets.models import Status as AssetStatus
from loans import services
from loans.models import Delegation, Loan
from organization.models import Organization
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory

TODAY = timezone.localdate()
D = dt.timedelta


@pytest.fixture
def people(db):
    division = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    other = DivisionFactory(code="KLANG", name="กองคลัง")
    admin = make_user("admin_l", "administrator", division=other)
    version = services.manual_publish(actor=admin, title="คู่มือการใช้ทรัพย์สิน", body="ใช้เพื่อราชการเท่านั้น")
    people = {
        "staff": make_user("somchai", "staff", division=division),
        "colleague": make_user("somsri", "staff", division=division),
        "divhead": make_user("divhead_l", "staff", "division_head", division=division),
        "other_divhead": make_user("other_head", "staff", "division_head", division=other),
        "supplyhead": make_user("supply_l", "staff", "supply_head", division=other),
        "head": make_user("mayor", "agency_head", division=division),
        "officer": make_user("officer_l", "staff", "property_officer", division=other),
        "auditor": make_user("auditor_l", "auditor", division=other),
        "admin": admin,
    }
    for user in people.values():
        services.manual_acknowledge(actor=user, version=version)
    return people


@pytest.fixture
def projector(people):
    return AssetFactory(number="407-67-0001", name="โปรเจคเตอร์", is_lendable=True, division=people["staff"].division)


def request(people, asset, *, who="staff", place=Loan.Place.INSIDE, start=1, end=3, **extra):
    fields = dict(actor=people[who], assets=[asset], purpose="ประชุมประชาคม", place=place,
                  starts_on=TODAY + D(days=start), ends_on=TODAY + D(days=end), phone="0812345678",
                  where="ศาลาประชาคมหมู่ 2" if place == Loan.Place.OUTSIDE else "")
    fields.update(extra)
    return services.loan_request(**fields)


def approved(people, asset, **kwargs):
    loan = request(people, asset, **kwargs)
    services.loan_endorse(actor=people["divhead"], loan=loan)
    approver = "supplyhead" if loan.place == Loan.Place.INSIDE else "head"
    return services.loan_approve(actor=people[approver], loan=loan)


def test_inside_route_endorse_then_supply_head_approves(people, projector):
    loan = request(people, projector)
    assert loan.status == Loan.Status.REQUESTED and loan.needs_endorsement
    with pytest.raises(ValidationError, match="เห็นชอบก่อน"):
        services.loan_approve(actor=people["supplyhead"], loan=loan)
    services.loan_endorse(actor=people["divhead"], loan=loan)
    with pytest.raises(PermissionDenied):
        services.loan_approve(actor=people["head"], loan=loan)  # not the inside route
    loan = services.loan_approve(actor=people["supplyhead"], loan=loan)
    assert loan.status == Loan.Status.APPROVED and loan.decided_by == people["supplyhead"]
    assert list(Entry.objects.filter(object_type="loans.loan").order_by("id").values_list("action", flat=True)) == [
        "loan.request", "loan.endorse", "loan.approve"]


def test_the_only_supply_heads_own_inside_loan_goes_up_to_the_head_of_agency(people, projector):
    from loans import selectors

    loan = request(people, projector, who="supplyhead")
    services.loan_endorse(actor=people["other_divhead"], loan=loan)
    assert services.may_approve(people["head"], loan)
    assert list(selectors.waiting_for(people["head"])) == [loan]
    assert list(selectors.waiting_for(people["supplyhead"])) == []
    with pytest.raises(PermissionDenied):
        services.loan_approve(actor=people["supplyhead"], loan=loan)  # never one's own
    assert services.loan_approve(actor=people["head"], loan=loan).decided_by == people["head"]

    # With a second head of the supply unit, the inside route stays theirs and the head of agency is not asked.
    second = make_user("supply_2", "staff", "supply_head", division=people["staff"].division)
    services.manual_acknowledge(actor=second, version=services.current_manual())
    other = AssetFactory(number="407-67-0002", name="ลำโพง", is_lendable=True, division=people["staff"].division)
    loan = request(people, other, who="supplyhead")
    services.loan_endorse(actor=people["other_divhead"], loan=loan)
    assert not services.may_approve(people["head"], loan)
    assert list(selectors.waiting_for(people["head"])) == []
    assert list(selectors.waiting_for(second)) == [loan]


def test_outside_route_needs_the_head_of_agency_or_a_delegate_on_the_day(people, projector):
    loan = request(people, projector, place=Loan.Place.OUTSIDE)
    services.loan_endorse(actor=people["divhead"], loan=loan)
    with pytest.raises(PermissionDenied):
        services.loan_approve(actor=people["supplyhead"], loan=loan)
    deputy = make_user("deputy", "staff", division=people["staff"].division)
    with pytest.raises(PermissionDenied):
        services.loan_approve(actor=deputy, loan=loan)
    Delegation.objects.create(delegate=deputy, starts_on=TODAY - D(days=10), ends_on=TODAY - D(days=1),
                              granted_by=people["head"])
    with pytest.raises(PermissionDenied):
        services.loan_approve(actor=deputy, loan=loan)  # the delegation has ended
    Delegation.objects.create(delegate=deputy, starts_on=TODAY, ends_on=TODAY + D(days=30), granted_by=people["head"])
    assert services.loan_approve(actor=deputy, loan=loan).status == Loan.Status.APPROVED


def test_a_loan_to_another_agency_goes_to_the_head_without_endorsement(people, projector):
    loan = request(people, projector, who="officer", place=Loan.Place.AGENCY, agency_name="โรงเรียนบ้านหงาว",
                   agency_contact="ครูสมใจ")
    assert loan.borrower is None and not loan.needs_endorsement and loan.borrower_name == "โรงเรียนบ้านหงาว"
    with pytest.raises(PermissionDenied):
        services.loan_approve(actor=people["supplyhead"], loan=loan)
    assert services.loan_approve(actor=people["head"], loan=loan).status == Loan.Status.APPROVED


def test_nobody_approves_or_endorses_their_own_request(people, projector):
    loan = request(people, projector, who="divhead")
    with pytest.raises(PermissionDenied):
        services.loan_endorse(actor=people["divhead"], loan=loan)
    supply_loan = request(people, AssetFactory(is_lendable=True, division=people["staff"].division), who="supplyhead")
    Organization.objects.filter(pk=1).update(loan_endorsement_required=False)
    supply_loan.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.loan_approve(actor=people["supplyhead"], loan=supply_loan)


def test_only_the_borrowers_division_head_endorses(people, projector):
    loan = request(people, projector)
    with pytest.raises(PermissionDenied):
        services.loan_endorse(actor=people["other_divhead"], loan=loan)


def test_endorsement_can_be_switched_off(people, projector):
    Organization.objects.filter(pk=1).update(loan_endorsement_required=False)
    loan = request(people, projector)
    assert not loan.needs_endorsement
    assert services.loan_approve(actor=people["supplyhead"], loan=loan).status == Loan.Status.APPROVED


def test_a_division_head_may_ask_for_their_staff_but_staff_not_for_each_other(people, projector):
    loan = request(people, projector, who="divhead", borrower=people["staff"])
    assert loan.borrower == people["staff"] and loan.requested_by == people["divhead"]
    assert not loan.needs_endorsement  # the division head asked: that is the endorsement
    with pytest.raises(PermissionDenied):
        request(people, projector, who="colleague", borrower=people["staff"], start=10, end=11)


def test_overlap_is_refused_naming_the_loan_and_touching_ranges_are_fine(people, projector):
    first = approved(people, projector, start=1, end=3)
    with pytest.raises(ValidationError, match=f"ใบยืมที่ {first.pk}"):
        request(people, projector, start=3, end=5)
    touching = request(people, projector, start=4, end=6)
    assert touching.status == Loan.Status.REQUESTED


def test_pending_requests_may_overlap_but_only_one_is_approved(people, projector):
    one = request(people, projector, start=1, end=3)
    two = request(people, projector, who="colleague", start=2, end=4)
    services.loan_endorse(actor=people["divhead"], loan=one)
    services.loan_endorse(actor=people["divhead"], loan=two)
    services.loan_approve(actor=people["supplyhead"], loan=one)
    with pytest.raises(ValidationError, match=f"ใบยืมที่ {one.pk}"):
        services.loan_approve(actor=people["supplyhead"], loan=two)
    two.refresh_from_db()
    assert two.status == Loan.Status.ENDORSED


def test_not_lendable_or_not_in_a_lendable_status_is_refused(people):
    desk = AssetFactory(is_lendable=False, division=people["staff"].division)
    with pytest.raises(ValidationError, match="ไม่ได้กำหนดให้ยืมได้"):
        request(people, desk)
    broken = AssetFactory(is_lendable=True, status=AssetStatus.DAMAGED, division=people["staff"].division)
    with pytest.raises(ValidationError, match="ยืมไม่ได้"):
        request(people, broken)
    assert not Loan.objects.exists()


def test_the_current_manual_must_be_acknowledged(people, projector):
    services.manual_publish(actor=people["admin"], title="คู่มือ ฉบับปรับปรุง", body="ข้อ 1 …")
    with pytest.raises(ValidationError, match="รับทราบคู่มือ"):
        request(people, projector)
    services.manual_acknowledge(actor=people["staff"], version=services.current_manual())
    assert request(people, projector).pk


@pytest.mark.parametrize("change, field", [
    ({"purpose": " "}, "purpose"), ({"phone": ""}, "phone"), ({"start": 3, "end": 1}, "ends_on"),
    ({"start": -2, "end": 1}, "starts_on"), ({"place": "moon"}, "place"),
])
def test_bad_requests_write_nothing(people, projector, change, field):
    with pytest.raises(ValidationError) as error:
        request(people, projector, **change)
    assert field in error.value.message_dict
    assert not Loan.objects.exists()


def test_reject_needs_a_reason_and_cancel_until_hand_out(people, projector):
    loan = request(people, projector)
    services.loan_endorse(actor=people["divhead"], loan=loan)
    with pytest.raises(ValidationError):
        services.loan_reject(actor=people["supplyhead"], loan=loan, reason=" ")
    services.loan_reject(actor=people["supplyhead"], loan=loan, reason="ไม่ใช่งานราชการ")
    with pytest.raises(ValidationError, match="ไม่อนุมัติ"):
        services.loan_cancel(actor=people["staff"], loan=loan)
    other = approved(people, projector, start=5, end=6)
    with pytest.raises(PermissionDenied):
        services.loan_cancel(actor=people["colleague"], loan=other)
    assert services.loan_cancel(actor=people["staff"], loan=other).status == Loan.Status.CANCELLED


def test_the_auditor_cannot_borrow(people, projector):
    with pytest.raises(PermissionDenied):
        request(people, projector, who="auditor")


def test_hand_out_only_after_approval_and_by_an_officer(people, projector):
    loan = request(people, projector)
    with pytest.raises(ValidationError, match="รออนุมัติ"):
        services.loan_hand_out(actor=people["officer"], loan=loan)
    loan = approved(people, projector, start=10, end=12)
    with pytest.raises(PermissionDenied):
        services.loan_hand_out(actor=people["staff"], loan=loan)
    loan = services.loan_hand_out(actor=people["officer"], loan=loan, conditions={projector.pk: "มีรอยขีดข่วนเล็กน้อย"})
    projector.refresh_from_db()
    assert loan.status == Loan.Status.OUT and projector.status == AssetStatus.ON_LOAN
    assert loan.items.get().condition_out == "มีรอยขีดข่วนเล็กน้อย"
    with pytest.raises(ValidationError):
        services.loan_hand_out(actor=people["officer"], loan=loan)
    with pytest.raises(ValidationError, match="ยกเลิก|ส่งมอบแล้ว"):
        services.loan_cancel(actor=people["staff"], loan=loan)


def test_partial_return_then_damage_opens_a_compensation_case(people, projector):
    camera = AssetFactory(number="407-67-0002", name="กล้อง", is_lendable=True, division=people["staff"].division,
                          unit_price=45_000, useful_life_years=5, acquired_on=dt.date(2023, 10, 1))
    loan = request(people, projector, assets=[projector, camera])
    services.loan_endorse(actor=people["divhead"], loan=loan)
    services.loan_approve(actor=people["supplyhead"], loan=loan)
    services.loan_hand_out(actor=people["officer"], loan=loan)
    loan = services.loan_receive(actor=people["officer"], loan=loan, returns={projector.pk: ("good", "")})
    projector.refresh_from_db()
    assert loan.status == Loan.Status.OUT and projector.status == AssetStatus.IN_USE
    with pytest.raises(ValidationError, match="ชำรุดหรือสูญหายอย่างไร"):
        services.loan_receive(actor=people["officer"], loan=loan, returns={camera.pk: ("damaged", "")})
    with pytest.raises(ValidationError):
        services.loan_receive(actor=people["officer"], loan=loan, returns={projector.pk: ("good", "")})  # back already
    loan = services.loan_receive(actor=people["officer"], loan=loan, returns={camera.pk: ("damaged", "เลนส์แตก")})
    camera.refresh_from_db()
    assert loan.status == Loan.Status.RETURNED and camera.status == AssetStatus.DAMAGED
    case = loan.items.get(asset=camera).compensation
    assert case.settled_at is None and case.guide_value > 0
    with pytest.raises(ValidationError):
        services.compensation_settle(actor=people["officer"], compensation=case, method="pay")
    services.compensation_settle(actor=people["officer"], compensation=case, method="repair", note="ซ่อมที่ร้าน")
    case.refresh_from_db()
    assert case.settled_at is not None
    actions = list(Entry.objects.filter(object_type="loans.loan", object_id=str(loan.pk)).values_list("action", flat=True))
    assert actions.count("loan.receive") == 2 and "loan.compensation_settle" in actions


def test_a_lost_item_marks_the_asset_lost(people, projector):
    loan = approved(people, projector)
    services.loan_hand_out(actor=people["officer"], loan=loan)
    services.loan_receive(actor=people["officer"], loan=loan, returns={projector.pk: ("lost", "หายระหว่างขนย้าย")})
    projector.refresh_from_db()
    assert projector.status == AssetStatus.LOST
