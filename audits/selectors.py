"""Reads of inspections and disposals, scoped to the user, and the figures of a round's report."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext

from loans.selectors import current_loans_of
from organization import roles

from .models import Condition, DisposalCase, Finding, Inspector, Line, Round, Sheet


def rounds_visible_to(user) -> QuerySet[Round]:
    """Auditors, administrators, the heads and property officers see every round; an inspector the rounds
    they are appointed to."""
    rounds = Round.objects.select_related("division", "appointed_by")
    if roles.can(user, "inspection.view_all"):
        return rounds
    return rounds.filter(Exists(Inspector.objects.filter(round=OuterRef("pk"), user=user)))


def may_view_round(user, round_: Round) -> bool:
    return rounds_visible_to(user).filter(pk=round_.pk).exists()


def sheets_with_progress(round_: Round) -> list[Sheet]:
    """The round's sheets, each with found (seen or confirmed on loan), missing and pending counts (from the
    counters the services keep)."""
    sheets = list(round_.sheets.select_related("division").order_by("division__order", "division__code"))
    for sheet in sheets:
        sheet.found = sheet.seen_count + sheet.on_loan_count
        sheet.missing = sheet.missing_count
        sheet.pending = sheet.expected_count - sheet.found - sheet.missing
    return sheets


LINE_FILTERS = {
    "pending": Q(outcome=Line.Outcome.PENDING),
    "seen": Q(outcome=Line.Outcome.SEEN),
    "on_loan": Q(outcome=Line.Outcome.ON_LOAN),
    "missing": Q(outcome=Line.Outcome.MISSING),
    "problem": Q(condition__in=[Condition.DAMAGED, Condition.DETERIORATED, Condition.NOT_NEEDED]),
}


def sheet_lines(sheet: Sheet, show: str = "") -> QuerySet[Line]:
    lines = Line.objects.filter(sheet=sheet).select_related("expected_location", "seen_location", "counted_by",
                                                             "seen_on_sheet__division")
    if show in LINE_FILTERS:
        lines = lines.filter(LINE_FILTERS[show])
    return lines.order_by("id")


def found_here_from_elsewhere(sheet: Sheet) -> QuerySet[Line]:
    """Other divisions' assets scanned on this sheet."""
    return (Line.objects.filter(seen_on_sheet=sheet).exclude(sheet=sheet)
            .select_related("sheet__division", "seen_location").order_by("id"))


def borrowers_for(lines) -> dict:
    """For the lines of a page: the loan that has the asset out now (with its borrower), by asset id."""
    return current_loans_of([line.asset_id for line in lines])


def may_see_disposals(user) -> bool:
    return roles.can(user, "disposal.view")


def disposals_visible_to(user) -> QuerySet[DisposalCase]:
    if may_see_disposals(user):
        return DisposalCase.objects.select_related("round", "created_by")
    return DisposalCase.objects.none()


# --- the report ----------------------------------------------------------------------------------------

CONDITIONS = [Condition.USABLE, Condition.DAMAGED, Condition.DETERIORATED, Condition.LOST, Condition.NOT_NEEDED]


@dataclass
class DivisionSummary:
    name: str
    expected: int = 0
    seen: int = 0
    on_loan: int = 0
    missing: int = 0
    elsewhere: int = 0
    by_condition: dict = field(default_factory=lambda: {condition.value: 0 for condition in CONDITIONS})
    closed_at: object = None

    @property
    def found(self) -> int:
        return self.seen + self.on_loan

    @property
    def condition_counts(self) -> list[int]:
        return [self.by_condition[condition.value] for condition in CONDITIONS]


@dataclass
class RoundReport:
    round: Round
    divisions: list[DivisionSummary]
    total: DivisionSummary
    problems: list  # lines recorded damaged, deteriorated or not needed
    missing: list
    elsewhere: list
    unexpected: list
    unregistered: list
    inspectors: list
    conditions: list = field(default_factory=lambda: [(c.value, c.label) for c in CONDITIONS])

    @property
    def elsewhere_count(self) -> int:
        return len(self.elsewhere) + len(self.unexpected)


def round_report(round_: Round) -> RoundReport:
    """Per division and in total: counts by outcome and condition; lists of the damaged, deteriorated and
    not needed, the missing, those found elsewhere, and what no sheet expected or the register lacks.
    Usable assets found where expected are counted, not listed (a large register would fill hundreds of
    pages; the XLSX lists every line)."""
    sheets = list(round_.sheets.select_related("division").order_by("division__order", "division__code"))
    summaries = {sheet.pk: DivisionSummary(sheet.division.name, expected=sheet.expected_count,
                                           closed_at=sheet.closed_at) for sheet in sheets}
    rows = (Line.objects.filter(round=round_).values_list("sheet_id", "outcome", "condition")
            .annotate(n=Count("id")).order_by())
    for sheet_id, outcome, condition, n in rows:
        summary = summaries[sheet_id]
        if outcome == Line.Outcome.SEEN:
            summary.seen += n
        elif outcome == Line.Outcome.ON_LOAN:
            summary.on_loan += n
        elif outcome == Line.Outcome.MISSING:
            summary.missing += n
        if condition:
            summary.by_condition[condition] += n
    related = ("sheet__division", "expected_location", "seen_location", "seen_on_sheet__division")
    elsewhere = [line for line in Line.objects.filter(round=round_, outcome=Line.Outcome.SEEN).filter(
        ~Q(seen_on_sheet_id=F("sheet_id")) | (~Q(seen_location_id=F("expected_location_id"))
                                                   & Q(seen_location__isnull=False)
                                                   & Q(expected_location__isnull=False))
    ).select_related(*related).order_by("sheet__division__order", "id")]
    per_sheet = Counter(line.sheet_id for line in elsewhere)
    for sheet_id, n in per_sheet.items():
        summaries[sheet_id].elsewhere = n
    total = DivisionSummary(gettext("รวมทั้งสิ้น"))
    for summary in summaries.values():
        for name in ("expected", "seen", "on_loan", "missing", "elsewhere"):
            setattr(total, name, getattr(total, name) + getattr(summary, name))
        for key, n in summary.by_condition.items():
            total.by_condition[key] += n
    lines = Line.objects.filter(round=round_).select_related(*related).order_by("sheet__division__order", "id")
    findings = Finding.objects.filter(round=round_).select_related("sheet__division", "seen_location", "asset__division")
    return RoundReport(
        round=round_, divisions=list(summaries.values()), total=total,
        problems=list(lines.filter(condition__in=[Condition.DAMAGED, Condition.DETERIORATED, Condition.NOT_NEEDED])),
        missing=list(lines.filter(outcome=Line.Outcome.MISSING)), elsewhere=elsewhere,
        unexpected=list(findings.filter(kind=Finding.Kind.UNEXPECTED)),
        unregistered=list(findings.filter(kind=Finding.Kind.UNREGISTERED)),
        inspectors=list(Inspector.objects.filter(round=round_).select_related("user")),
    )

