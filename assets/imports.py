"""Import of the register from XLSX or CSV: read the file, plan what it would do, then commit it whole.

`parse_import` reads the table (common.spreadsheets), maps its headers (the export's Thai headers,
the English labels, or the field names), resolves every row against reference tables loaded once,
and returns an ImportPlan: the assets to create, the assets to change (with their changes), how many
rows are unchanged, and every bad row with its row number and Thai reasons. Nothing is written.

`commit_import` writes a plan without errors in one transaction through the bulk services
(`assets_update_bulk`, `assets_register_bulk`): one log entry per asset created or changed, plus
one "asset.import" entry for the file when anything was written; any failure writes nothing.

A row whose number matches an asset of the register (Thai and Arabic digits alike) is a change of that
asset; any other row is a new asset, its number allocated on commit when blank. A column missing from
the file leaves that field of existing assets as it is (new assets get the default); a blank cell
in a present column is a blank value.
"""

import copy
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _

from activity import log
from common.spreadsheets import ImportRefused, SpreadsheetError, Table, read_table, restore
from organization import roles
from organization.models import Division, Location, User
from thai.dates import ThaiDateError, format_date, parse_date
from thai.digits import to_arabic_digits

from . import services
from .exports import NO, REGISTER_FIELDS, YES
from .models import AcquisitionMethod, Asset, BudgetType, Category, Status
from .numbering import number_key

DEFAULT_MAX_ROWS = 20_000
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
REQUIRED_FIELDS = ("name", "category", "division", "acquired_on", "unit_price")
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


@dataclass
class NewAsset:
    """A row that registers a new asset: `values` is the row as read; `asset` the unsaved Asset built from
    it and checked (services.asset_check), which commit hands to assets_register_bulk (that checks it again)."""

    line: int
    values: dict
    asset: Asset | None = None

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
class ImportPlan:
    filename: str
    fields: list[str]
    to_create: list[NewAsset] = field(default_factory=list)
    to_change: list[AssetChange] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.to_create) + len(self.to_change) + self.unchanged + len(self.errors)

    @property
    def is_valid(self) -> bool:
        return not self.errors

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


def parse_import(data: bytes, filename: str, *, actor) -> ImportPlan:
    """Read a file and plan its import (writes nothing). Raises ImportRefused when the file as a whole is refused."""
    roles.require(actor, "asset.register")
    check_size(len(data))
    max_rows = import_limits()[0]
    try:
        table = read_table(data, filename, max_rows=max_rows)
    except SpreadsheetError as error:
        raise ImportRefused(str(error)) from None
    return plan_import(table, filename=filename)


def plan_import(table: Table, *, filename: str = "") -> ImportPlan:
    """Plan the import of a table already read (parse_import without the reading; benchmarks time it apart)."""
    columns = _map_headers(table)
    if not table.rows:
        raise ImportRefused(_("ไม่มีแถวข้อมูลในไฟล์ (มีแต่หัวคอลัมน์)"))
    return _Planner(columns, len(table.headers)).plan(table.rows, filename)


@transaction.atomic
def commit_import(plan: ImportPlan, *, actor) -> ImportResult:
    """Write a plan: changes, then new assets, in one transaction; any failure writes nothing."""
    if plan.errors:
        raise ImportRefused(_("ไม่ได้นำเข้า: มีแถวที่ไม่ถูกต้อง %(count)s แถว กรุณาแก้ไขไฟล์แล้วนำเข้าใหม่") % {
            "count": f"{len(plan.errors):,}"})
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
    if created or changed:
        # One entry for the import itself (the file and its counts) besides one per asset created or changed.
        log.record("asset.import", actor=actor, object_type="assets.asset",
                   object_repr=f"นำเข้าทะเบียนจากไฟล์ {plan.filename}",
                   details={"filename": plan.filename, "rows": plan.rows, "created": len(created),
                            "changed": len(changed), "unchanged": plan.unchanged})
    return ImportResult(created=created, changed=changed)


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


