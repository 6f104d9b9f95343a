"""Where the table is in a sheet kept for people, not for machines: no domain here, only rows and cells.

A register kept in Excel has a title above its header (the organisation, "ทะเบียนครุภัณฑ์ ประจำปี…"), often a
header of two rows merged into one ("ราคา" over "ต่อหน่วย | รวม"), a heading row before each group ("ครุภัณฑ์
สำนักงาน"), subtotal and total rows ("รวม 12 รายการ"), blank lines, the header again after a page break, and
signatures at the end. `find_layout` finds the header (the row, or pair of rows, that names the most columns the
caller knows), reads every column's header as one text, and sorts every other row into data or skipped, each
skipped row with its kind, so that a preview can list them. It guesses nothing about values: the caller decides
what a column holds.
"""

import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

from .spreadsheets import Cell

SEARCH_ROWS = 40  # the header is among the first rows that hold anything
_SPACES = re.compile(r"\s+")
_TOTAL = re.compile(r"^(?:รวม|ยอดรวม|ยอดยกไป|ยอดยกมา|รวมทั้งสิ้น|รวมทั้งหมด|รวมเงิน|รวมเป็นเงิน|total|sub ?total)",
                    re.IGNORECASE)
_SIGNATURE = re.compile(r"^(?:\(?\s*ลงชื่อ|ลงนาม|ตำแหน่ง|ผู้จัดทำ|ผู้ตรวจสอบ|ผู้รับรอง|\(\s*[.…_]{3,})")
_SEQUENCE = re.compile(r"^(?:\(?[0-9๐-๙]{1,3}[.)]?|[ก-ฮ][.)]|[ivxIVX]{1,5}[.)])$")

TITLE, BLANK, SECTION, SUBTOTAL, HEADER_AGAIN, SIGNATURE = "title", "blank", "section", "subtotal", "header", "signature"


@dataclass
class Skipped:
    line: int
    kind: str  # TITLE, BLANK, SECTION, SUBTOTAL, HEADER_AGAIN or SIGNATURE
    text: str


@dataclass
class Layout:
    """`headers`: one text per column (a two-level header joined: "ราคา ต่อหน่วย"); `candidates`: for each column
    the texts to try when matching it (the joined text, then the lower part alone, then the upper part);
    `rows`: the data rows (sheet row number, cells); `sections`: for each data row, the heading above it (the
    group it was listed under), "" when none; `skipped`: every other row after the first header row."""

    header_lines: list[int]
    headers: list[str]
    candidates: list[list[str]]
    rows: list[tuple[int, list[Cell]]]
    sections: dict[int, str] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)

    def skipped_of(self, kind: str) -> list[Skipped]:
        return [row for row in self.skipped if row.kind == kind]


