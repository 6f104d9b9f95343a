"""Staff lists and holiday lists in the shapes municipalities and agencies publish them, for the set-up imports.

Sources of the shapes (the people are made up; only the layout, the headers and the way things are written are
taken from the sources):
- STAFF_AS_PUBLISHED: the staff page of a เทศบาลตำบล's website (GitHub yeawyow/poknoi, modal.php): a heading per
  division (สำนักปลัดเทศบาล, กองคลัง, กองช่าง, กองสาธารณสุขและสิ่งแวดล้อม, "กองการศึกษาและวัฒธรรม" misspelt as
  published), the head of the division first, a title glued to the first name (นาย, นาง, นางสาว, สิบเอก), two spaces
  before the surname, the level glued to the position (นักวิชาการพัสดุปฏิบัติการ, นายช่างโยธาชำนาญงาน), positions
  abbreviated with ฯ. Laid out as a sheet with the title, ลำดับ and ชื่อ - สกุล columns as such lists are typed.
- STAFF_HR_EXPORT: the columns a personnel system's export starts with (ลำดับ, เลขที่ตำแหน่ง, คำนำ, ชื่อ, นามสกุล,
  ประเภทตำแหน่ง, …, สังกัดปฏิบัติ): the title in its own column, the division as สังกัดปฏิบัติ.
- HOLIDAYS_BOT: the Bank of Thailand's holiday API fields (apiportal.bot.or.th, documented field names
  HolidayWeekDay, HolidayWeekDayThai, Date, DateThai, HolidayDescription, HolidayDescriptionThai) saved as CSV,
  as many projects keep them: DateThai is dd/mm/BE.
- Holiday names as the cabinet announces them (vacanza/holidays, holidays/locale/th/LC_MESSAGES/TH.po, MIT).
"""

import datetime as dt
import io

from openpyxl import Workbook

from thai.dates import BE_OFFSET

DIVISIONS = ["สำนักปลัดเทศบาล", "กองคลัง", "กองช่าง", "กองสาธารณสุขและสิ่งแวดล้อม", "กองการศึกษา"]


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def staff_as_published(organization="เทศบาลตำบลหงาว", education_heading="กองการศึกษา") -> list[list]:
    """The title, the header, then each division's heading row and its people (the head first)."""
    return [
        [f"บัญชีรายชื่อพนักงานเทศบาล {organization} อำเภอเมืองระนอง จังหวัดระนอง"],
        [],
        ["ลำดับ", "ชื่อ - สกุล", "ตำแหน่ง", "เบอร์โทร"],
        ["สำนักปลัดเทศบาล"],
        [1, "นายสมปอง  ทองดี", "ปลัดเทศบาล", "077-800-001"],
        [2, "นางสาวกานดา  ศรีสุข", "หัวหน้าสำนักปลัด", ""],
        [3, "สิบเอกพรชัย  มั่นคง", "เจ้าพนักงานธุรการชำนาญงาน", ""],
        ["กองคลัง"],
        [4, "นางวิไล  รักษ์ดี", "ผู้อำนวยการกองคลัง", ""],
        [5, "นางสาวอรุณี  ใจงาม", "นักวิชาการพัสดุปฏิบัติการ", "๐๘๑ ๒๓๔ ๕๖๗๘"],
        [6, "นายเอกชัย  พูลผล", "นักวิชาการเงินและบัญชีชำนาญการ", ""],
        ["กองช่าง"],
        [7, "นายวิชัย  แข็งแรง", "ผู้อำนวยการกองช่าง", ""],
        [8, "นายประเสริฐ  ช่างคิด", "นายช่างโยธาชำนาญงาน", ""],
        [education_heading],
        [9, "นางสุดา  เมตตา", "นักวิเคราะห์นโยบายฯปฏิบัติการ", ""],
        [10, "นางสาวมาลี  ดอกไม้", "ครูผู้ดูแลเด็ก", ""],
        [],
        ["ลงชื่อ ............................ ผู้จัดทำ"],
    ]


STAFF_HR_EXPORT = [
    ["ลำดับ", "เลขที่ตำแหน่ง", "คำนำ", "ชื่อ", "นามสกุล", "ประเภทตำแหน่ง", "ตำแหน่ง", "สังกัดปฏิบัติ", "บทบาท", "อีเมล"],
    [1, "14-3-00-1101-001", "นาย", "สมปอง", "ทองดี", "อำนวยการท้องถิ่น", "ปลัดเทศบาล", "สำนักปลัดเทศบาล",
     "หัวหน้าหน่วยงาน", "sompong@ngao.go.th"],
    [2, "14-3-04-3204-001", "นางสาว", "อรุณี", "ใจงาม", "วิชาการ", "นักวิชาการพัสดุปฏิบัติการ", "กองคลัง",
     "เจ้าหน้าที่พัสดุ, เจ้าหน้าที่", "arunee@ngao.go.th"],
    [3, "14-3-04-2102-001", "นาง", "วิไล", "รักษ์ดี", "อำนวยการท้องถิ่น", "ผู้อำนวยการกองคลัง", "กองคลัง",
     "หัวหน้ากอง, หัวหน้าหน่วยพัสดุ", ""],
]


