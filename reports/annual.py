"""The annual integrity report (รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน): its draft, the
figures written into measures 4 and 5, editing, and issued versions frozen with the activity chain's head.

The draft is built for a fiscal year with the seven measures of the seed report; measures 4 and 5 get default
steps that describe what this system does and summaries written from its figures (reports.annual_figures);
the others are text the municipality enters. The officer edits anything before issuing; an issued version
keeps its HTML and PDF as they were, so later data never changes it; issuing again makes a new version.
"""

import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from activity import chain, log
from organization import roles
from organization.models import Organization
from thai.dates import fiscal_year as fiscal_year_of

from . import annual_figures
from .models import AnnualReport, Measure, ReportVersion
from .pdf import html_to_pdf, thai_digits_html

TEMPLATE = "reports/annual_report.html"
GENERATED = (4, 5)
MEASURES = {
    1: "กระบวนการปฏิบัติงานที่โปร่งใสและมีประสิทธิภาพ",
    2: "การให้บริการและระบบ E-Service",
    3: "ช่องทางและรูปแบบการประชาสัมพันธ์ผ่านสื่อมวลชน",
    4: "กระบวนการกำกับดูแลการใช้ทรัพย์สินของราชการ",
    5: "กระบวนการสร้างความโปร่งใสในการใช้งบประมาณจัดซื้อจัดจ้าง",
    6: "กระบวนการควบคุมตรวจสอบการใช้อำนาจและการบริหารงานบุคคล",
    7: "กลไกและมาตรการในการแก้ไขและป้องกันการทุจริตในหน่วยงาน",
}
STEPS = {
    4: ("๑. กำหนดแนวทางการใช้ทรัพย์สินของราชการและเผยแพร่คู่มือการใช้ทรัพย์สินของทางราชการในระบบ "
        "บุคลากรทุกคนรับทราบก่อนขอยืม\n"
        "๒. การขอยืมพัสดุผ่านระบบ ส่งถึงหัวหน้ากองและผู้อนุมัติตามระเบียบ (หัวหน้าหน่วยพัสดุสำหรับใช้ภายในสถานที่ "
        "หัวหน้าหน่วยงานสำหรับนำออกนอกสถานที่) ส่งมอบและรับคืนพร้อมบันทึกสภาพ ติดตามทวงคืนเมื่อเกินกำหนด\n"
        "๓. ตรวจสอบพัสดุประจำปีทุกกองโดยสแกนป้าย QR เริ่มวันทำการแรกของปีงบประมาณและรายงานผลภายใน 30 วันทำการ\n"
        "๔. บันทึกการใช้งานทุกรายการในบันทึกที่แก้ไขไม่ได้ ผู้ตรวจสอบอ่านได้ตลอดเวลา"),
    5: ("๑. กำหนดความต้องการและแหล่งเงินงบประมาณ\n"
        "๒. จัดทำแผนการจัดซื้อจัดจ้าง ราคากลาง และรายละเอียดคุณลักษณะ\n"
        "๓. ดำเนินการจัดซื้อจัดจ้างตามวิธีที่กฎหมายกำหนด บันทึกผู้เสนอราคา ผู้ได้รับการคัดเลือกและเหตุผล\n"
        "๔. บริหารสัญญา การส่งมอบ ค่าปรับ และการตรวจรับโดยคณะกรรมการ ครุภัณฑ์ที่ตรวจรับเข้าทะเบียนทันที\n"
        "๕. เปิดเผยแผนการจัดซื้อจัดจ้าง ผลการจัดซื้อจัดจ้าง และสรุปผลประจำเดือน (สขร.1) ให้ประชาชนตรวจสอบได้"),
}
RESPONSIBLE = {4: "สำนักปลัด/กองคลัง (งานพัสดุ)/ทุกกอง", 5: "กองคลัง (งานพัสดุ)/ทุกกอง"}
EDITABLE_FIELDS = ("name", "steps", "responsible", "period", "summary", "outcome")


def _period(year: int) -> str:
    return f"ปีงบประมาณ พ.ศ. {year}"


def report_for(year: int) -> AnnualReport | None:
    return AnnualReport.objects.filter(fiscal_year=year).first()


@transaction.atomic
def report_create(*, actor, year: int) -> AnnualReport:
    """The draft of a year's report: the seven measures, measures 4 and 5 written from the figures."""
    roles.require(actor, "annual_report.edit")
    if not isinstance(year, int) or not 2400 <= year <= 2700:
        raise ValidationError(_("ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2567"))
    if year > fiscal_year_of(timezone.localdate()):
        raise ValidationError(_("ปีงบประมาณ %(year)s ยังไม่เริ่ม: ทำรายงานได้ถึงปีงบประมาณปัจจุบัน") % {"year": year})
    report, created = AnnualReport.objects.get_or_create(fiscal_year=year)
    if not created:
        return report
    Measure.objects.bulk_create([
        Measure(report=report, number=number, name=name, steps=STEPS.get(number, ""),
                responsible=RESPONSIBLE.get(number, ""), period=_period(year))
        for number, name in MEASURES.items()])
    log.record("annual_report.create", obj=report, actor=actor, details={"fiscal_year": year})
    report_refresh(actor=actor, report=report)
    return report


def figures_for(year: int) -> dict:
    return {4: annual_figures.measure4(year), 5: annual_figures.measure5(year)}


def _plain(figures: dict) -> dict:
    """The figures as JSON-able values (kept with an issued version)."""
    out = {}
    for number, items in figures.items():
        out[str(number)] = {key: (str(figure.value) if isinstance(figure.value, Decimal) else figure.value)
                            for key, figure in items.items() if not key.startswith("_")}
    return out


