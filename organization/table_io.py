"""Spreadsheets in and out for the organisation's tables (staff, divisions, locations, holidays, and the register's
reference lists registered by the apps that own them), on django-import-export's resources.

A file is read as it is kept (`common.layout`: the header below title rows, group headings, blank lines and totals
skipped), its headers matched to the resource's columns through the spellings people use (`Spec.aliases`), then
imported by the resource: a dry run for the preview (every row's outcome and every reason at once), the same run
again to commit, all of it or nothing. A row that would change nothing is reported as unchanged, so importing the
same file twice changes nothing.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from import_export.results import RowResult

from common import layout
from common.spreadsheets import ImportRefused, SpreadsheetError, read_rows, restore, write_xlsx

from . import roles

MAX_ROWS = 5_000
_KEY = re.compile(r"[\s\-–—_/.:()*]+")


def header_key(text: str) -> str:
    """A header as compared: no spaces, dashes, slashes or brackets, lower case ("ชื่อ - สกุล" = "ชื่อสกุล")."""
    return _KEY.sub("", str(text or "")).lower()


@dataclass(frozen=True)
class Spec:
    """One table offered in the set-up area. `aliases`: other headers for a column, by the resource's column
    name; `required`: the columns a file must have (a tuple inside: any one of them); `action`: the permission of
    organization.roles."""

    key: str
    label: str
    resource: Callable
    action: str
    required: tuple[str | tuple[str, ...], ...]
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    help: str = ""
    # A column that a heading row above a group of rows may give instead ("สำนักปลัดเทศบาล" above its staff).
    section_column: str | None = None

    def columns(self) -> list[str]:
        return [f.column_name for f in self.resource().get_import_fields()]

    @cached_property
    def _by_key(self) -> dict[str, str]:
        """Every header spelling, compared as header_key, to its column (the column's own name first)."""
        found: dict[str, str] = {}
        for column in self.columns():
            found.setdefault(header_key(column), column)
        for column in self.columns():
            for alias in self.aliases.get(column, ()):
                found.setdefault(header_key(alias), column)
        return found

    def column_of(self, header: str) -> str | None:
        return self._by_key.get(header_key(header))


REGISTRY: dict[str, Spec] = {}


def register(spec: Spec) -> None:
    REGISTRY[spec.key] = spec


def specs_for(user) -> list[Spec]:
    return [spec for spec in REGISTRY.values() if roles.can(user, spec.action)]


@dataclass
class Problem:
    line: int
    column: str
    message: str


@dataclass
class Outcome:
    """What an import did (or, in a preview, would do). `rows`: (line, kind, summary) for each data row, kind one
    of new / update / skip / invalid / error; `problems`: every reason of every refused row; `skipped`: the rows
    of the sheet that are not data (titles, headings, totals), `ignored`: headers that match no column."""

    spec: Spec
    committed: bool
    rows: list[tuple[int, str, str]]
    problems: list[Problem]
    skipped: list[layout.Skipped]
    ignored: list[str]

    def count(self, kind: str) -> int:
        return sum(1 for _line, row_kind, _summary in self.rows if row_kind == kind)

    @property
    def count_new(self) -> int:
        return self.count("new")

    @property
    def count_update(self) -> int:
        return self.count("update")

    @property
    def count_skip(self) -> int:
        return self.count("skip")

    @property
    def ok(self) -> bool:
        return not self.problems


def read_dataset(spec: Spec, data: bytes, filename: str) -> tuple[tablib.Dataset, list[int], list[layout.Skipped],
                                                                   list[str]]:
    """The file as the resource's dataset: its columns renamed to the resource's names, each row with its line in
    the file. Raises ImportRefused (Thai) for a file that cannot be read or lacks a required column."""
    try:
        lines = read_rows(data, filename, max_rows=MAX_ROWS + layout.SEARCH_ROWS)
    except SpreadsheetError as error:
        raise ImportRefused(str(error)) from None
    found = layout.find_layout(lines, lambda text: spec.column_of(text) is not None)
    if found is None:
        raise ImportRefused(_("ไม่พบแถวหัวคอลัมน์ในไฟล์: ต้องมีคอลัมน์ %(columns)s")
                            % {"columns": ", ".join(_named(need) for need in spec.required)})
    names: list[str | None] = []
    ignored: list[str] = []
    for position, candidates in enumerate(found.candidates):
        column = next((column for column in map(spec.column_of, candidates) if column), None)
        if column in names:
            column = None  # a second column of the same meaning: the first one counts
        names.append(column)
        if column is None and found.headers[position]:
            ignored.append(found.headers[position])
    from_sections = bool(spec.section_column and spec.section_column not in names and found.sections)
    given = set(names) | ({spec.section_column} if from_sections else set())
    missing = [need for need in spec.required
               if not any(name in given for name in ((need,) if isinstance(need, str) else need))]
    if missing:
        raise ImportRefused(*[
            _("ไม่พบคอลัมน์ %(column)s ในแถวหัวคอลัมน์ (แถวที่ %(line)s): เพิ่มคอลัมน์นี้ หรือเปลี่ยนชื่อหัวคอลัมน์ให้ตรง")
            % {"column": _named(need), "line": found.header_lines[0]} for need in missing])
    if len(found.rows) > MAX_ROWS:
        raise ImportRefused(_("ไฟล์มีข้อมูลเกิน %(max)s แถว: กรุณาแบ่งเป็นหลายไฟล์") % {"max": f"{MAX_ROWS:,}"})
    kept = [position for position, name in enumerate(names) if name]
    headers = [names[position] for position in kept] + ([spec.section_column] if from_sections else [])
    # The resource finds a row's instance by its id columns; a file without them gets them blank (the resource
    # then finds the row by its other values, or gives it a new code).
    resource = spec.resource()
    id_columns = [f.column_name for name, f in resource.fields.items() if name in resource._meta.import_id_fields]
    blank_ids = [column for column in id_columns if column not in headers]
    dataset = tablib.Dataset(headers=headers + blank_ids)
    numbers = []
    for number, cells in found.rows:
        values = [_cell_text(cells[position] if position < len(cells) else None) for position in kept]
        dataset.append(values + ([found.sections.get(number, "")] if from_sections else []) + [""] * len(blank_ids))
        numbers.append(number)
    return dataset, numbers, found.skipped, ignored


def _named(need) -> str:
    return f"“{need}”" if isinstance(need, str) else _(" หรือ ").join(f"“{name}”" for name in need)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(restore(value)).strip()


def run(spec: Spec, data: bytes, filename: str, *, actor, commit: bool) -> Outcome:
    """Preview (commit=False) or import the file. A commit with any refused row writes nothing."""
    roles.require(actor, spec.action)
    dataset, numbers, skipped, ignored = read_dataset(spec, data, filename)
    resource = spec.resource()
    with transaction.atomic():
        result = resource.import_data(dataset, dry_run=not commit, use_transactions=True, actor=actor,
                                      rollback_on_validation_errors=True)
        outcome = _outcome(spec, resource, result, numbers, skipped, ignored, committed=commit)
        if not outcome.ok:  # any refused row: nothing is written
            transaction.set_rollback(True)
            outcome.committed = False
    return outcome


def _outcome(spec, resource, result, numbers, skipped, ignored, *, committed: bool) -> Outcome:
    columns = {f.attribute: f.column_name for f in resource.get_import_fields() if f.attribute}
    columns.update(getattr(resource, "problem_columns", {}))
    problems: list[Problem] = [Problem(0, "", _("นำเข้าไม่ได้: %(error)s") % {"error": error.error})
                               for error in result.base_errors]
    refused: dict[int, str] = {}
    for invalid in result.invalid_rows:
        line = numbers[invalid.number - 1]
        for attribute, messages in _messages(invalid.error):
            for message in messages:
                problems.append(Problem(line, columns.get(attribute) or _field_label(resource, attribute), message))
        refused[invalid.number] = RowResult.IMPORT_TYPE_INVALID
    for error_row in result.error_rows:
        line = numbers[error_row.number - 1]
        for error in error_row.errors:
            problems.append(Problem(line, "", _("บันทึกแถวนี้ไม่ได้: %(error)s") % {"error": error.error}))
        refused[error_row.number] = RowResult.IMPORT_TYPE_ERROR
    rows = []
    for index, row_result in enumerate(result.rows, 1):
        kind = refused.get(index, row_result.import_type)
        rows.append((numbers[index - 1], kind, row_result.object_repr or ""))
    problems.sort(key=lambda problem: problem.line)
    return Outcome(spec, committed, rows, problems, skipped, ignored)


def _field_label(resource, attribute: str) -> str:
    try:
        return str(resource._meta.model._meta.get_field(attribute).verbose_name)
    except Exception:  # noqa: BLE001 - a non-field error: no column to name
        return ""


def _messages(error: ValidationError):
    if hasattr(error, "error_dict"):
        for attribute, errors in error.message_dict.items():
            yield ("" if attribute == "__all__" else attribute), errors
    else:
        yield "", error.messages


def export_xlsx(spec: Spec, *, actor) -> bytes:
    """The table as a spreadsheet with the same headers the import reads."""
    roles.require(actor, spec.action)
    dataset = spec.resource().export()
    return write_xlsx(dataset.headers, list(dataset), spec.label[:31])
