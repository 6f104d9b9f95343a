"""Charts drawn on the server as SVG (no script, no CDN): bars (columns or rows) and horizontal stacked bars.

Text is escaped; sizes are in the SVG's own units and the chart scales to its container's width. The
charts are drawn 340 units wide, about the width they are shown at (a dashboard column on a desktop,
the whole screen on a phone), so a 14-unit label shows at about 14 px on a desktop and 13 px on a
phone. Labels are measured with Sarabun's metrics (the page's font) so that none overlaps another
or runs off the chart: column labels that do not fit under their column turn the chart into rows,
each with its label on a line of its own above its bar; a label longer than the chart is cut with an
ellipsis (the full text stays in the bar's tooltip).
"""

import unicodedata

from django.utils.html import escape

from .textfit import PT_TO_MM, width_mm

PALETTE = ["#0b5d8c", "#2e8b57", "#d08c00", "#b3261e", "#7b5ea7", "#5b6774", "#1f9aa8", "#a0522d", "#999999"]
WIDTH = 340  # SVG units; about the width a chart is shown at (330–355 px), so one unit is about one pixel
TOP = 5  # room above the first line for Thai marks over the letters
FONT = 14  # labels
SMALL = 13  # values, month labels, legend
INK, MUTED, AXIS = "#1d2733", "#5b6774", "#b9c1ca"
SLACK = 1.06  # the browser's shaping (or a fallback font) may come out a little wider than the sum of advances
ELLIPSIS = "…"


def _number(value) -> str:
    return f"{value:,.0f}" if isinstance(value, float) or hasattr(value, "quantize") else f"{value:,}"


def _width(text: str, size: float) -> float:
    """The width of text set in Sarabun at size, in the same units as size."""
    return width_mm(text, size) / PT_TO_MM * SLACK


def _fit(text: str, width: float, size: float) -> str:
    """text, or as much of it as fits in width followed by an ellipsis (never splitting a mark from its letter)."""
    if _width(text, size) <= width:
        return text
    clusters: list[str] = []
    for ch in text:
        if clusters and unicodedata.category(ch) == "Mn":
            clusters[-1] += ch
        else:
            clusters.append(ch)
    while clusters and _width("".join(clusters).rstrip() + ELLIPSIS, size) > width:
        clusters.pop()
    return "".join(clusters).rstrip() + ELLIPSIS


def _open(title: str, width: float, height: float) -> str:
    return (f'<svg class="chart" viewBox="0 0 {width:g} {height:.0f}" role="img" aria-label="{escape(title)}" '
            f'xmlns="http://www.w3.org/2000/svg" fill="{INK}"><title>{escape(title)}</title>')


def _column_lines(labels: list[str]) -> list[tuple[str, str]]:
    """A column label on two lines, split at its first space ("พ.ย. 68" → "พ.ย." over "68"); the second line is
    left out where it repeats the one before (a year written once, at the first month of the chart and in
    January)."""
    lines, previous = [], None
    for label in labels:
        first, _space, second = str(label).partition(" ")
        lines.append((first, "" if second == previous else second))
        previous = second
    return lines


def bars(labels: list[str], values: list, *, title: str, width: int = WIDTH, height: int = 200, unit: str = "") -> str:
    """One bar per label, the value by each bar: columns where every label fits under its column (e.g. loans
    per month), otherwise rows with the label on its own line above the bar (e.g. procurement methods)."""
    labels = [str(label) for label in labels]
    slot = (width - 4) / max(1, len(values))
    lines = _column_lines(labels)
    for size in (SMALL, SMALL - 1):
        if all(_width(line, size) <= slot - 1 for pair in lines for line in pair) and all(
                _width(_number(value), size) <= slot - 1 for value in values):
            return _columns(labels, values, lines, title=title, width=width, height=height, unit=unit, size=size)
    return _rows(labels, values, title=title, width=width, unit=unit)


def _columns(labels, values, lines, *, title, width, height, unit, size) -> str:
    top = max([float(value) for value in values] + [1.0])
    left, gap = 2, max(2.0, min(8.0, (width - 4) / max(1, len(values)) * 0.2))
    slot = (width - 2 * left) / max(1, len(values))
    two_lines = any(second for _first, second in lines)
    bottom = 6 + size * (2.5 if two_lines else 1.25)
    head = TOP + size + 4
    plot = height - bottom - head
    parts = [_open(title, width, height),
             f'<line x1="{left}" y1="{head + plot:.1f}" x2="{width - left}" y2="{head + plot:.1f}" stroke="{AXIS}"/>']
    for index, (label, value) in enumerate(zip(labels, values)):
        bar = plot * float(value) / top
        x = left + index * slot + gap / 2
        middle = x + (slot - gap) / 2
        y = head + plot - bar
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot - gap:.1f}" height="{bar:.1f}" fill="{PALETTE[0]}">'
                     f'<title>{escape(label)}: {_number(value)} {escape(unit)}</title></rect>')
        parts.append(f'<text x="{middle:.1f}" y="{y - 4:.1f}" font-size="{size}" text-anchor="middle" fill="{MUTED}">'
                     f'{_number(value)}</text>')
        first, second = lines[index]
        baseline = head + plot + 4 + size
        parts.append(f'<text x="{middle:.1f}" y="{baseline:.1f}" font-size="{size}" text-anchor="middle">'
                     f'{escape(first)}</text>')
        if second:
            parts.append(f'<text x="{middle:.1f}" y="{baseline + size * 1.25:.1f}" font-size="{size}" '
                         f'text-anchor="middle" fill="{MUTED}">{escape(second)}</text>')
    parts.append("</svg>")
    return "".join(parts)


