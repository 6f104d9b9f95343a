"""The organisation's tables offered as spreadsheets in the set-up area, with the headers people write for them.

The spellings come from staff lists and reference tables as municipalities publish them (see the sources in
tests/organization/staff_shapes.py): a name and title in one column ("ชื่อ - สกุล"), the division as a heading row
above its staff or as a column (สังกัด, ส่วนราชการ), the position with its level (นักวิชาการพัสดุชำนาญการ).
"""

from django.utils.translation import gettext_lazy as _

from . import resources
from .table_io import Spec, register

STAFF = Spec(
    key="staff", label=_("บุคลากร"), resource=resources.StaffResource, action="staff.manage",
    required=(("ชื่อ-สกุล", "ชื่อ"),),
    aliases={
        "ชื่อผู้ใช้": ("username", "ชื่อเข้าระบบ", "บัญชีผู้ใช้", "user"),
        "ชื่อ-สกุล": ("ชื่อ-นามสกุล", "ชื่อสกุล", "ชื่อ นามสกุล", "ชื่อและนามสกุล", "ชื่อ-สกุล ผู้ปฏิบัติงาน",
                      "full name", "name"),
        "คำนำหน้า": ("คำนำ", "คำนำหน้าชื่อ", "คำนำหน้านาม", "prefix", "title"),
        "ชื่อ": ("first name", "first_name", "ชื่อจริง"),
        "นามสกุล": ("last name", "last_name", "สกุล"),
        "ตำแหน่ง": ("position", "ตำแหน่งงาน", "ชื่อตำแหน่ง"),
        "กอง": ("สังกัด", "ส่วนราชการ", "กอง/ส่วนราชการ", "หน่วยงาน", "สังกัดกอง", "สังกัดปฏิบัติ", "division"),
        "บทบาท": ("สิทธิ์", "สิทธิ์การใช้งาน", "บทบาทในระบบ", "roles", "role"),
        "อีเมล": ("email", "e-mail", "อีเมล์", "ไปรษณีย์อิเล็กทรอนิกส์"),
        "โทรศัพท์": ("เบอร์โทร", "เบอร์โทรศัพท์", "หมายเลขโทรศัพท์", "โทร", "phone", "มือถือ"),
        "ใช้งาน": ("สถานะ", "active", "is_active"),
    },
    section_column="กอง",
    help=_("หนึ่งแถวต่อหนึ่งคน: ชื่อ-สกุล (หรือ ชื่อ และ นามสกุล), ตำแหน่ง, กอง (หรือแถวหัวข้อชื่อกองเหนือรายชื่อ), "
           "บทบาท (เช่น หัวหน้ากอง, เจ้าหน้าที่พัสดุ คั่นด้วยจุลภาค; เว้นว่าง = เจ้าหน้าที่), อีเมล, โทรศัพท์ "
           "คนที่มีอยู่แล้วจับคู่ด้วยชื่อผู้ใช้ หรือชื่อและนามสกุล นำเข้าไฟล์เดิมซ้ำจะไม่เปลี่ยนอะไร"),
)
DIVISIONS = Spec(
    key="divisions", label=_("กอง/ส่วนราชการ"), resource=resources.DivisionResource, action="reference.edit",
    required=("ชื่อกอง/ส่วนราชการ",),
    aliases={"รหัส": ("รหัสกอง", "code"), "ชื่อกอง/ส่วนราชการ": ("ชื่อกอง", "กอง", "ส่วนราชการ", "ชื่อส่วนราชการ", "name"),
             "ลำดับ": ("ลำดับที่", "ที่", "order"), "ใช้งาน": ("สถานะ", "active")},
    help=_("หนึ่งแถวต่อหนึ่งกอง: รหัส (ถ้ามี), ชื่อกอง/ส่วนราชการ, ลำดับ หัวหน้ากองกำหนดจากบทบาทในไฟล์บุคลากร"),
)
LOCATIONS = Spec(
    key="locations", label=_("สถานที่"), resource=resources.LocationResource, action="reference.edit",
    required=("กอง", "ชื่อสถานที่"),
    aliases={"กอง": ("สังกัด", "ส่วนราชการ", "ชื่อกอง"), "รหัส": ("รหัสสถานที่", "รหัสห้อง", "code"),
             "ชื่อสถานที่": ("สถานที่", "สถานที่ตั้ง", "ห้อง", "ชื่อห้อง", "อาคาร/ห้อง", "name"),
             "ใช้งาน": ("สถานะ", "active")},
    section_column="กอง",
)
HOLIDAYS = Spec(
    key="holidays", label=_("วันหยุดราชการ"), resource=resources.HolidayResource, action="reference.edit",
    required=("วันที่", "ชื่อวันหยุด"),
    aliases={"วันที่": ("วัน เดือน ปี", "วันเดือนปี", "วันที่หยุด", "date", "datethai"),
             "ชื่อวันหยุด": ("วันหยุด", "วันสำคัญ", "รายการ", "holidaydescriptionthai", "ชื่อ", "name")},
    help=_("หนึ่งแถวต่อหนึ่งวัน: วันที่ (พ.ศ. เช่น 13/04/2569 หรือ 13 เม.ย. 2569) และชื่อวันหยุด"),
)

for spec in (DIVISIONS, LOCATIONS, STAFF, HOLIDAYS):
    register(spec)
