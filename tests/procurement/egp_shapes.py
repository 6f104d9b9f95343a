"""e-GP open-data files in the shapes they are published in, for the import's tests.

Sources (the shapes, not our code's expectations):

- FY 2568, data.go.th's e-GP contract dataset (CKAN resource of the Comptroller General's Department). Its column
  names are those the CKAN API declares for the resource; a copy of the CSV as published leaves out the two
  district headers (เขต/อำเภอ, แขวง/ตำบล) while its rows keep their 28 values (header of 26 names, seen and
  "repaired" by a public project's tests: FY2568_HEADERS_AS_PUBLISHED). On that dataset one of the two method
  columns holds the list of the method groups, "วิธีการจัดหา ประกาศเชิญชวนทั่วไป คัดเลือก เฉพาะเจาะจง", instead of a
  method, in either column depending on the resource (DOMAIN.md section 6; public projects reading the dataset
  note the same).
- FY 2569, the govspending.data.go.th bulk export "2569-egp-contract-1.csv" (fetched 2026-09-30 by a public
  project whose tests quote its header and rows verbatim): 28 columns, renamed (ชื่อโครงการจัดซื้อจัดจ้าง, …).

Rows: RAILWAY_2568 and BUS_LEASE_2569 are real rows of other agencies, quoted verbatim from those files (open data
of the Comptroller General's Department, e-GP; attributed here). The rows of เทศบาลตำบลหงาว are made for these tests
in the same shapes (real-looking: its e-GP spelling, Ranong, repairs naming asset numbers the ways DOMAIN.md
section 3 and issue 15 quote from e-GP titles); they are not published records.
"""

import csv
import io

GROUP_LIST = "วิธีการจัดหา ประกาศเชิญชวนทั่วไป คัดเลือก เฉพาะเจาะจง"
OURS = "เทศบาลตำบลหงาว"
DLA = "กรมส่งเสริมการปกครองท้องถิ่น"

FY2568_HEADERS = [
    "ลำดับ", "รหัสโครงการ", "ชื่อโครงการ", "ชื่อประเภทโครงการ", "ชื่อหน่วยงาน", "ชื่อหน่วยงานย่อย",
    "วิธีจัดซื้อฯ", "กลุ่มวิธีจัดซื้อฯ", "วันที่ประกาศ", "งบประมาณ(บาท)", "ราคากลาง(บาท)", "ราคาตกลงซื้อ/จ้าง",
    "ปีงบประมาณ", "วันที่เกิดรายการ", "จังหวัด", "เขต/อำเภอ", "แขวง/ตำบล", "สถานะโครงการ", "พิกัดของโครงการ",
    "ละติจูดโครงการ", "ลองจิจูดโครงการ", "เลขนิติบุคคล", "ชื่อผู้ชนะ", "เลขที่สัญญา", "วันที่ลงนามสัญญา",
    "วันที่สิ้นสุดสัญญา", "งบสัญญา(บาท)", "สถานะสัญญา",
]
FY2568_HEADERS_AS_PUBLISHED = [name for name in FY2568_HEADERS if name not in ("เขต/อำเภอ", "แขวง/ตำบล")]

FY2569_HEADERS = [
    "ลำดับ", "รหัสโครงการ", "ชื่อโครงการจัดซื้อจัดจ้าง", "ชื่อประเภทโครงการ", "ชื่อหน่วยงาน", "ชื่อหน่วยงานย่อย",
    "ชื่อวิธีการจัดซื้อจัดจ้าง", "ชื่อกลุ่มวิธีการจัดซื้อจัดจ้าง", "วันที่ประกาศจัดซื้อจัดจ้าง", "วงเงินงบประมาณ (บาท)",
    "ราคากลาง (บาท)", "ราคาที่ตกลงซื้อ / จ้าง ซึ่งรวมทุกสัญญาในโครงการ (บาท)", "ปีงบประมาณ", "วันที่เกิดรายการ",
    "จังหวัด", "เขต/อำเภอ", "แขวง/ตำบล", "สถานะโครงการ", "พิกัดของโครงการ", "ละติจูดของโครงการ", "ลองจิจูดของโครงการ",
    "เลขประจำตัวนิติบุคคล 13 หลัก", "ชื่อผู้ชนะการเสนอราคา", "เลขที่สัญญา", "วันที่ลงนามในสัญญา", "วันที่สิ้นสุดสัญญา",
    "วงเงินงบประมาณในสัญญา (บาท)", "สถานะสัญญา",
]

