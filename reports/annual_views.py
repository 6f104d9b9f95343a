"""Pages of the annual integrity report: the years, a year's draft (with its figures linked to the lists they
count), editing, issuing, the PDF of the draft and of each issued version, and the supporting documents."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organization import roles
from thai.dates import fiscal_year
from thai.digits import to_arabic_digits

from . import annual, annual_attachments
from .models import AnnualReport, DocumentJob, ReportVersion
from .pdf import html_to_pdf


def annual_list(request):
    roles.require(request.user, "annual_report.view")
    if request.method == "POST":
        roles.require(request.user, "annual_report.edit")
        try:
            year = int(to_arabic_digits(request.POST.get("year", "")).strip())
            report = annual.report_create(actor=request.user, year=year)
        except ValueError:
            messages.error(request, _("ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2567"))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("reports:annual", year=report.fiscal_year)
    return render(request, "reports/annual_list.html", {
        "reports": AnnualReport.objects.prefetch_related("versions"),
        "can_edit": roles.can(request.user, "annual_report.edit"),
        "this_year": fiscal_year(timezone.localdate())})


def _report(request, year: int) -> AnnualReport:
    roles.require(request.user, "annual_report.view")
    return get_object_or_404(AnnualReport, fiscal_year=year)


def annual_detail(request, year: int):
    return _detail_page(request, _report(request, year))


def _detail_page(request, report: AnnualReport, *, measures=None, status: int = 200):
    """The draft's page; `measures` (unsaved, as typed) when an edit was refused, so nothing typed is lost."""
    figures = annual.figures_for(report.fiscal_year)
    return render(request, "reports/annual_detail.html", {
        "report": report, "document": annual.document_html(report, figures=figures, links=True),
        "measures": measures if measures is not None else report.measures.all(),
        "versions": report.versions.select_related("issued_by", "anchor"),
        "can_edit": roles.can(request.user, "annual_report.edit"), "editable": annual.EDITABLE_FIELDS,
        "stale": annual.stale_measures(report, figures) if roles.can(request.user, "annual_report.edit") else [],
    }, status=status)


@require_POST
def annual_action(request, year: int, action: str):
    report = _report(request, year)
    roles.require(request.user, "annual_report.edit")
    try:
        if action == "refresh":
            annual.report_refresh(actor=request.user, report=report)
            messages.success(request, _("คำนวณตัวเลขของมาตรการที่ 4 และ 5 ใหม่แล้ว"))
        elif action == "edit":
            measures = {}
            for measure in report.measures.all():
                measures[measure.number] = {name: request.POST.get(f"m{measure.number}-{name}", getattr(measure, name))
                                            for name in annual.EDITABLE_FIELDS}
            try:
                annual.report_update(actor=request.user, report=report, title=request.POST.get("title", report.title),
                                     thai_digits=request.POST.get("thai_digits") == "on", measures=measures)
            except ValidationError as error:  # shown again as typed, with the reason
                messages.error(request, " ".join(error.messages))
                typed = list(report.measures.all())
                for measure in typed:
                    for name, value in measures[measure.number].items():
                        setattr(measure, name, value)
                report.title = request.POST.get("title", report.title)
                return _detail_page(request, report, measures=typed, status=400)
            messages.success(request, _("บันทึกร่างแล้ว"))
        elif action == "issue":
            version = annual.report_issue(actor=request.user, report=report)
            messages.success(request, _("ออกรายงานฉบับที่ %(n)s แล้ว") % {"n": version.number})
        elif action == "attachments":
            if annual_attachments.size_of(year) <= annual_attachments.INLINE_LIMIT:
                content = annual_attachments.attachments_inline(actor=request.user, year=year)
                response = HttpResponse(content, content_type="application/zip")
                response["Content-Disposition"] = content_disposition_header(True, f"เอกสารประกอบ-{year}.zip")
                return response
            job = annual_attachments.attachments_job(actor=request.user, year=year)
            return redirect("reports:annual_job", pk=job.pk)
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("reports:annual", year=year)


def annual_draft_pdf(request, year: int):
    report = _report(request, year)
    response = HttpResponse(html_to_pdf(annual.document_html(report)), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"รายงานคุณธรรมและความโปร่งใส-{year}-ร่าง.pdf")
    return response


def annual_version_pdf(request, year: int, number: int):
    report = _report(request, year)
    version = get_object_or_404(ReportVersion, report=report, number=number)
    return FileResponse(version.pdf.open("rb"), content_type="application/pdf",
                        filename=f"รายงานคุณธรรมและความโปร่งใส-{year}-ฉบับที่{number}.pdf")


def _job(request, pk: int) -> DocumentJob:
    job = get_object_or_404(DocumentJob, pk=pk, kind="annual_attachments")
    if job.requested_by_id != request.user.pk and not roles.can(request.user, "annual_report.edit"):
        raise Http404
    return job


def annual_job(request, pk: int):
    return render(request, "reports/annual_job.html", {"job": _job(request, pk)})


def annual_job_file(request, pk: int):
    job = _job(request, pk)
    if job.status != DocumentJob.Status.DONE or not job.file:
        raise Http404(_("ไฟล์ยังไม่พร้อม"))
    return FileResponse(job.file.open("rb"), content_type="application/zip", as_attachment=True,
                        filename=f"เอกสารประกอบ-{job.params.get('fiscal_year')}.zip")


