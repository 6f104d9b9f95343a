"""The procurement disclosure documents (DOMAIN.md section 6) as HTML → PDF (A4 landscape, Sarabun, BE dates,
Thai digits with ?digits=thai) and XLSX: the monthly สขร.1, the annual plan and the yearly summary.
Their data comes from procurement.disclosure. Every export is logged ("procurement.export").

Publishing one of them (`publish_document`) keeps the PDF as rendered at that moment with the publication
record; a bad month, year or URL sends the reader back to the disclosures page with a Thai message.

A สขร.1 costs about 25 ms of layout a row (a busy month has hundreds of rows, each with its offers): from
PARALLEL_FROM rows on, runs of rows are laid out by parallel processes (reports.pdf.html_to_pdf_parallel),
each run beginning a page, and the page numbers ("หน้า 3/52") are laid over the joined pages afterwards,
since no run knows the others' page counts.
"""

import io
import logging
import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activity import log
from organization import roles
from procurement import disclosure, services
from procurement.models import Publication
from procurement.publication_views import already_published, back_to, disclosures_url, read_publication
from thai.dates import BE_OFFSET, fiscal_year as fiscal_year_of, fiscal_year_bounds
from thai.digits import to_thai_digits

from .pdf import html_to_pdf, html_to_pdf_parallel, thai_digits_html

K = Publication.Kind
SOR_KHOR_1 = "reports/procurement_sor_khor_1.html"
PARALLEL_FROM = 60  # rows of a สขร.1
MAX_WORKERS = 4
logger = logging.getLogger(__name__)


def _html(template: str, context: dict, thai_digits: bool) -> str:
    context = {"organization": disclosure.organization(), "printed_at": timezone.now(), **context}
    html = render_to_string(template, context)
    return thai_digits_html(html) if thai_digits else html


def _sor_khor_1_document(summary: disclosure.SorKhor1, thai_digits: bool, *, rows=None, start: int = 0,
                         numbered: bool = True) -> str:
    """The whole month (rows=None) or a run of its rows: the title block only on the first run, the count and
    printing time only on the last, the page numbers only when the document is the whole month."""
    rows = summary.procurements if rows is None else rows
    form_name = _("แบบ สขร.1")  # in the page's margin, which the stylesheet holds: thai_digits_html leaves it
    return _html(SOR_KHOR_1, {
        "form_name": to_thai_digits(form_name) if thai_digits else form_name, "summary": summary,
        "headings": disclosure.sor_khor_1_headings(), "rows": rows, "start": start, "first": start == 0,
        "last": start + len(rows) >= len(summary.procurements), "numbered": numbered,
    }, thai_digits)


def sor_khor_1_html(year: int, month: int, *, thai_digits: bool = False) -> str:
    """The month's สขร.1 (year in BE, month 1–12): the HTML that feeds the PDF. A bad month or year raises
    ValidationError (Thai message)."""
    with translation.override("th"):
        return _sor_khor_1_document(disclosure.sor_khor_1(year, month), thai_digits)