# The same 28 fields, named by FY2568_HEADERS (FY 2569 files are converted by name: FY2569_NAMES).
FY2569_NAMES = dict(zip(FY2568_HEADERS, FY2569_HEADERS))

RAILWAY_2568 = dict(zip(FY2568_HEADERS, [
    "1", "67039549408", "ประกวดราคาจ้างก่อสร้างงานจ้างก่อสร้างโครงการรถไฟทางคู่", "จ้างก่อสร้าง",
    "การรถไฟแห่งประเทศไทย", "ฝ่ายโครงการพิเศษและก่อสร้าง", GROUP_LIST, "ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)",
    "21 มิ.ย. 67", "28759000000", "28719940000", "28679000000", "2568", "12 ธ.ค. 67", "กรุงเทพมหานคร", "ปทุมวัน",
    "รองเมือง", "ระหว่างดำเนินการ", "POINT(102.82574415206909 16.426720674030822)", "16.426720674031",
    "102.82574415207", "0993000510631", "กิจการร่วมค้า ช.ทวี - เอเอส ก่อสร้าง", "กส.14/ทค./2567", "12 ธ.ค. 67",
    "31 มี.ค. 71", "28679000000", "ระหว่างดำเนินการ",
]))

BUS_LEASE_2569 = dict(zip(FY2568_HEADERS, [
    "1", "68099218030",
    "ประกวดราคาเช่ารถโดยสารประจำทางปรับอากาศพลังงานสะอาด (EV) ด้วยวิธีประกวดราคาอิเล็กทรอนิกส์ (e-bidding)", "เช่า",
    "องค์การขนส่งมวลชนกรุงเทพ", "องค์การขนส่งมวลชนกรุงเทพ (ขสมก.) กรุงเทพฯ", "ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)",
    GROUP_LIST, "18 พ.ย. 68", "15355600000", "15326737242", "14905000000", "2569", "29 ม.ค. 69", "กรุงเทพมหานคร",
    "พระนคร", "พระบรมมหาราชวัง", "ระหว่างดำเนินการ", "", "", "", "0365529000042", "บริษัท นครชัยแอร์ จำกัด",
    "ช.16/2569", "29 ม.ค. 69", "29 ม.ค. 76", "14905000000", "ระหว่างดำเนินการ",
]))


def ours(number: str, title: str, *, year: str = "2568", method: str = "เฉพาะเจาะจง", group_first: bool = True,
         amount: str = "12500", reference: str = "12500", agreed: str = "12000", announced: str = "-",
         on: str = "29 พ.ย. 67", supplier: str = "อู่หงาวการช่าง", tax_id: str = "0855560000123",
         contract: str = "จ.31/2568", province: str = "ระนอง", **overrides) -> dict:
    """A row of เทศบาลตำบลหงาว in the FY 2568 shape. The generic group list goes in วิธีจัดซื้อฯ (group_first) or in
    กลุ่มวิธีจัดซื้อฯ, the method in the other one."""
    values = dict(zip(FY2568_HEADERS, [
        "1", number, title, "จ้างทำของ/จ้างเหมาบริการ", DLA, OURS,
        GROUP_LIST if group_first else method, method if group_first else GROUP_LIST,
        announced, amount, reference, agreed, year, on, province, "เมืองระนอง", "หงาว", "ดำเนินการแล้วเสร็จ",
        "", "", "", tax_id, supplier, contract, on, "", agreed, "สิ้นสุดสัญญา",
    ]))
    values.update(overrides)
    return values


def csv_bytes(headers: list[str], rows: list[dict], *, encoding: str = "utf-8-sig", names: dict | None = None,
              values_per_row: int | None = None) -> bytes:
    """A CSV as e-GP writes it: `rows` keyed by FY2568_HEADERS, written under `headers` (`names` maps a FY 2568
    name to the file's own); `values_per_row` writes every value of the row whatever the header has (the
    published FY 2568 copy whose header lacks two names)."""
    names = names or {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for values in rows:
        if values_per_row is not None:
            writer.writerow([values.get(name, "") for name in FY2568_HEADERS][:values_per_row])
        else:
            by_name = {names.get(name, name): value for name, value in values.items()}
            writer.writerow([by_name.get(header, "") for header in headers])
    return out.getvalue().encode(encoding)
