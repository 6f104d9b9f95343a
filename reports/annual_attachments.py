"""The annual report's supporting documents in one ZIP: the asset register, the year's loan register, the
inspection report, the disposals, the year's สขร.1s and the procurement summary. Built inline when the year is
small, by the background worker (a DocumentJob with progress) when it is large."""

import io
import zipfile

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity import log
from assets.exports import render_register as render_assets
from assets.models import Asset
from audits.models import DisposalCase, DisposalItem
from common.spreadsheets import write_xlsx
from loans import selectors as loan_selectors
from loans.exports import render_register as render_loans
from loans.models import Loan
from procurement.disclosure import fiscal_months, month_procurements
from procurement.models import Procurement
from thai.dates import fiscal_year_bounds, format_date

from .annual_figures import round_held_in
from .inspection_report import inspection_report_html
from .models import DocumentJob
from .pdf import html_to_pdf
from .procurement_docs import document_pdf

INLINE_LIMIT = 5_000  # assets + loans + procurements of a year built while the user waits; above, the worker


def size_of(year: int) -> int:
    return (Asset.objects.count() + loan_selectors.in_fiscal_year(Loan.objects.all(), year).count()
            + Procurement.objects.filter(fiscal_year=year).count())


def _disposals_xlsx(year: int) -> bytes:
    first, last = fiscal_year_bounds(year)
    items = (DisposalItem.objects.filter(case__completed_on__range=(first, last),
                                         case__status__in=[DisposalCase.Status.COMPLETED, DisposalCase.Status.REPORTED])
             .select_related("case", "asset__division").order_by("case_id", "asset__number_key"))
    methods = dict(DisposalCase.Method.choices)
    rows = ([item.case_id, item.case.title, str(methods[item.case.method]), item.asset.number, item.asset.name,
             item.asset.division.name, item.book_value, item.case.order_number, format_date(item.case.ordered_on),
             format_date(item.case.completed_on), format_date(item.case.sao_notified_on) if item.case.sao_notified_on
             else ""] for item in items)
    return write_xlsx(["ที่", "เรื่อง", "วิธีจำหน่าย", "หมายเลขครุภัณฑ์", "ชื่อ/ลักษณะ", "กอง", "มูลค่าสุทธิ",
                       "คำสั่งจำหน่ายที่", "วันที่สั่ง", "วันที่จำหน่ายเสร็จ", "วันที่แจ้ง สตง."], rows,
                      sheet_title="รายการจำหน่าย", number_formats={6: "#,##0.00"},
                      widths=[6, 34, 18, 18, 34, 24, 14, 16, 16, 16, 16])


def build_zip(year: int, progress=None) -> tuple[bytes, list[str]]:
    """The ZIP's bytes and the names of its files. `progress(done, total, stage)` is told as each file is made."""
    first, last = fiscal_year_bounds(year)
    months = [month for month in fiscal_months(year) if month_procurements(month).exists()]
    round_ = round_held_in(year)
    steps = 5 + len(months) + (1 if round_ else 0)
    done = 0
    names = []
    out = io.BytesIO()

    def add(name: str, content: bytes) -> None:
        nonlocal done
        archive.writestr(name, content)
        names.append(name)
        done += 1
        if progress:
            progress(done, steps, name)

    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        add(f"1-ทะเบียนครุภัณฑ์-{year}.xlsx", render_assets(Asset.objects.order_by("number_key"), "xlsx").content)
        add(f"2-ทะเบียนการยืม-{year}.xlsx",
            render_loans(loan_selectors.in_fiscal_year(Loan.objects.all(), year).order_by("starts_on", "id")).content)
        if round_ is not None:
            add(f"3-รายงานผลการตรวจสอบพัสดุ-{round_.fiscal_year}.pdf", html_to_pdf(inspection_report_html(round_)))
        add(f"4-รายการจำหน่ายพัสดุ-{year}.xlsx", _disposals_xlsx(year))
        for month in months:
            add(f"5-สขร1-{month.year + 543}-{month.month:02d}.pdf", document_pdf("monthly", month=month))
        add(f"6-สรุปผลการจัดซื้อจัดจ้างประจำปี-{year}.pdf", document_pdf("yearly", fiscal_year=year))
        add(f"7-แผนการจัดซื้อจัดจ้าง-{year}.pdf", document_pdf("plan", fiscal_year=year))
    return out.getvalue(), names


def attachments_inline(*, actor, year: int) -> bytes:
    content, names = build_zip(year)
    log.record("annual_report.attachments", actor=actor, object_type="reports.annualreport", object_repr=str(year),
               details={"fiscal_year": year, "files": names, "how": "inline"})
    return content


def attachments_job(*, actor, year: int) -> DocumentJob:
    from .tasks import build_attachments_job

    job = DocumentJob.objects.create(kind="annual_attachments", requested_by=actor, params={"fiscal_year": year},
                                     stage=str(_("รอเครื่องทำงานเบื้องหลัง")))
    transaction.on_commit(lambda: build_attachments_job.enqueue(job.pk))
    return job


def run_attachments_job(job_id: int) -> None:
    job = DocumentJob.objects.select_related("requested_by").get(pk=job_id)
    year = int(job.params["fiscal_year"])
    DocumentJob.objects.filter(pk=job.pk).update(status=DocumentJob.Status.RUNNING)

    def progress(done, total, stage):
        DocumentJob.objects.filter(pk=job.pk).update(done=done, total=total, stage=stage)

    try:
        content, names = build_zip(year, progress)
        job.file.save(f"annual-attachments-{year}.zip", ContentFile(content), save=False)
        DocumentJob.objects.filter(pk=job.pk).update(file=job.file.name, status=DocumentJob.Status.DONE, stage="",
                                                     finished_at=timezone.now())
        log.record("annual_report.attachments", actor=job.requested_by, object_type="reports.annualreport",
                   object_repr=str(year), details={"fiscal_year": year, "files": names, "how": "job", "job": job.pk})
    except Exception as error:  # the job page says it failed; the worker's log has the traceback
        DocumentJob.objects.filter(pk=job.pk).update(status=DocumentJob.Status.FAILED, finished_at=timezone.now(),
                                                     message=str(error)[:1000])
        raise
