"""Every write to loans: the manual and its acknowledgements, requests and their approval route.

Routing (DOMAIN.md section 4): inside the premises the head of the supply unit approves; outside
the premises, and loans to another agency, the head of agency or whoever they delegated for the
date of the decision. The borrower's division head endorses first when the organisation asks for it.
Nobody endorses or approves a request of their own. Each move checks TRANSITIONS, locks what it
changes and writes the log.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity import log
from assets.depreciation import standing
from assets.models import Asset, Status as AssetStatus
from assets.services import assets_set_workflow_status
from organization import roles
from organization.models import Organization

from .models import Acknowledgement, Compensation, Delegation, Loan, LoanItem, ManualVersion

TRANSITIONS: dict[str, set[str]] = {
    Loan.Status.REQUESTED: {Loan.Status.ENDORSED, Loan.Status.APPROVED, Loan.Status.REJECTED, Loan.Status.CANCELLED},
    Loan.Status.ENDORSED: {Loan.Status.APPROVED, Loan.Status.REJECTED, Loan.Status.CANCELLED},
    Loan.Status.APPROVED: {Loan.Status.OUT, Loan.Status.CANCELLED},
    Loan.Status.OUT: {Loan.Status.RETURNED},
}
HOLDING = (Loan.Status.APPROVED, Loan.Status.OUT)  # loans that keep an asset for their dates
LENDABLE_STATUSES = frozenset({AssetStatus.IN_USE, AssetStatus.ON_LOAN})


def _check_move(loan: Loan, to: str) -> None:
    if to not in TRANSITIONS.get(loan.status, set()):
        raise ValidationError(_("ทำรายการนี้ไม่ได้: ใบยืมที่ %(id)s มีสถานะ “%(status)s”")
                              % {"id": loan.pk, "status": loan.get_status_display()})


def _log(action: str, loan: Loan, actor, **details) -> None:
    log.record(action, obj=loan, actor=actor, assets=[item.asset_id for item in loan.items.all()],
               division_id=loan.division_id, details={"status": loan.status, **details})


# --- the manual ------------------------------------------------------------------------------

def current_manual() -> ManualVersion | None:
    return ManualVersion.objects.order_by("-number").first()


@transaction.atomic
def manual_publish(*, actor, title: str, body: str) -> ManualVersion:
    """Publish a new version; everyone acknowledges it again before their next request."""
    roles.require(actor, "manual.publish")
    if not (title or "").strip() or not (body or "").strip():
        raise ValidationError(_("กรุณากรอกชื่อเรื่องและเนื้อหาของคู่มือ"))
    latest = ManualVersion.objects.select_for_update().order_by("-number").first()
    version = ManualVersion.objects.create(number=(latest.number + 1) if latest else 1, title=title.strip(),
                                           body=body.strip(), published_at=timezone.now(), published_by=actor)
    log.record("manual.publish", obj=version, actor=actor, details={"number": version.number})
    return version


@transaction.atomic
def manual_acknowledge(*, actor, version: ManualVersion) -> Acknowledgement:
    existing = Acknowledgement.objects.filter(version=version, user=actor).first()
    if existing:
        return existing
    acknowledgement = Acknowledgement.objects.create(version=version, user=actor, acknowledged_at=timezone.now())
    log.record("manual.acknowledge", obj=version, actor=actor, details={"number": version.number})
    return acknowledgement


def has_acknowledged(user) -> bool:
    version = current_manual()
    return bool(version and Acknowledgement.objects.filter(version=version, user=user).exists())


# --- who may decide ---------------------------------------------------------------------------

def _is_delegate(user, on: dt.date) -> bool:
    return Delegation.objects.filter(delegate=user, starts_on__lte=on, ends_on__gte=on).exists()


def may_approve(user, loan: Loan, *, on: dt.date | None = None) -> bool:
    """The route of DOMAIN.md section 4, never the borrower's (or the requester's) own request."""
    if user.pk in {loan.borrower_id, loan.requested_by_id}:
        return False
    if loan.place == Loan.Place.INSIDE:
        return roles.has_role(user, roles.SUPPLY_HEAD)
    on = on or timezone.localdate()
    return roles.has_role(user, roles.AGENCY_HEAD) or _is_delegate(user, on)


def may_endorse(user, loan: Loan) -> bool:
    return (roles.has_role(user, roles.DIVISION_HEAD) and user.division_id == loan.division_id
            and user.pk not in {loan.borrower_id, loan.requested_by_id})


# --- clashes ------------------------------------------------------------------------------------

def clashes(asset_ids, starts_on: dt.date, ends_on: dt.date, *, exclude_loan_id=None) -> list[LoanItem]:
    """Items of approved or handed-out loans that hold one of these assets on overlapping dates.
    Ranges are inclusive: a loan ending on day D and one starting on D+1 do not overlap."""
    items = LoanItem.objects.select_related("loan", "asset").filter(
        asset_id__in=list(asset_ids), returned_at__isnull=True, loan__status__in=HOLDING,
        loan__starts_on__lte=ends_on, loan__ends_on__gte=starts_on)
    if exclude_loan_id:
        items = items.exclude(loan_id=exclude_loan_id)
    return list(items.order_by("loan_id"))


def _clash_message(items: list[LoanItem]) -> str:
    first = items[0]
    return _("ครุภัณฑ์ %(number)s ถูกยืมไว้แล้วตามใบยืมที่ %(loan)s (%(start)s ถึง %(end)s)") % {
        "number": first.asset.number, "loan": first.loan_id,
        "start": first.loan.starts_on.strftime("%d/%m/") + str(first.loan.starts_on.year + 543),
        "end": first.loan.ends_on.strftime("%d/%m/") + str(first.loan.ends_on.year + 543)}


# --- the moves ----------------------------------------------------------------------------------

@transaction.atomic
def loan_request(*, actor, assets: list[Asset], purpose: str, place: str, starts_on: dt.date, ends_on: dt.date,
                 phone: str, where: str = "", borrower=None, agency_name: str = "", agency_contact: str = "") -> Loan:
    """Ask to borrow one or more lendable assets (for oneself, or as division head for one's staff)."""
    roles.require(actor, "loan.request")
    if place not in Loan.Place.values:
        raise ValidationError({"place": _("กรุณาเลือกว่าจะใช้ภายในหรือนอกสถานที่ราชการ")})
    if place == Loan.Place.AGENCY:
        borrower = None
        if not (agency_name or "").strip():
            raise ValidationError({"agency_name": _("กรุณาระบุหน่วยงานที่ขอยืม")})
    else:
        borrower = borrower or actor
        if borrower.pk != actor.pk and not (roles.has_role(actor, roles.DIVISION_HEAD)
                                            and actor.division_id == borrower.division_id):
            raise PermissionDenied(_("ขอยืมแทนได้เฉพาะหัวหน้ากองสำหรับบุคลากรในกองของตน"))
    errors = {}
    if not (purpose or "").strip():
        errors["purpose"] = _("กรุณาระบุว่าจะใช้ในราชการเรื่องใด")
    if not (phone or "").strip():
        errors["phone"] = _("กรุณาระบุโทรศัพท์ที่ติดต่อได้")
    if place == Loan.Place.OUTSIDE and not (where or "").strip():
        errors["where"] = _("กรุณาระบุสถานที่ที่จะนำไปใช้")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("วันคืนต้องไม่ก่อนวันเริ่มยืม")
    elif starts_on and starts_on < timezone.localdate():
        errors["starts_on"] = _("วันเริ่มยืมต้องไม่ย้อนหลัง")
    if errors:
        raise ValidationError(errors)
    if not has_acknowledged(borrower or actor):
        raise ValidationError(_("ต้องอ่านและรับทราบคู่มือการใช้ทรัพย์สินของทางราชการฉบับปัจจุบันก่อนขอยืม"))
    asset_ids = sorted({asset.pk for asset in assets})
    if not asset_ids:
        raise ValidationError(_("กรุณาเลือกครุภัณฑ์ที่จะยืมอย่างน้อยหนึ่งรายการ"))
    locked = list(Asset.objects.select_for_update().filter(pk__in=asset_ids).order_by("pk"))
    for asset in locked:
        if not asset.is_lendable:
            raise ValidationError(_("ครุภัณฑ์ %(number)s ไม่ได้กำหนดให้ยืมได้") % {"number": asset.number})
        if asset.status not in LENDABLE_STATUSES:
            raise ValidationError(_("ครุภัณฑ์ %(number)s มีสถานะ “%(status)s” ยืมไม่ได้")
                                  % {"number": asset.number, "status": asset.get_status_display()})
    clashing = clashes(asset_ids, starts_on, ends_on)
    if clashing:
        raise ValidationError(_clash_message(clashing))
    organization = Organization.objects.filter(pk=1).first()
    loan = Loan.objects.create(
        borrower=borrower, agency_name=(agency_name or "").strip(), agency_contact=(agency_contact or "").strip(),
        requested_by=actor, division=(borrower or actor).division, purpose=purpose.strip(), place=place,
        where=(where or "").strip(), starts_on=starts_on, ends_on=ends_on, phone=phone.strip(),
        # A division head asking for their own staff has endorsed it by asking.
        needs_endorsement=(place != Loan.Place.AGENCY and bool(organization and organization.loan_endorsement_required)
                           and not (borrower is not None and borrower.pk != actor.pk)),
    )
    LoanItem.objects.bulk_create([LoanItem(loan=loan, asset=asset) for asset in locked])
    _log("loan.request", loan, actor, starts_on=starts_on, ends_on=ends_on, place=place)
    return loan


def _locked_loan(loan: Loan) -> Loan:
    return Loan.objects.select_for_update(of=("self",)).select_related("borrower", "requested_by").get(pk=loan.pk)


@transaction.atomic
def loan_endorse(*, actor, loan: Loan) -> Loan:
    loan = _locked_loan(loan)
    if not may_endorse(actor, loan):
        raise PermissionDenied(_("เห็นชอบได้เฉพาะหัวหน้ากองของผู้ยืม และไม่ใช่คำขอของตนเอง"))
    if not loan.needs_endorsement:
        raise ValidationError(_("ใบยืมนี้ไม่ต้องให้หัวหน้ากองเห็นชอบ"))
    _check_move(loan, Loan.Status.ENDORSED)
    loan.status, loan.endorsed_by, loan.endorsed_at = Loan.Status.ENDORSED, actor, timezone.now()
    loan.save(update_fields=["status", "endorsed_by", "endorsed_at"])
    _log("loan.endorse", loan, actor)
    return loan


@transaction.atomic
def loan_approve(*, actor, loan: Loan) -> Loan:
    """Approve, unless another loan of one of its assets was approved for overlapping dates meanwhile."""
    loan = _locked_loan(loan)
    if not may_approve(actor, loan):
        raise PermissionDenied(_("คุณไม่มีอำนาจอนุมัติใบยืมนี้"))
    if loan.needs_endorsement and loan.status == Loan.Status.REQUESTED:
        raise ValidationError(_("ต้องให้หัวหน้ากองของผู้ยืมเห็นชอบก่อน"))
    _check_move(loan, Loan.Status.APPROVED)
    asset_ids = list(loan.items.values_list("asset_id", flat=True))
    # Lock the assets so two approvals of overlapping loans of one asset cannot both pass the check.
    list(Asset.objects.select_for_update().filter(pk__in=asset_ids).order_by("pk").values_list("pk", flat=True))
    clashing = clashes(asset_ids, loan.starts_on, loan.ends_on, exclude_loan_id=loan.pk)
    if clashing:
        raise ValidationError(_clash_message(clashing))
    loan.status, loan.decided_by, loan.decided_at = Loan.Status.APPROVED, actor, timezone.now()
    loan.save(update_fields=["status", "decided_by", "decided_at"])
    _log("loan.approve", loan, actor)
    return loan


@transaction.atomic
def loan_reject(*, actor, loan: Loan, reason: str) -> Loan:
    loan = _locked_loan(loan)
    if not may_approve(actor, loan):
        raise PermissionDenied(_("คุณไม่มีอำนาจพิจารณาใบยืมนี้"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("กรุณาระบุเหตุผลที่ไม่อนุมัติ")})
    _check_move(loan, Loan.Status.REJECTED)
    loan.status, loan.decided_by, loan.decided_at = Loan.Status.REJECTED, actor, timezone.now()
    loan.rejection_reason = reason.strip()
    loan.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason"])
    _log("loan.reject", loan, actor, reason=loan.rejection_reason)
    return loan


@transaction.atomic
def loan_cancel(*, actor, loan: Loan) -> Loan:
    """The borrower (or whoever asked for them) may cancel until the property is handed out."""
    loan = _locked_loan(loan)
    if actor.pk not in {loan.borrower_id, loan.requested_by_id}:
        raise PermissionDenied(_("ยกเลิกได้เฉพาะผู้ยืมหรือผู้ยื่นคำขอ"))
    _check_move(loan, Loan.Status.CANCELLED)
    loan.status = Loan.Status.CANCELLED
    loan.save(update_fields=["status"])
    _log("loan.cancel", loan, actor)
    return loan


@transaction.atomic
def loan_hand_out(*, actor, loan: Loan, conditions: dict[int, str] | None = None) -> Loan:
    """A property officer hands the property over, noting its condition; the assets are then on loan."""
    roles.require(actor, "loan.hand_out")
    loan = _locked_loan(loan)
    _check_move(loan, Loan.Status.OUT)
    items = list(loan.items.select_related("asset"))
    assets = list(Asset.objects.select_for_update().filter(pk__in=[i.asset_id for i in items]).order_by("pk"))
    for asset in assets:
        if asset.status != AssetStatus.IN_USE:
            raise ValidationError(_("ส่งมอบไม่ได้: ครุภัณฑ์ %(number)s มีสถานะ “%(status)s”")
                                  % {"number": asset.number, "status": asset.get_status_display()})
    now = timezone.now()
    conditions = conditions or {}
    for item in items:
        item.handed_out_at = now
        item.condition_out = (conditions.get(item.asset_id) or _("ใช้งานได้ปกติ")).strip()[:200]
    LoanItem.objects.bulk_update(items, ["handed_out_at", "condition_out"])
    assets_set_workflow_status(asset_ids=[a.pk for a in assets], status=AssetStatus.ON_LOAN)
    loan.status = Loan.Status.OUT
    loan.save(update_fields=["status"])
    _log("loan.hand_out", loan, actor, conditions={str(i.asset_id): i.condition_out for i in items})
    return loan


_AFTER_RETURN = {
    LoanItem.Condition.GOOD: AssetStatus.IN_USE,
    LoanItem.Condition.DAMAGED: AssetStatus.DAMAGED,
    LoanItem.Condition.LOST: AssetStatus.LOST,
}


@transaction.atomic
def loan_receive(*, actor, loan: Loan, returns: dict[int, tuple[str, str]]) -> Loan:
    """Receive some or all items back: {asset id: (good|damaged|lost, note)}. Damaged or lost opens a
    compensation case with the net book value at the time of the loan as a guide."""
    roles.require(actor, "loan.hand_out")
    loan = _locked_loan(loan)
    if loan.status != Loan.Status.OUT:
        raise ValidationError(_("รับคืนได้เฉพาะใบยืมที่ส่งมอบแล้ว (สถานะตอนนี้ “%(status)s”)")
                              % {"status": loan.get_status_display()})
    open_items = {item.asset_id: item for item in loan.items.select_related("asset").filter(returned_at__isnull=True)}
    if not returns:
        raise ValidationError(_("กรุณาเลือกรายการที่รับคืน"))
    unknown = set(returns) - set(open_items)
    if unknown:
        raise ValidationError(_("รายการที่รับคืนไม่อยู่ในใบยืมนี้ หรือรับคืนไปแล้ว"))
    now = timezone.now()
    received = []
    for asset_id, (condition, note) in returns.items():
        if condition not in _AFTER_RETURN:
            raise ValidationError(_("กรุณาระบุสภาพเมื่อรับคืน"))
        if condition != LoanItem.Condition.GOOD and not (note or "").strip():
            raise ValidationError(_("กรุณาบันทึกว่าชำรุดหรือสูญหายอย่างไร"))
        item = open_items[asset_id]
        item.returned_at, item.condition_back, item.note_back = now, condition, (note or "").strip()
        received.append(item)
    LoanItem.objects.bulk_update(received, ["returned_at", "condition_back", "note_back"])
    for condition, status in _AFTER_RETURN.items():
        assets_set_workflow_status(asset_ids=[i.asset_id for i in received if i.condition_back == condition],
                                   status=status)
    for item in received:
        if item.condition_back != LoanItem.Condition.GOOD:
            asset = item.asset
            value = standing(asset.unit_price, asset.useful_life_years, asset.acquired_on, loan.starts_on).net
            Compensation.objects.create(item=item, guide_value=value)
    if not loan.items.filter(returned_at__isnull=True).exists():
        loan.status = Loan.Status.RETURNED
        loan.save(update_fields=["status"])
    log.record("loan.receive", obj=loan, actor=actor, assets=[i.asset_id for i in received],
               division_id=loan.division_id,
               details={"status": loan.status, "returns": {str(i.asset_id): [i.condition_back, i.note_back]
                                                           for i in received}})
    return loan


@transaction.atomic
def compensation_settle(*, actor, compensation: Compensation, method: str, amount=None, note: str = "") -> Compensation:
    roles.require(actor, "loan.hand_out")
    compensation = Compensation.objects.select_for_update().get(pk=compensation.pk)
    if compensation.settled_at:
        raise ValidationError(_("รายการนี้ชดใช้ครบแล้ว"))
    if method not in Compensation.Method.values:
        raise ValidationError({"method": _("กรุณาเลือกวิธีชดใช้")})
    if method == Compensation.Method.PAY and (amount is None or amount < 0):
        raise ValidationError({"amount": _("กรุณาระบุจำนวนเงินที่ชดใช้")})
    compensation.method, compensation.amount, compensation.note = method, amount, (note or "").strip()
    compensation.settled_at = timezone.now()
    compensation.save()
    loan = compensation.item.loan
    log.record("loan.compensation_settle", obj=loan, actor=actor, assets=[compensation.item.asset_id],
               division_id=loan.division_id, details={"method": method, "amount": amount, "note": compensation.note})
    return compensation