def header_aliases() -> dict[str, str]:
    """Every header a column may have → its field: the field name and its label in each language."""
    aliases = {}
    for name in REGISTER_FIELDS:
        aliases[_norm(name)] = name
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                aliases[_norm(Asset._meta.get_field(name).verbose_name)] = name
    return aliases


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _map_headers(table: Table) -> list[tuple[int, str]]:
    aliases = header_aliases()
    columns: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    problems = []
    unknown = []
    for index, header in enumerate(table.headers):
        if not header:
            if any(index < len(cells) and cells[index] is not None for _, cells in table.rows):
                problems.append(_("คอลัมน์ %(column)s มีข้อมูลแต่ไม่มีหัวคอลัมน์") % {"column": _column_letter(index)})
            continue
        name = aliases.get(_norm(header).rstrip(" *"))
        if name is None:
            unknown.append(_("“%(header)s” (คอลัมน์ %(column)s)") % {"header": header, "column": _column_letter(index)})
        elif name in seen:
            problems.append(_("หัวคอลัมน์ “%(header)s” ซ้ำกัน (คอลัมน์ %(first)s และ %(second)s)") % {
                "header": _label(name), "first": _column_letter(seen[name]), "second": _column_letter(index)})
        else:
            seen[name] = index
            columns.append((index, name))
    if unknown:
        problems.insert(0, _("ไม่รู้จักหัวคอลัมน์ %(headers)s ใช้หัวคอลัมน์แบบที่ระบบส่งออก (เช่น “หมายเลขครุภัณฑ์”) "
                              "หรือชื่อฟิลด์ (เช่น number)") % {"headers": ", ".join(unknown)})
    missing = [_label(name) for name in REQUIRED_FIELDS if name not in seen]
    if missing:
        problems.insert(0, _("ไม่มีคอลัมน์ที่จำเป็น: %(columns)s") % {"columns": ", ".join(missing)})
    if problems:
        raise ImportRefused(*problems)
    return columns


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
    text = to_arabic_digits(_text(raw)).replace(",", "").replace(" ", "")
    if not text:
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


class _Lookup:
    """One reference table loaded once, found by code, by name, or by "code name" as the pages show it."""

    def __init__(self, objects, *, what: str, name_field: str = "name"):
        self.what = what
        objects = list(objects)
        self.by_key: dict[str, object] = {}
        for obj in objects:
            self.by_key[_norm(getattr(obj, name_field))] = obj
            self.by_key[_norm(str(obj))] = obj
        for obj in objects:  # a code wins over another entry's name
            self.by_key[_norm(obj.code)] = obj

        self.seen: dict = {}  # cell value → what it names: a file repeats the same few codes

    def __call__(self, raw):
        found = self.seen.get(raw)
        if found is not None:
            return found
        text = _text(raw)
        if not text:
            return None
        found = self.by_key.get(_norm(text))
        if found is None:
            raise _Bad(_("ไม่พบ%(what)sที่มีรหัสหรือชื่อ “%(text)s”") % {"what": self.what, "text": text})
        self.seen[raw] = found
        return found


# --- planning ----------------------------------------------------------------------------------------