def sor_khor_1_pdf_bytes(year: int, month: int, *, thai_digits: bool = False, workers: int | None = None) -> bytes:
    """The month's สขร.1 as a PDF; a long month is laid out in parallel runs (see the module's docstring)."""
    with translation.override("th"):
        summary = disclosure.sor_khor_1(year, month)
        rows = summary.procurements
        workers = workers or min(os.cpu_count() or 1, MAX_WORKERS)
        if workers < 2 or len(rows) < PARALLEL_FROM:
            return html_to_pdf(_sor_khor_1_document(summary, thai_digits))
        size = -(-len(rows) // workers)
        documents = [_sor_khor_1_document(summary, thai_digits, rows=rows[start:start + size], start=start,
                                          numbered=False) for start in range(0, len(rows), size)]
        try:
            return _numbered(html_to_pdf_parallel(documents), thai_digits)
        except Exception:  # no processes to be had (limits, a broken pool): one process still gives the document
            logger.warning("สขร.1: parallel rendering failed, rendering in one process", exc_info=True)
            return html_to_pdf(_sor_khor_1_document(summary, thai_digits))


def _numbered(content: bytes, thai_digits: bool) -> bytes:
    """The joined runs with "หน้า n/total" laid over each page, as the whole month's document prints them."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(content)))
    count = len(writer.pages)
    numbers = ('<!doctype html><html lang="th"><head><meta charset="utf-8"><style>'
               '@page { size: A4 landscape; margin: 10mm 10mm 12mm; @bottom-right { content: "%s " counter(page) "/"'
               ' counter(pages); font-family: "Sarabun"; font-size: 10pt } } div { page-break-after: always }'
               '</style></head><body>%s<p></p></body></html>') % (_("หน้า"), "<div></div>" * (count - 1))
    numbers = html_to_pdf(thai_digits_html(numbers) if thai_digits else numbers)
    for page, number in zip(writer.pages, PdfReader(io.BytesIO(numbers)).pages):
        page.merge_page(number)
        page.compress_content_streams()
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def plan_html(fiscal_year: int, *, thai_digits: bool = False) -> str:
    with translation.override("th"):
        plan = disclosure.plan(fiscal_year)
        starts, ends = fiscal_year_bounds(plan.fiscal_year)
        return _html("reports/procurement_plan.html", {"plan": plan, "headings": disclosure.plan_headings(),
                                                       "starts": starts, "ends": ends}, thai_digits)


def yearly_summary_html(fiscal_year: int, *, thai_digits: bool = False) -> str:
    with translation.override("th"):
        summary = disclosure.yearly_summary(fiscal_year)
        starts, ends = fiscal_year_bounds(summary.fiscal_year)
        tables = [(_("จำแนกตามวิธีซื้อหรือจ้าง"), disclosure.yearly_headings(_("วิธีซื้อหรือจ้าง")),
                   [*summary.by_method, summary.total]),
                  (_("จำแนกตามหน่วยงาน"), disclosure.yearly_headings(_("หน่วยงาน")),
                   [*summary.by_division, summary.total])]
        return _html("reports/procurement_yearly.html", {"summary": summary, "tables": tables, "starts": starts,
                                                         "ends": ends}, thai_digits)


def _file_name(kind: str, fiscal_year: int, month=None) -> str:
    """The name a download gets, without its extension."""
    if kind == K.MONTHLY:
        return f"สขร.1-{month.year + BE_OFFSET}-{month.month:02d}"
    if kind == K.PLAN:
        return f"แผนการจัดซื้อจัดจ้าง-{fiscal_year}"
    return f"สรุปผลการจัดซื้อจัดจ้าง-{fiscal_year}"


def _kept_name(kind: str, fiscal_year: int, month=None) -> str:
    """The name of the file kept with a publication (ASCII: the storage's names stay plain)."""
    if kind == K.MONTHLY:
        return f"sor-khor-1-{month.year + BE_OFFSET}-{month.month:02d}.pdf"
    return f"{kind}-{fiscal_year}.pdf"


def document_pdf(kind: str, *, fiscal_year: int | None = None, month=None, thai_digits: bool = False) -> bytes:
    """One of the three documents as a PDF; `month` is the first day of a month (for the สขร.1)."""
    if kind == K.MONTHLY:
        return sor_khor_1_pdf_bytes(month.year + BE_OFFSET, month.month, thai_digits=thai_digits)
    if kind == K.PLAN:
        return html_to_pdf(plan_html(fiscal_year, thai_digits=thai_digits))
    if kind == K.YEARLY:
        return html_to_pdf(yearly_summary_html(fiscal_year, thai_digits=thai_digits))
    raise ValueError(f"not a document: {kind!r}")


# --- downloads ---------------------------------------------------------------------------------------------------

def _bad_input(request, error: ValidationError):
    """Back to the disclosures page, with the Thai message."""
    messages.error(request, " ".join(error.messages))
    return redirect(disclosures_url())


def _export(request, kind: str, fmt: str, *, year=None, month=None, fiscal_year=None):
    roles.require(request.user, "procurement.view")
    thai_digits = fmt == "pdf" and request.GET.get("digits") == "thai"
    try:
        if kind == K.MONTHLY:
            first_day = disclosure.check_month(year, month)
            fiscal_year = fiscal_year_of(first_day)
        else:
            fiscal_year, first_day = disclosure.check_year(fiscal_year), None
    except ValidationError as error:
        return _bad_input(request, error)
    if fmt == "pdf":
        content = document_pdf(kind, fiscal_year=fiscal_year, month=first_day, thai_digits=thai_digits)
        content_type = "application/pdf"
    elif kind == K.MONTHLY:
        content, content_type = disclosure.sor_khor_1_xlsx(year, month), disclosure.XLSX_TYPE
    elif kind == K.PLAN:
        content, content_type = disclosure.plan_xlsx(fiscal_year), disclosure.XLSX_TYPE
    else:
        content, content_type = disclosure.yearly_xlsx(fiscal_year), disclosure.XLSX_TYPE
    log.record("procurement.export", actor=request.user, details={
        "document": kind, "format": fmt, "fiscal_year": fiscal_year,
        "month": first_day.isoformat() if first_day else None, "digits": "thai" if thai_digits else "arabic"})
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        fmt == "xlsx", f"{_file_name(kind, fiscal_year, first_day)}.{fmt}")
    return response


def sor_khor_1_pdf(request, year: int, month: int):
    return _export(request, K.MONTHLY, "pdf", year=year, month=month)


def sor_khor_1_xlsx(request, year: int, month: int):
    return _export(request, K.MONTHLY, "xlsx", year=year, month=month)


def plan_pdf(request, fiscal_year: int):
    return _export(request, K.PLAN, "pdf", fiscal_year=fiscal_year)


def plan_xlsx(request, fiscal_year: int):
    return _export(request, K.PLAN, "xlsx", fiscal_year=fiscal_year)


def yearly_pdf(request, fiscal_year: int):
    return _export(request, K.YEARLY, "pdf", fiscal_year=fiscal_year)


def yearly_xlsx(request, fiscal_year: int):
    return _export(request, K.YEARLY, "xlsx", fiscal_year=fiscal_year)


# --- publishing --------------------------------------------------------------------------------------------------

@require_POST
def publish_document(request):
    """Record that the plan, a month's สขร.1 or the yearly summary was published (when, where), keeping the PDF
    as it is rendered now (Thai digits when asked)."""
    roles.require(request.user, "procurement.publish")
    fiscal_year = None
    try:
        fields = read_publication(request)
        kind, fiscal_year, month = fields["kind"], fields["fiscal_year"], fields["month"]
        if kind not in (K.PLAN, K.MONTHLY, K.YEARLY):
            raise ValidationError(_("ประเภทการเผยแพร่ไม่ถูกต้อง"))
        if already_published(fields):
            raise ValidationError(_("รายการนี้บันทึกการเผยแพร่ไว้แล้ว"))
        content = document_pdf(kind, fiscal_year=fiscal_year, month=month, thai_digits=fields["thai_digits"])
        services.publication_record(actor=request.user, kind=kind, fiscal_year=fiscal_year,
                                    published_on=fields["published_on"], where=fields["where"], month=month,
                                    file_name=_kept_name(kind, fiscal_year, month), content=content)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        label = disclosure.month_label(month) if month else str(fiscal_year)
        messages.success(request, _("บันทึกการเผยแพร่%(kind)s (%(label)s) แล้ว") % {"kind": K(kind).label,
                                                                                   "label": label})
    return back_to(request, fiscal_year)
