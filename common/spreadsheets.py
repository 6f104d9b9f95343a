"""Reading and writing tables as XLSX and CSV, safely: no domain here, only files, cells and encodings.

Writing: CSV is UTF-8 with a BOM (so Excel reads Thai), XLSX is written by openpyxl in write-only
mode. Every text cell that a spreadsheet would run as a formula (it begins with = + - @) is written
with a leading "'" (`neutralise`); `restore` removes that one "'" again when the file comes back, so
an export read back in changes nothing.

Reading (`read_table`): the file must be what its name says. An .xlsx must be a ZIP that opens as a
workbook (python-calamine when installed, else openpyxl in read-only mode); a .csv must decode as
UTF-8 (with or without a BOM) or as Windows-874 (cp874, what Thai Excel writes) and contain no
binary control characters. Anything else is refused with a SpreadsheetError whose text is Thai,
ready to show to the person who uploaded the file.
"""

import codecs
import csv
import datetime as dt
import io
import itertools
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any, Iterable, Iterator, Sequence

from django.utils.translation import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@")
_NEUTRALISED = re.compile(r"'*[=+\-@]")  # what neutralise prefixes (see its docstring)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not in any text file a spreadsheet writes
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls of Excel 97-2003, and password-protected .xlsx
DEFAULT_MAX_UNPACKED = 500 * 1024 * 1024  # an .xlsx whose parts unpack to more is refused (zip bomb)
EXTENSIONS = (".xlsx", ".csv")

Cell = str | int | float | Decimal | bool | dt.date | None


class SpreadsheetError(ValueError):
    """A file that cannot be read as a table; str() is a Thai message for the person who sent it."""


class ImportRefused(ValueError):
    """An import's file as a whole cannot be imported (unreadable, too big, wrong columns, bad rows at commit).

    str() is Thai; `messages` holds each reason. Raised by the register import and the e-GP import."""

    def __init__(self, *messages: str):
        self.messages = [str(message) for message in messages]
        super().__init__(" ".join(self.messages))


@dataclass
class Table:
    """A sheet read from a file: the header row and the data rows, each with its row number in the file.

    Row numbers are 1-based as a spreadsheet shows them (the header is usually row 1). Blank rows are
    left out (their numbers are skipped). Cells are str, int, float, bool, datetime.date or None
    (an empty cell); text is as written in the file except that `restore` has not been applied.
    """

    headers: list[str]
    rows: list[tuple[int, list[Cell]]]

    def __iter__(self):  # headers, rows = read_table(...)
        return iter((self.headers, self.rows))


# --- formula-injection guard ---------------------------------------------------------------------


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading "'"; other values are returned as they are.

    Text that already begins with "'" followed (after any more "'") by = + - @ gets one more "'" too,
    so that `restore` gives back exactly what was written: restore(neutralise(x)) == x for every x.
    """
    if isinstance(value, str) and _NEUTRALISED.match(value):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    """Remove the one "'" that `neutralise` put in front of = + - @ (or of "'"s before one of them)."""
    if isinstance(value, str) and value.startswith("'") and _NEUTRALISED.match(value, 1):
        return value[1:]
    return value


# --- writing ---------------------------------------------------------------------------------------


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)  # numbers stay numbers: a negative amount is not a formula


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV in UTF-8 with a BOM (Excel opens it as Thai text), text cells neutralised, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_csv_cell(header) for header in headers])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


@dataclass
class SheetSpec:
    """One sheet of a workbook: its title, header row, rows, and optional number formats and widths."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    number_formats: dict[int, str] | None = None
    widths: Sequence[float] | None = None


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet_title: str = "Sheet1", *,
               number_formats: dict[int, str] | None = None, widths: Sequence[float] | None = None) -> bytes:
    """An .xlsx of one sheet (openpyxl, write-only): a bold, frozen header row, then the rows.

    Text cells are neutralised; numbers stay numbers (number_formats maps a column index to an Excel
    number format such as "#,##0.00"); dates are written as dates. `widths` are column widths in
    characters.
    """
    return write_xlsx_sheets([SheetSpec(sheet_title, headers, rows, number_formats, widths)])


_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_safe(value: Any) -> Any:
    """XML cannot hold control characters (a typed vertical tab made openpyxl refuse the whole file): they are
    dropped from the cell; tabs and line breaks stay."""
    return _XLSX_ILLEGAL.sub("", value) if isinstance(value, str) else value


def write_xlsx_sheets(specs: Sequence[SheetSpec]) -> bytes:
    """An .xlsx of several sheets, each written as write_xlsx writes its one."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for spec in specs:
        sheet = workbook.create_sheet(title=_sheet_title(spec.title))
        sheet.freeze_panes = "A2"
        for index, width in enumerate(spec.widths or ()):
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        header_cells = []
        for header in spec.headers:
            cell = WriteOnlyCell(sheet, value=neutralise(str(header)))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        formats = dict(spec.number_formats or {})
        for row in spec.rows:
            values = [_xlsx_safe(neutralise(value)) for value in row]
            for index, number_format in formats.items():
                if index < len(values) and values[index] is not None and not isinstance(values[index], str):
                    cell = WriteOnlyCell(sheet, value=values[index])
                    cell.number_format = number_format
                    values[index] = cell
            sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """Excel's rules: at most 31 characters, none of : \\ / ? * [ ]."""
    cleaned = re.sub(r"[:\\/?*\[\]]", " ", title or "").strip()[:31]
    return cleaned or "Sheet1"


