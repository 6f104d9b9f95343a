"""Export of the register (ทะเบียนคุมทรัพย์สิน) to XLSX or CSV: Thai headers, BE dates, formula-safe cells.

The columns are the register's fields in the order of the register's header. References are written
as their codes (category, division, location), the custodian as a username, acquisition method and
budget type by name, the status by its Thai label: the same columns `assets.imports` reads back, so
an export imported again changes nothing.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import translation

from activity import log
from common.spreadsheets import write_csv, write_xlsx
from organization import roles
from thai.dates import format_date

from .models import Asset, Status

# (field, what the export writes: the path read from the database)
REGISTER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "number"),
    ("name", "name"),
    ("specification", "specification"),
    ("brand_model", "brand_model"),
    ("serial_number", "serial_number"),
    ("category", "category__code"),
    ("division", "division__code"),
    ("location", "location__code"),
    ("custodian", "custodian__username"),
    ("acquired_on", "acquired_on"),
    ("acquisition_method", "acquisition_method__name"),
    ("budget_type", "budget_type__name"),
    ("document_number", "document_number"),
    ("vendor_name", "vendor_name"),
    ("vendor_address", "vendor_address"),
    ("vendor_phone", "vendor_phone"),
    ("unit", "unit"),
    ("unit_price", "unit_price"),
    ("useful_life_years", "useful_life_years"),
    ("status", "status"),
    ("is_lendable", "is_lendable"),
    ("notes", "notes"),
    ("review_note", "review_note"),
)
REGISTER_FIELDS = tuple(field for field, _ in REGISTER_COLUMNS)
FORMATS = ("xlsx", "csv")
YES, NO = "ใช่", "ไม่"
_WIDTHS = [18, 40, 30, 22, 20, 8, 10, 10, 14, 12, 12, 16, 14, 28, 30, 14, 9, 14, 8, 12, 8, 30, 30]
_PRICE_COLUMN = REGISTER_FIELDS.index("unit_price")
BATCH = 2000


def register_headers(language: str = "th") -> list[str]:
    """The column headers: each field's label (verbose_name) in the given language, Thai by default."""
    with translation.override(language):
        return [str(Asset._meta.get_field(field).verbose_name) for field in REGISTER_FIELDS]


def register_rows(queryset: QuerySet[Asset]):
    """The rows of the register for a queryset, in number order, read in batches (no query per row)."""
    with translation.override("th"):
        status_labels = {value: str(label) for value, label in Status.choices}
    paths = [path for _, path in REGISTER_COLUMNS]
    date_index = REGISTER_FIELDS.index("acquired_on")
    status_index = REGISTER_FIELDS.index("status")
    lendable_index = REGISTER_FIELDS.index("is_lendable")
    dates: dict[dt.date, str] = {}
    rows = queryset.order_by("number_key").values_list(*paths).iterator(chunk_size=BATCH)
    for values in rows:
        row = list(values)
        acquired = row[date_index]
        if acquired is not None:
            if acquired not in dates:
                dates[acquired] = format_date(acquired, "numeric")
            row[date_index] = dates[acquired]
        row[status_index] = status_labels.get(row[status_index], row[status_index])
        row[lendable_index] = YES if row[lendable_index] else NO
        yield row


@dataclass
class Export:
    content: bytes
    rows: int
    content_type: str
    extension: str


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def render_register(queryset: QuerySet[Asset], fmt: str) -> Export:
    """The register of a queryset as an XLSX or CSV file (bytes) and its row count."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    counted = _Counting(register_rows(queryset))
    headers = register_headers()
    if fmt == "xlsx":
        content = write_xlsx(headers, counted, sheet_title="ทะเบียนครุภัณฑ์",
                             number_formats={_PRICE_COLUMN: "#,##0.00"}, widths=_WIDTHS)
    else:
        content = write_csv(headers, counted)
    return Export(content=content, rows=counted.count, content_type=CONTENT_TYPES[fmt], extension=fmt)


def assets_export(*, actor, queryset: QuerySet[Asset], fmt: str, filters: dict | None = None,
                  source: str = "web") -> Export:
    """Export the register rows of a queryset and log the export (the filters asked for, how many rows).

    actor: the signed-in user, who must be allowed to view the register; None for the command line
    (logged as the system)."""
    if actor is not None:
        roles.require(actor, "asset.view")
    export = render_register(queryset, fmt)
    log.record("asset.export", actor=actor, object_type="assets.asset", object_repr="ทะเบียนครุภัณฑ์",
               details={"filters": filters or {}, "rows": export.rows, "format": fmt, "source": source})
    return export


class _Counting:
    """Passes rows through and counts them (the export is written in one pass)."""

    def __init__(self, rows):
        self._rows = rows
        self.count = 0

    def __iter__(self):
        for row in self._rows:
            self.count += 1
            yield row
