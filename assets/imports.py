"""Import of the register from XLSX or CSV as municipalities keep it: find the table, match its columns and
values, plan what it would do, then commit it (whole, or its good rows).

`read_layout` reads the sheet (common.spreadsheets.read_rows) and finds its header below any title rows, a
two-level merged header read as one, and every other row sorted into data, group headings, subtotals, blank
lines and repeated headers (common.layout); `match_columns` matches each column to a register field by its
header (the export's headers, English labels, field names and the variants of assets.register_columns),
overridden by what the person chose or a saved mapping (ImportMapping, found by the file's headers).

`parse_import` plans the import with those choices: it resolves every row against reference tables loaded once
(a value of category, division, location, budget type, acquisition method, status or custodian that names no
entry is collected once, with its rows and close spellings suggested, for the person to map, or its rows to be
left out), expands a row standing for several items (a quantity above 1, a number range "401-50-0003 ถึง 0007")
into one asset per item, reads values as they are written (5,900.-, 9,999 บาท, ๕,๙๐๐; dates of a month and year
or a year alone, or none, estimated and flagged for review, never silently), recognises rows imported before
(ImportedRow), and returns an ImportPlan with every reason for every bad row. Nothing is written.

`commit_import` writes a plan in one transaction through the bulk services (`assets_update_bulk`,
`assets_register_bulk`): one log entry per asset created or changed, plus one "asset.import" entry for the file;
any failure writes nothing. With `good_rows_only` the bad rows are left out and `rejects_xlsx` gives them back
with their reasons, ready to fix and import again.

A row whose number matches an asset of the register (Thai and Arabic digits alike) is a change of that asset;
any other row is a new asset, its number allocated on commit when blank. A column missing from the file leaves
that field of existing assets as it is (new assets get the default); a blank cell in a present column is a blank
value.
"""

import copy
import datetime as dt
import difflib
import hashlib
import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activity import log
from activity.models import Entry
from common.bulk import insert_rows
from common.layout import Layout, Skipped, find_layout
from common.spreadsheets import ImportRefused, SpreadsheetError, Table, read_rows, restore, write_xlsx
from organization import roles
from organization.models import Division, Location, User
from thai.dates import ThaiDateError, fiscal_year_bounds, format_date, parse_date, parse_partial_date
from thai.digits import to_arabic_digits

from . import register_columns as vocabulary
from . import services
from .exports import NO, REGISTER_FIELDS, YES
from .models import AcquisitionMethod, Asset, BudgetType, Category, ImportedRow, ImportMapping, Status
from .numbering import number_key

DEFAULT_MAX_ROWS = 20_000
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
REQUIRED_FIELDS = ("name", "category", "division", "acquired_on", "unit_price")
DEFAULTABLE_FIELDS = ("category", "division", "budget_type", "acquisition_method")  # one value for every row
LEAVE_OUT = "leave_out"
MAX_ITEMS_PER_ROW = 1000  # a quantity above this is a typing mistake (a price in the quantity column)
_TEXT_FIELDS = frozenset({
    "name", "specification", "brand_model", "serial_number", "document_number", "vendor_name", "vendor_address",
    "vendor_phone", "unit", "notes",
})
_NUMBER_MAX = Asset._meta.get_field("number").max_length
CENT = Decimal("0.01")
_FLOAT_SLACK = Decimal("0.000001")
_TOO_BIG = Decimal(10) ** 15
_SPACES = re.compile(r"\s+")
_TRUE = {"ใช่", "ได้", "yes", "y", "true", "1", "✓"}
_FALSE = {"ไม่", "ไม่ใช่", "ไม่ได้", "no", "n", "false", "0"}


@dataclass
class RowError:
    line: int
    messages: list[str]
    cells: list = field(default_factory=list)  # the row as read, for the file of left-out rows


@dataclass
class ColumnMatch:
    """A column of the file and the field it fills ("" when not imported); `how`: "auto" (by its header),
    "chosen" (by the person or a saved mapping), "skipped" (a column the register does not keep), "unknown",
    "duplicate" (a second column for a field already filled) or "unnamed" (values under no header)."""

    index: int
    header: str
    field: str
    how: str

    @property
    def key(self) -> str:
        return vocabulary.header_key(self.header) or f"#{self.index}"

    @property
    def letter(self) -> str:
        return _column_letter(self.index)


@dataclass
class UnknownValue:
    """A value of a reference column that names no entry: once per distinct value, with the rows it covers."""

    field: str
    text: str
    lines: list[int]
    suggestions: list = field(default_factory=list)  # entries whose name is close, best first

    @property
    def key(self) -> str:
        return value_key(self.text)

    @property
    def label(self) -> str:
        return field_label(self.field)


@dataclass
class Choices:
    """What the person chose on the mapping page (kept as an ImportMapping for the next file with the same
    headers): `columns` {header key: field or ""}; `values` {field: {value key: entry id or LEAVE_OUT}};
    `defaults` {field: entry id} for a field the file has no column for."""

    columns: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    defaults: dict = field(default_factory=dict)


@dataclass
class NewAsset:
    """A row (or one item of a row that stands for several) that registers a new asset: `values` is the row as
    read; `asset` the unsaved Asset built from it and checked (services.asset_check), which commit hands to
    assets_register_bulk (that checks it again); `flags` what was estimated and must be reviewed;
    `fingerprint` the row's values hashed (ImportedRow), "" when the row gives its number."""

    line: int
    values: dict
    asset: Asset | None = None
    flags: list[str] = field(default_factory=list)
    fingerprint: str = ""
    item: int = 0  # 1, 2, … when the row stands for several items

    @property
    def number(self) -> str:
        return self.values.get("number") or ""


@dataclass
class AssetChange:
    """A row that changes an existing asset: `values` the fields to set, `changes` {field: [before, after]} as shown."""

    line: int
    asset: Asset
    values: dict
    changes: dict

    @property
    def readable_changes(self) -> list[tuple[str, object, object]]:
        return [(str(Asset._meta.get_field(name).verbose_name), pair[0], pair[1]) for name, pair in self.changes.items()]


@dataclass
class LeftOut:
    line: int
    reason: str
    cells: list = field(default_factory=list)


@dataclass
class ImportPlan:
    filename: str
    fields: list[str]
    to_create: list[NewAsset] = field(default_factory=list)
    to_change: list[AssetChange] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    columns: list[ColumnMatch] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    header_lines: list[int] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    unknown_values: list[UnknownValue] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)  # rows the person chose to leave out, disposed rows
    seen_before: int = 0  # rows imported before (by another file or this one), not registered again
    data_rows: int = 0
    file_sha256: str = ""
    imported_before: str = ""  # when this very file was imported before, as shown ("" when never)
    signature: str = ""
    choices: "Choices | None" = None
    samples: dict = field(default_factory=dict)  # column index → its first values
    refusal: list[str] = field(default_factory=list)  # why nothing can be planned yet (a required column missing)

    @property
    def rows(self) -> int:
        return self.data_rows

    @property
    def flagged(self) -> list[NewAsset]:
        return [new for new in self.to_create if new.flags]

    @property
    def ignored_columns(self) -> list[ColumnMatch]:
        return [column for column in self.columns if not column.field and column.how != "skipped"]

    @property
    def is_valid(self) -> bool:
        return not self.errors and not self.refusal

    @property
    def has_work(self) -> bool:
        return bool(self.to_create or self.to_change)


