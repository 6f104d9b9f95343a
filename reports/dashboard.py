"""The signed-in home page: charts (server-rendered SVG) and the to-do counts of the user's roles.

Charts: loans per month (the last twelve months, by the month a loan starts), assets by status per division
(the assets the user may see, disposed-of ones left out), the progress of rounds being counted, and
procurement amounts by method for the current fiscal year. To-do counts link to the page that lists them.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assets.models import Status
from assets.selectors import assets_visible_to
from audits.models import DisposalCase, Inspector, Round, Sheet
from audits.selectors import rounds_visible_to
from loans import selectors as loan_selectors
from loans import services as loan_services
from loans.models import Loan
from organization import roles
from organization.models import Division
from procurement.models import Method, Procurement
from thai.dates import MONTHS_SHORT, fiscal_year

from . import charts


@dataclass
class Todo:
    label: str
    count: int
    url: str


def _month_starts(today: dt.date, months: int = 12) -> list[dt.date]:
    first = today.replace(day=1)
    starts = []
    for _n in range(months):
        starts.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(starts))


def loans_per_month(user, today: dt.date) -> str:
    """Grouped by day in the database (a few hundred rows) and added up into months here: extracting the month
    of each loan cost SQLite a Python call per row (35,000 for a busy year)."""
    starts = _month_starts(today)
    end = (starts[-1] + dt.timedelta(days=32)).replace(day=1)
    counts: dict[tuple[int, int], int] = {}
    for day, n in (loan_selectors.loans_visible_to(user).filter(starts_on__gte=starts[0], starts_on__lt=end).order_by()
                   .values_list("starts_on").annotate(n=Count("*"))):
        counts[(day.year, day.month)] = counts.get((day.year, day.month), 0) + n
    labels = [f"{MONTHS_SHORT[start.month - 1]} {str(start.year + 543)[-2:]}" for start in starts]
    values = [counts.get((start.year, start.month), 0) for start in starts]
    return charts.bars(labels, values, title=_("การยืมพัสดุรายเดือน (12 เดือนล่าสุด)"), unit=_("ครั้ง"))


STATUSES = [status for status in Status if status != Status.DISPOSED]


def asset_counts(user) -> dict[tuple[int, str], int]:
    """Assets the user may see, by (division id, status): one grouped query for the cards and the chart."""
    return {(division_id, status): n for division_id, status, n in
            assets_visible_to(user).order_by().values_list("division_id", "status").annotate(n=Count("*"))}


def assets_by_division(counts: dict[tuple[int, str], int]) -> str:
    counts = {key: n for key, n in counts.items() if key[1] != Status.DISPOSED}
    divisions = Division.objects.filter(pk__in={division for division, _status in counts}).order_by("order", "code")
    rows = [(division.name, [counts.get((division.pk, status.value), 0) for status in STATUSES])
            for division in divisions]
    return charts.stacked(rows, [str(status.label) for status in STATUSES], title=_("ครุภัณฑ์ตามสถานะ รายกอง"))


def inspection_progress(user) -> list[tuple[Round, str]]:
    result = []
    for round_ in rounds_visible_to(user).filter(status=Round.Status.COUNTING).order_by("starts_on")[:3]:
        sheets = list(round_.sheets.select_related("division").order_by("division__order", "division__code"))
        rows = [(sheet.division.name, [sheet.seen_count + sheet.on_loan_count, sheet.missing_count,
                                       sheet.expected_count - sheet.seen_count - sheet.on_loan_count - sheet.missing_count])
                for sheet in sheets]
        result.append((round_, charts.stacked(rows, [_("พบ"), _("ไม่พบ"), _("ยังไม่ได้ตรวจ")],
                                              title=_("ความคืบหน้าการตรวจนับ: %(round)s") % {"round": round_})))
    return result


def procurement_by_method(year: int) -> str:
    amounts = dict(Procurement.objects.filter(fiscal_year=year).exclude(status=Procurement.Status.CANCELLED)
                   .order_by().values_list("method").annotate(total=Sum("amount")))
    labels = [str(label) for value, label in Method.choices]
    values = [amounts.get(value) or 0 for value, _label in Method.choices]
    return charts.bars(labels, values, title=_("วงเงินจัดซื้อจัดจ้างตามวิธี ปีงบประมาณ %(year)s") % {"year": year},
                       unit=_("บาท"))


def todos(user, today: dt.date) -> list[Todo]:
    items = []
    if roles.has_role(user, roles.DIVISION_HEAD, roles.SUPPLY_HEAD, roles.AGENCY_HEAD) or \
            loan_selectors.is_delegate_today(user):
        items.append(Todo(_("คำขอยืมรอพิจารณา"), loan_selectors.waiting_for(user).count(), reverse("loans:inbox")))
        items.append(Todo(_("คำขอขยายเวลารอพิจารณา"), loan_services.extensions_waiting_for(user).count(),
                          reverse("loans:inbox")))
    if roles.can(user, "loan.hand_out"):
        desk = reverse("loans:desk")
        items.append(Todo(_("รอส่งมอบ"), Loan.objects.filter(status=Loan.Status.APPROVED, starts_on__lte=today).count(), desk))
        items.append(Todo(_("เกินกำหนดคืน"), Loan.objects.filter(status=Loan.Status.OUT, ends_on__lt=today).count(), desk))
    open_sheets = Sheet.objects.filter(status=Sheet.Status.OPEN, round__status=Round.Status.COUNTING,
                                       round__in=Inspector.objects.filter(user=user).values("round"))
    if open_sheets.exists():
        items.append(Todo(_("บัญชีตรวจนับที่ยังไม่ปิด"), open_sheets.count(), reverse("audits:rounds")))
    if roles.can(user, "inspection.accept"):
        items.append(Todo(_("รายงานผลการตรวจสอบรอรับทราบ"),
                          Round.objects.filter(status=Round.Status.SUBMITTED).count(), reverse("audits:rounds")))
    if roles.can(user, "disposal.approve"):
        waiting = DisposalCase.objects.filter(Q(status=DisposalCase.Status.FACTS_FOUND)
                                              | Q(status=DisposalCase.Status.DRAFT, path=DisposalCase.Path.DIRECT))
        items.append(Todo(_("เรื่องจำหน่ายรอสั่งการ"), waiting.count(), reverse("audits:disposals")))
    if roles.can(user, "disposal.manage"):
        items.append(Todo(_("จำหน่ายที่ยังไม่เสร็จหรือยังไม่แจ้ง สตง."), DisposalCase.objects.filter(
            status__in=[DisposalCase.Status.APPROVED, DisposalCase.Status.COMPLETED]).count(), reverse("audits:disposals")))
    if roles.can(user, "procurement.manage"):
        items.append(Todo(_("สัญญาที่เลยกำหนดส่งมอบ"), Procurement.objects.filter(
            status=Procurement.Status.CONTRACTED, delivery_due__lt=today).count(),
            reverse("procurement:register") + "?status=contracted"))
    return items


def dashboard(user) -> dict:
    today = timezone.localdate()
    year = fiscal_year(today)
    by_division = asset_counts(user)
    counts: dict[str, int] = {}
    for (_division, status), n in by_division.items():
        counts[status] = counts.get(status, 0) + n
    return {
        "todos": todos(user, today),
        "by_status": [(status, counts.get(status.value, 0)) for status in Status],
        "total": sum(n for status, n in counts.items() if status != Status.DISPOSED),
        "loans_chart": loans_per_month(user, today),
        "assets_chart": assets_by_division(by_division),
        "inspection_charts": inspection_progress(user),
        "procurement_chart": procurement_by_method(year) if roles.can(user, "procurement.view") else "",
        "year": year,
    }
