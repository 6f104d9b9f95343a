"""What the columns and words of a register kept in Excel mean: the headers municipalities use for each field of
the register, and their words for statuses and ways of acquiring. Data, not logic; `assets.imports` reads it.

Where the variants come from: the register's own export headers (assets.exports) and field names; DOMAIN.md
section 3 (the register's header fields and ledger columns); issue 15 (headers seen in municipalities' files:
รหัสครุภัณฑ์, หมายเลขครุภัณฑ์, เลขทะเบียน, ชื่อครุภัณฑ์, รายการ, ยี่ห้อ ชนิดแบบขนาดหมายเลขเครื่อง, ราคาต่อหน่วย,
ราคา/หน่วย, แหล่งเงิน, ประเภทเงิน, วิธีการได้มา, ผู้ขาย/ผู้รับจ้าง/ผู้บริจาค, วัน เดือน ปี, ปีงบประมาณ, สถานะ,
หน่วยงานที่รับผิดชอบ, จำนวน, หน่วยนับ); a Thai agency's register import published as open source, whose columns
are ปีงบประมาณ, หน่วยงาน, ชื่อหน่วยงาน, หน่วยงานย่อย, ชื่อหน่วยงานย่อย, ใช้ประจำที่, ผลการตรวจสอบครุภัณฑ์,
หมายเลขครุภัณฑ์, ตรวจสอบการใช้งาน, ชื่อครุภัณฑ์, ยี่ห้อ ชนิดแบบขนาดหมายเลขเครื่อง, ราคาต่อหน่วย, แหล่งเงิน,
วิธีการได้มา, สถานะ.
"""

import re

from thai.digits import to_arabic_digits

from .models import Status

# Columns that are not a field of the asset but help read the row.
QUANTITY, TOTAL_PRICE, FISCAL_YEAR, SKIP = "quantity", "total_price", "fiscal_year", ""

# field → headers (compared by header_key: no spaces or punctuation, Thai digits as Arabic, case folded)
HEADERS: dict[str, tuple[str, ...]] = {
    "number": ("หมายเลขครุภัณฑ์", "รหัสครุภัณฑ์", "เลขทะเบียน", "เลขทะเบียนครุภัณฑ์", "เลขที่ครุภัณฑ์", "รหัส",
               "รหัสพัสดุ", "หมายเลขพัสดุ", "รหัสทรัพย์สิน", "รหัสสินทรัพย์", "หมายเลข", "เลขครุภัณฑ์"),
    "name": ("ชื่อ/ลักษณะ", "ชื่อครุภัณฑ์", "รายการ", "ชื่อรายการ", "ชื่อพัสดุ", "ชื่อทรัพย์สิน", "ชื่อ",
             "ประเภท/ชนิด/ลักษณะ", "ชื่อและลักษณะ"),
    "specification": ("คุณสมบัติ", "ลักษณะ/คุณสมบัติ", "คุณลักษณะ", "รายละเอียด", "ขนาด/ลักษณะ"),
    "brand_model": ("ยี่ห้อ/รุ่น/แบบ", "ยี่ห้อ", "รุ่น", "ยี่ห้อ/รุ่น", "รุ่น/แบบ", "ยี่ห้อ ชนิดแบบขนาดหมายเลขเครื่อง",
                    "ยี่ห้อ ชนิด แบบ ขนาด", "ชนิดแบบขนาด", "ยี่ห้อ/ชนิด/แบบ/ขนาด", "แบบ/รุ่น"),
    "serial_number": ("หมายเลขเครื่อง (Serial)", "หมายเลขเครื่อง", "หมายเลขประจำเครื่อง", "S/N", "serial", "serial no"),
    "category": ("ประเภท", "ประเภทครุภัณฑ์", "หมวด", "หมวดครุภัณฑ์", "ประเภทพัสดุ", "ชนิดครุภัณฑ์"),
    "division": ("หน่วยงานที่รับผิดชอบ", "กอง", "หน่วยงาน", "ส่วนราชการ", "สังกัด", "ส่วนราชการ/หน่วยงาน",
                 "กอง/ส่วนราชการ", "ชื่อหน่วยงาน", "สถานที่ตั้ง/หน่วยงานที่รับผิดชอบ"),
    "location": ("สถานที่ตั้ง", "ที่ตั้ง", "สถานที่", "ใช้ประจำที่", "สถานที่เก็บ", "ห้อง", "สถานที่ใช้งาน"),
    "custodian": ("ผู้รับผิดชอบ/ผู้ครอบครอง", "ผู้รับผิดชอบ", "ผู้ใช้", "ผู้ครอบครอง", "ผู้ถือครอง", "ผู้ใช้งาน"),
    "acquired_on": ("วันที่ได้มา", "วัน เดือน ปี", "วัน/เดือน/ปี", "วันเดือนปีที่ได้มา", "วันที่ซื้อ", "วันที่รับ",
                    "วันที่ตรวจรับ", "วันที่", "ว/ด/ป", "วัน เดือน ปี ที่ได้มา"),
    "acquisition_method": ("วิธีการได้มา", "วิธีได้มา", "ได้มาโดย", "วิธีการจัดหา", "วิธีจัดหา", "วิธีการซื้อ/จ้าง"),
    "budget_type": ("ประเภทเงิน", "แหล่งเงิน", "แหล่งงบประมาณ", "แหล่งที่มาของเงิน", "ประเภทงบประมาณ"),
    "document_number": ("เลขที่เอกสาร", "ที่เอกสาร", "เลขที่ใบส่งของ", "เลขที่ฎีกา", "เลขที่สัญญา", "เอกสารอ้างอิง"),
    "vendor_name": ("ชื่อผู้ขาย/ผู้รับจ้าง/ผู้บริจาค", "ผู้ขาย/ผู้รับจ้าง/ผู้บริจาค", "ผู้ขาย", "ชื่อผู้ขาย", "ร้านค้า",
                    "ผู้ขาย/ผู้รับจ้าง", "บริษัท/ร้าน", "ผู้จำหน่าย"),
    "vendor_address": ("ที่อยู่ผู้ขาย", "ที่อยู่"),
    "vendor_phone": ("โทรศัพท์ผู้ขาย", "โทรศัพท์"),
    "unit": ("หน่วยนับ", "หน่วย"),
    "unit_price": ("ราคาต่อหน่วย (บาท)", "ราคาต่อหน่วย", "ราคา/หน่วย", "ราคาต่อหน่วย/ชุด/กลุ่ม", "ราคา/หน่วย/ชุด/กลุ่ม",
                   "ราคา", "ราคาทุน", "ราคาที่ได้มา", "ราคา ต่อหน่วย", "ราคาซื้อ"),
    "useful_life_years": ("อายุการใช้งาน (ปี)", "อายุการใช้งาน", "อายุการใช้งาน(ปี)", "อายุ"),
    "status": ("สถานะ", "สภาพ", "สภาพการใช้งาน", "สถานภาพ", "ตรวจสอบการใช้งาน", "สถานะการใช้งาน"),
    "is_lendable": ("ให้ยืมได้",),
    "notes": ("หมายเหตุ",),
    QUANTITY: ("จำนวน", "จำนวนหน่วย", "จำนวน/หน่วย"),
    TOTAL_PRICE: ("มูลค่ารวม", "ราคารวม", "จำนวนเงิน", "รวมเงิน", "ราคา รวม", "มูลค่า"),
    FISCAL_YEAR: ("ปีงบประมาณ", "ปีงบ", "ปีที่ได้มา", "ปี"),
}
# Published columns that the register does not keep (they are computed or belong to other records).
KNOWN_SKIPPED = ("ลำดับ", "ลำดับที่", "ที่", "อัตราค่าเสื่อมราคา", "ค่าเสื่อมราคาประจำปี", "ค่าเสื่อมราคาสะสม",
                 "มูลค่าสุทธิ", "ผลการตรวจสอบครุภัณฑ์", "หน่วยงานย่อย", "ชื่อหน่วยงานย่อย", "ลายมือชื่อ")