# --- reading ---------------------------------------------------------------------------------------


def read_table(data: bytes, filename: str, *, max_rows: int | None = None,
               max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED) -> Table:
    """Read the first sheet of an .xlsx or a .csv: its first non-blank row is the header row.

    max_rows: more non-blank data rows than this are refused as soon as they are counted, before
    the caller reads any of them. Raises SpreadsheetError (Thai message) for anything unreadable.
    """
    name, extension = _checked_name(data, filename)
    if extension == ".xlsx":
        lines = _xlsx_lines(data, name, max_unpacked_bytes)
    else:
        lines = _csv_lines(data, name)
    return _table(lines, name, max_rows)


def read_rows(data: bytes, filename: str, *, max_rows: int | None = None,
              max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED) -> list[tuple[int, list[Cell]]]:
    """Every non-blank row of the first sheet (row number, cells; trailing empty cells dropped), with no header
    taken: for sheets whose header is not the first row (common.layout finds it). max_rows counts these rows."""
    name, extension = _checked_name(data, filename)
    lines = _xlsx_lines(data, name, max_unpacked_bytes) if extension == ".xlsx" else _csv_lines(data, name)
    rows: list[tuple[int, list[Cell]]] = []
    for number, cells in lines:
        while cells and cells[-1] is None:
            cells.pop()
        if not cells:
            continue
        if max_rows is not None and len(rows) > max_rows:
            raise SpreadsheetError(
                _("ไฟล์ “%(name)s” มีข้อมูลเกิน %(max)s แถว ซึ่งเป็นจำนวนสูงสุดที่นำเข้าได้ในครั้งเดียว "
                  "กรุณาแบ่งเป็นหลายไฟล์") % {"name": name, "max": f"{max_rows:,}"})
        rows.append((number, cells))
    if not rows:
        raise SpreadsheetError(_("ไฟล์ “%(name)s” ไม่มีข้อมูล (ไม่พบแถวหัวคอลัมน์)") % {"name": name})
    return rows


def _checked_name(data: bytes, filename: str) -> tuple[str, str]:
    name = PurePath(filename or "").name or _("ไฟล์")
    extension = PurePath(name).suffix.lower()
    if extension not in EXTENSIONS:
        shown = extension or _("ไม่มีนามสกุล")
        raise SpreadsheetError(_("รองรับเฉพาะไฟล์ .xlsx และ .csv (ไฟล์ “%(name)s” เป็น %(extension)s)") % {
            "name": name, "extension": shown})
    if not data:
        raise SpreadsheetError(_("ไฟล์ “%(name)s” ว่างเปล่า ไม่มีข้อมูล") % {"name": name})
    return name, extension


def _table(lines: Iterator[tuple[int, list[Cell]]], name: str, max_rows: int | None) -> Table:
    headers: list[str] | None = None
    rows: list[tuple[int, list[Cell]]] = []
    for number, cells in lines:
        while cells and cells[-1] is None:
            cells.pop()
        if not cells or all(cell is None for cell in cells):
            continue
        if headers is None:
            headers = [_header_text(cell) for cell in cells]
            continue
        if max_rows is not None and len(rows) >= max_rows:
            raise SpreadsheetError(
                _("ไฟล์ “%(name)s” มีข้อมูลเกิน %(max)s แถว ซึ่งเป็นจำนวนสูงสุดที่นำเข้าได้ในครั้งเดียว "
                  "กรุณาแบ่งเป็นหลายไฟล์") % {"name": name, "max": f"{max_rows:,}"}
            )
        rows.append((number, cells))
    if headers is None:
        raise SpreadsheetError(_("ไฟล์ “%(name)s” ไม่มีข้อมูล (ไม่พบแถวหัวคอลัมน์)") % {"name": name})
    return Table(headers=headers, rows=rows)


