"""common.layout: the header of a sheet kept for people (below its title, two rows merged into one), and its other
rows sorted into data, group headings, subtotals, blank lines and repeated headers."""

import re

from common.layout import BLANK, HEADER_AGAIN, SECTION, SIGNATURE, SUBTOTAL, TITLE, find_layout
from common.spreadsheets import read_rows
from tests.assets.register_shapes import register_workbook

KNOWN = {"ลำดับ", "รหัสครุภัณฑ์", "รายการ", "ยี่ห้อชนิดแบบขนาดหมายเลขเครื่อง", "วันเดือนปี", "จำนวน", "หน่วยนับ",
         "ราคาต่อหน่วย", "ราคารวม", "แหล่งเงิน", "วิธีการได้มา", "หน่วยงานที่รับผิดชอบ", "สถานะ", "หมายเหตุ"}


def known(text: str) -> bool:
    return re.sub(r"\s+", "", text) in KNOWN


def test_the_header_is_found_below_the_title_and_its_two_rows_read_as_one():
    layout = find_layout(read_rows(register_workbook(), "ทะเบียน.xlsx"), known)
    assert layout.header_lines == [4, 5]
    assert layout.headers[:9] == ["ลำดับ", "รหัสครุภัณฑ์", "รายการ", "ยี่ห้อ ชนิดแบบขนาดหมายเลขเครื่อง",
                                  "วัน เดือน ปี", "จำนวน", "หน่วยนับ", "ราคา ต่อหน่วย", "ราคา รวม"]
    assert layout.candidates[7] == ["ราคา ต่อหน่วย", "ต่อหน่วย", "ราคา"]
    assert [(row.line, row.kind) for row in layout.skipped_of(TITLE)] == [(1, TITLE), (2, TITLE)]


def test_every_other_row_is_data_or_skipped_with_its_kind():
    layout = find_layout(read_rows(register_workbook(), "ทะเบียน.xlsx"), known)
    assert [line for line, _cells in layout.rows] == [7, 8, 13]
    assert layout.sections == {7: "ครุภัณฑ์สำนักงาน", 8: "ครุภัณฑ์สำนักงาน", 13: "ครุภัณฑ์คอมพิวเตอร์"}
    kinds = {row.line: row.kind for row in layout.skipped if row.kind != TITLE}
    assert kinds == {6: SECTION, 9: SUBTOTAL, 10: BLANK, 11: SECTION, 12: HEADER_AGAIN, 14: SUBTOTAL, 15: BLANK,
                     16: SIGNATURE}
    assert layout.skipped_of(SUBTOTAL)[0].text == "รวม 2 รายการ · 10400"


def test_a_plain_table_is_its_own_header():
    data = "หมายเลขครุภัณฑ์,ชื่อครุภัณฑ์,ราคาต่อหน่วย\r\n416-67-0001,เครื่องพิมพ์,5000\r\n".encode("utf-8-sig")
    layout = find_layout(read_rows(data, "x.csv"), lambda text: text in {"หมายเลขครุภัณฑ์", "ชื่อครุภัณฑ์", "ราคาต่อหน่วย"})
    assert layout.header_lines == [1] and layout.headers == ["หมายเลขครุภัณฑ์", "ชื่อครุภัณฑ์", "ราคาต่อหน่วย"]
    assert layout.rows == [(2, ["416-67-0001", "เครื่องพิมพ์", "5000"])] and layout.skipped == []


def test_a_sheet_without_a_header_it_knows_has_no_layout():
    data = "a,b,c\r\n1,2,3\r\n".encode()
    assert find_layout(read_rows(data, "x.csv"), known) is None


def test_a_note_beginning_with_the_word_for_total_is_data_and_signatures_are_skipped():
    data = ("ลำดับ,รหัสครุภัณฑ์,รายการ,จำนวน,หน่วยนับ,ราคาต่อหน่วย,แหล่งเงิน,สถานะ,หมายเหตุ\r\n"
            "1,416-67-0001,เครื่องพิมพ์,1,เครื่อง,5000,,,\r\n"
            "2,416-67-0002,,,,,,,รวมค่าติดตั้ง\r\n"
            "ลงชื่อ ........ ผู้จัดทำ,,ลงชื่อ ........ ผู้ตรวจสอบ\r\n").encode("utf-8-sig")
    layout = find_layout(read_rows(data, "x.csv"), known)
    assert [line for line, _cells in layout.rows] == [2, 3]
    assert [(row.line, row.kind) for row in layout.skipped] == [(4, SIGNATURE)]