_PUNCTUATION = re.compile(r"[\s.:()\[\]*\-–_'\"“”]+")


def header_key(text) -> str:
    """How headers are compared: no spaces or punctuation, no "(บาท)", Thai digits as Arabic, case folded."""
    key = _PUNCTUATION.sub("", to_arabic_digits(str(text or ""))).casefold()
    return key.removesuffix("บาท") or key


# Status words of registers and inspection reports → the register's status. A disposed asset is not registered.
STATUS_WORDS: dict[str, str] = {
    "ใช้งาน": Status.IN_USE, "ใช้งานได้": Status.IN_USE, "ใช้การได้": Status.IN_USE, "ปกติ": Status.IN_USE,
    "ดี": Status.IN_USE, "สภาพดี": Status.IN_USE, "ใช้ได้": Status.IN_USE, "พร้อมใช้งาน": Status.IN_USE,
    "ใช้งานอยู่": Status.IN_USE, "ชำรุด": Status.DAMAGED, "ชำรุดใช้การไม่ได้": Status.DAMAGED,
    "ใช้การไม่ได้": Status.DAMAGED, "ชำรุดรอซ่อม": Status.DAMAGED, "เสื่อมสภาพ": Status.DETERIORATED,
    "เสื่อมคุณภาพ": Status.DETERIORATED, "ส่งซ่อม": Status.UNDER_REPAIR, "ระหว่างซ่อม": Status.UNDER_REPAIR,
    "ซ่อม": Status.UNDER_REPAIR, "สูญหาย": Status.LOST, "สูญไป": Status.LOST, "หาย": Status.LOST,
    "ไม่จำเป็นต้องใช้": Status.NOT_NEEDED, "ไม่จำเป็นต้องใช้ในราชการ": Status.NOT_NEEDED, "ไม่ได้ใช้": Status.NOT_NEEDED,
    "ไม่ใช้แล้ว": Status.NOT_NEEDED, "จำหน่ายแล้ว": Status.DISPOSED, "จำหน่าย": Status.DISPOSED,
}

# Ways of procuring written where the register asks how the asset was acquired: bought, the method kept in notes.
PROCUREMENT_METHODS = ("ตกลงราคา", "สอบราคา", "ประกวดราคา", "ประกวดราคาอิเล็กทรอนิกส์", "e-bidding", "ebidding",
                       "e-market", "emarket", "ตลาดอิเล็กทรอนิกส์", "เฉพาะเจาะจง", "วิธีเฉพาะเจาะจง", "คัดเลือก",
                       "วิธีคัดเลือก", "วิธีพิเศษ", "กรณีพิเศษ", "จัดซื้อ", "ซื้อ")
# Other words for the seeded acquisition methods (code → words).
ACQUISITION_WORDS: dict[str, tuple[str, ...]] = {
    "BUY": ("ซื้อ", "จัดซื้อ"),
    "HIRE": ("จ้าง", "จ้างทำ", "จัดจ้าง"),
    "DONATED": ("รับบริจาค", "บริจาค", "ได้รับบริจาค"),
    "TRANSFER": ("รับโอน", "โอน", "ได้รับโอน"),
}
