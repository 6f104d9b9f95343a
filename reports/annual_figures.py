"""The annual report's figures for measures 4 and 5, counted from the registers for one fiscal year, each with
the address of the list it counts, and the sentences written from them.

How a year is counted (fiscal year Y: 1 October Y-544 to 30 September Y-543, CE):
- loans: those whose period starts in the year (the loan register's "fiscal year" filter);
- the manual: active staff who acknowledged the version in force at the year's end;
- inspection: the annual round held in the year (it starts on the year's first working day and inspects the
  year before); its sheets, its report's submission against its due date, and what it found;
- disposal: assets of disposal cases completed in the year;
- procurement: procurements of the fiscal year, cancelled ones left out; the สขร.1 months published for it.
"""

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from audits.models import Condition, DisposalCase, DisposalItem, Line, Round
from loans import selectors as loan_selectors
from loans.models import Acknowledgement, Loan, ManualVersion
from organization.models import User
from procurement.models import Method, Procurement, Publication
from thai.dates import format_date, fiscal_year_bounds


@dataclass
class Figure:
    label: str
    value: object  # an int or a Decimal
    url: str = ""
    unit: str = ""

    @property
    def shown(self) -> str:
        if isinstance(self.value, Decimal):
            return f"{self.value:,.2f}"
        return f"{self.value:,}" if isinstance(self.value, int) else str(self.value)


def _url(name: str, args=(), **query) -> str:
    address = reverse(name, args=args)
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{address}?{urlencode(query)}" if query else address


def _end_of(year: int) -> dt.datetime:
    from django.utils import timezone

    last = fiscal_year_bounds(year)[1]
    return timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))


def round_held_in(year: int) -> Round | None:
    first, last = fiscal_year_bounds(year)
    return (Round.objects.filter(kind=Round.Kind.ANNUAL, starts_on__range=(first, last))
            .select_related("appointed_by").order_by("starts_on").first())


def measure4(year: int) -> "OrderedDict[str, Figure]":
    figures = OrderedDict()
    loans = loan_selectors.in_fiscal_year(Loan.objects.all(), year)
    register = "loans:register"
    counts = dict(loans.order_by().values_list("status").annotate(n=Count("id")))
    decided_yes = sum(counts.get(status, 0) for status in (Loan.Status.APPROVED, Loan.Status.OUT, Loan.Status.RETURNED))
    figures["loans"] = Figure(_("คำขอยืมพัสดุ"), sum(counts.values()), _url(register, fiscal_year=year), _("ครั้ง"))
    figures["approved"] = Figure(_("อนุมัติ"), decided_yes, _url(register, fiscal_year=year, status="approved_any"),
                                 _("ครั้ง"))
    figures["rejected"] = Figure(_("ไม่อนุมัติ"), counts.get(Loan.Status.REJECTED, 0),
                                 _url(register, fiscal_year=year, status=Loan.Status.REJECTED), _("ครั้ง"))
    figures["returned_on_time"] = Figure(_("คืนครบตามกำหนด"), loan_selectors.returned(loans, late=False).count(),
                                         _url(register, fiscal_year=year, returned="on_time"), _("ครั้ง"))
    figures["returned_late"] = Figure(_("คืนช้ากว่ากำหนด"), loan_selectors.returned(loans, late=True).count(),
                                      _url(register, fiscal_year=year, returned="late"), _("ครั้ง"))
    end = _end_of(year)
    manual = ManualVersion.objects.filter(published_at__lt=end).order_by("-number").first()
    staff = User.objects.filter(is_active=True, date_joined__lt=end).count()
    acknowledged = (Acknowledgement.objects.filter(version=manual, user__is_active=True, acknowledged_at__lt=end)
                    .values("user").distinct().count() if manual else 0)
    figures["staff"] = Figure(_("บุคลากร"), staff, "", _("คน"))
    figures["acknowledged"] = Figure(_("รับทราบคู่มือการใช้ทรัพย์สินของทางราชการ"), acknowledged,
                                     _url("loans:manual"), _("คน"))
    figures["acknowledged_share"] = Figure(_("สัดส่วนบุคลากรที่รับทราบคู่มือ"),
                                           Decimal(acknowledged * 100) / staff if staff else Decimal("0"), "", "%")
    round_ = round_held_in(year)
    if round_ is not None:
        round_url = _url("audits:round", args=[round_.pk])
        sheets = round_.sheets.aggregate(total=Count("id"), closed=Count("id", filter=Q(status="closed")))
        figures["round"] = Figure(_("การตรวจสอบพัสดุประจำปี"), str(round_), round_url)
        figures["divisions"] = Figure(_("กองที่ตรวจสอบ"), sheets["total"], round_url, _("กอง"))
        figures["divisions_closed"] = Figure(_("กองที่ตรวจนับครบ"), sheets["closed"], round_url, _("กอง"))
        figures["inspection_started"] = Figure(_("เริ่มตรวจสอบ"), format_date(round_.starts_on), round_url)
        figures["inspection_due"] = Figure(_("กำหนดรายงานผล"), format_date(round_.due_on), round_url)
        figures["inspection_submitted"] = Figure(
            _("รายงานผลต่อหัวหน้าหน่วยงาน"), format_date(round_.submitted_on) if round_.submitted_on else _("ยังไม่รายงาน"),
            round_url)
        conditions = dict(Line.objects.filter(round=round_).order_by().values_list("condition").annotate(n=Count("id")))
        report_url = _url("reports:inspection_report", args=[round_.pk])
        figures["found_damaged"] = Figure(_("พบชำรุด"), conditions.get(Condition.DAMAGED, 0), report_url, _("รายการ"))
        figures["found_deteriorated"] = Figure(_("พบเสื่อมสภาพ"), conditions.get(Condition.DETERIORATED, 0), report_url,
                                               _("รายการ"))
        figures["found_lost"] = Figure(_("ตรวจไม่พบ (สูญไป)"), conditions.get(Condition.LOST, 0), report_url, _("รายการ"))
        figures["found_not_needed"] = Figure(_("ไม่จำเป็นต้องใช้"), conditions.get(Condition.NOT_NEEDED, 0), report_url,
                                             _("รายการ"))
        figures["inspected"] = Figure(_("ครุภัณฑ์ที่ตรวจ"), sum(conditions.values()), report_url, _("รายการ"))
        figures["_round"] = round_
    first, last = fiscal_year_bounds(year)
    disposed = DisposalItem.objects.filter(case__completed_on__range=(first, last),
                                           case__status__in=[DisposalCase.Status.COMPLETED, DisposalCase.Status.REPORTED])
    figures["disposed"] = Figure(_("จำหน่ายออกจากทะเบียน"), disposed.count(), _url("audits:disposals"), _("รายการ"))
    return figures