WRITERS = {4: annual_figures.sentences4, 5: annual_figures.sentences5}


def stale_measures(report: AnnualReport, figures: dict) -> list[int]:
    """The generated measures whose summary is no longer what the current figures would write (the registers
    moved on since the last refresh, or someone edited the text): the draft page says so."""
    def words(text: str) -> list[str]:  # a form sends line ends as CRLF and is stripped: compare the words only
        return (text or "").split()

    summaries = dict(report.measures.filter(number__in=GENERATED).values_list("number", "summary"))
    return [number for number in GENERATED
            if number in summaries and words(summaries[number]) != words(WRITERS[number](figures[number])[0])]


@transaction.atomic
def report_refresh(*, actor, report: AnnualReport) -> dict:
    """Write measures 4 and 5's summary and outcome again from the current figures (the officer's edits to
    those two columns are replaced; the other columns are kept)."""
    roles.require(actor, "annual_report.edit")
    figures = figures_for(report.fiscal_year)
    for number in GENERATED:
        summary, outcome = WRITERS[number](figures[number])
        Measure.objects.filter(report=report, number=number).update(summary=summary, outcome=outcome)
    report.figures_at = timezone.now()
    report.save(update_fields=["figures_at", "updated_at"])
    log.record("annual_report.refresh", obj=report, actor=actor, details={"figures": _plain(figures)})
    return figures


@transaction.atomic
def report_update(*, actor, report: AnnualReport, title: str, thai_digits: bool, measures: dict) -> AnnualReport:
    """Edit the draft: the title, the digit switch, and any column of any measure ({number: {field: text}})."""
    roles.require(actor, "annual_report.edit")
    title = (title or "").strip()[:300]
    if not title:
        raise ValidationError(_("กรุณากรอกชื่อรายงาน"))
    if "\x00" in title or any("\x00" in (value or "") for fields in measures.values() for value in fields.values()):
        raise ValidationError(_("ข้อมูลที่ส่งมาอ่านไม่ได้"))  # a NUL character: PostgreSQL cannot store it
    changes = {}
    if title != report.title or bool(thai_digits) != report.thai_digits:
        changes["report"] = {"title": title, "thai_digits": bool(thai_digits)}
        report.title, report.thai_digits = title, bool(thai_digits)
        report.save(update_fields=["title", "thai_digits", "updated_at"])
    current = {measure.number: measure for measure in report.measures.all()}
    for number, fields in measures.items():
        measure = current.get(int(number))
        if measure is None:
            raise ValidationError(_("ไม่มีมาตรการข้อ %(n)s") % {"n": number})
        changed = {}
        for name in EDITABLE_FIELDS:
            if name in fields:
                value = (fields[name] or "").strip()
                limit = Measure._meta.get_field(name).max_length
                if limit and len(value) > limit:
                    raise ValidationError(_("ข้อ %(n)s: ข้อความยาวเกิน %(limit)s ตัวอักษร") % {"n": number, "limit": limit})
                if not value and name == "name":
                    raise ValidationError(_("ข้อ %(n)s: กรุณากรอกชื่อมาตรการ") % {"n": number})
                if value != getattr(measure, name):
                    changed[name] = value
        if changed:
            for name, value in changed.items():
                setattr(measure, name, value)
            measure.save(update_fields=list(changed))
            changes[str(number)] = sorted(changed)
    if changes:
        log.record("annual_report.update", obj=report, actor=actor, details={"changes": changes})
    return report


def document_html(report: AnnualReport, *, figures: dict | None = None, links: bool = False) -> str:
    """The report as the document (what the PDF is made of): title block, then one table per measure with the
    seven columns. With links (the web view) the figures of measures 4 and 5 are listed under them, each a link
    to the list it counts."""
    organization = Organization.objects.filter(pk=1).first()
    html = render_to_string(TEMPLATE, {
        "report": report, "measures": list(report.measures.all()), "organization": organization,
        "figures": figures or {}, "links": links,
    })
    html = thai_digits_html(html) if report.thai_digits else html
    if links:  # shown inside a page: the body only (the document's own stylesheet is for the PDF)
        html = html[html.index("<body>") + len("<body>"):html.rindex("</body>")]
    return html


@transaction.atomic
def report_issue(*, actor, report: AnnualReport) -> ReportVersion:
    """Freeze the draft as the next version: its HTML and PDF as they are now, who issued it, and the activity
    chain's head at that moment (anchored)."""
    roles.require(actor, "annual_report.edit")
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    number = (report.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    figures = figures_for(report.fiscal_year)
    log.record("annual_report.issue", obj=report, actor=actor, details={"version": number})
    anchor = chain.anchor_record(document_type="annual_report", document_id=f"{report.fiscal_year}/{number}",
                                 document_repr=f"{report.title} {report.fiscal_year} ฉบับที่ {number}")
    html = render_to_string(TEMPLATE, {
        "report": report, "measures": list(report.measures.all()),
        "organization": Organization.objects.filter(pk=1).first(), "version": number, "anchor": anchor,
        "issued_by": actor, "figures": {}, "links": False})
    if report.thai_digits:
        html = thai_digits_html(html)
    version = ReportVersion(report=report, number=number, issued_at=anchor.created_at, issued_by=actor,
                            anchor=anchor, html=html, figures_json=json.dumps(_plain(figures), ensure_ascii=False))
    version.pdf.save(f"annual-{report.fiscal_year}-v{number}.pdf", ContentFile(html_to_pdf(html)), save=False)
    version.save()
    return version