@dataclass
class ImportResult:
    created: list[Asset]
    changed: list[Asset]


def import_limits() -> tuple[int, int]:
    """(most data rows, most bytes) one import accepts: settings.IMPORT_MAX_ROWS and IMPORT_MAX_BYTES."""
    return (int(getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)),
            int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)))


def check_size(size: int) -> None:
    """Refuse a file over the size cap before it is read."""
    max_bytes = import_limits()[1]
    if size > max_bytes:
        raise ImportRefused(_("ไฟล์มีขนาด %(size)s MB เกินขนาดสูงสุดที่นำเข้าได้ (%(max)s MB) กรุณาแบ่งเป็นหลายไฟล์") % {
            "size": f"{size / 1048576:,.1f}", "max": f"{max_bytes / 1048576:,.0f}"})


def _read_lines(data: bytes, filename: str) -> list[tuple[int, list]]:
    check_size(len(data))
    try:
        return read_rows(data, filename, max_rows=import_limits()[0] + 200)  # titles, headings, subtotals
    except SpreadsheetError as error:
        raise ImportRefused(str(error)) from None


def read_layout(data: bytes, filename: str, *, actor, choices: Choices | None = None) -> tuple[Layout, list[ColumnMatch]]:
    """The file's table and each column's match (what the mapping page shows). Raises ImportRefused."""
    roles.require(actor, "asset.register")
    layout = _layout_of(_read_lines(data, filename))
    return layout, match_columns(layout, choices or saved_choices(layout))


def parse_import(data: bytes, filename: str, *, actor, choices: Choices | None = None) -> ImportPlan:
    """Read a file and plan its import (writes nothing). `choices`: the person's (else the mapping saved for
    files with these headers, else the headers alone decide). Raises ImportRefused when the file as a whole is
    refused."""
    roles.require(actor, "asset.register")
    lines = _read_lines(data, filename)
    plan = plan_import(lines, filename=filename, choices=choices)
    plan.file_sha256 = hashlib.sha256(data).hexdigest()
    plan.imported_before = _imported_before(plan.file_sha256)
    return plan


def plan_import(source: Table | list, *, filename: str = "", choices: Choices | None = None) -> ImportPlan:
    """Plan the import of rows already read: a Table (its headers are the first row) or the sheet's non-blank
    rows (row number, cells), as read_rows gives them (parse_import without the reading; benchmarks time it apart)."""
    lines = [(1, list(source.headers))] + list(source.rows) if isinstance(source, Table) else source
    layout = _layout_of(lines)
    if choices is None:
        choices = saved_choices(layout)
    columns = match_columns(layout, choices)
    if not layout.rows:
        raise ImportRefused(_("ไม่มีแถวข้อมูลในไฟล์ (มีแต่หัวคอลัมน์)"))
    max_rows = import_limits()[0]
    if len(layout.rows) > max_rows:
        raise ImportRefused(_("ไฟล์ “%(name)s” มีข้อมูลเกิน %(max)s แถว ซึ่งเป็นจำนวนสูงสุดที่นำเข้าได้ในครั้งเดียว "
                              "กรุณาแบ่งเป็นหลายไฟล์") % {"name": filename, "max": f"{max_rows:,}"})
    missing = _missing_required(columns, choices, layout)
    if missing:  # the mapping page still opens, to choose the column; nothing can be committed until then
        plan = ImportPlan(filename=filename, fields=[], headers=list(layout.headers),
                          header_lines=list(layout.header_lines), skipped=list(layout.skipped),
                          data_rows=len(layout.rows), refusal=[missing])
    else:
        plan = _Planner(columns, layout, choices).plan(filename)
    plan.columns, plan.signature, plan.choices = columns, layout_signature(layout.headers), choices
    plan.samples = _samples(layout)
    return plan


@transaction.atomic
def commit_import(plan: ImportPlan, *, actor, good_rows_only: bool = False) -> ImportResult:
    """Write a plan: changes, then new assets, in one transaction; any failure writes nothing. A plan with bad
    rows is refused unless `good_rows_only` (the bad rows are then left out: rejects_xlsx gives them back)."""
    if plan.refusal:
        raise ImportRefused(*plan.refusal)
    if plan.errors and not good_rows_only:
        raise ImportRefused(_("ไม่ได้นำเข้า: มีแถวที่ไม่ถูกต้อง %(count)s แถว กรุณาแก้ไขไฟล์แล้วนำเข้าใหม่ "
                              "หรือเลือกนำเข้าเฉพาะแถวที่ถูกต้อง") % {"count": f"{len(plan.errors):,}"})
    try:
        changed = services.assets_update_bulk(
            actor=actor, changes={change.asset.pk: change.values for change in plan.to_change}
        ) if plan.to_change else []
        created = services.assets_register_bulk(
            actor=actor, assets=[_new_asset(new) for new in plan.to_create]
        ) if plan.to_create else []
    except ValidationError as error:
        raise ImportRefused(_("ไม่ได้นำเข้า: ข้อมูลในทะเบียนเปลี่ยนไประหว่างตรวจสอบ กรุณาตรวจสอบไฟล์อีกครั้ง"),
                            *error.messages) from None
    now = timezone.now()
    try:
        with transaction.atomic():
            insert_rows(ImportedRow, ["fingerprint", "asset_id", "imported_at"],
                        [(new.fingerprint, asset.pk, now) for new, asset in zip(plan.to_create, created)
                         if new.fingerprint])
    except IntegrityError:  # the same rows imported by someone else a moment ago: nothing of this one is kept
        raise ImportRefused(_("ไม่ได้นำเข้า: แถวเหล่านี้เพิ่งถูกนำเข้าโดยผู้อื่น กรุณาตรวจสอบไฟล์อีกครั้ง")) from None
    if created or changed:
        # One entry for the import itself (the file and its counts) besides one per asset created or changed.
        log.record("asset.import", actor=actor, object_type="assets.asset",
                   object_repr=f"นำเข้าทะเบียนจากไฟล์ {plan.filename}",
                   details={"filename": plan.filename, "rows": plan.rows, "created": len(created),
                            "changed": len(changed), "unchanged": plan.unchanged, "left_out": len(plan.left_out),
                            "seen_before": plan.seen_before, "bad_rows_left_out": len(plan.errors),
                            "flagged": len(plan.flagged), "sha256": plan.file_sha256})
    return ImportResult(created=created, changed=changed)


def rejects_xlsx(plan: ImportPlan) -> bytes:
    """The rows not imported (bad ones, and those left out) as they were in the file, each with its reasons in a
    last column: fix them and import this file again."""
    reason = _("เหตุที่ไม่ได้นำเข้า")
    rows = sorted([(error.line, error.cells, "; ".join(error.messages)) for error in plan.errors]
                  + [(left.line, left.cells, left.reason) for left in plan.left_out], key=lambda row: row[0])
    width = len(plan.headers)
    return write_xlsx([_("แถวในไฟล์เดิม"), *plan.headers, reason],
                      [[line, *(list(cells) + [None] * width)[:width], text] for line, cells, text in rows],
                      sheet_title=_("แถวที่ไม่ได้นำเข้า"))


def _samples(layout: Layout, count: int = 3) -> dict[int, list[str]]:
    """The first few values of each column, for the mapping page."""
    samples: dict[int, list[str]] = {}
    for _line, cells in layout.rows[:200]:
        for index, cell in enumerate(cells):
            if cell is not None and len(found := samples.setdefault(index, [])) < count:
                text = _text(cell)[:60]
                if text and text not in found:
                    found.append(text)
    return samples


