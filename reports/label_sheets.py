"""Printing label sheets from the register: the current filter or a selection, a layout, used positions.

Sheets up to LABELS_INLINE_MAX labels come back in the same request; larger ones become a
DocumentJob rendered by the background worker, with its progress on a page that offers the file.
"""

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assets.filters import AssetFilter
from assets.models import Status
from assets.selectors import assets_visible_to
from common.ids import database_id
from organization import readiness, roles

from .labels import labels_for, render_sheet
from .models import DocumentJob, LabelLayout

PROGRESS_EVERY = 250


class SheetForm(forms.Form):
    layout = forms.ModelChoiceField(label=_("รูปแบบแผ่นป้าย"), queryset=LabelLayout.objects.filter(is_active=True),
                                    empty_label=None)
    skip = forms.IntegerField(label=_("ช่องที่ใช้ไปแล้วบนแผ่นแรก"), min_value=0, initial=0, required=False,
                              help_text=_("สำหรับแผ่นสติกเกอร์ที่ใช้ไปบางส่วน"))

    def clean(self):
        data = super().clean()
        layout, skip = data.get("layout"), data.get("skip") or 0
        if layout and skip >= layout.per_page:
            self.add_error("skip", _("แผ่นนี้มี %(n)s ช่อง: ข้ามได้ไม่เกิน %(m)s ช่อง") % {"n": layout.per_page,
                                                                                   "m": layout.per_page - 1})
        data["skip"] = skip
        return data


def selected_assets(user, params) -> "tuple[object, dict]":
    """Assets chosen on the register page: explicit ids (?ids=1,2) or the list's filter. Never disposed ones."""
    base = assets_visible_to(user).exclude(status=Status.DISPOSED).select_related("division").order_by("number_key")
    ids = [pk for pk in (database_id(part) for part in str(params.get("ids", "")).split(",")) if pk is not None]
    if ids:
        return base.filter(pk__in=ids[:100_000]), {"ids": ",".join(map(str, ids))}
    kept = {key: params.get(key) for key in AssetFilter.base_filters if params.get(key)}
    asset_filter = AssetFilter(kept or None, queryset=base)
    return asset_filter.qs, kept


def label_sheet(request):
    roles.require(request.user, "labels.print")
    source = request.POST if request.method == "POST" else request.GET
    assets, selection = selected_assets(request.user, source)
    count = assets.count()
    form = SheetForm(request.POST or None)
    site_problem = readiness.site_url_problem()  # a label with a wrong address is worse than none
    if request.method == "POST" and form.is_valid() and count and not site_problem:
        layout, skip = form.cleaned_data["layout"], form.cleaned_data["skip"]
        if count <= settings.LABELS_INLINE_MAX:
            pdf = render_sheet(labels_for(assets.iterator(chunk_size=2000)), layout, skip=skip)
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="labels-{timezone.localtime():%Y%m%d-%H%M}.pdf"'
            return response
        job = DocumentJob.objects.create(kind="labels", requested_by=request.user, total=count,
                                         params={"selection": selection, "layout": layout.pk, "skip": skip})
        from .tasks import render_labels_job

        transaction.on_commit(lambda: render_labels_job.enqueue(job.pk))
        return redirect("reports:label_job", pk=job.pk)
    return render(request, "reports/label_sheet.html", {
        "form": form, "count": count, "selection": selection, "inline_max": settings.LABELS_INLINE_MAX,
        "site_problem": site_problem,
    })


def run_label_job(job_id: int) -> None:
    """The worker's part: collect the labels (QR images drawn or taken from the cache), render, keep the file."""
    job = DocumentJob.objects.select_related("requested_by").get(pk=job_id)
    DocumentJob.objects.filter(pk=job.pk).update(status=DocumentJob.Status.RUNNING, stage=str(_("เตรียมป้าย")))
    try:
        assets, _selection = selected_assets(job.requested_by, job.params.get("selection", {}))
        layout = LabelLayout.objects.get(pk=job.params["layout"])
        labels = []
        for chunk_start in range(0, job.total or 1, PROGRESS_EVERY):
            labels += labels_for(assets[chunk_start:chunk_start + PROGRESS_EVERY])
            DocumentJob.objects.filter(pk=job.pk).update(done=len(labels))
        DocumentJob.objects.filter(pk=job.pk).update(stage=str(_("จัดหน้าและสร้าง PDF")))
        pdf = render_sheet(labels, layout, skip=job.params.get("skip", 0))
        job.refresh_from_db()
        job.file.save(f"labels-{job.pk}.pdf", ContentFile(pdf), save=False)
        job.status, job.done, job.stage, job.finished_at = DocumentJob.Status.DONE, len(labels), "", timezone.now()
        job.save(update_fields=["file", "status", "done", "stage", "finished_at"])
    except Exception as error:  # the page must say it failed rather than spin forever
        DocumentJob.objects.filter(pk=job.pk).update(status=DocumentJob.Status.FAILED, finished_at=timezone.now(),
                                                     message=f"{type(error).__name__}: {error}"[:2000])
        raise


def _job_for(request, pk) -> DocumentJob:
    job = get_object_or_404(DocumentJob, pk=pk, kind="labels")
    if job.requested_by_id != request.user.pk and not roles.can(request.user, "organization.edit"):
        raise Http404
    return job


def label_job(request, pk):
    return render(request, "reports/label_job.html", {"job": _job_for(request, pk)})


def label_job_file(request, pk):
    job = _job_for(request, pk)
    if job.status != DocumentJob.Status.DONE or not job.file:
        raise Http404(_("ไฟล์ยังไม่พร้อม"))
    with job.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="labels-{job.pk}.pdf"'
    return response
