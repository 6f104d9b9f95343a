"""Import of e-GP open data (DOMAIN.md section 6): read the file, plan what it would do, then commit it whole.

Every procurement is also recorded in the central e-GP system, whose records are published as open data
(data.go.th, CSV with Thai headers). `parse_egp` reads the file (common.spreadsheets: CSV in UTF-8 or
Windows-874, or XLSX), maps the published headers of each year's shape (COLUMNS; spaces and a trailing "(บาท)"
do not matter; published columns it does not need are skipped, others are listed and ignored), refuses a file
whose rows hold more values than its header has names, keeps the rows of this organisation — ชื่อหน่วยงาน or
ชื่อหน่วยงานย่อย equal to Organization.egp_name (spaces ignored), or that name followed by its district or
province, and a จังหวัด that is the organisation's when both are known — and returns an EgpPlan: procurements to create, procurements
to update (with their changes), how many are unchanged, the rows of other agencies (counted, not read),
flagged rows (figures that disagree: imported all the same, the reason kept in Procurement.egp_flag) and
bad rows with their row number and Thai reasons. Nothing is written.

`commit_egp` writes a plan without bad rows in one transaction: one "procurement.import_create" or
"procurement.import_update" log entry (with the changes) per procurement written, then the assets each
title names are linked (services.link_named_assets), then one "procurement.import" entry for the file.
Any failure writes nothing; a plan that changes nothing writes nothing, log entries included.

How a row becomes a procurement:

- รหัสโครงการ is the key (Procurement.egp_number): a number already in the register updates that
  procurement, any other creates one. The same number twice in the file is read once when the rows
  agree and is a bad row when they differ (which one is right is not guessed).
- `-` (and a blank cell) is empty. An empty cell never clears what a procurement already records: the file
  says nothing about it.
- method: from กลุ่มวิธีจัดซื้อฯ and วิธีจัดซื้อฯ (เฉพาะเจาะจง, e-bidding / ประกวดราคาอิเล็กทรอนิกส์, e-market /
  ตลาดอิเล็กทรอนิกส์, คัดเลือก); the list of the method groups ("วิธีการจัดหา ประกาศเชิญชวนทั่วไป คัดเลือก
  เฉพาะเจาะจง") that files put in one of the two columns names no method; a method that is not recognised, or two
  columns naming different methods, is a bad row. amount = งบประมาณ(บาท), reference_price = ราคากลาง(บาท), agreed_price = ราคาตกลงซื้อ/จ้าง,
  announced_on = วันที่ประกาศ, fiscal_year = ปีงบประมาณ, project_type = ชื่อประเภทโครงการ, title = ชื่อโครงการ.
  The procurement's own fields are checked by services.check_fields, as when they are typed in.
- status: an agreed price with a date (วันที่ทำสัญญา when the file has it, else วันที่เกิดรายการ, which becomes
  contract_date) is contracted; an agreed price without a date is awarded; otherwise announced when there is
  an announcement date, else planned. A status only moves forward: an import never takes a procurement
  back. A procurement already delivered, accepted, closed or cancelled is not changed by an import; where
  the file differs from it, the row is listed as "not applied" (nothing is refused).
- the specific method above the organisation's limit gets the reason "นำเข้าจาก e-GP" (the procurement was
  approved in e-GP; check_fields would refuse it without a reason); a reason already recorded is kept.
- imported records have no bids of their own and are not in the annual plan (in_plan False) until the officer
  says they were planned; when the file has the selected supplier (and an agreed price),
  a Bid at the agreed price is recorded for it and made the winner; without supplier columns there is no
  winner. A contract number column fills contract_number.
- flags (not blocking): budget 0; reference price 10× the budget or more, or 1/10 of it or less; agreed price
  above the budget, 10× the reference price or more, or 1/10 of the budget or less; a contract date before the
  announcement; a project number that is not 11 digits; a supplier without an agreed price. Flags are
  written in the site's language (Thai) whoever imports, so a second import of the same file changes nothing.
"""

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from activity import log
from assets.models import Asset
from common.spreadsheets import ImportRefused, SpreadsheetError, Table, read_table, restore
from organization import roles
from organization.models import Organization
from thai.dates import ThaiDateError, format_date, parse_date
from thai.digits import to_arabic_digits

from . import services
from .models import Bid, Method, Procurement

S = Procurement.Status
DEFAULT_MAX_ROWS = 100_000  # a province's file for a fiscal year; the whole country's must be filtered first
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
IMPORT_REASON = "นำเข้าจาก e-GP"  # stored data (over_limit_reason), the same whatever the importer's language
EGP_NUMBER_DIGITS = 11
CENT = Decimal("0.01")
_TOO_BIG = Decimal("1e12")
_FLOAT_SLACK = Decimal("0.000001")
_DASHES = {"-", "–", "—", "--"}
_SPACES = re.compile(r"\s+")
_NO_SPACE = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")
_DIGITS = re.compile(r"[0-9]+")
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_PIPELINE = [S.PLANNED, S.ANNOUNCED, S.BIDS_RECEIVED, S.AWARDED, S.CONTRACTED]

# --- the columns -------------------------------------------------------------------------------------