def _imported_before(sha256: str) -> str:
    entry = (Entry.objects.filter(action="asset.import", details_json__contains=f'"sha256":"{sha256}"')
             .order_by("-pk").first()) if sha256 else None
    return format_date(timezone.localtime(entry.created_at).date()) if entry is not None else ""


def _new_asset(new: NewAsset) -> Asset:
    """The asset the plan built for a new row (built again from its values if it was not kept or was saved)."""
    asset = new.asset
    if asset is None or not asset._state.adding:
        values = dict(new.values)
        number = values.pop("number", "")
        asset = services.asset_new(**values)
        asset.number = number
    return asset


# --- headers -----------------------------------------------------------------------------------------


def _norm(text) -> str:
    """How names are compared: Thai digits as Arabic, spaces collapsed, case folded."""
    return _SPACES.sub(" ", to_arabic_digits(str(text)).strip()).casefold()


def _label(name: str) -> str:
    """A field's label in the active language (Thai unless the person chose English)."""
    return str(Asset._meta.get_field(name).verbose_name)


def field_label(name: str) -> str:
    """A field's label, or the label of a helper column (quantity, total price, fiscal year)."""
    helpers = {vocabulary.QUANTITY: _("จำนวน"), vocabulary.TOTAL_PRICE: _("ราคารวม"),
               vocabulary.FISCAL_YEAR: _("ปีงบประมาณที่ได้มา")}
    return str(helpers[name]) if name in helpers else _label(name)


IMPORTABLE_FIELDS = REGISTER_FIELDS + (vocabulary.QUANTITY, vocabulary.TOTAL_PRICE, vocabulary.FISCAL_YEAR)


def header_aliases() -> dict[str, str]:
    """Every header a column may have (by vocabulary.header_key) → its field: the field name, its label in each
    language, and the variants municipalities use."""
    aliases = {}
    for name, variants in vocabulary.HEADERS.items():
        for variant in variants:
            aliases.setdefault(vocabulary.header_key(variant), name)
    for name in REGISTER_FIELDS:
        aliases[vocabulary.header_key(name)] = name
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                aliases[vocabulary.header_key(Asset._meta.get_field(name).verbose_name)] = name
    return aliases


_KNOWN_SKIPPED = {vocabulary.header_key(header) for header in vocabulary.KNOWN_SKIPPED}


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _layout_of(lines: list) -> Layout:
    aliases = header_aliases()
    layout = find_layout(lines, lambda text: vocabulary.header_key(text) in aliases)
    if layout is None:
        raise ImportRefused(_("ไม่พบแถวหัวคอลัมน์: ในแถวแรก ๆ ของไฟล์ไม่มีแถวใดที่มีหัวคอลัมน์ที่รู้จักอย่างน้อย 2 คอลัมน์ "
                              "(เช่น “หมายเลขครุภัณฑ์”, “ชื่อครุภัณฑ์”, “ราคาต่อหน่วย”) ตรวจสอบว่าเป็นแผ่นงานทะเบียนครุภัณฑ์"))
    return layout


def layout_signature(headers: list[str]) -> str:
    """What a saved mapping is found by: the file's headers, in order (a plan keeps it as `signature`)."""
    keys = [vocabulary.header_key(header) for header in headers]
    while keys and not keys[-1]:
        keys.pop()
    return hashlib.sha256("\x1f".join(keys).encode()).hexdigest()


def saved_choices(layout: Layout) -> Choices:
    saved = ImportMapping.objects.filter(signature=layout_signature(layout.headers)).first()
    return Choices(saved.columns, saved.values, saved.defaults) if saved is not None else Choices()


def mapping_save(*, actor, headers: list[str], choices: Choices) -> ImportMapping:
    """Keep the person's choices for the next file with these headers (a Layout's or a plan's; logged)."""
    roles.require(actor, "asset.register")
    unknown = {name for name in choices.columns.values() if name and name not in IMPORTABLE_FIELDS}
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    mapping, _created = ImportMapping.objects.update_or_create(
        signature=layout_signature(headers),
        defaults={"headers": " | ".join(header for header in headers if header)[:5000],
                  "columns": choices.columns, "values": choices.values, "defaults": choices.defaults,
                  "updated_by": actor})
    log.record("asset.import_mapping", actor=actor, obj=mapping, object_repr=_("การจับคู่คอลัมน์ของไฟล์นำเข้า"),
               details={"columns": choices.columns, "values": choices.values, "defaults": choices.defaults})
    return mapping


def match_columns(layout: Layout, choices: Choices | None = None) -> list[ColumnMatch]:
    """Each column of the layout and the field it fills: the person's choice (by header), else its header."""
    aliases = header_aliases()
    chosen = (choices or Choices()).columns
    matches: list[ColumnMatch] = []
    taken: set[str] = set()
    for index, (header, candidates) in enumerate(zip(layout.headers, layout.candidates)):
        has_data = any(index < len(cells) and cells[index] is not None for _line, cells in layout.rows)
        if not header:
            if has_data:
                matches.append(ColumnMatch(index, "", "", "unnamed"))
            continue
        key = vocabulary.header_key(header)
        if key in chosen:
            name, how = chosen[key], "chosen"
        else:
            name = next((aliases[vocabulary.header_key(text)] for text in candidates
                         if vocabulary.header_key(text) in aliases), "")
            how = "auto" if name else ("skipped" if any(vocabulary.header_key(text) in _KNOWN_SKIPPED
                                                         for text in candidates) else "unknown")
        if name and name in taken:
            name, how = "", "duplicate"
        if name:
            taken.add(name)
        matches.append(ColumnMatch(index, header, name, how))
    return matches


def _missing_required(columns: list[ColumnMatch], choices: Choices, layout: Layout) -> str:
    """Why the file cannot be planned yet: a required field that no column (nor one value for every row) fills."""
    present = {column.field for column in columns if column.field} | set(choices.defaults)
    missing = []
    for name in REQUIRED_FIELDS:
        if name in present:
            continue
        if name == "category" and any(layout.sections.values()):
            continue  # the group headings name the categories
        if name == "acquired_on" and vocabulary.FISCAL_YEAR in present:
            continue
        if name == "unit_price" and vocabulary.TOTAL_PRICE in present:
            continue
        missing.append(_label(name))
    if not missing:
        return ""
    return _("ไม่มีคอลัมน์ที่จำเป็น: %(columns)s เลือกคอลัมน์ของไฟล์ที่เป็นข้อมูลนี้ในขั้นจับคู่คอลัมน์ "
             "(หรือเลือกค่าเดียวสำหรับทุกแถว)") % {"columns": ", ".join(missing)}


# --- values ------------------------------------------------------------------------------------------


class _Bad(Exception):
    """A cell that cannot be read; the message is Thai."""


def _text(raw) -> str:
    if raw.__class__ is str:
        text = raw.strip()
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        return restore(text) if text[:1] == "'" else text
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return YES if raw else NO
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, dt.date):
        return format_date(raw, "numeric")
    return str(raw)