def text_of(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return _SPACES.sub(" ", str(cell)).strip()


def _join(upper: str, lower: str) -> str:
    if not upper:
        return lower
    if not lower or lower == upper:
        return upper
    return f"{upper} {lower}"


def _header_pair(upper: Sequence[Cell], lower: Sequence[Cell] | None) -> tuple[list[str], list[list[str]]]:
    """Each column's header from one row, or from two rows where the upper one's merged cells span several lower
    ones (a merged cell's text is in its first cell only: it is carried right while the lower row has text)."""
    width = max(len(upper), len(lower or ()))
    headers, candidates = [], []
    carried = ""
    for index in range(width):
        top = text_of(upper[index]) if index < len(upper) else ""
        bottom = text_of(lower[index]) if lower is not None and index < len(lower) else ""
        own_top = bool(top)
        if top:
            carried = top
        elif bottom and carried:
            top = carried  # under a merged group heading
        else:
            carried = ""
        joined = _join(top, bottom) if lower is not None else top
        headers.append(joined)
        # A heading carried from the left names a column only together with the text under it.
        texts = [joined, bottom, top] if own_top else [joined, bottom]
        candidates.append([text for text in dict.fromkeys(texts) if text])
    return headers, candidates


def find_layout(lines: Sequence[tuple[int, list[Cell]]], known: Callable[[str], bool], *,
                search_rows: int = SEARCH_ROWS) -> Layout | None:
    """The layout of these non-blank sheet rows (row number, cells), or None when no row or pair of rows names at
    least two columns `known` recognises (the caller refuses the file, naming what it looked for)."""
    best: tuple[int, int, int] | None = None  # (score, -span, position)
    for position in range(min(search_rows, len(lines))):
        for span in (1, 2):
            if position + span > len(lines):
                continue
            if span == 2 and lines[position + 1][0] != lines[position][0] + 1:
                continue  # a two-row header has no blank line inside it
            upper = lines[position][1]
            lower = lines[position + 1][1] if span == 2 else None
            _headers, candidates = _header_pair(upper, lower)
            score = sum(1 for texts in candidates if any(known(text) for text in texts))
            if span == 2 and score <= _score_single(upper, known):
                continue  # the second row adds nothing: it is data (or a title), not a header
            if score >= 2 and (best is None or (score, -span) > best[:2]):
                best = (score, -span, position)
    if best is None:
        return None
    _score, negative_span, position = best
    span = -negative_span
    upper = lines[position][1]
    lower = lines[position + 1][1] if span == 2 else None
    headers, candidates = _header_pair(upper, lower)
    header_lines = [lines[position][0]] + ([lines[position + 1][0]] if span == 2 else [])
    layout = Layout(header_lines, headers, candidates, rows=[])
    for line, cells in lines[:position]:
        layout.skipped.append(Skipped(line, TITLE, _row_text(cells)))
    header_texts = {text for text in headers if text}
    section = ""
    previous = header_lines[-1]
    few = max(len(header_texts), 2) + 2  # a subtotal row fills at most half the columns (label and amounts)
    for line, cells in lines[position + span:]:
        for blank in range(previous + 1, line):
            layout.skipped.append(Skipped(blank, BLANK, ""))
        previous = line
        filled = [cell for cell in cells if cell is not None and (cell.__class__ is not str or not cell.isspace())]
        if not filled:
            layout.skipped.append(Skipped(line, BLANK, ""))
            continue
        # Only rows that could be something else are looked at closely: a register has thousands of data rows.
        if len(filled) >= 2 and text_of(filled[0]) in header_texts:
            texts = [text_of(cell) for cell in filled]
            if sum(1 for text in texts if text in header_texts) * 2 >= len(header_texts):
                layout.skipped.append(Skipped(line, HEADER_AGAIN, _row_text(cells)))
                continue
        if len(filled) * 2 <= few:
            # Only the row's first words (after a running number) say "รวม": a note "รวมค่าติดตั้ง" is data.
            first = next((text for text in (text_of(cell) for cell in filled) if not _SEQUENCE.match(text)), "")
            if _TOTAL.match(first):
                layout.skipped.append(Skipped(line, SUBTOTAL, _row_text(cells)))
                continue
            if _SIGNATURE.match(first) and len(filled) <= 4:
                layout.skipped.append(Skipped(line, SIGNATURE, _row_text(cells)))
                continue
        if len(filled) <= 2 and len(header_texts) > 2:
            words = [text for text in (text_of(cell) for cell in filled) if not _SEQUENCE.match(text)]
            if len(words) == 1 and not _is_number(words[0]):
                section = words[0]
                layout.skipped.append(Skipped(line, SECTION, section))
                continue
        layout.rows.append((line, cells))
        layout.sections[line] = section
    return layout


def _score_single(cells: Sequence[Cell], known: Callable[[str], bool]) -> int:
    return sum(1 for cell in cells if (text := text_of(cell)) and known(text))


def _row_text(cells: Sequence[Cell]) -> str:
    return " · ".join(text for text in (text_of(cell) for cell in cells) if text)[:300]


def _is_number(text: str) -> bool:
    cleaned = text.replace(",", "").replace(" ", "").rstrip(".-").removesuffix("บาท")
    return bool(re.fullmatch(r"[0-9๐-๙]+(?:\.[0-9๐-๙]+)?", cleaned))