def holidays_bot(year_be: int) -> list[list]:
    """A few of a year's holidays as the Bank of Thailand's API returns them, one row per day."""
    year = year_be - BE_OFFSET
    days = [(dt.date(year, 1, 1), "New Year's Day", "วันขึ้นปีใหม่"),
            (dt.date(year, 4, 6), "Chakri Memorial Day", "วันจักรี"),
            (dt.date(year, 4, 13), "Songkran Festival", "วันสงกรานต์"),
            (dt.date(year, 12, 5), "H.M. King Bhumibol's Birthday", "วันคล้ายวันพระบรมราชสมภพ ร.9")]
    names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    thai = ["วันจันทร์", "วันอังคาร", "วันพุธ", "วันพฤหัสบดี", "วันศุกร์", "วันเสาร์", "วันอาทิตย์"]
    rows = [["HolidayWeekDay", "HolidayWeekDayThai", "Date", "DateThai", "HolidayDescription",
             "HolidayDescriptionThai"]]
    for day, english, name in days:
        rows.append([names[day.weekday()], thai[day.weekday()], day.isoformat(),
                     f"{day:%d/%m}/{day.year + BE_OFFSET}", english, name])
    return rows


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    import csv

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


# Twelve divisions of a larger municipality (the เทศบาลตำบล ones above, and those seen in เทศบาลเมือง/นคร sites).
DIVISIONS_12 = DIVISIONS + ["กองสวัสดิการสังคม", "กองยุทธศาสตร์และงบประมาณ", "กองการประปา", "หน่วยตรวจสอบภายใน",
                            "กองการเจ้าหน้าที่", "กองส่งเสริมการเกษตร", "กองวิชาการและแผนงาน"]
_TITLES = ["นาย", "นาง", "นางสาว", "สิบเอก", "ว่าที่ร้อยตรี"]
_FIRST = ["สมชาย", "สุดา", "ประเสริฐ", "วิไล", "อรุณี", "เอกชัย", "กานดา", "พรชัย", "มาลี", "วิชัย", "สมศรี", "ธนา"]
_LAST = ["ทองดี", "ศรีสุข", "มั่นคง", "รักษ์ดี", "ใจงาม", "พูลผล", "แข็งแรง", "ช่างคิด", "เมตตา", "ดอกไม้"]
_POSITIONS = ["นักวิชาการพัสดุปฏิบัติการ", "เจ้าพนักงานธุรการชำนาญงาน", "นักจัดการงานทั่วไปชำนาญการ",
              "นายช่างโยธาชำนาญงาน", "นักวิชาการเงินและบัญชีชำนาญการ", "ครูผู้ดูแลเด็ก", "พนักงานจ้างทั่วไป"]


def divisions_file(names=DIVISIONS_12) -> list[list]:
    return [["ส่วนราชการของเทศบาล"], ["ลำดับ", "ส่วนราชการ"]] + [[n, name] for n, name in enumerate(names, 1)]


def municipality_staff(count: int = 250, names=DIVISIONS_12) -> list[list]:
    """A staff list of `count` people in the published shape: a heading row per division, its head first (with
    the role column filled as an administrator would fill it), the supply unit under กองคลัง."""
    rows = [["บัญชีรายชื่อพนักงานเทศบาลและพนักงานจ้าง"], ["ลำดับ", "ชื่อ - สกุล", "ตำแหน่ง", "บทบาท", "เบอร์โทร"]]
    per = count // len(names)
    number = 0
    for index, division in enumerate(names):
        rows.append([division])
        size = per + (1 if index < count % len(names) else 0)
        for place in range(size):
            number += 1
            name = (f"{_TITLES[number % len(_TITLES)]}{_FIRST[number % len(_FIRST)]}{number:03d}  "
                    f"{_LAST[number % len(_LAST)]}")
            if place == 0:
                position, role = (f"ผู้อำนวยการ{division}" if division.startswith("กอง") else f"หัวหน้า{division}",
                                  "หัวหน้ากอง")
                if index == 0:
                    position, role = "ปลัดเทศบาล", "หัวหน้ากอง, หัวหน้าหน่วยงาน"
            elif division == "กองคลัง" and place == 1:
                position, role = "หัวหน้าฝ่ายพัสดุและทรัพย์สิน", "หัวหน้าหน่วยพัสดุ"
            elif division == "กองคลัง" and place in (2, 3):
                position, role = "นักวิชาการพัสดุปฏิบัติการ", "เจ้าหน้าที่พัสดุ, เจ้าหน้าที่"
            else:
                position, role = _POSITIONS[number % len(_POSITIONS)], ""
            rows.append([number, name, position, role, f"08{number:08d}"])
    return rows