def _lines(text: str) -> str:
    """Text as compared: line ends as "\\n" (a browser sends CRLF, a workbook keeps LF), outer spaces trimmed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _bounded(value: Decimal, raw) -> Decimal:
    """Refuse numbers too long for any column (and for Decimal's 28-digit arithmetic)."""
    if abs(value) >= _TOO_BIG:
        raise _Bad(_("“%(value)s” มีจำนวนหลักมากเกินไป") % {"value": _text(raw)})
    return value


def _decimal(raw) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise _Bad(_("“%(value)s” ไม่ใช่ตัวเลข") % {"value": _text(raw)})
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise _Bad(_("ไม่ใช่ตัวเลข"))
        value = _bounded(Decimal(repr(raw)), raw)
        rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
        if abs(value - rounded) > _FLOAT_SLACK:  # a cell's binary fraction, not a third decimal place
            raise _Bad(_("%(value)s มีทศนิยมเกิน 2 ตำแหน่ง") % {"value": raw})
        return rounded
    text = _MONEY_NOISE.sub("", to_arabic_digits(_text(raw)).replace(",", "").replace(" ", ""))
    if not text or text in _DASHES:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _Bad(_("“%(value)s” ไม่ใช่ตัวเลข") % {"value": _text(raw)}) from None
    if not value.is_finite():
        raise _Bad(_("“%(value)s” ไม่ใช่ตัวเลข") % {"value": _text(raw)})
    if value != _bounded(value, raw).quantize(CENT, rounding=ROUND_HALF_UP):
        raise _Bad(_("“%(value)s” มีทศนิยมเกิน 2 ตำแหน่ง") % {"value": _text(raw)})
    return value


_MONEY_NOISE = re.compile(r"^฿|บาท$|(?<=\d)\.?-+$|(?<=\d)\.-$")  # "5,900.-", "9,999 บาท", "฿1,200"
_DASHES = {"-", "–", "—", "--", "."}


def _integer(raw) -> int | None:
    value = _decimal(raw)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise _Bad(_("“%(value)s” ต้องเป็นจำนวนเต็ม") % {"value": _text(raw)})
    return int(value)


class _Dates:
    """Dates from date cells, or text in BE or ISO (Thai digits too); each distinct text read once."""

    def __init__(self):
        self._seen: dict[str, dt.date] = {}

    def __call__(self, raw) -> dt.date | None:
        if raw is None:
            return None
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        if isinstance(raw, (int, float)):
            raise _Bad(_("“%(value)s” ไม่ใช่วันที่ กรุณากรอกเป็น วว/ดด/ปปปป (เช่น 01/10/2567) หรือ ปปปป-ดด-วว") % {
                "value": _text(raw)})
        text = _text(raw)
        if not text:
            return None
        value = self._seen.get(text)
        if value is None:
            try:
                value = parse_date(text)
            except ThaiDateError as error:
                raise _Bad(str(error)) from None
            self._seen[text] = value
        return value


def _boolean(raw) -> bool:
    if raw is None:
        return False
    if raw == YES:
        return True
    if raw == NO:
        return False
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    text = _norm(_text(raw))
    if text in _TRUE:
        return True
    if text in _FALSE or not text:
        return False
    raise _Bad(_("“%(value)s” ไม่ใช่ ใช่/ไม่ (ใช้ ใช่, ไม่, yes, no, true, false, 1 หรือ 0)") % {"value": _text(raw)})


def _status_aliases() -> dict[str, str]:
    aliases = {}
    for value, label in Status.choices:
        aliases[_norm(value)] = value
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                aliases[_norm(label)] = value
    return aliases


_PREFIXES = ("ครุภัณฑ์", "ประเภท", "หมวด", "เงิน", "งบ")


def value_key(text) -> str:
    """How a value is compared with the names of reference entries and with the person's choices."""
    return _norm(text).replace(" ", "")


def _loose_keys(text: str) -> list[str]:
    """A value, then without each word that registers put before names, one after another ("ครุภัณฑ์คอมพิวเตอร์"
    is also "คอมพิวเตอร์"; "เงินงบประมาณ" also "งบประมาณ")."""
    keys = [value_key(text)]
    while True:
        key = keys[-1]
        prefix = next((prefix for prefix in _PREFIXES if key.startswith(prefix) and len(key) - len(prefix) >= 3), None)
        if prefix is None:
            return keys
        keys.append(key[len(prefix):])


def _loose(text: str) -> str:
    return _loose_keys(text)[-1]


class _Lookup:
    """One reference table loaded once, found by code, by name, or by "code name" as the pages show it; else by
    the person's choice for that value; else by the name without the words registers put before it when that
    names one entry only. A value found none of these ways is collected as unknown (with close names)."""

    def __init__(self, objects, *, what: str, field_name: str, chosen: dict | None = None, name_field: str = "name"):
        self.what = what
        self.field_name = field_name
        objects = list(objects)
        self.objects = objects
        self.by_id = {obj.pk: obj for obj in objects}
        self.by_key: dict[str, object] = {}
        for obj in objects:
            self.by_key[_norm(getattr(obj, name_field))] = obj
            self.by_key[_norm(str(obj))] = obj
        for obj in objects:  # a code wins over another entry's name
            self.by_key[_norm(obj.code)] = obj
        loose: dict[str, set] = {}
        for obj in objects:
            for key in _loose_keys(getattr(obj, name_field)):
                loose.setdefault(key, set()).add(obj.pk)
        self.loose = {key: self.by_id[next(iter(found))] for key, found in loose.items() if len(found) == 1}
        self.names = {obj.pk: value_key(getattr(obj, name_field)) for obj in objects}
        self.chosen = chosen or {}
        self.seen: dict = {}  # cell value → what it names: a file repeats the same few codes

    def __call__(self, raw):
        found = self.seen.get(raw)
        if found is not None:
            return found
        text = _text(raw)
        if not text or text in _DASHES:
            return None
        found = self.find(text)
        if found is None:
            raise _Unknown(self.field_name, text)
        self.seen[raw] = found
        return found

    def find(self, text: str):
        found = self.by_key.get(_norm(text))
        if found is not None:
            return found
        choice = self.chosen.get(value_key(text))
        if choice == LEAVE_OUT:
            raise _LeaveOut(_("เลือกไม่นำเข้าแถวที่มี%(what)s “%(text)s”") % {"what": self.what, "text": text})
        if choice is not None:
            return self.by_id.get(_as_id(choice))
        return next((self.loose[key] for key in _loose_keys(text) if key in self.loose), None)

    def suggestions(self, text: str, limit: int = 3) -> list:
        """Entries whose name is close to the value: containing it or contained in it, then similar spellings."""
        key, loose = value_key(text), _loose(text)
        scored = []
        for obj in self.objects:
            name = self.names[obj.pk]
            if loose and (loose in name or name in loose or _loose(name) in loose):
                score = 2.0
            else:
                score = difflib.SequenceMatcher(None, key, name).ratio()
            if score >= 0.6:
                scored.append((-score, name, obj))
        return [obj for _score, _name, obj in sorted(scored, key=lambda item: item[:2])[:limit]]


def _as_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class _Unknown(Exception):
    """A reference value that names no entry: collected once per distinct value."""

    def __init__(self, field_name: str, text: str):
        super().__init__(text)
        self.field_name, self.text = field_name, text


class _LeaveOut(Exception):
    """The person chose to leave out the rows with this value (or the row is of an asset already disposed of)."""


# --- planning ----------------------------------------------------------------------------------------


# "401-50-0003 ถึง 0007", "401-50-0003 - 0007": the first number whole, then the last run number
_RANGE = re.compile(r"^(?P<base>.*?[-./ ])(?P<start>[0-9๐-๙]+)(?:\s*ถึง\s*|\s+[-–—]\s+|\s+to\s+)(?P<end>[0-9๐-๙]+)$",
                    re.IGNORECASE)
_TRAILING_RUN = re.compile(r"^(?P<base>.*?)(?P<run>[0-9๐-๙]+)$")
_NUMBER_YEAR = re.compile(r"^[0-9๐-๙]{2,4}[-./ ]([0-9๐-๙]{2})[-./ ][0-9๐-๙]{3,5}$")  # 401-64-0003: FY 2564
_TITLES = re.compile(r"^(?:นาย|นางสาว|นาง|น\.ส\.|ด\.ช\.|ด\.ญ\.|ว่าที่ร\.ต\.|ว่าที่ ร\.ต\.)\s*")
_QUANTITY = re.compile(r"^([0-9][0-9,]*(?:\.0+)?)\s*([^\d\s.,].*)?$")  # "3", "1,000", "3 ตัว" (digits made Arabic)


def _digits_like(template: str, value: int, width: int) -> str:
    """A run number written the way the file writes its numbers (Thai or Arabic digits), zero-padded."""
    text = str(value).zfill(width)
    return text.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")) if re.search(r"[๐-๙]", template) else text


def _item_hash(row_print: str, item: int) -> str:
    return hashlib.sha256(f"{row_print}#{item}".encode()).hexdigest()


def _person_key(text: str) -> str:
    return _SPACES.sub(" ", _TITLES.sub("", (text or "").strip())).casefold()


class _Planner:
    def __init__(self, columns: list[ColumnMatch], layout: Layout, choices: Choices):
        self.layout = layout
        self.columns = [(column.index, column.field) for column in columns if column.field]
        self.width = len(layout.headers)
        self.index = {name: index for index, name in self.columns}
        self.by_field = sorted(self.columns, key=lambda column: column[1])
        chosen = choices.values
        self.categories = _Lookup(Category.objects.all(), what=_("ประเภท"), field_name="category",
                                  chosen=chosen.get("category"))
        self.divisions = _Lookup(Division.objects.all(), what=_("กอง"), field_name="division",
                                 chosen=chosen.get("division"))
        self.methods = _Lookup(AcquisitionMethod.objects.all(), what=_("วิธีการได้มา"), field_name="acquisition_method",
                               chosen=chosen.get("acquisition_method"))
        self.budgets = _Lookup(BudgetType.objects.all(), what=_("ประเภทเงิน"), field_name="budget_type",
                               chosen=chosen.get("budget_type"))
        self.lookups = {"category": self.categories, "division": self.divisions,
                        "acquisition_method": self.methods, "budget_type": self.budgets}
        self.defaults = {name: self.lookups[name].by_id.get(_as_id(pk)) for name, pk in choices.defaults.items()
                         if name in self.lookups and name not in self.index}
        self.locations: dict[tuple[int, str], Location] = {}  # (division id, code or name) → location
        locations = list(Location.objects.all())
        self.locations_by_id = {location.pk: location for location in locations}
        for location in locations:
            self.locations[(location.division_id, _norm(location.name))] = location
        for location in locations:  # a code wins over another location's name
            self.locations[(location.division_id, _norm(location.code))] = location
        self.location_choices = chosen.get("location") or {}
        self.status_choices = chosen.get("status") or {}
        self.custodian_choices = chosen.get("custodian") or {}
        self.statuses = _status_aliases()
        self.statuses.update({value_key(word): status for word, status in vocabulary.STATUS_WORDS.items()})
        self.acquisition_words = {value_key(word): code for code, words in vocabulary.ACQUISITION_WORDS.items()
                                  for word in words}
        self.procurement_methods = {value_key(word) for word in vocabulary.PROCUREMENT_METHODS}
        self.dates = _Dates()
        self.converters = {
            "category": self.categories, "division": self.divisions, "acquisition_method": self._acquisition,
            "budget_type": self.budgets, "unit_price": _decimal, "useful_life_years": _integer,
            "is_lendable": _boolean, "status": self._status, "custodian": self._custodian,
        }
        self.users: dict[str, User] = {}
        self.people: dict[str, User] = {}  # by name as registers write it, when names are not usernames
        self.existing: dict[str, Asset] = {}
        self.unknown: dict[tuple[str, str], UnknownValue] = {}
        self.line, self.cells = 0, []

    # reference data that depends on the file: only what the rows name, a few queries in all
    def _load_for(self, rows) -> None:
        if "custodian" in self.index:
            at = self.index["custodian"]
            names = {_text(cells[at]).casefold() for _, cells in rows if at < len(cells) and cells[at] is not None}
            names = sorted(name for name in names if name)
            for start in range(0, len(names), 500):
                found = User.objects.annotate(lower_username=Lower("username")).filter(
                    lower_username__in=names[start:start + 500])
                self.users.update({user.username.casefold(): user for user in found})
            if len(self.users) < len(names):  # names as registers write them ("นายสมชาย ใจดี"): a staff list is small
                people: dict[str, list[User]] = {}
                for user in User.objects.filter(is_active=True).only("id", "username", "first_name", "last_name",
                                                                     "is_active"):
                    people.setdefault(_person_key(f"{user.first_name} {user.last_name}"), []).append(user)
                self.people = {key: found[0] for key, found in people.items() if len(found) == 1 and key}
        if "number" in self.index:
            at = self.index["number"]
            keys = set()
            quantity_at = self.index.get(vocabulary.QUANTITY)
            for _line, cells in rows:
                if at < len(cells) and cells[at] is not None:
                    quantity = 1
                    if quantity_at is not None and quantity_at < len(cells):
                        quantity = self._quantity(cells[quantity_at], [])[0]
                    keys.update(number_key(number) for number in self._numbers(_text(cells[at]), quantity)[0])
            keys = sorted(keys - {""})
            related = ("category", "division", "location", "custodian", "acquisition_method", "budget_type")
            for start in range(0, len(keys), 900):
                for asset in Asset.objects.select_related(*related).filter(number_key__in=keys[start:start + 900]):
                    self.existing[asset.number_key] = asset

    def _custodian(self, raw):
        text = _text(raw)
        if not text or text in _DASHES:
            return None
        user = self.users.get(text.casefold()) or self.people.get(_person_key(text))
        if user is None:
            choice = self.custodian_choices.get(value_key(text))
            if choice == LEAVE_OUT:
                raise _LeaveOut(_("เลือกไม่นำเข้าแถวที่มีผู้รับผิดชอบ “%(text)s”") % {"text": text})
            if choice is not None:
                user = User.objects.filter(pk=_as_id(choice)).first()
                if user is not None:
                    self.users[text.casefold()] = user
        if user is None:
            raise _Unknown("custodian", text)
        return user

    def _status(self, raw):
        status = self.statuses.get(raw)
        if status is None:
            text = _text(raw)
            if not text or text in _DASHES:
                return None
            status = self.statuses.get(_norm(text)) or self.statuses.get(value_key(text))
            if status is None:
                choice = self.status_choices.get(value_key(text))
                if choice == LEAVE_OUT:
                    raise _LeaveOut(_("เลือกไม่นำเข้าแถวที่มีสถานะ “%(text)s”") % {"text": text})
                if choice in Status.values:
                    status = choice
            if status is None:
                raise _Unknown("status", text)
            self.statuses[raw] = status
        return status

    def _acquisition(self, raw):
        """The acquisition method; a procurement method written here ("ตกลงราคา", "e-bidding") is a purchase, the
        method kept in the notes."""
        text = _text(raw)
        if not text or text in _DASHES:
            return None
        try:
            return self.methods(raw)
        except _Unknown:
            key = value_key(text)
            code = self.acquisition_words.get(key) or ("BUY" if key in self.procurement_methods else None)
            method = next((method for method in self.methods.objects if method.code == code), None)
            if method is None:
                raise
            if code == "BUY" and key in self.procurement_methods and key not in ("ซื้อ", "จัดซื้อ"):
                return method, _("วิธีจัดหา: %(method)s") % {"method": text}
            return method

    def _numbers(self, text: str, quantity: int) -> tuple[list[str], list[str], list[str]]:
        """The numbers a row gives (one, a range "401-50-0003 ถึง 0007", or blank), with problems and flags."""
        if not text or text in _DASHES:
            return [], [], []
        match = _RANGE.match(text)
        if match:
            start, end = int(to_arabic_digits(match["start"])), int(to_arabic_digits(match["end"]))
            width = len(match["start"])
            if len(match["end"]) > width:
                return [text], [], []  # not a run number after the first number: a number written with spaces
            if end <= start or end - start + 1 > MAX_ITEMS_PER_ROW:
                return [], [_("ช่วงหมายเลข “%(text)s” ไม่ถูกต้อง (เลขท้ายต้องมากกว่าเลขต้น)") % {"text": text}], []
            return [f"{match['base']}{_digits_like(match['start'], run, width)}" for run in range(start, end + 1)], [], []
        if quantity > 1:
            run = _TRAILING_RUN.match(text)
            if run is None:
                return [], [_("จำนวน %(n)s หน่วยแต่หมายเลข “%(text)s” ไม่ลงท้ายด้วยเลขลำดับ: "
                              "ระบุเป็นช่วง เช่น 401-50-0003 ถึง 0007 หรือแยกเป็นแถวละหนึ่งหน่วย") % {
                    "n": quantity, "text": text}], []
            first, width = int(to_arabic_digits(run["run"])), len(run["run"])
            numbers = [f"{run['base']}{_digits_like(run['run'], first + offset, width)}" for offset in range(quantity)]
            return numbers, [], [_("หมายเลขต่อเนื่องจาก %(first)s ถึง %(last)s ตามจำนวน %(n)s หน่วย") % {
                "first": numbers[0], "last": numbers[-1], "n": quantity}]
        return [text], [], []

    def _note_unknown(self, unknown: _Unknown, line: int) -> str:
        key = (unknown.field_name, value_key(unknown.text))
        entry = self.unknown.get(key)
        if entry is None:
            lookup = self.lookups.get(unknown.field_name)
            suggestions = lookup.suggestions(unknown.text) if lookup is not None else []
            entry = self.unknown[key] = UnknownValue(unknown.field_name, unknown.text, [], suggestions)
        entry.lines.append(line)
        label = _label(unknown.field_name)
        if unknown.field_name == "custodian":
            reason = _("ไม่พบผู้ใช้ “%(text)s” (ชื่อบัญชี หรือชื่อและนามสกุล)") % {"text": unknown.text}
        elif unknown.field_name == "status":
            reason = _("ไม่รู้จักสถานะ “%(status)s”") % {"status": unknown.text}
        else:
            lookup = self.lookups[unknown.field_name]
            reason = _("ไม่พบ%(what)sที่มีรหัสหรือชื่อ “%(text)s”") % {"what": lookup.what, "text": unknown.text}
        message = f"{label}: {reason}"
        if entry.suggestions:
            message += " " + _("(ใกล้เคียง: %(names)s)") % {"names": ", ".join(str(obj) for obj in entry.suggestions)}
        return message

    def plan(self, filename: str) -> ImportPlan:
        rows = self.layout.rows
        self._load_for(rows)
        plan = ImportPlan(filename=filename, fields=[name for _, name in self.columns],
                          headers=list(self.layout.headers), header_lines=list(self.layout.header_lines),
                          skipped=list(self.layout.skipped), data_rows=len(rows))
        seen_numbers: dict[str, int] = {}
        read = []
        self.method_note_only = "notes" not in self.index  # the procurement method is the only note written
        for line, cells in rows:
            problems: list[str] = []
            flags: list[str] = []
            leave_out = ""
            if len(cells) > self.width and any(cell is not None for cell in cells[self.width:]):
                problems.append(_("มีข้อมูลเกินคอลัมน์สุดท้ายที่มีหัวคอลัมน์"))
            values: dict = {}
            raws: dict = {}
            for index, name in self.columns:
                raw = cells[index] if index < len(cells) else None
                convert = self.converters.get(name)
                if convert is None:
                    raws[name] = raw
                    continue
                try:
                    value = convert(raw)
                except _Bad as error:
                    problems.append(f"{_label(name)}: {error}")
                    continue
                except _Unknown as unknown:
                    problems.append(self._note_unknown(unknown, line))
                    continue
                except _LeaveOut as reason:
                    leave_out = leave_out or str(reason)
                    continue
                if isinstance(value, tuple):  # a procurement method written as how it was acquired
                    value, note = value
                    raws["__method_note"] = note
                values[name] = value
            for name in ("name", "specification", "brand_model", "serial_number", "document_number", "vendor_name",
                         "vendor_address", "vendor_phone", "unit", "notes"):
                if name in raws:
                    values[name] = _text(raws[name])  # as written ("-" too: an export read back changes nothing)
            if raws.get("__method_note"):
                values["notes"] = "\n".join(part for part in (values.get("notes", ""), raws["__method_note"]) if part)
            context = self._context(line, values, problems)
            if values.get("category") is None and "category" in context:
                values.pop("category", None)  # the heading's category, for a new asset (see _plan_new)
            quantity, unit = self._quantity(raws.get(vocabulary.QUANTITY), problems)
            if unit and not values.get("unit"):
                values["unit"] = unit
            self._prices(raws, values, quantity, problems, flags)
            number_text = _text(raws.get("number")) if "number" in raws else ""
            numbers, number_problems, number_flags = self._numbers(number_text, quantity)
            problems += number_problems
            flags += number_flags
            if numbers and vocabulary.QUANTITY in raws and raws[vocabulary.QUANTITY] is not None \
                    and len(numbers) != quantity and _RANGE.match(number_text):
                problems.append(_("ช่วงหมายเลข “%(text)s” มี %(count)s หมายเลข แต่จำนวนคือ %(quantity)s") % {
                    "text": number_text, "count": len(numbers), "quantity": quantity})
            self._date(raws, values, numbers, problems, flags)
            for number in numbers:
                key = number_key(number)
                if len(number) > _NUMBER_MAX:
                    problems.append(_("หมายเลขครุภัณฑ์ยาวได้ไม่เกิน %(max)s ตัวอักษร") % {"max": _NUMBER_MAX})
                elif key in seen_numbers:
                    problems.append(_("หมายเลขครุภัณฑ์ %(number)s ซ้ำกับแถวที่ %(row)s") % {
                        "number": number, "row": seen_numbers[key]})
                else:
                    seen_numbers[key] = line
            read.append((line, cells, values, raws, numbers, max(quantity, len(numbers), 1), problems, flags, leave_out,
                         context))
        hashes = {}
        items_so_far: dict[str, int] = {}  # identical rows (two chairs without numbers) are items 1–2, 3–4, …
        for line, _cells, values, raws, numbers, count, _problems, _flags, _leave, _context in read:
            if not numbers:
                row_print = self._fingerprint(line, _cells)
                first = items_so_far.get(row_print, 0)
                hashes[line] = [_item_hash(row_print, first + item) for item in range(1, count + 1)]
                items_so_far[row_print] = first + count
        seen = self._seen([value for values in hashes.values() for value in values])
        for line, cells, values, raws, numbers, count, problems, flags, leave_out, context in read:
            self.line, self.cells = line, cells
            if leave_out and not problems:
                plan.left_out.append(LeftOut(line, leave_out, cells))
                continue
            existing = [self.existing.get(number_key(number)) for number in numbers]
            if values.get("status") == Status.DISPOSED and not any(existing) and not problems:
                plan.left_out.append(LeftOut(line, _("จำหน่ายแล้ว: ไม่ลงทะเบียน"), cells))
                continue
            if "location" in self.index:
                location_problems: list[str] = []
                with_context = {**context, **values}
                self._resolve_location(cells, with_context, next((asset for asset in existing if asset), None),
                                       location_problems)
                if "location" in with_context:
                    values["location"] = with_context["location"]
                problems = problems + location_problems
            if leave_out:
                problems = problems + [leave_out]
            if problems:
                plan.errors.append(RowError(line, problems, cells))
                continue
            estimated = values.pop("__estimated_acquired_on", False)
            blank_price = values.pop("__blank_price", False)
            for item in range(count):
                fingerprint = hashes[line][item] if line in hashes else ""
                if fingerprint in seen:
                    plan.seen_before += 1
                    continue
                asset = existing[item] if numbers else None
                if asset is not None:
                    changes = dict(values)
                    if estimated:
                        changes.pop("acquired_on", None)  # an estimate never replaces a recorded date
                    if blank_price:
                        changes.pop("unit_price", None)  # nor a blank price a recorded one
                    if self.method_note_only:
                        changes.pop("notes", None)  # nor the procurement method the notes it has
                    for name in REQUIRED_FIELDS:  # a blank cell cannot clear what the register requires
                        if changes.get(name) in (None, ""):
                            changes.pop(name, None)
                    self._plan_change(plan, line, asset, changes)
                else:
                    self._plan_new(plan, line, numbers[item] if numbers else "", {**context, **values}, flags, cells,
                                   fingerprint, item + 1 if count > 1 else 0)
        plan.unknown_values = list(self.unknown.values())
        return plan

    def _context(self, line: int, values: dict, problems: list[str]) -> dict:
        """What a new asset takes from around its row: one value for every row where the file has no column for a
        field, and the category of the group heading the row is listed under. An existing asset keeps its own."""
        context = {name: default for name, default in self.defaults.items() if default is not None}
        if values.get("category") is None:
            heading = self.layout.sections.get(line, "")
            if heading:
                try:
                    context["category"] = self.categories(heading)
                except _Unknown as unknown:
                    problems.append(self._note_unknown(unknown, line))
                except _LeaveOut as reason:
                    problems.append(str(reason))
        return context

    def _quantity(self, raw, problems: list[str]) -> tuple[int, str]:
        if raw is None:
            return 1, ""
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            if not float(raw).is_integer() or raw < 1 or raw > MAX_ITEMS_PER_ROW:
                problems.append(_("จำนวน: “%(value)s” ต้องเป็นจำนวนเต็ม 1 ถึง %(max)s") % {
                    "value": _text(raw), "max": f"{MAX_ITEMS_PER_ROW:,}"})
                return 1, ""
            return int(raw), ""
        text = _text(raw)
        if not text or text in _DASHES:
            return 1, ""
        match = _QUANTITY.match(to_arabic_digits(text))
        if match is None or not match[1].replace(",", "").split(".")[0] or \
                not 1 <= float(match[1].replace(",", "")) <= MAX_ITEMS_PER_ROW:
            problems.append(_("จำนวน: “%(value)s” ต้องเป็นจำนวนเต็ม 1 ถึง %(max)s") % {
                "value": text, "max": f"{MAX_ITEMS_PER_ROW:,}"})
            return 1, ""
        return int(float(match[1].replace(",", ""))), (match[2] or "").strip()[:30]

    def _prices(self, raws: dict, values: dict, quantity: int, problems: list[str], flags: list[str]) -> None:
        total = None
        if vocabulary.TOTAL_PRICE in raws:
            try:
                total = _decimal(raws[vocabulary.TOTAL_PRICE])
            except _Bad as error:
                problems.append(f"{field_label(vocabulary.TOTAL_PRICE)}: {error}")
        unit = values.get("unit_price")
        if unit is None and total is not None:
            values["unit_price"] = unit = (total / quantity).quantize(CENT, rounding=ROUND_HALF_UP)
            if quantity > 1:
                flags.append(_("ราคาต่อหน่วยคิดจากราคารวม %(total)s บาท หาร %(n)s") % {"total": f"{total:,.2f}",
                                                                                     "n": quantity})
        elif unit is not None and total is not None and unit * quantity != total:
            flags.append(_("ราคาต่อหน่วย %(unit)s × %(n)s ไม่เท่ากับราคารวม %(total)s บาท") % {
                "unit": f"{unit:,.2f}", "n": quantity, "total": f"{total:,.2f}"})
        if values.get("unit_price") is None and ("unit_price" in self.index or vocabulary.TOTAL_PRICE in raws) \
                and not any(message.startswith(_label("unit_price")) for message in problems):
            values["unit_price"], values["__blank_price"] = Decimal("0.00"), True
            flags.append(_("ไม่มีราคาในไฟล์: ลงทะเบียน 0.00 บาท กรุณาตรวจสอบราคา"))
        elif values.get("unit_price") == 0 and not flags:
            flags.append(_("ราคา 0.00 บาท กรุณาตรวจสอบราคา"))

    def _date(self, raws: dict, values: dict, numbers: list[str], problems: list[str], flags: list[str]) -> None:
        """The acquisition date as written; a month and year or a year alone, or nothing with a fiscal year or a
        number that carries one, give the nearest defensible date, flagged; never guessed without saying so."""
        raw = raws.get("acquired_on")
        if "acquired_on" in raws:
            text = "" if raw is None else _text(raw)
            if raw is not None and text not in _DASHES:
                try:
                    values["acquired_on"] = self.dates(raw)
                    return
                except _Bad as error:
                    partial = parse_partial_date(text)
                    if partial is None:
                        problems.append(f"{_label('acquired_on')}: {error}")
                        return
                    day, precision = partial
                    values["acquired_on"], values["__estimated_acquired_on"] = day, True
                    flags.append(_("วันที่ได้มา “%(text)s” ไม่มีวันที่: ลงเป็น %(day)s กรุณาตรวจสอบ") % {
                        "text": text, "day": format_date(day)} if precision == "month" else
                        _("วันที่ได้มามีแต่ปี “%(text)s”: ลงเป็นวันแรกของปีงบประมาณ (%(day)s) กรุณาตรวจสอบ") % {
                        "text": text, "day": format_date(day)})
                    return
        year = None
        if vocabulary.FISCAL_YEAR in raws and raws[vocabulary.FISCAL_YEAR] is not None:
            try:
                year = _integer(raws[vocabulary.FISCAL_YEAR])
            except _Bad as error:
                problems.append(f"{field_label(vocabulary.FISCAL_YEAR)}: {error}")
                return
            if year is not None and not 2400 <= year <= 2942:
                problems.append(_("%(field)s: “%(value)s” ต้องเป็นปี พ.ศ. เช่น 2567") % {
                    "field": field_label(vocabulary.FISCAL_YEAR), "value": _text(raws[vocabulary.FISCAL_YEAR])})
                return
            source = _("ปีงบประมาณ %(year)s") % {"year": year} if year else ""
        if year is None and numbers and (match := _NUMBER_YEAR.match(numbers[0])):
            year = 2500 + int(to_arabic_digits(match[1]))
            source = _("ปีในหมายเลข %(number)s") % {"number": numbers[0]}
        if year:
            day = fiscal_year_bounds(year)[0]
            values["acquired_on"], values["__estimated_acquired_on"] = day, True
            flags.append(_("ไม่มีวันที่ได้มา: ลงเป็นวันแรกของปีงบประมาณ %(year)s (%(day)s) จาก%(source)s กรุณาตรวจสอบ") % {
                "year": year, "day": format_date(day), "source": source})
            return
        if "acquired_on" in raws:
            values["acquired_on"] = None

    @staticmethod
    def _seen(hashes: list[str]) -> set[str]:
        """Which of these item fingerprints were imported before (their asset still in the register)."""
        found: set[str] = set()
        wanted = sorted(set(hashes))
        for start in range(0, len(wanted), 900):
            found.update(ImportedRow.objects.filter(fingerprint__in=wanted[start:start + 900])
                         .values_list("fingerprint", flat=True))
        return found

    def _fingerprint(self, line: int, cells: list) -> str:
        """A row's cells as read, in the order of the fields they fill (and the group it is listed under): the
        same row in this file or in another with its columns in another order reads the same."""
        parts = [self.layout.sections.get(line, "")]
        parts.extend(f"{name}:{obj.pk}" for name, obj in sorted(self.defaults.items()) if obj is not None)
        for index, name in self.by_field:
            cell = cells[index] if index < len(cells) else None
            parts.append(f"{name}={'' if cell is None else cell}")
        return "\x1f".join(parts)

    def _resolve_location(self, cells, values: dict, existing: Asset | None, problems: list[str]) -> None:
        at = self.index["location"]
        text = _text(cells[at]) if at < len(cells) else ""
        if not text:
            values["location"] = None
            return
        division = values.get("division") or (existing.division if existing is not None else None)
        if division is None:
            return  # the division's own problem is reported
        location = self.locations.get((division.pk, _norm(text)))
        if location is None:
            choice = self.location_choices.get(value_key(text))
            if choice == LEAVE_OUT:
                problems.append(_("เลือกไม่นำเข้าแถวที่มีสถานที่ “%(text)s”") % {"text": text})
                return
            location = self.locations_by_id.get(_as_id(choice))
        if location is None:
            key = ("location", value_key(text))
            entry = self.unknown.setdefault(key, UnknownValue("location", text, [], []))
            entry.lines.append(self.line)
            problems.append(_("%(field)s: ไม่พบสถานที่ “%(location)s” ใน%(division)s") % {
                "field": _label("location"), "location": text, "division": division})
        else:
            values["location"] = location

    def _inactive(self, values: dict, existing: Asset | None) -> list[str]:
        """References switched off (ใช้งาน unticked, a user who left): kept on an asset that has them, not newly set."""
        problems = []
        for name in ("category", "division", "location", "acquisition_method", "budget_type", "custodian"):
            obj = values.get(name)
            if obj is None or obj.is_active:
                continue
            if existing is not None and getattr(existing, f"{name}_id") == obj.pk:
                continue
            problems.append(_("%(field)s: “%(value)s” ถูกปิดการใช้งานแล้ว") % {"field": _label(name), "value": obj})
        return problems

    def _plan_new(self, plan: ImportPlan, line: int, number: str, values: dict, flags: list[str], cells: list,
                  fingerprint: str, item: int) -> None:
        problems = self._inactive(values, None)
        for name in ("category", "division", "acquired_on", "unit_price"):
            if values.get(name) is None:
                problems.append(_("%(field)s: กรุณาระบุ%(field)s") % {"field": _label(name)})
        status = values.pop("status", None) or Status.IN_USE
        if status not in services.MANUAL_STATUSES:
            problems.append(_("%(field)s: ครุภัณฑ์ใหม่จะมีสถานะ “%(status)s” ไม่ได้ (สถานะนี้มาจากขั้นตอนงานยืม/คืน/จำหน่าย)") % {
                "field": _label("status"), "status": Status(status).label})
        if problems:
            if not any(error.line == line for error in plan.errors[-1:]):
                plan.errors.append(RowError(line, problems, cells))
            return
        fields = {
            "specification": "", "brand_model": "", "serial_number": "", "location": None, "custodian": None,
            "acquisition_method": None, "budget_type": None, "document_number": "", "vendor_name": "",
            "vendor_address": "", "vendor_phone": "", "unit": "เครื่อง", "useful_life_years": None,
            "is_lendable": False, "notes": "",
        }
        fields.update(values)
        if fields["useful_life_years"] is None:
            fields["useful_life_years"] = fields["category"].useful_life_years
        if flags:
            fields["review_note"] = "; ".join(flags)
        asset = services.asset_new(status=status, **fields)
        try:
            services.asset_check(asset)
        except ValidationError as error:
            if not any(error_.line == line for error_ in plan.errors[-1:]):
                plan.errors.append(RowError(line, [services.describe_error(error)], cells))
            return
        fields["unit_price"] = fields["unit_price"].quantize(CENT)
        fields.update(number=number, status=status)
        asset.number = number
        plan.to_create.append(NewAsset(line, fields, asset, list(flags), fingerprint, item))

    def _plan_change(self, plan: ImportPlan, line: int, asset: Asset, values: dict) -> None:
        if "useful_life_years" in values and values["useful_life_years"] is None:
            values["useful_life_years"] = (values.get("category") or asset.category).useful_life_years
        if values.get("status", "") is None:
            del values["status"]  # a blank status leaves it as it is
        changed = {}
        for name, value in values.items():
            current = getattr(asset, name)
            if hasattr(current, "_meta") or hasattr(value, "_meta"):
                differs = (current.pk if current is not None else None) != (value.pk if value is not None else None)
            elif name in _TEXT_FIELDS:
                differs = _lines(current) != _lines(value)
            else:
                differs = current != value
            if differs:
                changed[name] = value
        if not changed:
            plan.unchanged += 1
            return
        problems = self._inactive(changed, asset)
        status = changed.get("status")
        if status is not None and (asset.status not in services.MANUAL_STATUSES
                                   or status not in services.MANUAL_STATUSES):
            problems.append(_("%(field)s: เปลี่ยนจาก “%(old)s” เป็น “%(new)s” ไม่ได้ "
                              "สถานะนี้เปลี่ยนได้จากขั้นตอนงาน (ยืม/คืน/จำหน่าย) เท่านั้น") % {
                "field": _label("status"), "old": asset.get_status_display(), "new": Status(status).label})
        candidate = copy.copy(asset)
        for name, value in changed.items():
            setattr(candidate, name, value)
        if not problems:
            try:
                services.asset_check(candidate)
            except ValidationError as error:
                problems.append(services.describe_error(error))
        if problems:
            plan.errors.append(RowError(line, problems, self.cells))
            return
        before, after = services.snapshot(asset), services.snapshot(candidate)
        plan.to_change.append(AssetChange(line, asset, changed, {name: [before[name], after[name]] for name in changed}))