ROW_BAR = 14  # the height of a row's bar
ROW_HEIGHT = FONT * 1.25 + 4 + ROW_BAR + 10  # label line, space, bar, space to the next row


def _row_label(label: str, left: float, y: float, width: float) -> str:
    """A row's label on a line of its own (y is the top of the row), cut to the chart's width."""
    shown = _fit(label, width - 2 * left, FONT)
    return f'<text x="{left}" y="{y + FONT:.1f}" font-size="{FONT}">{escape(shown)}</text>'


def _rows(labels, values, *, title, width, unit) -> str:
    top = max([float(value) for value in values] + [1.0])
    left = 2
    value_room = max([_width(_number(value), SMALL) for value in values] + [0]) + 8
    plot = width - 2 * left - value_room
    height = TOP + ROW_HEIGHT * max(1, len(values)) - 6
    parts = [_open(title, width, height)]
    for index, (label, value) in enumerate(zip(labels, values)):
        y = TOP + index * ROW_HEIGHT
        span = plot * float(value) / top
        bar_y = y + FONT * 1.25 + 4
        parts.append(_row_label(label, left, y, width))
        parts.append(f'<rect x="{left}" y="{bar_y:.1f}" width="{plot:.1f}" height="{ROW_BAR}" fill="#eef1f4"/>')
        parts.append(f'<rect x="{left}" y="{bar_y:.1f}" width="{span:.1f}" height="{ROW_BAR}" fill="{PALETTE[0]}">'
                     f'<title>{escape(label)}: {_number(value)} {escape(unit)}</title></rect>')
        parts.append(f'<text x="{left + plot + 6:.1f}" y="{bar_y + ROW_BAR - 2:.1f}" font-size="{SMALL}" '
                     f'fill="{MUTED}">{_number(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _legend(series: list[str], width: float) -> tuple[list[str], float]:
    """Swatches and names laid out left to right, wrapping onto further lines; returns the parts and the height."""
    parts, x, y, line = [], 2.0, float(TOP), SMALL * 1.5
    for index, name in enumerate(series):
        shown = _fit(name, width - 20, SMALL)
        item = 15 + _width(shown, SMALL)
        if x > 2 and x + item > width:
            x, y = 2.0, y + line
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x:.1f}" y="{y + 2:.1f}" width="11" height="11" fill="{colour}"/>'
                     f'<text x="{x + 15:.1f}" y="{y + SMALL - 1:.1f}" font-size="{SMALL}">{escape(shown)}</text>')
        x += item + 12
    return parts, (y + line if series else float(TOP))


def stacked(rows: list[tuple[str, list]], series: list[str], *, title: str, width: int = WIDTH,
            row_height: float = ROW_HEIGHT) -> str:
    """One horizontal bar per row (e.g. a division), its label on a line above it, split by series (e.g. asset
    statuses), the total at the end of its track, with a legend above the rows."""
    legend, legend_height = _legend([str(name) for name in series], width)
    left = 2
    totals = [sum(values) for _label, values in rows]
    top = max([float(total) for total in totals] + [1.0])
    value_room = max([_width(_number(total), SMALL) for total in totals] + [0]) + 8
    plot = width - 2 * left - value_room
    start = legend_height + 6
    height = start + row_height * max(1, len(rows)) - 6
    parts = [_open(title, width, height), *legend]
    for row, (label, values) in enumerate(rows):
        y = start + row * row_height
        bar_y = y + FONT * 1.25 + 4
        parts.append(_row_label(label, left, y, width))
        parts.append(f'<rect x="{left}" y="{bar_y:.1f}" width="{plot:.1f}" height="{ROW_BAR}" fill="#eef1f4"/>')
        x = float(left)
        for index, value in enumerate(values):
            span = plot * float(value) / top
            if span > 0:
                parts.append(f'<rect x="{x:.1f}" y="{bar_y:.1f}" width="{span:.1f}" height="{ROW_BAR}" '
                             f'fill="{PALETTE[index % len(PALETTE)]}"><title>{escape(label)} · '
                             f'{escape(series[index])}: {_number(value)}</title></rect>')
            x += span
        parts.append(f'<text x="{left + plot + 6:.1f}" y="{bar_y + ROW_BAR - 2:.1f}" font-size="{SMALL}" '
                     f'fill="{MUTED}">{_number(totals[row])}</text>')
    parts.append("</svg>")
    return "".join(parts)