def _header_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _cell(value: Any) -> Cell:
    """A cell as read_table gives it: "" and whitespace-only text become None; datetimes at midnight become dates."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0, 0) and value.tzinfo is None else value
    if value is None or isinstance(value, (int, float, bool, dt.date, Decimal)):
        return value
    return str(value)  # times and durations: shown as text, the caller refuses what it cannot use


def _cells(values) -> list[Cell]:
    """_cell of each value, with the common cases (text, numbers) inline: a sheet has hundreds of thousands."""
    cells: list[Cell] = []
    append = cells.append
    for value in values:
        kind = value.__class__
        if kind is str:
            if "\x00" in value:  # an .xlsx cell may hold "_x0000_", which readers decode: no text keeps a NUL
                value = value.replace("\x00", "")
            append(value if value and not value.isspace() else None)
        elif kind is float or kind is int or kind is bool or value is None:
            append(value)
        else:
            append(_cell(value))
    return cells


def _xlsx_lines(data: bytes, name: str, max_unpacked_bytes: int) -> Iterator[tuple[int, list[Cell]]]:
    if data.startswith(OLE_MAGIC):
        raise SpreadsheetError(
            _("ไฟล์ “%(name)s” เป็น Excel รุ่นเก่า (.xls) หรือไฟล์ที่ตั้งรหัสผ่านไว้ "
              "กรุณาเปิดใน Excel แล้วบันทึกเป็น .xlsx แบบไม่มีรหัสผ่าน") % {"name": name}
        )
    not_a_workbook = SpreadsheetError(_("ไฟล์ “%(name)s” ไม่ใช่ไฟล์ Excel (.xlsx) ที่ถูกต้อง: เนื้อไฟล์ไม่ตรงกับนามสกุล") % {
        "name": name})
    if not data.startswith(ZIP_MAGIC):
        raise not_a_workbook
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise not_a_workbook from None
    names = {part.filename for part in parts}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise not_a_workbook
    if sum(part.file_size for part in parts) > max_unpacked_bytes:
        raise SpreadsheetError(_("ไฟล์ “%(name)s” ใหญ่เกินกว่าจะเปิดได้เมื่อคลายออก กรุณาแบ่งเป็นหลายไฟล์") % {"name": name})
    reader = _calamine_lines if _has_calamine() else _openpyxl_lines
    try:
        lines = reader(data)
        first = next(lines, None)  # opening the workbook happens here, for both readers
    except Exception:  # a malformed workbook can fail anywhere inside the reader: it is the file's fault
        raise SpreadsheetError(_("เปิดไฟล์ “%(name)s” เป็นสมุดงาน Excel ไม่ได้: ไฟล์เสียหรือไม่ใช่ไฟล์ .xlsx") % {
            "name": name}) from None
    if first is None:
        return iter(())
    return _guarded(itertools.chain([first], lines), name)


def _has_calamine() -> bool:
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    return True


def _calamine_lines(data: bytes) -> Iterator[tuple[int, list[Cell]]]:
    """All rows of the first visible worksheet, read by python-calamine (Rust): about ten times openpyxl's speed."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    index = 0
    for position, meta in enumerate(workbook.sheets_metadata):
        if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible:
            index = position
            break
    sheet = workbook.get_sheet_by_index(index)
    for number, row in enumerate(sheet.iter_rows(), start=1):  # from row 1 of the sheet, blank rows included
        yield number, _cells(row)


def _openpyxl_lines(data: bytes) -> Iterator[tuple[int, list[Cell]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = next((ws for ws in workbook.worksheets if ws.sheet_state == "visible"), workbook.worksheets[0])
    try:
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, _cells(row)
    finally:
        workbook.close()


def _guarded(lines: Iterator[tuple[int, list[Cell]]], name: str) -> Iterator[tuple[int, list[Cell]]]:
    """The reader's rows, with any failure while reading them turned into a SpreadsheetError."""
    try:
        yield from lines
    except Exception:  # a malformed workbook can fail anywhere inside the reader: it is the file's fault
        raise SpreadsheetError(_("อ่านไฟล์ “%(name)s” ไม่ได้: ข้อมูลในสมุดงาน Excel เสียหาย") % {"name": name}) from None


def _decode(data: bytes, name: str) -> str:
    if data.startswith(ZIP_MAGIC):
        raise SpreadsheetError(_("ไฟล์ “%(name)s” เป็นไฟล์ Excel (.xlsx) แต่ตั้งชื่อเป็น .csv กรุณาเปลี่ยนนามสกุลเป็น .xlsx") % {
            "name": name})
    unreadable = SpreadsheetError(
        _("อ่านไฟล์ “%(name)s” เป็นข้อความ CSV ไม่ได้: รองรับไฟล์ที่บันทึกเป็น UTF-8 (มีหรือไม่มี BOM) "
          "หรือ Windows-874 (TIS-620) แบบที่ Excel ภาษาไทยบันทึก") % {"name": name}
    )
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8", data[len(codecs.BOM_UTF8):])]
    else:
        candidates = [("utf-8", data), ("cp874", data)]
    for encoding, payload in candidates:
        try:
            text = payload.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            raise unreadable  # NULs and other control bytes: binary, or UTF-16 without a BOM
        return text
    raise unreadable


def _csv_lines(data: bytes, name: str) -> Iterator[tuple[int, list[Cell]]]:
    text = _decode(data, name)
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines = []
    try:
        for number, row in enumerate(reader, start=1):  # numbered as rows, the way Excel shows the file
            lines.append((number, _cells(row)))
    except csv.Error:
        raise SpreadsheetError(_("อ่านไฟล์ “%(name)s” ไม่ได้: รูปแบบ CSV ไม่ถูกต้อง "
                                 "(เครื่องหมายคำพูดไม่ครบคู่หรือช่องยาวเกินไป)") % {"name": name}) from None
    return iter(lines)