# column key → the header as published first (shown in messages), then other spellings seen or plausible
# As published (each shape seen in real files; tests/procurement/egp_shapes.py cites where):
# - data.go.th's e-GP contract CSV of FY 2568 (CKAN): ลำดับ, รหัสโครงการ, ชื่อโครงการ, ชื่อประเภทโครงการ, ชื่อหน่วยงาน,
#   ชื่อหน่วยงานย่อย, วิธีจัดซื้อฯ, กลุ่มวิธีจัดซื้อฯ, วันที่ประกาศ, งบประมาณ(บาท), ราคากลาง(บาท), ราคาตกลงซื้อ/จ้าง,
#   ปีงบประมาณ, วันที่เกิดรายการ, จังหวัด, [เขต/อำเภอ, แขวง/ตำบล], สถานะโครงการ, พิกัดของโครงการ, ละติจูดโครงการ,
#   ลองจิจูดโครงการ, เลขนิติบุคคล, ชื่อผู้ชนะ, เลขที่สัญญา, วันที่ลงนามสัญญา, วันที่สิ้นสุดสัญญา, งบสัญญา(บาท),
#   สถานะสัญญา; one of its two method columns holds the generic label of the method groups on every row;
#   one published copy leaves out the two district headers while its rows keep their values (refused);
# - the FY 2569 bulk export (govspending): ชื่อโครงการจัดซื้อจัดจ้าง, ชื่อวิธีการจัดซื้อจัดจ้าง,
#   ชื่อกลุ่มวิธีการจัดซื้อจัดจ้าง, วันที่ประกาศจัดซื้อจัดจ้าง, วงเงินงบประมาณ (บาท), ราคากลาง (บาท),
#   ราคาที่ตกลงซื้อ / จ้าง ซึ่งรวมทุกสัญญาในโครงการ (บาท), เลขประจำตัวนิติบุคคล 13 หลัก, ชื่อผู้ชนะการเสนอราคา,
#   วันที่ลงนามในสัญญา, วงเงินงบประมาณในสัญญา (บาท), the rest as in FY 2568;
# - the govspending API's field names (project_id, dept_sub_name, purchase_method_group_name, …).
COLUMNS: dict[str, tuple[str, ...]] = {
    "sequence": ("ลำดับ", "ลำดับที่"),
    "egp_number": ("รหัสโครงการ", "เลขที่โครงการ", "เลขที่โครงการ e-GP", "project_id"),
    "title": ("ชื่อโครงการ", "ชื่อโครงการจัดซื้อจัดจ้าง", "ชื่อโครงการที่จัดซื้อจัดจ้าง", "project_name"),
    "project_type": ("ชื่อประเภทโครงการ", "ประเภทโครงการ", "project_type_name"),
    "agency": ("ชื่อหน่วยงาน", "หน่วยงาน", "dept_name"),
    "sub_agency": ("ชื่อหน่วยงานย่อย", "หน่วยงานย่อย", "dept_sub_name"),
    "method_name": ("วิธีจัดซื้อฯ", "วิธีจัดซื้อจัดจ้าง", "วิธีการจัดซื้อจัดจ้าง", "ชื่อวิธีการจัดซื้อจัดจ้าง",
                    "purchase_method_name"),
    "method_group": ("กลุ่มวิธีจัดซื้อฯ", "กลุ่มวิธีจัดซื้อจัดจ้าง", "กลุ่มวิธีการจัดซื้อจัดจ้าง",
                     "ชื่อกลุ่มวิธีการจัดซื้อจัดจ้าง", "purchase_method_group_name"),
    "announced_on": ("วันที่ประกาศ", "วันที่ประกาศจัดซื้อจัดจ้าง", "announce_date"),
    "amount": ("งบประมาณ(บาท)", "งบประมาณโครงการ", "วงเงินงบประมาณ", "project_money"),
    "reference_price": ("ราคากลาง(บาท)", "price_build"),
    "agreed_price": ("ราคาตกลงซื้อ/จ้าง", "ราคาที่ตกลงซื้อหรือจ้าง", "ราคาที่ตกลงซื้อ / จ้าง ซึ่งรวมทุกสัญญาในโครงการ",
                     "sum_price_agree"),
    "fiscal_year": ("ปีงบประมาณ", "budget_year"),
    "transaction_date": ("วันที่เกิดรายการ", "transaction_date"),
    "province": ("จังหวัด", "province"),
    # optional: the selected supplier and the contract (removed from some redistributed copies)
    "supplier": ("ชื่อผู้ประกอบการ", "ผู้ได้รับการคัดเลือก", "ชื่อผู้ได้รับการคัดเลือก", "ผู้ประกอบการ", "ผู้ชนะ",
                 "ชื่อผู้ชนะ", "ชื่อผู้ชนะการเสนอราคา", "ผู้ขาย/ผู้รับจ้าง", "ชื่อผู้ขาย/ผู้รับจ้าง", "ผู้รับจ้าง",
                 "winner"),
    "tax_id": ("เลขประจำตัวผู้เสียภาษี", "เลขประจำตัวผู้เสียภาษีอากร", "เลขประจำตัวผู้เสียภาษีของผู้ประกอบการ",
               "เลขประจำตัวผู้เสียภาษีผู้ประกอบการ", "เลขประจำตัวผู้เสียภาษีของผู้ได้รับการคัดเลือก", "เลขนิติบุคคล",
               "เลขประจำตัวนิติบุคคล", "เลขประจำตัวนิติบุคคล 13 หลัก", "winner_tin"),
    "contract_number": ("เลขที่สัญญา", "เลขที่สัญญา/ใบสั่ง", "เลขที่สัญญาหรือใบสั่ง", "เลขที่สัญญา/ใบสั่งซื้อสั่งจ้าง",
                        "contract_no"),
    "contract_date": ("วันที่ทำสัญญา", "วันที่ลงนามสัญญา", "วันที่ลงนามในสัญญา", "วันที่สัญญา", "contract_date"),
}
# Published columns this import knows and does not need: not listed as unknown in the preview.
KNOWN_UNUSED = ("_id", "เขต/อำเภอ", "อำเภอ", "แขวง/ตำบล", "ตำบล", "จังหวัด(Eng)", "เขต/อำเภอ(Eng)", "แขวง/ตำบล(Eng)",
                "สถานะโครงการ", "พิกัดของโครงการ", "ละติจูดโครงการ", "ลองจิจูดโครงการ", "ละติจูดของโครงการ",
                "ลองจิจูดของโครงการ", "วันที่สิ้นสุดสัญญา", "งบสัญญา(บาท)", "วงเงินงบประมาณในสัญญา", "สถานะสัญญา",
                "district", "subdistrict", "project_status", "contract_finish_date")