class _Planner:
    def __init__(self, columns: list[tuple[int, str]], width: int):
        self.columns = columns
        self.width = width
        self.index = {name: index for index, name in columns}
        self.categories = _Lookup(Category.objects.all(), what=_("ประเภท"))
        self.divisions = _Lookup(Division.objects.all(), what=_("กอง"))
        self.methods = _Lookup(AcquisitionMethod.objects.all(), what=_("วิธีการได้มา"))
        self.budgets = _Lookup(BudgetType.objects.all(), what=_("ประเภทเงิน"))
        self.locations: dict[tuple[int, str], Location] = {}  # (division id, code or name) → location
        locations = list(Location.objects.all())
        for location in locations:
            self.locations[(location.division_id, _norm(location.name))] = location
        for location in locations:  # a code wins over another location's name
            self.locations[(location.division_id, _norm(location.code))] = location
        self.statuses = _status_aliases()
        self.dates = _Dates()
        self.converters = {
            "category": self.categories, "division": self.divisions, "acquisition_method": self.methods,
            "budget_type": self.budgets, "acquired_on": self.dates, "unit_price": _decimal,
            "useful_life_years": _integer, "is_lendable": _boolean, "status": self._status,
            "custodian": self._custodian,
        }
        self.users: dict[str, User] = {}
        self.existing: dict[str, Asset] = {}

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
        if "number" in self.index:
            at = self.index["number"]
            keys = sorted({number_key(_text(cells[at])) for _, cells in rows if at < len(cells)} - {""})
            related = ("category", "division", "location", "custodian", "acquisition_method", "budget_type")
            for start in range(0, len(keys), 900):
                for asset in Asset.objects.select_related(*related).filter(number_key__in=keys[start:start + 900]):
                    self.existing[asset.number_key] = asset

    def _custodian(self, raw):
        text = _text(raw)
        if not text:
            return None
        user = self.users.get(text.casefold())
        if user is None:
            raise _Bad(_("ไม่พบผู้ใช้ชื่อบัญชี “%(username)s”") % {"username": text})
        return user

    def _status(self, raw):
        status = self.statuses.get(raw)
        if status is not None:
            return status
        text = _text(raw)
        if not text:
            return None
        status = self.statuses.get(_norm(text))
        if status is None:
            raise _Bad(_("ไม่รู้จักสถานะ “%(status)s”") % {"status": text})
        self.statuses[raw] = status
        return status

    def plan(self, rows, filename: str) -> ImportPlan:
        self._load_for(rows)
        plan = ImportPlan(filename=filename, fields=[name for _, name in self.columns])
        seen_numbers: dict[str, int] = {}
        number_at = self.index.get("number")
        for line, cells in rows:
            problems: list[str] = []
            if len(cells) > self.width and any(cell is not None for cell in cells[self.width:]):
                problems.append(_("มีข้อมูลเกินคอลัมน์สุดท้ายที่มีหัวคอลัมน์"))
            number = _text(cells[number_at]) if number_at is not None and number_at < len(cells) else ""
            key = number_key(number)
            if key:
                if len(number) > _NUMBER_MAX:
                    problems.append(_("หมายเลขครุภัณฑ์ยาวได้ไม่เกิน %(max)s ตัวอักษร") % {"max": _NUMBER_MAX})
                if key in seen_numbers:
                    problems.append(_("หมายเลขครุภัณฑ์ %(number)s ซ้ำกับแถวที่ %(row)s") % {"number": number, "row": seen_numbers[key]})
                else:
                    seen_numbers[key] = line
            values = {}
            for index, name in self.columns:
                if name == "number" or name == "location":
                    continue
                raw = cells[index] if index < len(cells) else None
                convert = self.converters.get(name)
                if convert is None:
                    values[name] = _text(raw)
                    continue
                try:
                    values[name] = convert(raw)
                except _Bad as error:
                    problems.append(f"{_label(name)}: {error}")
            existing = self.existing.get(key) if key else None
            if "location" in self.index:
                self._resolve_location(cells, values, existing, problems)
            if problems:
                plan.errors.append(RowError(line, problems))
            elif existing is not None:
                self._plan_change(plan, line, existing, values)
            else:
                self._plan_new(plan, line, number, values)
        return plan

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

    def _plan_new(self, plan: ImportPlan, line: int, number: str, values: dict) -> None:
        problems = self._inactive(values, None)
        for name in ("category", "division", "acquired_on", "unit_price"):
            if values.get(name) is None:
                problems.append(_("%(field)s: กรุณาระบุ%(field)s") % {"field": _label(name)})
        status = values.pop("status", None) or Status.IN_USE
        if status not in services.MANUAL_STATUSES:
            problems.append(_("%(field)s: ครุภัณฑ์ใหม่จะมีสถานะ “%(status)s” ไม่ได้ (สถานะนี้มาจากขั้นตอนงานยืม/คืน/จำหน่าย)") % {
                "field": _label("status"), "status": Status(status).label})
        if problems:
            plan.errors.append(RowError(line, problems))
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
        asset = services.asset_new(status=status, **fields)
        try:
            services.asset_check(asset)
        except ValidationError as error:
            plan.errors.append(RowError(line, [services.describe_error(error)]))
            return
        fields["unit_price"] = fields["unit_price"].quantize(CENT)
        fields.update(number=number, status=status)
        asset.number = number
        plan.to_create.append(NewAsset(line, fields, asset))

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
            plan.errors.append(RowError(line, problems))
            return
        before, after = services.snapshot(asset), services.snapshot(candidate)
        plan.to_change.append(AssetChange(line, asset, changed, {name: [before[name], after[name]] for name in changed}))
