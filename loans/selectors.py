"""Reads of loans scoped to the user: whose loans they may see and which ones wait for them."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from organization import roles
from thai.dates import fiscal_year_bounds

from .models import Compensation, Delegation, Loan, LoanItem

BOOKING_STATUSES = (Loan.Status.REQUESTED, Loan.Status.ENDORSED, Loan.Status.APPROVED, Loan.Status.OUT,
                    Loan.Status.RETURNED)
_SEE_ALL = (roles.AUDITOR, roles.ADMINISTRATOR, roles.AGENCY_HEAD, roles.SUPPLY_HEAD, roles.PROPERTY_OFFICER)


def _base() -> QuerySet[Loan]:
    return Loan.objects.select_related("borrower", "requested_by", "division").prefetch_related("items__asset")


def loans_visible_to(user) -> QuerySet[Loan]:
    """Auditors, administrators, approvers and property officers see every loan; a division head their
    division's; everyone else the loans they borrow or asked for."""
    if roles.has_role(user, *_SEE_ALL) or is_delegate_today(user):
        return _base()
    mine = Q(borrower=user) | Q(requested_by=user)
    if roles.has_role(user, roles.DIVISION_HEAD):
        return _base().filter(mine | Q(division_id=user.division_id))
    if roles.roles_of(user):
        return _base().filter(mine)
    return _base().none()


def my_loans(user) -> QuerySet[Loan]:
    return _base().filter(Q(borrower=user) | Q(requested_by=user))


def is_delegate_today(user) -> bool:
    today = timezone.localdate()
    return Delegation.objects.filter(delegate=user, starts_on__lte=today, ends_on__gte=today).exists()


def supply_head_ids() -> list[int]:
    """The active heads of the supply unit: the inside route's approvers."""
    return list(get_user_model().objects.filter(is_active=True, groups__name=roles.SUPPLY_HEAD)
                .values_list("pk", flat=True).distinct())


def inside_loans_gone_up(prefix: str = "") -> Q:
    """Inside loans nobody on the inside route may decide, because every active head of the supply unit is the
    loan's borrower or requester (or there is none): they go up to the head of agency, the supply head's own
    superior. `prefix` reaches the loan from another model ("loan__")."""
    gone_up = Q(**{f"{prefix}place": Loan.Place.INSIDE})
    for head in supply_head_ids():  # each head is the borrower or the requester (three or more: never)
        gone_up &= Q(**{f"{prefix}borrower_id": head}) | Q(**{f"{prefix}requested_by_id": head})
    return gone_up


def waiting_for(user) -> QuerySet[Loan]:
    """Requests this user may endorse or decide now (never their own)."""
    waiting = Q(pk__in=[])
    if roles.has_role(user, roles.DIVISION_HEAD):
        waiting |= Q(status=Loan.Status.REQUESTED, needs_endorsement=True, division_id=user.division_id)
    ready = Q(status=Loan.Status.ENDORSED) | Q(status=Loan.Status.REQUESTED, needs_endorsement=False)
    if roles.has_role(user, roles.SUPPLY_HEAD):
        waiting |= ready & Q(place=Loan.Place.INSIDE)
    if roles.has_role(user, roles.AGENCY_HEAD) or is_delegate_today(user):
        waiting |= ready & Q(place__in=[Loan.Place.OUTSIDE, Loan.Place.AGENCY])
    if roles.has_role(user, roles.AGENCY_HEAD):
        waiting |= ready & inside_loans_gone_up()
    return _base().filter(waiting).exclude(borrower=user).exclude(requested_by=user).order_by("starts_on", "id")


COMING_DAYS = 7  # the desk lists approved loans starting within this many days, to get the property ready


def desk(today=None) -> dict:
    """The property officers' desk: to hand out today (or late), approved and starting within COMING_DAYS, due
    back today, overdue, open compensation."""
    today = today or timezone.localdate()
    return {
        "to_hand_out": _base().filter(status=Loan.Status.APPROVED, starts_on__lte=today).order_by("starts_on", "id"),
        "coming": _base().filter(status=Loan.Status.APPROVED, starts_on__gt=today,
                                 starts_on__lte=today + dt.timedelta(days=COMING_DAYS)).order_by("starts_on", "id"),
        "due_today": _base().filter(status=Loan.Status.OUT, ends_on=today).order_by("id"),
        "overdue": _base().filter(status=Loan.Status.OUT, ends_on__lt=today).order_by("ends_on", "id"),
        "compensations": Compensation.objects.filter(settled_at__isnull=True)
        .select_related("item__asset", "item__loan__borrower").order_by("opened_at"),
    }


def asset_bookings(asset_id: int, first: dt.date, last: dt.date) -> QuerySet[LoanItem]:
    """An asset's loan items whose loan takes it, or asks for it, on some day of [first, last]: pending
    requests and approved loans by their dates, items handed out and not back yet also past their due date
    (overdue), items back already up to the day they came back. Not scoped to the user: which days an asset
    is taken is everyone's business (a request on those days is refused, naming the loan); whose loan it is
    is not, so the page links only the loans the user may see."""
    since = dt.datetime.combine(first, dt.time.min, timezone.get_current_timezone())
    return (LoanItem.objects.select_related("loan")
            .filter(asset_id=asset_id, loan__starts_on__lte=last, loan__status__in=BOOKING_STATUSES)
            .filter(Q(loan__ends_on__gte=first) | Q(returned_at__gte=since)
                    | Q(loan__status=Loan.Status.OUT, returned_at__isnull=True))
            .order_by("loan__starts_on", "loan_id"))


def current_loans_of(asset_ids) -> dict[int, Loan]:
    """The loan that has each of these assets out now (handed out, not back yet), by asset id."""
    items = (LoanItem.objects.select_related("loan__borrower")
             .filter(asset_id__in=list(asset_ids), returned_at__isnull=True, loan__status=Loan.Status.OUT))
    return {item.asset_id: item.loan for item in items}


def in_fiscal_year(queryset: QuerySet[Loan], year_be: int) -> QuerySet[Loan]:
    """Loans whose period starts in a fiscal year (how the annual report and the register count a year)."""
    first, last = fiscal_year_bounds(year_be)
    return queryset.filter(starts_on__range=(first, last))


def returned(queryset: QuerySet[Loan], *, late: bool) -> QuerySet[Loan]:
    """Loans returned in full on or before their due date (late=False), or after it (late=True): by the day the
    last item came back, in local time."""
    back = (LoanItem.objects.filter(loan=OuterRef("pk"), returned_at__isnull=False)
            .annotate(day=TruncDate("returned_at", tzinfo=timezone.get_current_timezone()))
            .filter(day__gt=OuterRef("ends_on")))
    queryset = queryset.filter(status=Loan.Status.RETURNED)
    return queryset.filter(Exists(back)) if late else queryset.exclude(Exists(back))
