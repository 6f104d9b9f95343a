"""Every write to loans: the manual and its acknowledgements, requests and their approval route.

Routing (DOMAIN.md section 4): inside the premises the head of the supply unit approves; outside
the premises, and loans to another agency, the head of agency or whoever they delegated for the
date of the decision. The borrower's division head endorses first when the organisation asks for it.
Nobody endorses or approves a request of their own. Each move checks TRANSITIONS, locks what it
changes and writes the log.
"""

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activity import log
from assets.depreciation import standing
from assets.models import Asset, Status as AssetStatus
from assets.services import assets_set_workflow_status
from organization import roles
from organization.models import Organization
from thai.dates import format_date

from . import selectors
from .models import (Acknowledgement, Compensation, Delegation, Loan, LoanExtension, LoanFollowUp, LoanItem,
                     ManualVersion, Notification)

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
    version = ManualVersion.objects.create(number=(latest.number + 1) if latest else 1, title=title.strip()[:200],
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
    """The route of DOMAIN.md section 4, never the borrower's (or the requester's) own request. An inside loan
    that no head of the supply unit may decide (their own, the only one's) goes up to the head of agency."""
    if user.pk in {loan.borrower_id, loan.requested_by_id}:
        return False
    if loan.place == Loan.Place.INSIDE:
        if roles.has_role(user, roles.SUPPLY_HEAD):
            return True
        own = {loan.borrower_id, loan.requested_by_id}
        return roles.has_role(user, roles.AGENCY_HEAD) and all(pk in own for pk in selectors.supply_head_ids())
    on = on or timezone.localdate()
    return roles.has_role(user, roles.AGENCY_HEAD) or _is_delegate(user, on)


def waiting_on(loan: Loan) -> list:
    """Who may take the next step of a request now: the borrower's division heads who may endorse it, or whoever
    may approve it by its route today (_Route: delegates and going up included). Never the borrower or the
    requester. Empty when nobody can (shown on the loan's page)."""
    if loan.status == Loan.Status.REQUESTED and loan.needs_endorsement:
        heads = get_user_model().objects.filter(is_active=True, groups__name=roles.DIVISION_HEAD,
                                                division_id=loan.division_id).distinct().order_by("pk")
        return _unique(heads, loan)
    if loan.status in (Loan.Status.REQUESTED, Loan.Status.ENDORSED):
        return _unique(_Route(timezone.localdate()).approvers(loan), loan)
    return []


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
    _tell_borrower(loan, lambda: _("ใบยืมที่ %(id)s อนุมัติแล้ว รับพัสดุได้ตั้งแต่ %(date)s ที่เจ้าหน้าที่พัสดุ")
                   % {"id": loan.pk, "date": format_date(loan.starts_on)})
    return loan


def _tell_borrower(loan: Loan, text) -> None:
    """An in-app notice of a decision to the borrower and, when someone else asked for them, to the requester
    (once per loan and decision: the key names both). `text()` is called in the organisation's language."""
    link = _loan_link(loan)
    with translation.override(settings.LANGUAGE_CODE):
        text = text()
    for user_id in dict.fromkeys(pk for pk in (loan.borrower_id, loan.requested_by_id) if pk):
        Notification.objects.get_or_create(user_id=user_id, key=f"decided:{loan.pk}:{loan.status}",
                                           defaults={"text": text, "link": link})


@transaction.atomic
def loan_reject(*, actor, loan: Loan, reason: str) -> Loan:
    """The approver turns a request down; so may the borrower's division head while it waits for their
    endorsement (ไม่เห็นชอบ), which ends the request there."""
    loan = _locked_loan(loan)
    declining = loan.status == Loan.Status.REQUESTED and loan.needs_endorsement and may_endorse(actor, loan)
    if not (declining or may_approve(actor, loan)):
        raise PermissionDenied(_("คุณไม่มีอำนาจพิจารณาใบยืมนี้"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("กรุณาระบุเหตุผลที่ไม่อนุมัติ")})
    _check_move(loan, Loan.Status.REJECTED)
    loan.status, loan.decided_by, loan.decided_at = Loan.Status.REJECTED, actor, timezone.now()
    loan.rejection_reason = reason.strip()
    loan.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason"])
    _log("loan.reject", loan, actor, reason=loan.rejection_reason, by_division_head=declining)
    _tell_borrower(loan, lambda: (_("ใบยืมที่ %(id)s หัวหน้ากองไม่เห็นชอบ: %(reason)s") if declining
                                  else _("ใบยืมที่ %(id)s ไม่อนุมัติ: %(reason)s"))
                   % {"id": loan.pk, "reason": loan.rejection_reason})
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


# --- due dates: extensions, overdue loans, the 7-day follow-up duty, notices -------------------------------


logger = logging.getLogger(__name__)

FOLLOWUP_DAYS = 7  # the approver chases an overdue loan within 7 days of its due date (DOMAIN.md section 4)
EXTENSION_TRANSITIONS: dict[str, set[str]] = {
    LoanExtension.Status.REQUESTED: {LoanExtension.Status.APPROVED, LoanExtension.Status.REJECTED,
                                     LoanExtension.Status.CANCELLED},
}


def _day(value: dt.date) -> str:
    return format_date(value, "short")


def is_overdue(loan: Loan, *, today: dt.date | None = None) -> bool:
    """Handed out, not all back (a loan whose last item comes back is RETURNED), and the due date has passed
    (local Bangkok date). A loan due today is not overdue yet."""
    return loan.status == Loan.Status.OUT and (today or timezone.localdate()) > loan.ends_on


def followup_deadline(loan: Loan) -> dt.date:
    """The last day on which the approver's follow-up is still in time."""
    return loan.ends_on + dt.timedelta(days=FOLLOWUP_DAYS)


def _followed_up() -> Exists:
    return Exists(LoanFollowUp.objects.filter(loan=OuterRef("pk"), due_on=OuterRef("ends_on")))


def overdue_loans(today: dt.date | None = None) -> QuerySet[Loan]:
    """Overdue loans, earliest due first, each annotated with `followed_up` (a follow-up was recorded for its
    current due date). One query (two with the items prefetched by the caller)."""
    today = today or timezone.localdate()
    return (Loan.objects.filter(status=Loan.Status.OUT, ends_on__lt=today)
            .select_related("borrower", "requested_by", "decided_by", "division")
            .annotate(followed_up=_followed_up()).order_by("ends_on", "id"))


def followup_late_loans(today: dt.date | None = None) -> QuerySet[Loan]:
    """Overdue loans past their follow-up deadline (due date + 7 days) with no follow-up for that due date:
    on day 7 after the due date a follow-up is still in time, on day 8 the loan is late."""
    today = today or timezone.localdate()
    return overdue_loans(today).filter(ends_on__lt=today - dt.timedelta(days=FOLLOWUP_DAYS), followed_up=False)


# --- extensions ----------------------------------------------------------------------------------------

def _open_asset_ids(loan: Loan) -> list[int]:
    return list(loan.items.filter(returned_at__isnull=True).order_by("asset_id").values_list("asset_id", flat=True))


def _extension_clashes(loan: Loan, new_ends_on: dt.date) -> list[LoanItem]:
    """Other approved or handed-out loans holding one of this loan's unreturned assets in the extra days."""
    return clashes(_open_asset_ids(loan), loan.ends_on + dt.timedelta(days=1), new_ends_on, exclude_loan_id=loan.pk)


def may_request_extension(user, loan: Loan) -> bool:
    return user.pk in {loan.borrower_id, loan.requested_by_id} and loan.status in HOLDING


def _check_extension_move(extension: LoanExtension, to: str) -> None:
    if to not in EXTENSION_TRANSITIONS.get(extension.status, set()):
        raise ValidationError(_("ทำรายการนี้ไม่ได้: คำขอขยายเวลานี้มีสถานะ “%(status)s”")
                              % {"status": extension.get_status_display()})


def _locked_extension(extension: LoanExtension) -> tuple[Loan, LoanExtension]:
    """Lock the loan first, then the request (the order every loan move uses: loan, then its rows, then assets)."""
    loan = _locked_loan(Loan(pk=extension.loan_id))
    return loan, LoanExtension.objects.select_for_update().get(pk=extension.pk)


@transaction.atomic
def extension_request(*, actor, loan: Loan, new_ends_on: dt.date, reason: str) -> LoanExtension:
    """The borrower (or whoever asked for the loan) asks for a later return date while it is approved or out."""
    loan = _locked_loan(loan)
    if actor.pk not in {loan.borrower_id, loan.requested_by_id}:
        raise PermissionDenied(_("ขอขยายเวลาได้เฉพาะผู้ยืมหรือผู้ยื่นคำขอ"))
    if loan.status not in HOLDING:
        raise ValidationError(_("ขอขยายเวลาได้เฉพาะใบยืมที่อนุมัติหรือส่งมอบแล้ว (สถานะตอนนี้ “%(status)s”)")
                              % {"status": loan.get_status_display()})
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("กรุณาระบุเหตุผลที่ขอขยายเวลา")
    if new_ends_on is None or new_ends_on <= loan.ends_on:
        errors["new_ends_on"] = _("วันคืนใหม่ต้องหลังกำหนดคืนเดิม (%(due)s)") % {"due": _day(loan.ends_on)}
    elif new_ends_on < timezone.localdate():
        errors["new_ends_on"] = _("วันคืนใหม่ต้องไม่ย้อนหลัง")
    if errors:
        raise ValidationError(errors)
    if loan.extensions.filter(status=LoanExtension.Status.REQUESTED).exists():
        raise ValidationError(_("ใบยืมนี้มีคำขอขยายเวลาที่รอพิจารณาอยู่แล้ว"))
    clashing = _extension_clashes(loan, new_ends_on)
    if clashing:
        raise ValidationError(_clash_message(clashing))
    extension = LoanExtension.objects.create(loan=loan, requested_by=actor, requested_at=timezone.now(),
                                             old_ends_on=loan.ends_on, new_ends_on=new_ends_on, reason=reason.strip())
    _log("loan.extension_request", loan, actor, extension=extension.pk, old_ends_on=loan.ends_on,
         new_ends_on=new_ends_on, reason=extension.reason)
    return extension


@transaction.atomic
def extension_approve(*, actor, extension: LoanExtension) -> LoanExtension:
    """Approve by the loan's own route (never one's own request), unless another approved or handed-out loan
    holds one of the unreturned assets in the extra days. The loan's due date moves; overdue and follow-up
    state follow the new date (they are computed from it)."""
    loan, extension = _locked_extension(extension)
    if actor.pk == extension.requested_by_id or not may_approve(actor, loan):
        raise PermissionDenied(_("คุณไม่มีอำนาจอนุมัติการขยายเวลาใบยืมนี้"))
    _check_extension_move(extension, LoanExtension.Status.APPROVED)
    if loan.status not in HOLDING:
        raise ValidationError(_("ขยายเวลาไม่ได้: ใบยืมที่ %(id)s มีสถานะ “%(status)s”")
                              % {"id": loan.pk, "status": loan.get_status_display()})
    if extension.new_ends_on <= loan.ends_on:
        raise ValidationError(_("วันคืนใหม่ต้องหลังกำหนดคืนเดิม (%(due)s)") % {"due": _day(loan.ends_on)})
    asset_ids = _open_asset_ids(loan)
    # Lock the assets (as loan_approve does) so an approval of another loan cannot slip into the extra days.
    list(Asset.objects.select_for_update().filter(pk__in=asset_ids).order_by("pk").values_list("pk", flat=True))
    clashing = _extension_clashes(loan, extension.new_ends_on)
    if clashing:
        raise ValidationError(_clash_message(clashing))
    old_ends_on = loan.ends_on
    loan.ends_on = extension.new_ends_on
    loan.save(update_fields=["ends_on"])
    extension.status, extension.decided_by, extension.decided_at = LoanExtension.Status.APPROVED, actor, timezone.now()
    extension.save(update_fields=["status", "decided_by", "decided_at"])
    _log("loan.extension_approve", loan, actor, extension=extension.pk, old_ends_on=old_ends_on,
         new_ends_on=loan.ends_on)
    return extension


@transaction.atomic
def extension_reject(*, actor, extension: LoanExtension, reason: str) -> LoanExtension:
    loan, extension = _locked_extension(extension)
    if actor.pk == extension.requested_by_id or not may_approve(actor, loan):
        raise PermissionDenied(_("คุณไม่มีอำนาจพิจารณาการขยายเวลาใบยืมนี้"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("กรุณาระบุเหตุผลที่ไม่อนุมัติ")})
    _check_extension_move(extension, LoanExtension.Status.REJECTED)
    extension.status, extension.decided_by, extension.decided_at = LoanExtension.Status.REJECTED, actor, timezone.now()
    extension.rejection_reason = reason.strip()
    extension.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason"])
    _log("loan.extension_reject", loan, actor, extension=extension.pk, new_ends_on=extension.new_ends_on,
         reason=extension.rejection_reason)
    return extension


@transaction.atomic
def extension_cancel(*, actor, extension: LoanExtension) -> LoanExtension:
    """Whoever asked (the borrower or the loan's requester) withdraws a request not yet decided."""
    loan, extension = _locked_extension(extension)
    if actor.pk not in {extension.requested_by_id, loan.borrower_id, loan.requested_by_id}:
        raise PermissionDenied(_("ยกเลิกได้เฉพาะผู้ยืมหรือผู้ยื่นคำขอ"))
    _check_extension_move(extension, LoanExtension.Status.CANCELLED)
    extension.status = LoanExtension.Status.CANCELLED
    extension.save(update_fields=["status"])
    _log("loan.extension_cancel", loan, actor, extension=extension.pk, new_ends_on=extension.new_ends_on)
    return extension


def extensions_waiting_for(user) -> QuerySet[LoanExtension]:
    """Extension requests this user may decide now (the loan's route; never their own)."""
    waiting = Q(pk__in=[])
    if roles.has_role(user, roles.SUPPLY_HEAD):
        waiting |= Q(loan__place=Loan.Place.INSIDE)
    if roles.has_role(user, roles.AGENCY_HEAD) or _is_delegate(user, timezone.localdate()):
        waiting |= Q(loan__place__in=[Loan.Place.OUTSIDE, Loan.Place.AGENCY])
    if roles.has_role(user, roles.AGENCY_HEAD):
        waiting |= selectors.inside_loans_gone_up("loan__")
    return (LoanExtension.objects.filter(waiting, status=LoanExtension.Status.REQUESTED, loan__status__in=HOLDING)
            .exclude(requested_by=user).exclude(loan__borrower=user).exclude(loan__requested_by=user)
            .select_related("loan__borrower", "loan__division", "requested_by").order_by("requested_at", "id"))


# --- follow-ups ----------------------------------------------------------------------------------------

def may_follow_up(user, loan: Loan) -> bool:
    """Whoever decided the loan, whoever may approve it by its route now, or a property officer; never the
    borrower or the requester."""
    if user.pk in {loan.borrower_id, loan.requested_by_id}:
        return False
    return user.pk == loan.decided_by_id or roles.can(user, "loan.followup") or may_approve(user, loan)


@transaction.atomic
def followup_record(*, actor, loan: Loan, how: str, note: str) -> LoanFollowUp:
    """Record that an overdue loan was chased (by phone, letter or in person) and what came of it."""
    loan = _locked_loan(loan)
    if not may_follow_up(actor, loan):
        raise PermissionDenied(_("บันทึกการติดตามได้เฉพาะผู้อนุมัติหรือเจ้าหน้าที่พัสดุ"))
    if not is_overdue(loan):
        raise ValidationError(_("บันทึกการติดตามทวงคืนได้เฉพาะใบยืมที่เกินกำหนดคืนแล้ว"))
    errors = {}
    if how not in LoanFollowUp.How.values:
        errors["how"] = _("กรุณาเลือกวิธีติดตาม")
    if not (note or "").strip():
        errors["note"] = _("กรุณาบันทึกผลการติดตาม")
    if errors:
        raise ValidationError(errors)
    followup = LoanFollowUp.objects.create(loan=loan, due_on=loan.ends_on, recorded_by=actor,
                                           recorded_at=timezone.now(), how=how, note=note.strip())
    _log("loan.followup", loan, actor, due_on=loan.ends_on, how=how, note=followup.note,
         in_time=timezone.localdate() <= followup_deadline(loan))
    return followup


# --- notices -------------------------------------------------------------------------------------------

@transaction.atomic
def notifications_mark_read(*, actor, ids=None) -> int:
    """Mark one's own notices read (all of them, or the given ids)."""
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


@dataclass
class FollowupSummary:
    today: dt.date
    overdue: int = 0
    late: int = 0
    notices: int = 0
    emails: int = 0
    email_failures: int = 0


@dataclass
class _Notice:
    user: object
    key: str
    subject: str
    text: str


class _Route:
    """Everyone who may approve by route on a day, and the property officers, loaded once per run."""

    def __init__(self, today: dt.date):
        active = get_user_model().objects.filter(is_active=True).order_by("pk")
        self.supply_heads = list(active.filter(groups__name=roles.SUPPLY_HEAD).distinct())
        self.heads_of_agency = list(active.filter(groups__name=roles.AGENCY_HEAD).distinct())
        self.agency_heads = list(active.filter(  # with the day's delegates: who approves outside and agency loans
            Q(groups__name=roles.AGENCY_HEAD)
            | Q(delegations__starts_on__lte=today, delegations__ends_on__gte=today)).distinct())
        self.officers = list(active.filter(groups__name=roles.PROPERTY_OFFICER).distinct())

    def approvers(self, loan: Loan) -> list:
        """Whoever decided the loan; if they have left, whoever may approve it by its route now."""
        if loan.decided_by is not None and loan.decided_by.is_active:
            return [loan.decided_by]
        if loan.place != Loan.Place.INSIDE:
            return self.agency_heads
        own = {loan.borrower_id, loan.requested_by_id}
        return self.supply_heads if any(head.pk not in own for head in self.supply_heads) else self.heads_of_agency


def _unique(users, loan: Loan) -> list:
    seen, result = {loan.borrower_id, loan.requested_by_id}, []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            result.append(user)
    return result


def _loan_link(loan: Loan) -> str:
    try:
        return reverse("loans:detail", kwargs={"pk": loan.pk})
    except NoReverseMatch:
        return ""


def _assets_text(loan: Loan) -> str:
    items = [item for item in loan.items.all() if item.returned_at is None]
    shown = ", ".join(f"{item.asset.number} {item.asset.name}" for item in items[:10])
    if len(items) > 10:
        shown += " " + _("และอีก %(count)s รายการ") % {"count": len(items) - 10}
    return shown


def _overdue_notices(loan: Loan, route: _Route) -> list[_Notice]:
    key = f"overdue:{loan.pk}:{loan.ends_on.isoformat()}"
    values = {"id": loan.pk, "borrower": loan.borrower_name, "due": _day(loan.ends_on),
              "deadline": _day(followup_deadline(loan)), "assets": _assets_text(loan)}
    subject = _("ใบยืมที่ %(id)s เกินกำหนดคืน") % values
    borrower = loan.requested_by if loan.place == Loan.Place.AGENCY else loan.borrower
    notices = []
    if borrower is not None and borrower.is_active:
        notices.append(_Notice(borrower, key, subject, _(
            "ใบยืมที่ %(id)s เกินกำหนดคืนแล้ว (กำหนดคืน %(due)s): %(assets)s "
            "กรุณานำพัสดุมาคืนเจ้าหน้าที่พัสดุ หรือขอขยายเวลา") % values))
    for approver in _unique(route.approvers(loan), loan):
        notices.append(_Notice(approver, key, subject, _(
            "ใบยืมที่ %(id)s ของ %(borrower)s เกินกำหนดคืนแล้ว (กำหนดคืน %(due)s): %(assets)s "
            "ผู้อนุมัติต้องติดตามทวงคืนและบันทึกการติดตามภายใน %(deadline)s") % values))
    return notices


def _late_notices(loan: Loan, route: _Route) -> list[_Notice]:
    key = f"followup_late:{loan.pk}:{loan.ends_on.isoformat()}"
    values = {"id": loan.pk, "borrower": loan.borrower_name, "due": _day(loan.ends_on),
              "deadline": _day(followup_deadline(loan)), "assets": _assets_text(loan)}
    subject = _("ใบยืมที่ %(id)s เลยกำหนดติดตามทวงคืน") % values
    text = _("ใบยืมที่ %(id)s ของ %(borrower)s เกินกำหนดคืนตั้งแต่ %(due)s และยังไม่มีบันทึกการติดตามทวงคืน "
             "(ต้องติดตามภายใน %(deadline)s): %(assets)s") % values
    return [_Notice(user, key, subject, text) for user in _unique([*route.approvers(loan), *route.officers], loan)]


def _existing_notices(keys: set[str]) -> set[tuple[int, str]]:
    found, keys = set(), sorted(keys)
    for start in range(0, len(keys), 1000):
        found.update(Notification.objects.filter(key__in=keys[start:start + 1000]).values_list("user_id", "key"))
    return found


def _notify(loan: Loan, action: str, notices: list[_Notice], link: str, today: dt.date) -> list[Notification]:
    """Create the notices not yet given (another run may have given some meanwhile) and log the event once."""
    created = []
    with transaction.atomic():
        for notice in notices:
            try:
                with transaction.atomic():
                    created.append(Notification.objects.create(user=notice.user, key=notice.key, text=notice.text,
                                                               link=link))
            except IntegrityError:
                continue  # given by a run at the same moment
        if created:
            _log(action, loan, None, due_on=loan.ends_on, checked_on=today,
                 notified=sorted(n.user_id for n in created))
    return created


def _email(notice: _Notice, link: str, summary: FollowupSummary) -> bool:
    address = (getattr(notice.user, "email", "") or "").strip()
    if not address:
        return False
    body = notice.text + (f"\n\n{settings.SITE_URL}{link}" if link else "")
    try:
        send_mail(notice.subject, body, None, [address], fail_silently=False)
    except (smtplib.SMTPException, OSError, ValueError):
        # One bad address or a passing SMTP failure must not stop the run; the in-app notice stands.
        logger.exception("loan notice e-mail to %s failed (%s)", address, notice.key)
        summary.email_failures += 1
        return False
    summary.emails += 1
    return True


def loans_followup_run(*, today: dt.date | None = None) -> FollowupSummary:
    """The daily run (manage.py loans_followup): tell the borrower (an agency loan: its requester) and the
    approver once per loan and due date that a loan is overdue, and the approvers and property officers once
    per loan and due date that its 7-day follow-up deadline passed without a follow-up. In-app and by e-mail.
    Running it again on the same day gives nothing twice; after an extension the new due date counts afresh.
    Overdue state is not stored: it is computed from status and due date (overdue_loans)."""
    today = today or timezone.localdate()
    summary = FollowupSummary(today=today)
    with translation.override(settings.LANGUAGE_CODE):  # notices are stored in the organisation's language
        overdue = list(overdue_loans(today).prefetch_related("items__asset"))
        deadline_passed = today - dt.timedelta(days=FOLLOWUP_DAYS)
        late = [loan for loan in overdue if loan.ends_on < deadline_passed and not loan.followed_up]
        summary.overdue, summary.late = len(overdue), len(late)
        route = _Route(today)
        plans = [(loan, "loan.overdue", _overdue_notices(loan, route)) for loan in overdue]
        plans += [(loan, "loan.followup_late", _late_notices(loan, route)) for loan in late]
        given = _existing_notices({notice.key for _loan, _action, notices in plans for notice in notices})
        emailed = []
        for loan, action, notices in plans:
            fresh = [notice for notice in notices if (notice.user.pk, notice.key) not in given]
            if not fresh:
                continue
            link = _loan_link(loan)
            created = _notify(loan, action, fresh, link, today)
            summary.notices += len(created)
            by_user = {notice.user.pk: notice for notice in fresh}
            for notification in created:  # after the commit: a rolled-back notice is never mailed
                if _email(by_user[notification.user_id], link, summary):
                    emailed.append(notification.pk)
        if emailed:
            Notification.objects.filter(pk__in=emailed).update(emailed_at=timezone.now())
    return summary