REQUIRED_COLUMNS = ("egp_number", "title", "agency", "amount", "fiscal_year")
METHOD_COLUMNS = ("method_group", "method_name")

# words of the method columns (compared without spaces, hyphens and case) → method
_METHOD_WORDS = (
    ("เฉพาะเจาะจง", Method.SPECIFIC),
    ("ebidding", Method.E_BIDDING),
    ("ประกวดราคาอิเล็กทรอนิกส์", Method.E_BIDDING),
    ("ประกวดราคาด้วยวิธีการทางอิเล็กทรอนิกส์", Method.E_BIDDING),
    ("emarket", Method.E_MARKET),
    ("ตลาดอิเล็กทรอนิกส์", Method.E_MARKET),
    ("คัดเลือก", Method.SELECTION),
)
_ELECTRONIC = re.compile(r"อิเล็?[กค]ทรอนิ[กค]?ส์?")
# The list of the method groups, not a method: e-GP files put it in one of the two method columns (either one,
# row by row), sometimes after the method ("เฉพาะเจาะจง / วิธีการจัดหา …"); the method is in what is left.
_GROUP_LIST = re.compile(r"(?:วิธีการจัดหา\s*)?ประกาศเชิญชวนทั่วไป\s*คัดเลือก\s*เฉพาะเจาะจง|วิธีการจัดหา")


@dataclass
class RowError:
    line: int
    messages: list[str]