def measure5(year: int) -> "OrderedDict[str, Figure]":
    figures = OrderedDict()
    procurements = Procurement.objects.filter(fiscal_year=year).exclude(status=Procurement.Status.CANCELLED)
    totals = procurements.aggregate(n=Count("id"), amount=Sum("amount"))
    figures["procurements"] = Figure(_("รายการจัดซื้อจัดจ้าง"), totals["n"],
                                     _url("procurement:register", status="active", fiscal_year=year), _("รายการ"))
    figures["amount"] = Figure(_("วงเงินรวม"), totals["amount"] or Decimal("0.00"),
                               _url("procurement:register", status="active", fiscal_year=year), _("บาท"))
    by_method = {method: (n, amount) for method, n, amount in procurements.order_by().values_list("method").annotate(
        n=Count("id"), amount=Sum("amount")).values_list("method", "n", "amount")}
    for method, label in Method.choices:
        n, amount = by_method.get(method, (0, Decimal("0.00")))
        figures[f"method_{method}"] = Figure(str(label), n, _url("procurement:register", status="active", fiscal_year=year, method=method),
                                             _("รายการ"))
        figures[f"method_{method}_amount"] = Figure(_("วงเงิน (%(method)s)") % {"method": label}, amount or Decimal("0.00"),
                                                    _url("procurement:register", status="active", fiscal_year=year, method=method), _("บาท"))
    priced = procurements.filter(agreed_price__isnull=False, reference_price__isnull=False).aggregate(
        n=Count("id"), agreed=Sum("agreed_price"), reference=Sum("reference_price"))
    figures["priced"] = Figure(_("รายการที่มีราคาที่ตกลงและราคากลาง"), priced["n"],
                               _url("procurement:register", status="active", fiscal_year=year), _("รายการ"))
    figures["agreed"] = Figure(_("ราคาที่ตกลงรวม"), priced["agreed"] or Decimal("0.00"), "", _("บาท"))
    figures["reference"] = Figure(_("ราคากลางรวม"), priced["reference"] or Decimal("0.00"), "", _("บาท"))
    saving = (priced["reference"] or 0) - (priced["agreed"] or 0) or Decimal("0.00")
    # Below the reference price (a saving) or, when the agreed prices add up to more, above it: never a minus sign.
    figures["saving"] = Figure(_("ต่ำกว่าราคากลาง") if saving >= 0 else _("สูงกว่าราคากลาง"), abs(saving), "", _("บาท"))
    months = sorted(Publication.objects.filter(kind=Publication.Kind.MONTHLY, fiscal_year=year)
                    .values_list("month", flat=True))
    figures["sor_khor_months"] = Figure(_("เดือนที่เผยแพร่ สขร.1"), len(months), _url("procurement:disclosures", year=year),
                                        _("เดือน"))
    figures["_months"] = months
    figures["plan_published"] = Figure(
        _("เผยแพร่แผนการจัดซื้อจัดจ้าง"),
        _("เผยแพร่แล้ว") if Publication.objects.filter(kind=Publication.Kind.PLAN, fiscal_year=year).exists()
        else _("ยังไม่เผยแพร่"), _url("procurement:disclosures", year=year))
    return figures


def _n(value) -> str:
    return f"{value:,.2f}" if isinstance(value, Decimal) else f"{value:,}"


