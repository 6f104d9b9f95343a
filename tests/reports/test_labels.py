"""Label sheets: every QR code decodes to its asset's URL, and every label's text stays in its cell."""

import datetime as dt
import io
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.core.management import CommandError, call_command

from assets.qr import payload_url
from reports.labels import labels_for, render_sheet
from reports.models import LabelLayout
from reports.textfit import ELLIPSIS, fit_lines, width_mm
from tests.factories import AssetFactory

MM = 72 / 25.4
LONG_NAME = "เครื่องคอมพิวเตอร์สำหรับงานประมวลผลแบบที่ ๒ (จอแสดงภาพขนาดไม่น้อยกว่า ๑๙ นิ้ว) พร้อมอุปกรณ์ครบชุดสำหรับห้องประชุมสภา"


@pytest.fixture
def sheet_assets(division, settings, tmp_path):
    settings.VAR_DIR = tmp_path  # a fresh QR cache
    settings.SITE_URL = "https://phatsadu.example.go.th"
    names = [LONG_NAME, "โต๊ะ", "ตู้เหล็กเก็บเอกสาร 2 บาน", "A" * 90, "กล้องถ่ายภาพดิจิทัล"]
    return [AssetFactory(number=f"416-67-{n:04d}" if n % 7 else f"๔๑๖ ๖๗ {n:04d}", name=names[n % len(names)],
                         division=division, acquired_on=dt.date(2024, 1, 1), unit_price=Decimal("100"))
            for n in range(1, 31)]


def cells(layout: LabelLayout, skip: int, count: int):
    """(page, left, top, right, bottom) in PDF points (origin bottom-left) for each label in order."""
    page_height = float(layout.page_height) * MM
    out = []
    for index in range(skip, skip + count):
        page, position = divmod(index, layout.per_page)
        left, top = (float(v) for v in layout.cell(position))
        out.append((page, left * MM, page_height - (top + float(layout.label_height)) * MM,
                    (left + float(layout.label_width)) * MM, page_height - top * MM))
    return out


@pytest.mark.parametrize("layout_name", ["A4 3×8", "A4 2×7", "A4 4×10"])
def test_every_code_decodes_and_every_character_stays_in_its_cell(sheet_assets, layout_name):
    layout = LabelLayout.objects.get(name__startswith=layout_name)
    skip = 2
    labels = labels_for(sorted(sheet_assets, key=lambda a: a.pk))
    pdf = pdfium.PdfDocument(render_sheet(labels, layout, skip=skip, workers=1))
    expected_pages = -(-(len(labels) + skip) // layout.per_page)
    assert len(pdf) == expected_pages
    decoded = []
    boxes = cells(layout, skip, len(labels))
    for page_index in range(len(pdf)):
        page = pdf[page_index]
        image = page.render(scale=150 / 72).to_pil()
        decoded += [result.text for result in zxingcpp.read_barcodes(image)]
        text = page.get_textpage()
        page_cells = [box for box in boxes if box[0] == page_index]
        for char_index in range(text.count_chars()):
            if text.get_text_range(char_index, 1).isspace():
                continue
            left, bottom, right, top = text.get_charbox(char_index)
            middle_x, middle_y = (left + right) / 2, (bottom + top) / 2
            cell = next((c for c in page_cells if c[1] <= middle_x <= c[3] and c[2] <= middle_y <= c[4]), None)
            assert cell is not None, f"a character outside every label on page {page_index + 1}"
            assert cell[1] - 0.5 <= left and right <= cell[3] + 0.5, "text runs past its label's side"
            assert cell[2] - 0.5 <= bottom and top <= cell[4] + 0.5, "text runs past its label's edge"
    assert sorted(decoded) == sorted(payload_url(asset.number) for asset in sheet_assets)


def test_a_thai_number_is_encoded_in_the_url(sheet_assets):
    thai = next(asset for asset in sheet_assets if asset.number.startswith("๔"))
    assert payload_url(thai.number) == "https://phatsadu.example.go.th/a/%E0%B9%94%E0%B9%91%E0%B9%96%20%E0%B9%96%E0%B9%97%20" + thai.number[-4:]


def test_parallel_rendering_gives_every_page(sheet_assets):
    layout = LabelLayout.objects.get(name__startswith="A4 4×10")
    labels = labels_for(sheet_assets) * 10  # 300 labels, 8 pages: rendered by two processes
    pdf = pdfium.PdfDocument(render_sheet(labels, layout, workers=2))
    assert len(pdf) == 8
    assert len(zxingcpp.read_barcodes(pdf[7].render(scale=150 / 72).to_pil())) == 300 - 7 * 40


@pytest.mark.parametrize("width, lines", [(30, 2), (20, 1), (45, 3)])
def test_fitted_lines_are_never_wider_than_the_box(db, width, lines):
    fitted = fit_lines(LONG_NAME, width, 7.5, lines)
    assert 1 <= len(fitted) <= lines
    assert all(width_mm(line, 7.5) <= width for line in fitted)
    assert fitted[-1].endswith(ELLIPSIS)


def test_short_text_is_left_whole(db):
    assert fit_lines("โต๊ะทำงาน", 30, 7.5, 2) == ("โต๊ะทำงาน",)


def test_the_command_writes_a_division_sheet(sheet_assets, division, tmp_path):
    out = tmp_path / "labels.pdf"
    call_command("render_labels", "--division", division.code, "--layout", "3×8", "-o", str(out),
                 stdout=io.StringIO())
    assert len(pdfium.PdfDocument(out.read_bytes())) == 2
    with pytest.raises(CommandError, match="ไม่พบกอง"):
        call_command("render_labels", "--division", "NOPE", "-o", str(out))
    with pytest.raises(CommandError, match="--skip"):
        call_command("render_labels", "--skip", "99", "-o", str(out))


def test_the_pdf_renderer_fetches_nothing_from_outside(db, tmp_path):
    from reports.pdf import FetchRefused, url_fetcher

    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    for url in ["https://example.com/x.png", secret.as_uri(), "file:///etc/passwd"]:
        with pytest.raises(FetchRefused):
            url_fetcher.fetch(url)
    assert url_fetcher.fetch("data:text/plain,ok") is not None


def test_an_opening_bracket_stays_with_its_word(db):
    lines = fit_lines("เครื่องคอมพิวเตอร์สำหรับงานสำนักงาน (จอแสดงภาพขนาดไม่น้อยกว่า 19 นิ้ว)", 30, 7.5, 5)
    assert not any(line.endswith("(") for line in lines)
    assert any(line.startswith("(") for line in lines)
