"""A durable-goods register as municipalities keep it in Excel, for the import's and the layout's tests.

The shape follows DOMAIN.md section 3 (the register's fields) and issue 15's description of real municipal files
(a title row, a two-level merged header, category header rows, subtotal rows, blank lines, their own column names
and words for categories, divisions, statuses and how things were acquired); the column names are those of
assets/register_columns.py's sources. The rows are made for the tests, not copied from a municipality's register.
"""

import io

from openpyxl import Workbook


def register_workbook() -> bytes:
    """A durable-goods register laid out the way DOMAIN.md section 3 and issue 15 describe municipal ones: title
    rows, a two-level merged header, a heading row per category, subtotals, blank lines, a header repeated after
    a page break, signatures at the end."""
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "ทะเบียนครุภัณฑ์"
    sheet.merge_cells("A1:N1")
    sheet["A2"] = "เทศบาลตำบลหงาว อำเภอเมืองระนอง จังหวัดระนอง"
    sheet.merge_cells("A2:N2")
    upper = ["ลำดับ", "รหัสครุภัณฑ์", "รายการ", "ยี่ห้อ ชนิดแบบขนาดหมายเลขเครื่อง", "วัน เดือน ปี", "จำนวน",
             "หน่วยนับ", "ราคา", None, "แหล่งเงิน", "วิธีการได้มา", "หน่วยงานที่รับผิดชอบ", "สถานะ", "หมายเหตุ"]
    for column, text in enumerate(upper, start=1):
        if text:
            sheet.cell(row=4, column=column, value=text)
    for column in [1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14]:
        sheet.merge_cells(start_row=4, start_column=column, end_row=5, end_column=column)
    sheet.merge_cells("H4:I4")
    sheet["H5"], sheet["I5"] = "ต่อหน่วย", "รวม"
    sheet["A6"] = "ครุภัณฑ์สำนักงาน"
    sheet.append([1, "400-60-0001", "โต๊ะทำงานเหล็ก", "ลักกี้", "12 ม.ค. 2560", 1, "ตัว", "5,900.-", 5900,
                  "เงินงบประมาณ", "ตกลงราคา", "สำนักปลัด", "ใช้งานได้", None])
    sheet.append([2, "400-60-0002 ถึง 0004", "เก้าอี้สำนักงาน", None, "ส.ค. 2566", 3, "ตัว", "๑,๕๐๐", 4500,
                  "เงินงบประมาณ", "เฉพาะเจาะจง", "สำนักปลัด", "ชำรุด", "ขาหัก 1 ตัว"])
    sheet.append([None, None, "รวม 2 รายการ", None, None, None, None, None, 10400])
    sheet.append([])
    sheet.append(["ครุภัณฑ์คอมพิวเตอร์"])
    sheet.append(["ลำดับ", "รหัสครุภัณฑ์", "รายการ", "ยี่ห้อ ชนิดแบบขนาดหมายเลขเครื่อง", "วัน เดือน ปี", "จำนวน",
                  "หน่วยนับ", "ราคา", None, "แหล่งเงิน", "วิธีการได้มา", "หน่วยงานที่รับผิดชอบ", "สถานะ", "หมายเหตุ"])
    sheet.append([3, "416-63-0061", "เครื่องคอมพิวเตอร์", "Dell", "2549", 1, "เครื่อง", "9,999 บาท", 9999,
                  "เงินอุดหนุน", "สอบราคา", "กองคลัง", "-", None])
    sheet.append([None, None, "รวมทั้งสิ้น", None, None, None, None, None, 20399])
    sheet.append([])
    sheet.append(["ลงชื่อ ................................ เจ้าหน้าที่พัสดุ"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
