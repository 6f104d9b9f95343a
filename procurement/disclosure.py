"""What is disclosed about procurement (DOMAIN.md section 6): the data of the annual plan, the monthly
summary สขร.1 and the yearly summary, each read in a fixed, small number of queries, and their XLSX.

A procurement belongs to a month's สขร.1 by its contract_date (the contract's or purchase order's date);
the plan and the yearly summary take the procurements of a fiscal year. Cancelled procurements are left
out of all three. The documents are official Thai forms: they are always built in Thai, whatever the
reader's language. The PDFs are laid out by reports.procurement_docs.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Prefetch, Q, Sum
from django.utils import translation
from django.utils.translation import gettext as _

from common.spreadsheets import SheetSpec, write_xlsx_sheets
from organization.models import Organization
from thai.dates import BE_OFFSET, MONTHS, fiscal_year_bounds, format_date
from thai.digits import to_arabic_digits

from .models import Bid, Method, Procurement

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIN_YEAR, MAX_YEAR = 2400, 2700  # BE, as procurement.services checks a fiscal year
MONEY = "#,##0.00"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


# --- reading years and months typed by people (query strings, URLs, forms) ------------------------------------

def check_year(value) -> int:
    """A BE year (2568; Thai digits accepted), or a ValidationError with a Thai message."""
    text = to_arabic_digits(str(value if value is not None else "")).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 4 or not MIN_YEAR <= int(text) <= MAX_YEAR:
        raise ValidationError(_("ปีต้องเป็นปี พ.ศ. 4 หลัก ระหว่าง %(min)s ถึง %(max)s เช่น 2568")
                              % {"min": MIN_YEAR, "max": MAX_YEAR})
    return int(text)


def check_month(year, month) -> dt.date:
    """The first day of a month given as a BE year and a month number 1–12."""
    year = check_year(year)
    text = to_arabic_digits(str(month if month is not None else "")).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 2 or not 1 <= int(text) <= 12:
        raise ValidationError(_("เดือนต้องเป็นตัวเลข 1 ถึง 12"))
    return dt.date(year - BE_OFFSET, int(text), 1)


def month_label(first_day: dt.date) -> str:
    """มีนาคม 2568"""
    return f"{MONTHS[first_day.month - 1]} {first_day.year + BE_OFFSET}"


def next_month(first_day: dt.date) -> dt.date:
    return dt.date(first_day.year + first_day.month // 12, first_day.month % 12 + 1, 1)


def fiscal_months(fiscal_year: int) -> list[dt.date]:
    """The first days of the twelve months of a fiscal year, October to September."""
    month = fiscal_year_bounds(fiscal_year)[0]
    months = []
    for _n in range(12):
        months.append(month)
        month = next_month(month)
    return months


def organization() -> Organization | None:
    return Organization.objects.filter(pk=1).first()


def _money(value) -> Decimal:
    """A sum as the database gives it (SQLite may give a float) in baht and satang."""
    return Decimal(str(value)).quantize(CENT) if value is not None else ZERO


def method_label(value: str) -> str:
    return str(dict(Method.choices).get(value, value))


# --- the monthly summary สขร.1 ---------------------------------------------------------------------------------

def sor_khor_1_headings() -> list[str]:
    """The nine columns of the form, in order (DOMAIN.md section 6)."""
    return [_("ลำดับที่"), _("งานที่จัดซื้อหรือจัดจ้าง"), _("วงเงินที่จะซื้อหรือจ้าง"), _("ราคากลาง"),
            _("วิธีซื้อหรือจ้าง"), _("รายชื่อผู้เสนอราคาและราคาที่เสนอ"),
            _("ผู้ได้รับการคัดเลือกและราคาที่ตกลงซื้อหรือจ้าง"), _("เหตุผลที่คัดเลือกโดยสรุป"),
            _("เลขที่และวันที่ของสัญญาหรือข้อตกลงในการซื้อหรือจ้าง")]


@dataclass
class SorKhor1:
    month: dt.date  # its first day
    label: str  # มีนาคม 2568
    procurements: list[Procurement]  # each with .bid_list (every offer, cheapest first) and .winner


def month_procurements(first_day: dt.date):
    """The procurements whose contract or purchase order is dated in the month (cancelled ones left out),
    in the order of the form: by contract date. Two queries: the rows with their winners, and the bids."""
    return (Procurement.objects.filter(contract_date__gte=first_day, contract_date__lt=next_month(first_day))
            .exclude(status=Procurement.Status.CANCELLED)
            .select_related("winner")
            .prefetch_related(Prefetch("bids", queryset=Bid.objects.order_by("price", "id"), to_attr="bid_list"))
            .order_by("contract_date", "contract_number", "id"))


def sor_khor_1(year: int, month: int) -> SorKhor1:
    first_day = check_month(year, month)
    return SorKhor1(first_day, month_label(first_day), list(month_procurements(first_day)))


def _contract_text(procurement: Procurement) -> str:
    if not procurement.contract_number and not procurement.contract_date:
        return ""
    return _("เลขที่ %(number)s ลงวันที่ %(date)s") % {
        "number": procurement.contract_number or "-", "date": format_date(procurement.contract_date, "short") or "-"}


def sor_khor_1_xlsx(year: int, month: int) -> bytes:
    with translation.override("th"):
        summary = sor_khor_1(year, month)
        rows = []
        for number, procurement in enumerate(summary.procurements, start=1):
            bids = "\n".join(_("%(bidder)s ราคา %(price)s บาท") % {"bidder": bid.bidder, "price": f"{bid.price:,.2f}"}
                             for bid in procurement.bid_list)
            winner = ""
            if procurement.winner is not None or procurement.agreed_price is not None:
                winner = _("%(bidder)s ราคา %(price)s บาท") % {
                    "bidder": procurement.winner.bidder if procurement.winner is not None
                    else _("(ไม่มีชื่อผู้ได้รับการคัดเลือกในข้อมูล)"),
                    "price": f"{procurement.agreed_price:,.2f}" if procurement.agreed_price is not None else "-"}
            rows.append([number, procurement.title, procurement.amount, procurement.reference_price,
                         method_label(procurement.method), bids, winner, procurement.selection_reason,
                         _contract_text(procurement)])
        title = _("สขร.1 %(month)s") % {"month": summary.label}
        return write_xlsx_sheets([SheetSpec(title, sor_khor_1_headings(), rows, number_formats={2: MONEY, 3: MONEY},
                                            widths=[8, 50, 16, 16, 22, 44, 40, 34, 34])])


# --- the annual plan --------------------------------------------------------------------------------------------

@dataclass
class Plan:
    fiscal_year: int
    procurements: list[Procurement]
    total_amount: Decimal


def plan_procurements(fiscal_year: int):
    """The fiscal year's planned procurements (cancelled ones, and e-GP imports not marked as planned, left out), by
    planned month (unplanned last), then division. One query."""
    return (Procurement.objects.filter(fiscal_year=fiscal_year, in_plan=True).exclude(status=Procurement.Status.CANCELLED)
            .select_related("division", "budget_type")
            .order_by(F("planned_month").asc(nulls_last=True), F("division__order").asc(nulls_last=True), "id"))


def plan(fiscal_year: int) -> Plan:
    fiscal_year = check_year(fiscal_year)
    rows = list(plan_procurements(fiscal_year))
    for row in rows:
        row.planned_label = month_label(row.planned_month) if row.planned_month else ""
    return Plan(fiscal_year, rows, sum((row.amount for row in rows), ZERO))


def plan_headings() -> list[str]:
    return [_("ลำดับที่"), _("งาน/โครงการที่จะจัดซื้อจัดจ้าง"), _("หน่วยงานที่ขอ"), _("วงเงินที่จะซื้อหรือจ้าง (บาท)"),
            _("วิธีซื้อหรือจ้าง"), _("ประเภทเงิน"), _("ช่วงเวลาที่คาดว่าจะจัดหา")]


def plan_xlsx(fiscal_year: int) -> bytes:
    with translation.override("th"):
        data = plan(fiscal_year)
        rows = [[number, row.title, row.division.name if row.division else "", row.amount, method_label(row.method),
                 row.budget_type.name if row.budget_type else "", row.planned_label]
                for number, row in enumerate(data.procurements, start=1)]
        rows.append(["", _("รวม %(n)s โครงการ") % {"n": len(data.procurements)}, "", data.total_amount, "", "", ""])
        title = _("แผนจัดซื้อจัดจ้าง %(year)s") % {"year": data.fiscal_year}
        return write_xlsx_sheets([SheetSpec(title, plan_headings(), rows, number_formats={3: MONEY},
                                            widths=[8, 56, 28, 20, 30, 22, 22])])


# --- the yearly summary ------------------------------------------------------------------------------------------

@dataclass
class SummaryRow:
    label: str
    count: int = 0
    amount: Decimal = ZERO  # วงเงิน, every procurement of the row
    reference: Decimal = ZERO  # ราคากลาง, where recorded
    awarded: int = 0  # how many have an agreed price
    agreed: Decimal = ZERO  # ราคาที่ตกลง, where agreed
    paired_reference: Decimal = ZERO  # ราคากลาง of those with both a reference and an agreed price
    saving: Decimal = ZERO  # their reference − agreed

    @property
    def saving_percent(self) -> Decimal | None:
        if not self.paired_reference:
            return None
        return (self.saving * 100 / self.paired_reference).quantize(CENT)

    def add(self, other: "SummaryRow") -> None:
        for name in ("count", "amount", "reference", "awarded", "agreed", "paired_reference", "saving"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class YearlySummary:
    fiscal_year: int
    by_method: list[SummaryRow]
    by_division: list[SummaryRow]
    total: SummaryRow


def _figures():
    both = Q(reference_price__isnull=False, agreed_price__isnull=False)
    difference = ExpressionWrapper(F("reference_price") - F("agreed_price"),
                                   output_field=DecimalField(max_digits=16, decimal_places=2))
    return {"n": Count("id"), "amount_sum": Sum("amount"), "reference_sum": Sum("reference_price"),
            "awarded_n": Count("id", filter=Q(agreed_price__isnull=False)),
            "agreed_sum": Sum("agreed_price"), "paired_sum": Sum("reference_price", filter=both),
            "saving_sum": Sum(difference, filter=both)}


def _row(label: str, values: dict) -> SummaryRow:
    return SummaryRow(label, values["n"], _money(values["amount_sum"]), _money(values["reference_sum"]),
                      values["awarded_n"], _money(values["agreed_sum"]), _money(values["paired_sum"]),
                      _money(values["saving_sum"]))


def yearly_summary(fiscal_year: int) -> YearlySummary:
    """Counts and amounts by method and by division, with the agreed prices against the reference prices.
    Two grouped queries."""
    fiscal_year = check_year(fiscal_year)
    year = Procurement.objects.filter(fiscal_year=fiscal_year).exclude(status=Procurement.Status.CANCELLED).order_by()
    methods = {values["method"]: values for values in year.values("method").annotate(**_figures())}
    empty = {"n": 0, "awarded_n": 0, **{name: None for name in ("amount_sum", "reference_sum", "agreed_sum",
                                                                  "paired_sum", "saving_sum")}}
    by_method = [_row(str(label), methods.get(value, empty)) for value, label in Method.choices]
    divisions = (year.values("division_id", "division__name", "division__order").annotate(**_figures())
                 .order_by(F("division__order").asc(nulls_last=True), "division__name"))
    by_division = [_row(values["division__name"] or _("ไม่ระบุหน่วยงาน"), values) for values in divisions]
    total = SummaryRow(_("รวมทั้งสิ้น"))
    for row in by_method:
        total.add(row)
    return YearlySummary(fiscal_year, by_method, by_division, total)


def yearly_headings(first: str) -> list[str]:
    return [first, _("จำนวนโครงการ"), _("วงเงินรวม (บาท)"), _("ราคากลางรวม (บาท)"), _("จำนวนที่ได้ผู้รับจ้าง/ผู้ขาย"),
            _("ราคาที่ตกลงซื้อหรือจ้างรวม (บาท)"), _("ราคากลางของโครงการที่ตกลงราคาแล้ว (บาท)"),
            _("ต่ำกว่าราคากลาง (บาท)"), _("ร้อยละที่ต่ำกว่าราคากลาง")]


def _summary_cells(row: SummaryRow) -> list:
    percent = row.saving_percent
    return [row.label, row.count, row.amount, row.reference, row.awarded, row.agreed, row.paired_reference, row.saving,
            percent]


def yearly_xlsx(fiscal_year: int) -> bytes:
    with translation.override("th"):
        data = yearly_summary(fiscal_year)
        formats = {2: MONEY, 3: MONEY, 5: MONEY, 6: MONEY, 7: MONEY, 8: "0.00"}
        widths = [34, 12, 18, 18, 14, 20, 22, 18, 14]
        return write_xlsx_sheets([
            SheetSpec(_("ตามวิธี %(year)s") % {"year": data.fiscal_year}, yearly_headings(_("วิธีซื้อหรือจ้าง")),
                      [_summary_cells(row) for row in [*data.by_method, data.total]], formats, widths),
            SheetSpec(_("ตามหน่วยงาน %(year)s") % {"year": data.fiscal_year}, yearly_headings(_("หน่วยงาน")),
                      [_summary_cells(row) for row in [*data.by_division, data.total]], formats, widths),
        ])
