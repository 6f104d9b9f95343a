"""Charts drawn on the server as SVG (no script, no CDN): vertical bars and horizontal stacked bars.

Text is escaped; sizes are in the SVG's own units and the chart scales to its container's width.
"""

from django.utils.html import escape

PALETTE = ["#0b5d8c", "#2e8b57", "#d08c00", "#b3261e", "#7b5ea7", "#5b6774", "#1f9aa8", "#a0522d", "#999999"]


def _number(value) -> str:
    return f"{value:,.0f}" if isinstance(value, float) or hasattr(value, "quantize") else f"{value:,}"


def bars(labels: list[str], values: list, *, title: str, width: int = 640, height: int = 220, unit: str = "") -> str:
    """One bar per label (e.g. loans per month), the value over each bar."""
    top = max([float(value) for value in values] + [1.0])
    left, bottom, gap = 8, 40, 6
    slot = (width - 2 * left) / max(1, len(values))
    plot = height - bottom - 24
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for index, (label, value) in enumerate(zip(labels, values)):
        bar = plot * float(value) / top
        x = left + index * slot + gap / 2
        y = 20 + plot - bar
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot - gap:.1f}" height="{bar:.1f}" fill="{PALETTE[0]}">'
                     f'<title>{escape(label)}: {_number(value)} {escape(unit)}</title></rect>')
        parts.append(f'<text x="{x + (slot - gap) / 2:.1f}" y="{y - 4:.1f}" font-size="11" text-anchor="middle">'
                     f'{_number(value)}</text>')
        parts.append(f'<text x="{x + (slot - gap) / 2:.1f}" y="{height - bottom + 16:.1f}" font-size="11" '
                     f'text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked(rows: list[tuple[str, list]], series: list[str], *, title: str, width: int = 640, row_height: int = 26) -> str:
    """One horizontal bar per row (e.g. a division), split by series (e.g. asset statuses), with a legend."""
    label_width, right = 170, 60
    legend_height = 22 * ((len(series) + 3) // 4)
    height = legend_height + row_height * max(1, len(rows)) + 10
    top = max([sum(float(v) for v in values) for _label, values in rows] + [1.0])
    plot = width - label_width - right
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for index, name in enumerate(series):
        x, y = 8 + (index % 4) * (width / 4), 14 + (index // 4) * 22
        parts.append(f'<rect x="{x:.1f}" y="{y - 10}" width="12" height="12" fill="{PALETTE[index % len(PALETTE)]}"/>'
                     f'<text x="{x + 16:.1f}" y="{y}" font-size="11">{escape(name)}</text>')
    for row, (label, values) in enumerate(rows):
        y = legend_height + row * row_height + 4
        parts.append(f'<text x="{label_width - 6}" y="{y + row_height / 2 + 2:.1f}" font-size="12" '
                     f'text-anchor="end">{escape(label)}</text>')
        x = float(label_width)
        for index, value in enumerate(values):
            span = plot * float(value) / top
            if span > 0:
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{span:.1f}" height="{row_height - 8}" '
                             f'fill="{PALETTE[index % len(PALETTE)]}"><title>{escape(label)} · '
                             f'{escape(series[index])}: {_number(value)}</title></rect>')
            x += span
        parts.append(f'<text x="{x + 4:.1f}" y="{y + row_height / 2 + 2:.1f}" font-size="11">'
                     f'{_number(sum(values))}</text>')
    parts.append("</svg>")
    return "".join(parts)
