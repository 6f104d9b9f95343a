"""The dashboard's SVG charts lay their text out readably: a font size near 14 px at the width they are shown
at, no label over another, none beyond the chart's edges."""

import xml.etree.ElementTree as ET

from reports import charts

SVG = "{http://www.w3.org/2000/svg}"
METHODS = ["ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)", "ตลาดอิเล็กทรอนิกส์ (e-market)", "คัดเลือก", "เฉพาะเจาะจง"]
MONTHS = ["ธ.ค. 68", "ม.ค. 69", "ก.พ. 69", "มี.ค. 69", "เม.ย. 69", "พ.ค. 69", "มิ.ย. 69", "ก.ค. 69", "ส.ค. 69",
          "ก.ย. 69", "ต.ค. 69", "พ.ย. 69"]


def _texts(svg: str):
    root = ET.fromstring(svg)
    width = float(root.get("viewBox").split()[2])
    boxes = []
    for text in root.iter(f"{SVG}text"):
        size, x, y = float(text.get("font-size")), float(text.get("x")), float(text.get("y"))
        advance = charts._width(text.text, size)
        left = {"middle": x - advance / 2, "end": x - advance}.get(text.get("text-anchor"), x)
        boxes.append((text.text, size, left, left + advance, y - size, y))
    return width, boxes


def _assert_readable(svg: str):
    width, boxes = _texts(svg)
    assert width <= 360  # shown 290–560 px wide: a 13-unit font is 11–20 px
    for text, size, left, right, top, bottom in boxes:
        assert size >= 12, text
        assert left >= 0 and right <= width, text
    for index, (text, _size, left, right, top, bottom) in enumerate(boxes):
        for other, _s, left2, right2, top2, bottom2 in boxes[index + 1:]:
            assert not (left < right2 and left2 < right and top < bottom2 and top2 < bottom), (text, other)
    return boxes


def test_long_labels_are_drawn_as_rows_with_the_label_on_its_own_line():
    svg = charts.bars(METHODS, [2_450_000, 0, 0, 56_500], title="วงเงิน", unit="บาท")
    boxes = _assert_readable(svg)
    labels = [box for box in boxes if box[0] in METHODS]
    assert [box[0] for box in labels] == METHODS  # every label whole, none cut
    assert len({box[2] for box in labels}) == 1  # all start at the left edge, one above the other
    assert "ประกวดราคาอิเล็กทรอนิกส์ (e-bidding): 2,450,000 บาท" in svg


def test_month_labels_fit_under_their_columns():
    svg = charts.bars(MONTHS, [0] * 11 + [5], title="การยืม", unit="ครั้ง")
    boxes = _assert_readable(svg)
    assert [box[0] for box in boxes if "." in box[0]] == [month.split()[0] for month in MONTHS]
    assert [box[0] for box in boxes if box[0] in ("68", "69")] == ["68", "69"]  # the year where it changes


def test_stacked_rows_and_legend_do_not_overlap():
    rows = [("สำนักปลัดเทศบาล", [80, 3, 2, 1, 1, 2, 1]), ("กองสาธารณสุขและสิ่งแวดล้อม", [90, 0, 5, 0, 0, 1, 1])]
    series = ["ใช้งาน", "ถูกยืม", "ส่งซ่อม", "ชำรุด", "เสื่อมสภาพ", "สูญไป", "ไม่จำเป็นต้องใช้ในราชการ"]
    svg = charts.stacked(rows, series, title="ครุภัณฑ์")
    _assert_readable(svg)
    assert "กองสาธารณสุขและสิ่งแวดล้อม · ส่งซ่อม: 5" in svg


def test_a_label_longer_than_the_chart_is_cut_with_an_ellipsis_and_kept_whole_in_the_tooltip():
    label = "กองสาธารณสุขและสิ่งแวดล้อม " * 4
    svg = charts.bars([label.strip(), "คัดเลือก"], [10, 1], title="t")
    _assert_readable(svg)
    assert "…</text>" in svg and f"<title>{label.strip()}: 10 </title>" in svg