@dataclass
class PlannedRow:
    """A row of this organisation that creates (procurement None) or updates a procurement.

    `values`: the Procurement fields to set; `changes`: {field: (before, after)} of an update; `winner`:
    (bidder, tax id, price) of the Bid to record as the winner, or None; `named`: the asset numbers the title
    names, each with the asset of the register it is (None when the register has none)."""

    line: int
    egp_number: str
    values: dict
    procurement: Procurement | None = None
    changes: dict = field(default_factory=dict)
    winner: tuple[str, str, Decimal] | None = None
    flags: list[str] = field(default_factory=list)
    named: list[tuple[str, Asset | None]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.values.get("title") or (self.procurement.title if self.procurement else "")

    @property
    def flag(self) -> str:
        return "; ".join(self.flags)

    @property
    def readable_changes(self) -> list[tuple[str, str, str]]:
        return [(_label(name), _shown(name, before), _shown(name, after))
                for name, (before, after) in self.changes.items()]

    @property
    def readable_method(self) -> str:
        return _shown("method", self.values.get("method"))

    @property
    def readable_status(self) -> str:
        return _shown("status", self.values.get("status"))


@dataclass
class KeptRow:
    """A row whose procurement is past its contract (delivered, accepted, closed) or cancelled: the file's
    differences are shown, not applied."""

    line: int
    procurement: Procurement
    differences: dict

    @property
    def readable_changes(self) -> list[tuple[str, str, str]]:
        return [(_label(name), _shown(name, before), _shown(name, after))
                for name, (before, after) in self.differences.items()]


@dataclass
class FlaggedRow:
    line: int
    egp_number: str
    title: str
    flag: str


@dataclass
class EgpPlan:
    filename: str
    agency: str  # Organization.egp_name as it was when the file was read
    rows: int = 0  # data rows in the file
    to_create: list[PlannedRow] = field(default_factory=list)
    to_update: list[PlannedRow] = field(default_factory=list)
    unchanged: int = 0
    duplicates: int = 0  # rows repeating an earlier row of the file exactly
    kept: list[KeptRow] = field(default_factory=list)
    flagged: list[FlaggedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    other_agencies: Counter = field(default_factory=Counter)  # agency name → rows ignored
    same_name_elsewhere: int = 0  # rows of an agency named as this one in another province (counted above too)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def other_rows(self) -> int:
        return sum(self.other_agencies.values())

    @property
    def own_rows(self) -> int:
        return self.rows - self.other_rows

    @property
    def top_other_agencies(self) -> list[tuple[str, int]]:
        return self.other_agencies.most_common(10)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def has_work(self) -> bool:
        return bool(self.to_create or self.to_update)


@dataclass
class EgpResult:
    created: list[Procurement]
    updated: list[Procurement]
    linked: int  # assets newly linked to the procurements written


def import_limits() -> tuple[int, int]:
    """(most data rows, most bytes) one e-GP file may have: settings.EGP_IMPORT_MAX_ROWS and EGP_IMPORT_MAX_BYTES."""
    return (int(getattr(settings, "EGP_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)),
            int(getattr(settings, "EGP_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)))


def check_size(size: int) -> None:
    """Refuse a file over the size cap before it is read."""
    max_bytes = import_limits()[1]
    if size > max_bytes:
        raise ImportRefused(_("ไฟล์มีขนาด %(size)s MB เกินขนาดสูงสุดที่นำเข้าได้ (%(max)s MB) "
                              "กรุณาใช้ไฟล์ของจังหวัดหรือกรองเฉพาะแถวของหน่วยงานก่อน") % {
            "size": f"{size / 1048576:,.1f}", "max": f"{max_bytes / 1048576:,.0f}"})


def egp_name() -> str:
    """This organisation's name as e-GP spells it ("" when not set)."""
    return (Organization.objects.filter(pk=1).values_list("egp_name", flat=True).first() or "").strip()


def parse_egp(data: bytes, filename: str, *, actor) -> EgpPlan:
    """Read an e-GP file and plan its import (writes nothing). Raises ImportRefused when the file as a whole
    is refused, or when the organisation's e-GP name is not set."""
    roles.require(actor, "procurement.manage")
    agency = egp_name()
    if not agency:
        raise ImportRefused(_("ยังไม่ได้ตั้ง “ชื่อหน่วยงานตามที่ระบบ e-GP สะกด” จึงเลือกแถวของหน่วยงานนี้ไม่ได้ "
                              "กรุณาแจ้งผู้ดูแลระบบให้ตั้งค่าในข้อมูลหน่วยงาน (เมนูข้อมูลอ้างอิง) ก่อนนำเข้า"))
    check_size(len(data))
    try:
        table = read_table(data, filename, max_rows=import_limits()[0])
    except SpreadsheetError as error:
        raise ImportRefused(str(error)) from None
    return plan_egp(table, agency=agency, filename=filename)


def plan_egp(table: Table, *, agency: str, filename: str = "", province: str | None = None) -> EgpPlan:
    """Plan the import of a table already read (parse_egp without the reading). `province`: the organisation's
    (read from its profile when not given); rows of an agency of the same name in another province are not ours."""
    columns, ignored = _map_headers(table.headers)
    if not table.rows:
        raise ImportRefused(_("ไม่มีแถวข้อมูลในไฟล์ (มีแต่หัวคอลัมน์)"))
    _check_row_lengths(table)
    if province is None:
        province = Organization.objects.filter(pk=1).values_list("province", flat=True).first() or ""
    plan = EgpPlan(filename=filename, agency=agency, rows=len(table.rows), ignored_columns=ignored)
    _Planner(columns, agency, province).plan(table.rows, plan)
    return plan


def _check_row_lengths(table: Table) -> None:
    """A row with more values than the header has names cannot be read: which value belongs under which name
    is unknown (one published FY 2568 file leaves out two headers, and its supplier names then sit under the
    date columns). Refused whole, saying where, rather than read a company name as a date."""
    width = len(table.headers)
    for line, cells in table.rows:
        if len(cells) > width:
            problems = [_("ไฟล์นี้อ่านให้ตรงคอลัมน์ไม่ได้: หัวตารางมี %(names)s ชื่อ แต่แถวที่ %(row)s มี %(values)s ค่า "
                          "ค่าที่เกินมาจะไปอยู่ใต้หัวคอลัมน์ที่ผิด (เช่น ชื่อผู้ชนะในช่องวันที่) จึงไม่ได้นำเข้าแถวใดเลย") % {
                "names": width, "row": line, "values": len(cells)}]
            keys = [_header_key(header) for header in table.headers]
            if "จังหวัด" in keys and keys[keys.index("จังหวัด") + 1:keys.index("จังหวัด") + 2] == ["สถานะโครงการ"]:
                problems.append(_("ไฟล์นี้ไม่มีหัวคอลัมน์ “อำเภอ” และ “ตำบล” ถัดจาก “จังหวัด” ทั้งที่แถวข้อมูลมีค่าของสองคอลัมน์นี้ "
                                  "(พบในไฟล์ข้อมูลเปิดปีงบประมาณ 2568 บางชุด): เปิดไฟล์แล้วแทรกหัวคอลัมน์ “อำเภอ” และ “ตำบล” "
                                  "ถัดจาก “จังหวัด” แล้วนำเข้าใหม่ หรือใช้ไฟล์ที่ดาวน์โหลดจากระบบ e-GP โดยตรง"))
            else:
                problems.append(_("กรุณาใช้ไฟล์ที่หัวตารางมีชื่อครบทุกคอลัมน์ (%(values)s คอลัมน์) "
                                  "หรือเพิ่มหัวคอลัมน์ที่ขาดให้ตรงกับข้อมูลแล้วนำเข้าใหม่") % {"values": len(cells)})
            raise ImportRefused(*problems)


@transaction.atomic
def commit_egp(plan: EgpPlan, *, actor) -> EgpResult:
    """Write a plan in one transaction; any failure writes nothing."""
    roles.require(actor, "procurement.manage")
    if plan.errors:
        raise ImportRefused(_("ไม่ได้นำเข้า: มีแถวที่ไม่ถูกต้อง %(count)s แถว กรุณาแก้ไขไฟล์แล้วนำเข้าใหม่") % {
            "count": f"{len(plan.errors):,}"})
    if not plan.has_work:
        return EgpResult([], [], 0)
    stale = ImportRefused(_("ไม่ได้นำเข้า: ข้อมูลการจัดซื้อจัดจ้างเปลี่ยนไประหว่างตรวจสอบ กรุณาตรวจสอบไฟล์อีกครั้ง"))
    entries: list[log.Change] = []
    created, updated = [], []
    try:
        with transaction.atomic():
            ids = [row.procurement.pk for row in plan.to_update]
            locked = {procurement.pk: procurement for procurement in
                      Procurement.objects.select_for_update(of=("self",)).select_related("winner").filter(pk__in=ids)}
            for row in plan.to_update:
                procurement = locked.get(row.procurement.pk)
                if procurement is None or procurement.updated_at != row.procurement.updated_at:
                    raise stale
                for name, value in row.values.items():
                    setattr(procurement, name, value)
                if row.winner is not None:
                    _set_winner(procurement, row.winner)
                procurement.save()
                updated.append(procurement)
                entries.append(_entry("procurement.import_update", procurement, actor, plan, row,
                                      changes={name: [before, after] for name, (before, after) in row.changes.items()}))
            for row in plan.to_create:
                procurement = Procurement(created_by=actor, in_plan=False, **row.values)  # not planned here
                procurement.save()
                if row.winner is not None:
                    _set_winner(procurement, row.winner)
                    procurement.save(update_fields=["winner", "updated_at"])
                created.append(procurement)
                entries.append(_entry("procurement.import_create", procurement, actor, plan, row, **{
                    name: row.values.get(name) for name in (
                        "title", "fiscal_year", "method", "amount", "reference_price", "agreed_price",
                        "announced_on", "contract_date", "contract_number", "project_type")},
                    winner=row.winner[0] if row.winner else None))
    except IntegrityError:
        raise stale from None
    log.record_many(entries)
    linked = 0
    for procurement in updated + created:
        linked += len(services.link_named_assets(procurement, actor=actor))
    log.record("procurement.import", actor=actor, object_type="procurement.procurement",
               object_repr=f"นำเข้าข้อมูล e-GP จากไฟล์ {plan.filename}"[:300],
               details={"filename": plan.filename, "agency": plan.agency, "rows": plan.rows,
                        "created": len(created), "updated": len(updated), "unchanged": plan.unchanged,
                        "other_agencies": plan.other_rows, "flagged": len(plan.flagged),
                        "not_applied": len(plan.kept), "assets_linked": linked})
    return EgpResult(created=created, updated=updated, linked=linked)


def _set_winner(procurement: Procurement, winner: tuple[str, str, Decimal]) -> None:
    """The file's supplier becomes the winning bid only where there is none: a recorded bid (what was offered,
    and what the สขร.1 and the public page show) is never rewritten by an import."""
    bidder, tax_id, price = winner
    if procurement.winner is None:
        procurement.winner = Bid.objects.create(procurement=procurement, bidder=bidder, tax_id=tax_id, price=price)


def _entry(action: str, procurement: Procurement, actor, plan: EgpPlan, row: PlannedRow, **details) -> log.Change:
    return log.Change(action=action, obj=procurement, actor=actor, division_id=procurement.division_id,
                      details={"status": procurement.status, "egp_number": procurement.egp_number,
                               "filename": plan.filename, "row": row.line, "flag": procurement.egp_flag, **details})


# --- headers -----------------------------------------------------------------------------------------


def _header_key(text) -> str:
    """How headers are compared: no spaces at all, Thai digits as Arabic, case folded, no trailing "(บาท)"."""
    key = _NO_SPACE.sub("", to_arabic_digits(str(text or ""))).casefold()
    return key.removesuffix("(บาท)") or key


_ALIASES = {_header_key(alias): name for name, aliases in COLUMNS.items() for alias in aliases}
_UNUSED = {_header_key(header) for header in KNOWN_UNUSED}


def published_header(name: str) -> str:
    return COLUMNS[name][0]


def _map_headers(headers: list[str]) -> tuple[dict[str, int], list[str]]:
    columns: dict[str, int] = {}
    ignored, problems = [], []
    for index, header in enumerate(headers):
        if not header:
            continue
        name = _ALIASES.get(_header_key(header))
        if name is None:
            if _header_key(header) not in _UNUSED:
                ignored.append(header)
        elif name in columns:
            problems.append(_("หัวคอลัมน์ “%(header)s” ซ้ำกัน (“%(first)s” และ “%(second)s”)") % {
                "header": published_header(name), "first": headers[columns[name]], "second": header})
        else:
            columns[name] = index
    missing = [published_header(name) for name in REQUIRED_COLUMNS if name not in columns]
    if not any(name in columns for name in METHOD_COLUMNS):
        missing.append(_("%(group)s หรือ %(name)s") % {"group": published_header("method_group"),
                                                       "name": published_header("method_name")})
    if missing:
        problems.insert(0, _("ไฟล์นี้ไม่ใช่ข้อมูลเปิดจาก e-GP ตามรูปแบบที่เผยแพร่: ไม่มีคอลัมน์ %(columns)s") % {
            "columns": ", ".join(missing)})
    if problems:
        raise ImportRefused(*problems)
    return columns, ignored


# --- values ------------------------------------------------------------------------------------------


class _Bad(Exception):
    """A cell that cannot be read; the message is Thai."""


def _text(raw) -> str:
    """A cell as text, spaces collapsed; "" for an empty cell or a dash."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        return format_date(raw, "numeric")
    text = _SPACES.sub(" ", str(raw)).strip()
    if text[:1] == "'":
        text = restore(text)  # a dash or sign a spreadsheet was told to keep as text ("'-")
    return "" if text in _DASHES else text


def _money(raw) -> Decimal | None:
    """Baht: thousands separators and Thai digits allowed; a dash is empty; negative or > 2 decimals refused."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise _Bad(_("“%(value)s” ไม่ใช่ตัวเลข") % {"value": raw})
    if isinstance(raw, int):
        value = Decimal(raw)
        exact = True
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise _Bad(_("“%(value)s” ไม่ใช่ตัวเลข") % {"value": raw})
        value, exact = Decimal(repr(raw)), False
    else:
        text = _text(raw)
        if not text:
            return None
        cleaned = to_arabic_digits(text).replace(",", "").replace(" ", "")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise _Bad(_("“%(value)s” ไม่ใช่ตัวเลข") % {"value": text}) from None
        if not value.is_finite():
            raise _Bad(_("“%(value)s” ไม่ใช่ตัวเลข") % {"value": text})
        exact = True
    if value < 0:
        raise _Bad(_("“%(value)s” ติดลบ") % {"value": _text(raw)})
    if value >= _TOO_BIG:
        raise _Bad(_("“%(value)s” มากเกินไป") % {"value": _text(raw)})
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    if (value != rounded) if exact else abs(value - rounded) > _FLOAT_SLACK:
        raise _Bad(_("“%(value)s” มีทศนิยมเกิน 2 ตำแหน่ง") % {"value": _text(raw)})
    return rounded


def _year(raw) -> int | None:
    value = _money(raw)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise _Bad(_("“%(value)s” ต้องเป็นปี พ.ศ. เช่น 2568") % {"value": _text(raw)})
    return int(value)


def _project_number(raw) -> str:
    if isinstance(raw, bool):
        raise _Bad(_("“%(value)s” ต้องเป็นตัวเลขเท่านั้น") % {"value": raw})
    shown = _text(raw)
    text = to_arabic_digits(shown).replace(" ", "").lstrip("'")
    if not text:
        raise _Bad(_("ไม่มีข้อมูล"))
    if not _DIGITS.fullmatch(text):
        if re.fullmatch(r"[0-9.]+[eE]\+?[0-9]+", text):
            raise _Bad(_("“%(value)s” ถูกแปลงเป็นเลขยกกำลัง (เปิดแล้วบันทึกด้วย Excel) "
                         "กรุณาใช้ไฟล์ที่ดาวน์โหลดจาก e-GP โดยตรง") % {"value": shown})
        raise _Bad(_("“%(value)s” ต้องเป็นตัวเลขเท่านั้น") % {"value": shown})
    if len(text) > Procurement._meta.get_field("egp_number").max_length:
        raise _Bad(_("“%(value)s” ยาวเกินไป") % {"value": shown})
    return text


def _method(texts: list[str]) -> str:
    """The method named by the method columns (all that name one must name the same); the generic list of the
    method groups that e-GP puts in one of them names none."""
    found = set()
    for text in texts:
        key = _ELECTRONIC.sub("อิเล็กทรอนิกส์", re.sub(r"[\s\-_]+", "", _GROUP_LIST.sub(" ", text)).casefold())
        found.update(method for word, method in _METHOD_WORDS if word in key)
    shown = " / ".join(text for text in texts if text)
    if not shown:
        raise _Bad(_("ไม่มีวิธีจัดซื้อจัดจ้าง"))
    if not found:
        raise _Bad(_("ไม่รู้จักวิธีจัดซื้อจัดจ้าง “%(method)s” (รู้จัก เฉพาะเจาะจง, คัดเลือก, e-bidding, e-market)") % {
            "method": shown})
    if len(found) > 1:
        raise _Bad(_("วิธีจัดซื้อจัดจ้าง “%(method)s” ระบุมากกว่าหนึ่งวิธี") % {"method": shown})
    return found.pop()


def _agency_key(text) -> str:
    return _NO_SPACE.sub("", to_arabic_digits(_text(text))).casefold()


def _label(name: str) -> str:
    return str(Procurement._meta.get_field(name).verbose_name)


def _shown(name: str, value) -> str:
    """A value as the preview shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, dt.date):
        return format_date(value, "short")
    if name == "status":
        return str(S(value).label)
    if name == "method":
        return str(Method(value).label)
    return str(value)


# --- planning ----------------------------------------------------------------------------------------


_PROVINCE_WORD = "จังหวัด"


def _province_key(text) -> str:
    return _agency_key(text).removeprefix(_PROVINCE_WORD)


class _Planner:
    def __init__(self, columns: dict[str, int], agency: str, province: str = ""):
        self.columns = columns
        self.agency = _agency_key(agency)
        self.province = _province_key(province)
        self.limit = services.specific_limit()
        self.dates: dict[str, dt.date] = {}

    def _cell(self, cells, name):
        index = self.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def _date(self, raw) -> dt.date | None:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raise _Bad(_("“%(value)s” ไม่ใช่วันที่") % {"value": _text(raw)})
        text = _TIME.sub("", _text(raw))
        if not text:
            return None
        value = self.dates.get(text)
        if value is None:
            try:
                value = parse_date(text)
            except ThaiDateError as error:
                raise _Bad(str(error)) from None
            self.dates[text] = value
        return value

    def _names_us(self, text) -> bool:
        """The agency's name as e-GP spells it, alone or followed by where it is ("… อำเภอเมืองระนอง จังหวัดระนอง")."""
        key = _agency_key(text)
        return key == self.agency or (key.startswith(self.agency)
                                      and key[len(self.agency):].startswith(("อำเภอ", "จังหวัด", "(")))

    def _is_ours(self, cells) -> bool:
        return any(self._names_us(self._cell(cells, name)) for name in ("agency", "sub_agency"))

    def _elsewhere(self, cells) -> str:
        """The row's province when it is not the organisation's ("" when it is, or when either is unknown)."""
        province = _province_key(self._cell(cells, "province"))
        return _text(self._cell(cells, "province")) if province and self.province and province != self.province else ""

    def _read(self, cells) -> tuple[dict, list[str]]:
        """The row's values (None or "" where the file says nothing) and the problems reading it."""
        values, problems = {}, []
        readers = {"egp_number": _project_number, "amount": _money, "reference_price": _money,
                   "agreed_price": _money, "fiscal_year": _year, "announced_on": self._date,
                   "transaction_date": self._date, "contract_date": self._date}
        for name, read in readers.items():
            if name not in self.columns:
                values[name] = None
                continue
            try:
                values[name] = read(self._cell(cells, name))
            except _Bad as error:
                problems.append(f"{published_header(name)}: {error}")
        for name in ("title", "project_type", "supplier", "tax_id", "contract_number"):
            values[name] = _text(self._cell(cells, name))
        try:
            values["method"] = _method([_text(self._cell(cells, name)) for name in METHOD_COLUMNS])
        except _Bad as error:
            problems.append(f"{published_header('method_group')}/{published_header('method_name')}: {error}")
        for name in ("title", "amount", "fiscal_year"):
            if name in values and values[name] in (None, ""):
                problems.append(_("%(column)s: ไม่มีข้อมูล") % {"column": published_header(name)})
        return values, problems

    def plan(self, rows, plan: EgpPlan) -> None:
        ours: list[tuple[int, dict]] = []
        first_line: dict[str, tuple[int, dict]] = {}
        for line, cells in rows:
            elsewhere = ""
            if not self._is_ours(cells) or (elsewhere := self._elsewhere(cells)):
                name = (_text(self._cell(cells, "sub_agency")) or _text(self._cell(cells, "agency"))
                        or _("(ไม่ระบุหน่วยงาน)"))
                if elsewhere:
                    plan.same_name_elsewhere += 1
                    name = _("%(name)s (จังหวัด%(province)s)") % {"name": name,
                                                               "province": elsewhere.removeprefix(_PROVINCE_WORD)}
                plan.other_agencies[name] += 1
                continue
            values, problems = self._read(cells)
            number = values.get("egp_number")
            if number and not problems:
                if number in first_line:
                    earlier, earlier_values = first_line[number]
                    if earlier_values == values:
                        plan.duplicates += 1
                        continue
                    problems.append(_("รหัสโครงการ %(number)s ซ้ำกับแถวที่ %(row)s แต่ข้อมูลไม่ตรงกัน "
                                      "(ไม่ทราบว่าแถวใดถูกต้อง)") % {"number": number, "row": earlier})
                else:
                    first_line[number] = (line, values)
            if problems:
                plan.errors.append(RowError(line, problems))
            else:
                ours.append((line, values))
        existing = self._existing([values["egp_number"] for _, values in ours])
        for line, values in ours:
            procurement = existing.get(values["egp_number"])
            try:
                if procurement is None:
                    self._plan_new(plan, line, values)
                elif procurement.status in _PIPELINE:
                    self._plan_update(plan, line, values, procurement)
                else:
                    self._plan_kept(plan, line, values, procurement)
            except ValidationError as error:
                plan.errors.append(RowError(line, ["; ".join(error.messages)]))
        self._name_assets(plan.to_create + plan.to_update)

    def _existing(self, numbers: list[str]) -> dict[str, Procurement]:
        found = {}
        numbers = sorted(set(numbers))
        for start in range(0, len(numbers), 500):
            for procurement in Procurement.objects.select_related("division", "budget_type", "winner").filter(
                    egp_number__in=numbers[start:start + 500]):
                found[procurement.egp_number] = procurement
        return found

    def _name_assets(self, planned: list[PlannedRow]) -> None:
        named = {row.line: asset_numbers for row in planned if (asset_numbers := services.asset_numbers_in(row.title))}
        assets = services.assets_named(sorted({number for numbers in named.values() for number in numbers}))
        for row in planned:
            row.named = [(number, assets.get(number)) for number in named.get(row.line, ())]

    def _contract_date(self, values: dict) -> dt.date | None:
        """The contract date the row gives: its contract date column, else the transaction date of an agreed price."""
        if values["contract_date"] is not None:
            return values["contract_date"]
        return values["transaction_date"] if values["agreed_price"] is not None else None

    def _winner(self, values: dict, agreed: Decimal | None, current: Bid | None) -> tuple[str, str, Decimal] | None:
        supplier = values["supplier"][:300]
        if not supplier or agreed is None:
            return None
        tax_id = values["tax_id"][:20]
        if not tax_id and current is not None and current.bidder == supplier:
            tax_id = current.tax_id
        return supplier, tax_id, agreed

    def _status(self, current: str, agreed, contract_date, announced_on) -> str:
        if agreed is not None:
            target = S.CONTRACTED if contract_date else S.AWARDED
        else:
            target = S.ANNOUNCED if announced_on else S.PLANNED
        return max(current, target, key=_PIPELINE.index)

    def _plan_new(self, plan: EgpPlan, line: int, values: dict) -> None:
        method, amount = values["method"], values["amount"]
        over_limit = method == Method.SPECIFIC and amount > self.limit
        fields = services.check_fields({
            "egp_number": values["egp_number"], "title": values["title"], "fiscal_year": values["fiscal_year"],
            "project_type": values["project_type"][:100], "amount": amount,
            "reference_price": values["reference_price"], "method": method,
            "over_limit_reason": IMPORT_REASON if over_limit else "",
        })
        agreed = values["agreed_price"]
        contract_date = self._contract_date(values) if agreed is not None else None
        winner = self._winner(values, agreed, None)
        fields.update(announced_on=values["announced_on"], agreed_price=agreed, contract_date=contract_date,
                      contract_number=values["contract_number"][:100],
                      status=self._status(S.PLANNED, agreed, contract_date, values["announced_on"]))
        flags = _flags(fields, supplier_without_price=bool(values["supplier"]) and agreed is None)
        fields["egp_flag"] = "; ".join(flags)
        row = PlannedRow(line, fields["egp_number"], fields, winner=winner, flags=flags)
        plan.to_create.append(row)
        self._note_flags(plan, row)

    def _plan_update(self, plan: EgpPlan, line: int, values: dict, procurement: Procurement) -> None:
        current = {name: getattr(procurement, name) for name in services.FIELDS}
        merged = dict(current)
        for name in ("fiscal_year", "title", "amount", "reference_price", "method"):
            if values[name] not in (None, ""):
                merged[name] = values[name]
        if values["project_type"]:
            merged["project_type"] = values["project_type"][:100]
        if (merged["method"] == Method.SPECIFIC and merged["amount"] > self.limit
                and not (merged["over_limit_reason"] or "").strip()):
            merged["over_limit_reason"] = IMPORT_REASON
        fields = services.check_fields(merged)
        row_agreed = values["agreed_price"]
        agreed = row_agreed if row_agreed is not None else procurement.agreed_price
        announced_on = values["announced_on"] or procurement.announced_on
        contract_date = procurement.contract_date
        if agreed is not None and self._contract_date(values) is not None:
            contract_date = self._contract_date(values)
        fields.update(announced_on=announced_on, agreed_price=agreed, contract_date=contract_date,
                      contract_number=values["contract_number"][:100] or procurement.contract_number,
                      status=self._status(procurement.status, agreed, contract_date, announced_on))
        flags = _flags(fields, supplier_without_price=bool(values["supplier"]) and agreed is None)
        fields["egp_flag"] = "; ".join(flags)
        changes = {name: (getattr(procurement, name), value) for name, value in fields.items()
                   if getattr(procurement, name) != value}
        winner = self._winner(values, agreed, procurement.winner)
        before = procurement.winner
        if winner is not None and (before is None or (before.bidder, before.tax_id, before.price) != winner):
            changes["winner"] = (_bid_text(before.bidder, before.tax_id, before.price) if before else None,
                                 _bid_text(*winner))
        else:
            winner = None
        row = PlannedRow(line, procurement.egp_number, {name: fields[name] for name in changes if name != "winner"},
                         procurement=procurement, changes=changes, winner=winner, flags=flags)
        if changes:
            plan.to_update.append(row)
        else:
            plan.unchanged += 1
        self._note_flags(plan, row)

    def _plan_kept(self, plan: EgpPlan, line: int, values: dict, procurement: Procurement) -> None:
        given = {name: values[name] for name in ("title", "fiscal_year", "amount", "reference_price", "method",
                                                 "announced_on", "agreed_price") if values[name] not in (None, "")}
        if values["project_type"]:
            given["project_type"] = values["project_type"][:100]
        if values["contract_number"]:
            given["contract_number"] = values["contract_number"][:100]
        if "title" in given:
            given["title"] = given["title"][:500]
        contract_date = self._contract_date(values)
        if contract_date is not None:
            given["contract_date"] = contract_date
        differences = {name: (getattr(procurement, name), value) for name, value in given.items()
                       if getattr(procurement, name) != value}
        if differences:
            plan.kept.append(KeptRow(line, procurement, differences))
        else:
            plan.unchanged += 1

    def _note_flags(self, plan: EgpPlan, row: PlannedRow) -> None:
        if row.flags:
            plan.flagged.append(FlaggedRow(row.line, row.egp_number, row.title, row.flag))


def _bid_text(bidder: str, tax_id: str, price: Decimal) -> str:
    return f"{bidder} ({tax_id}) {price:,.2f}" if tax_id else f"{bidder} {price:,.2f}"


def _flags(fields: dict, *, supplier_without_price: bool) -> list[str]:
    """What in the figures disagrees (imported all the same). Written in the site's language so that the
    stored text does not depend on who imports."""
    amount, reference, agreed = fields["amount"], fields["reference_price"], fields["agreed_price"]
    announced_on, contract_date = fields["announced_on"], fields["contract_date"]
    number = fields["egp_number"]
    flags = []

    def baht(value):
        return f"{value:,.2f}"

    with translation.override(settings.LANGUAGE_CODE):
        if amount == 0:
            flags.append(_("งบประมาณเป็น 0 บาท"))
        elif reference is not None:
            if reference >= amount * 10:
                flags.append(_("ราคากลาง %(reference)s บาท สูงกว่างบประมาณ %(amount)s บาท ตั้งแต่ 10 เท่าขึ้นไป") % {
                    "reference": baht(reference), "amount": baht(amount)})
            elif reference * 10 <= amount:
                flags.append(_("ราคากลาง %(reference)s บาท ไม่เกินหนึ่งในสิบของงบประมาณ %(amount)s บาท") % {
                    "reference": baht(reference), "amount": baht(amount)})
        if agreed is not None:
            if amount and agreed > amount:
                flags.append(_("ราคาตกลงซื้อ/จ้าง %(agreed)s บาท สูงกว่างบประมาณ %(amount)s บาท") % {
                    "agreed": baht(agreed), "amount": baht(amount)})
            elif amount and agreed * 10 <= amount:
                flags.append(_("ราคาตกลงซื้อ/จ้าง %(agreed)s บาท ไม่เกินหนึ่งในสิบของงบประมาณ %(amount)s บาท") % {
                    "agreed": baht(agreed), "amount": baht(amount)})
            if reference and agreed >= reference * 10:
                flags.append(_("ราคาตกลงซื้อ/จ้าง %(agreed)s บาท สูงกว่าราคากลาง %(reference)s บาท "
                               "ตั้งแต่ 10 เท่าขึ้นไป") % {
                    "agreed": baht(agreed), "reference": baht(reference)})
        if announced_on and contract_date and contract_date < announced_on:
            flags.append(_("วันที่สัญญา %(contract)s ก่อนวันที่ประกาศ %(announced)s") % {
                "contract": format_date(contract_date, "short"), "announced": format_date(announced_on, "short")})
        if len(number) != EGP_NUMBER_DIGITS:
            flags.append(_("รหัสโครงการ %(number)s มี %(digits)s หลัก (รหัสโครงการ e-GP มี 11 หลัก)") % {
                "number": number, "digits": len(number)})
        if supplier_without_price:
            flags.append(_("มีชื่อผู้ได้รับการคัดเลือกแต่ไม่มีราคาตกลงซื้อ/จ้าง: ไม่ได้บันทึกผู้ได้รับการคัดเลือก"))
    return [str(flag) for flag in flags]