def sentences4(figures) -> tuple[str, str]:
    """The summary and outcome of measure 4, written from its figures."""
    f = figures
    lines = [
        _("- มีคำขอยืมพัสดุ %(loans)s ครั้ง อนุมัติ %(approved)s ครั้ง ไม่อนุมัติ %(rejected)s ครั้ง คืนครบตามกำหนด "
          "%(on_time)s ครั้ง คืนช้ากว่ากำหนด %(late)s ครั้ง ทุกคำขอผ่านผู้อนุมัติตามระเบียบและบันทึกในระบบ")
        % {"loans": _n(f["loans"].value), "approved": _n(f["approved"].value), "rejected": _n(f["rejected"].value),
           "on_time": _n(f["returned_on_time"].value), "late": _n(f["returned_late"].value)},
        _("- เผยแพร่คู่มือการใช้ทรัพย์สินของทางราชการ บุคลากรรับทราบแล้ว %(ack)s จาก %(staff)s คน (ร้อยละ %(share)s)")
        % {"ack": _n(f["acknowledged"].value), "staff": _n(f["staff"].value),
           "share": f"{f['acknowledged_share'].value:.1f}"},
    ]
    if "round" in f:
        submitted = f["_round"].submitted_on
        timing = (_("ภายในกำหนด") if submitted and submitted <= f["_round"].due_on
                  else _("เกินกำหนด") if submitted else _("ยังไม่ได้รายงาน"))
        lines.append(
            _("- %(round)s ตรวจสอบครบ %(closed)s จาก %(divisions)s กอง ครุภัณฑ์ %(inspected)s รายการ เริ่มตรวจ %(start)s "
              "รายงานผลต่อหัวหน้าหน่วยงาน %(submitted)s (กำหนด %(due)s, %(timing)s)")
            % {"round": f["round"].value, "closed": _n(f["divisions_closed"].value),
               "divisions": _n(f["divisions"].value), "inspected": _n(f["inspected"].value),
               "start": f["inspection_started"].value, "submitted": f["inspection_submitted"].value,
               "due": f["inspection_due"].value, "timing": timing})
        lines.append(
            _("- พบครุภัณฑ์ชำรุด %(damaged)s รายการ เสื่อมสภาพ %(deteriorated)s รายการ สูญไป %(lost)s รายการ "
              "ไม่จำเป็นต้องใช้ %(not_needed)s รายการ")
            % {"damaged": _n(f["found_damaged"].value), "deteriorated": _n(f["found_deteriorated"].value),
               "lost": _n(f["found_lost"].value), "not_needed": _n(f["found_not_needed"].value)})
    else:
        lines.append(_("- ไม่มีการตรวจสอบพัสดุประจำปีที่เริ่มในปีงบประมาณนี้"))
    lines.append(_("- จำหน่ายครุภัณฑ์ออกจากทะเบียนตามระเบียบ %(n)s รายการ") % {"n": _n(f["disposed"].value)})
    outcome = _("บุคลากรขอใช้ทรัพย์สินของราชการอย่างถูกต้องผ่านระบบ การยืม การคืน และการตรวจสอบพัสดุประจำปีมีหลักฐาน"
                "ในบันทึกการใช้งานที่แก้ไขไม่ได้ ตรวจสอบย้อนหลังได้ทุกรายการ")
    return "\n".join(lines), outcome


def sentences5(figures) -> tuple[str, str]:
    f = figures
    methods = ", ".join(
        _("%(method)s %(n)s รายการ %(amount)s บาท") % {"method": label, "n": _n(f[f"method_{value}"].value),
                                                     "amount": _n(f[f"method_{value}_amount"].value)}
        for value, label in Method.choices if f[f"method_{value}"].value)
    months = ", ".join(format_date(month, "month") for month in f["_months"])
    lines = [
        _("- จัดซื้อจัดจ้าง %(n)s รายการ วงเงินรวม %(amount)s บาท") % {"n": _n(f["procurements"].value),
                                                                    "amount": _n(f["amount"].value)}
        + (f" ({methods})" if methods else ""),
        _("- รายการที่มีราคาที่ตกลงแล้ว %(n)s รายการ ราคาที่ตกลงรวม %(agreed)s บาท ราคากลางรวม %(reference)s บาท "
          "%(difference)s %(saving)s บาท")
        % {"n": _n(f["priced"].value), "agreed": _n(f["agreed"].value), "reference": _n(f["reference"].value),
           "difference": f["saving"].label, "saving": _n(f["saving"].value)},
        _("- เผยแพร่สรุปผลการจัดซื้อจัดจ้างประจำเดือน (สขร.1) %(n)s จาก 12 เดือน%(months)s; แผนการจัดซื้อจัดจ้าง: %(plan)s")
        % {"n": _n(f["sor_khor_months"].value), "months": f" ({months})" if months else "",
           "plan": f["plan_published"].value},
    ]
    outcome = _("การจัดซื้อจัดจ้างทุกรายการตรวจสอบได้ตั้งแต่ความต้องการจนถึงการตรวจรับ ครุภัณฑ์ที่ตรวจรับเข้าทะเบียน"
                "ทันที และประชาชนตรวจสอบข้อมูลที่เผยแพร่ได้")
    return "\n".join(lines), outcome
