"""Export of the loan register (ทะเบียนการยืม) to XLSX: the register page's filter, Thai headers, BE dates.

Rows are read in batches (the loans of a batch, then their items in one query): no query per row.
At most EXPORT_LIMIT loans go into one file; the log entry says how many and whether that cap was hit.
"""

import datetime as dt
from dataclasses import dataclass
from itertools import islice

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from activity import log
from common.spreadsheets import write_xlsx
from thai.dates import format_date

from .models import Loan, LoanItem

EXPORT_LIMIT = 100_000
BATCH = 2000
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YES = "ใช่"

HEADERS = [
    _("เลขที่ใบยืม"), _("ผู้ยืม"), _("ผู้ติดต่อของหน่วยงาน"), _("กองของผู้ยืม"), _("หมายเลขครุภัณฑ์"),
    _("ชื่อครุภัณฑ์"), _("การใช้งาน"), _("สถานที่นำไปใช้"), _("เพื่อใช้ในราชการ (วัตถุประสงค์)"), _("ตั้งแต่วันที่"),
    _("ถึงวันที่ (กำหนดคืน)"), _("สถานะ"), _("เกินกำหนดคืน"),
]
_WIDTHS = [10, 28, 22, 24, 18, 34, 22, 24, 36, 12, 12, 16, 10]
_FIELDS = ("pk", "place", "agency_name", "agency_contact", "borrower__first_name", "borrower__last_name",
           "borrower__username", "division__name", "where", "purpose", "starts_on", "ends_on", "status")


def register_headers() -> list[str]:
    """The column headers, in Thai whatever the page's language (the register's official language)."""
    with translation.override("th"):
        return [str(header) for header in HEADERS]


@dataclass
class RegisterRows:
    """The rows of the register for a queryset, in its order, read in batches; `count` and `truncated` are
    known once the rows have been iterated."""

    queryset: QuerySet[Loan]
    limit: int = EXPORT_LIMIT
    today: dt.date | None = None
    count: int = 0
    truncated: bool = False

    def __iter__(self):
        today = self.today or timezone.localdate()
        with translation.override("th"):
            statuses = {value: str(label) for value, label in Loan.Status.choices}
            places = {value: str(label) for value, label in Loan.Place.choices}
        dates: dict[dt.date, str] = {}

        def day(value: dt.date) -> str:
            if value not in dates:
                dates[value] = format_date(value, "numeric")
            return dates[value]

        # One more than the cap is read, to know whether the cap was hit.
        loans = self.queryset.prefetch_related(None).values_list(*_FIELDS)[:self.limit + 1].iterator(chunk_size=BATCH)
        while batch := list(islice(loans, BATCH)):
            items = _items_of([row[0] for row in batch])
            for (pk, place, agency, contact, first, last, username, division, where, purpose, starts_on, ends_on,
                 status) in batch:
                if self.count == self.limit:
                    self.truncated = True
                    return
                self.count += 1
                borrower = agency if place == Loan.Place.AGENCY else (f"{first} {last}".strip() or username or "")
                numbers, names = items.get(pk, ((), ()))
                yield [pk, borrower, contact, division, "\n".join(numbers), "\n".join(names), places.get(place, place),
                       where, purpose, day(starts_on), day(ends_on), statuses.get(status, status),
                       YES if status == Loan.Status.OUT and ends_on < today else ""]


def _items_of(loan_ids: list[int]) -> dict[int, tuple[list[str], list[str]]]:
    """Each loan's asset numbers and names (in the same order), for a batch of loans, in one query."""
    items: dict[int, tuple[list[str], list[str]]] = {}
    rows = (LoanItem.objects.filter(loan_id__in=loan_ids).order_by("loan_id", "asset__number_key")
            .values_list("loan_id", "asset__number", "asset__name"))
    for loan_id, number, name in rows:
        numbers, names = items.setdefault(loan_id, ([], []))
        numbers.append(number)
        names.append(name)
    return items


@dataclass
class Export:
    content: bytes
    rows: int
    truncated: bool
    content_type: str = CONTENT_TYPE
    extension: str = "xlsx"


def render_register(queryset: QuerySet[Loan], *, limit: int = EXPORT_LIMIT) -> Export:
    rows = RegisterRows(queryset, limit=limit)
    with translation.override("th"):
        content = write_xlsx(register_headers(), rows, sheet_title="ทะเบียนการยืม", widths=_WIDTHS,
                             number_formats={0: "0"})
    return Export(content=content, rows=rows.count, truncated=rows.truncated)


def loans_export(*, actor, queryset: QuerySet[Loan], filters: dict | None = None,
                 limit: int = EXPORT_LIMIT) -> Export:
    """The register rows of a queryset (already scoped to the actor and filtered) as XLSX, logged with the
    filters asked for and how many rows were written."""
    export = render_register(queryset, limit=limit)
    details = {"filters": filters or {}, "rows": export.rows}
    if export.truncated:
        details["truncated_at"] = limit
    log.record("loan.export", actor=actor, object_type="loans.loan", object_repr="ทะเบียนการยืม", details=details)
    return export
