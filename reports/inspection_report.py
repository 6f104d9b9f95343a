"""The inspection round's report (รายงานผลการตรวจสอบพัสดุประจำปี) as HTML and PDF (A4 landscape, Sarabun, BE dates)."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header

from activity import log
from audits.models import Round
from audits.selectors import round_report, rounds_visible_to
from audits.services import due_state
from organization.models import Organization

from .pdf import html_to_pdf, thai_digits_html

TEMPLATE = "reports/inspection_report.html"


def inspection_report_html(round_: Round, *, thai_digits: bool = False) -> str:
    """The HTML that feeds the PDF (what the tests read)."""
    html = render_to_string(TEMPLATE, {
        "report": round_report(round_), "round": round_, "organization": Organization.objects.filter(pk=1).first(),
        "due": due_state(round_), "printed_at": timezone.now(), "anchor": round_.report_anchor,
    })
    return thai_digits_html(html) if thai_digits else html


def inspection_report_pdf(request, pk: int):
    round_ = get_object_or_404(rounds_visible_to(request.user), pk=pk)
    if round_.status == Round.Status.PLANNED:
        raise Http404
    thai_digits = request.GET.get("digits") == "thai"
    pdf = html_to_pdf(inspection_report_html(round_, thai_digits=thai_digits))
    log.record("inspection.export", obj=round_, actor=request.user, details={"format": "pdf"})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"รายงานผลการตรวจสอบพัสดุ-{round_.fiscal_year}-{round_.pk}.pdf")
    return response
