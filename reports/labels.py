"""Label sheets: QR code, asset number, name, division and municipality on each sticker, in Sarabun.

Laid out the fast way (measured in DESIGN.md): absolutely positioned blocks per label, lines
broken here (white-space: pre) with names cut to fit by reports.textfit, QR codes as 1-pixel-per-
module PNGs scaled with image-rendering: pixelated. A large sheet is split into page ranges
rendered by parallel processes, and the PDFs are joined.
"""

import base64
import os
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape

from assets.qr import payload_url, qr_png
from organization.models import Organization

from .models import LabelLayout
from .pdf import html_to_pdf, html_to_pdf_parallel
from .textfit import fit_cache, fit_lines

PADDING = 1.5  # mm inside each label
LINE_HEIGHT = 1.15
PT = 25.4 / 72
PARALLEL_FROM_PAGES = 6  # smaller sheets are quicker in one process


@dataclass(frozen=True)
class Label:
    number: str
    name: str
    division: str
    organization: str
    png: bytes


def labels_for(assets) -> list[Label]:
    """Label data for assets (an iterable of Asset with division loaded), QR images from the cache."""
    organization = Organization.objects.filter(pk=1).values_list("name", flat=True).first() or ""
    return [Label(asset.number, asset.name, asset.division.name, organization, qr_png(payload_url(asset.number)))
            for asset in assets]


@dataclass(frozen=True)
class _Metrics:
    qr: float
    text_left: float
    text_width: float
    number_pt: float
    body_pt: float
    name_lines: int


def _metrics(layout: LabelLayout) -> _Metrics:
    width, height = float(layout.label_width), float(layout.label_height)
    qr = min(height - 2 * PADDING, width * 0.48)
    text_left = PADDING + qr + 1.0
    number_pt, body_pt = (9.0, 7.5) if height >= 30 else (7.5, 6.2)
    text_height = height - 2 * PADDING
    body_line = body_pt * PT * LINE_HEIGHT
    number_line = number_pt * PT * LINE_HEIGHT
    name_lines = max(1, int((text_height - number_line - 2 * body_line) // body_line))
    return _Metrics(qr, text_left, width - text_left - PADDING, number_pt, body_pt, name_lines)


def _label_html(label: Label, left: Decimal, top: Decimal, metrics: _Metrics) -> str:
    width = metrics.text_width
    lines = [escape(line) for line in fit_lines(label.name, width, metrics.body_pt, metrics.name_lines)]
    lines += [escape(line) for line in fit_lines(label.division, width, metrics.body_pt, 1)]
    lines += [escape(line) for line in fit_lines(label.organization, width, metrics.body_pt, 1)]
    number = escape(fit_lines(label.number, width, metrics.number_pt, 1, bold=True)[0] if label.number else "")
    image = base64.b64encode(label.png).decode("ascii")
    return (f'<div class="l" style="left:{left}mm;top:{top}mm"><img src="data:image/png;base64,{image}">'
            f'<div class="t"><b>{number}</b>\n' + "\n".join(lines) + "</div></div>")


def _css(layout: LabelLayout, metrics: _Metrics) -> str:
    return f"""
@page {{ size: {layout.page_width}mm {layout.page_height}mm; margin: 0 }}
body {{ margin: 0; font-family: "Sarabun"; font-size: {metrics.body_pt}pt; line-height: {LINE_HEIGHT} }}
.p {{ position: relative; width: {layout.page_width}mm; height: {layout.page_height}mm; overflow: hidden;
      page-break-after: always }}
.p:last-child {{ page-break-after: auto }}
.l {{ position: absolute; width: {layout.label_width}mm; height: {layout.label_height}mm; overflow: hidden }}
.l img {{ position: absolute; left: {PADDING}mm; top: {(float(layout.label_height) - metrics.qr) / 2:.2f}mm;
          width: {metrics.qr:.2f}mm; height: {metrics.qr:.2f}mm; image-rendering: pixelated }}
.l .t {{ position: absolute; left: {metrics.text_left:.2f}mm; top: {PADDING}mm; width: {metrics.text_width:.2f}mm;
         white-space: pre; overflow: hidden }}
.l b {{ font-size: {metrics.number_pt}pt; font-weight: 700 }}
"""


def _pages(labels: list[Label], layout: LabelLayout, skip: int, metrics: _Metrics) -> list[str]:
    per_page = layout.per_page
    skip = max(0, min(skip, per_page - 1))
    pages, current, position = [], [], skip
    for label in labels:
        left, top = layout.cell(position)
        current.append(_label_html(label, left, top, metrics))
        position += 1
        if position == per_page:
            pages.append("".join(current))
            current, position = [], 0
    if current:
        pages.append("".join(current))
    return pages


def _document(pages: list[str]) -> str:
    return "<!doctype html><html lang=\"th\"><body>" + "".join(f'<div class="p">{page}</div>' for page in pages) + \
        "</body></html>"


def render_sheet(labels: list[Label], layout: LabelLayout, *, skip: int = 0, workers: int | None = None) -> bytes:
    """The PDF of a label sheet. skip: positions already used on the first sheet (a partly used sheet)."""
    metrics = _metrics(layout)
    css = _css(layout, metrics)
    pages = _pages(labels, layout, skip, metrics) or [""]
    fit_cache.save()
    workers = workers or min(os.cpu_count() or 1, 4)
    if workers < 2 or len(pages) < PARALLEL_FROM_PAGES:
        return html_to_pdf(_document(pages), css=css)
    size = -(-len(pages) // workers)
    return html_to_pdf_parallel([_document(pages[start:start + size]) for start in range(0, len(pages), size)],
                                css=css)
