"""The e-GP open data import page: upload → preview (to create, to update with the changes, unchanged, other
agencies ignored, flagged, bad rows) → confirm → commit, all or nothing (procurement.egp does the work).

The previewed file is kept server-side (default storage, under imports/egp/) with its token in the session
until it is confirmed or cancelled, the way the asset register import keeps its file; confirming reads and
checks it again before writing.
"""

import datetime as dt
import uuid

from django import forms
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organization import roles

from . import egp

SESSION_KEY = "egp_import"
UPLOAD_DIR = "imports/egp"
STALE_UPLOAD = dt.timedelta(days=1)


class EgpUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("ไฟล์ข้อมูลเปิดจาก e-GP (.csv หรือ .xlsx)"),
                           error_messages={"required": gettext_lazy("กรุณาเลือกไฟล์"),
                                           "empty": gettext_lazy("ไฟล์ว่างเปล่า ไม่มีข้อมูล")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx"


def _keep_upload(request, data: bytes, filename: str) -> str:
    token = uuid.uuid4().hex
    saved = default_storage.save(f"{UPLOAD_DIR}/{token}", ContentFile(data))
    request.session[SESSION_KEY] = {"token": token, "name": saved, "filename": filename}
    return token


def _discard_upload(request) -> None:
    kept = request.session.pop(SESSION_KEY, None)
    if kept and kept.get("name", "").startswith(f"{UPLOAD_DIR}/"):
        try:
            default_storage.delete(kept["name"])
        except OSError:
            pass
    _discard_stale_uploads()


def _discard_stale_uploads() -> None:
    """Best effort: previews that were never confirmed are removed after a day."""
    try:
        _, files = default_storage.listdir(UPLOAD_DIR)
        cutoff = timezone.now() - STALE_UPLOAD
        for name in files:
            path = f"{UPLOAD_DIR}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
    except (OSError, NotImplementedError):
        pass


def _upload_page(request, *, form=None, refused=()):
    max_rows, max_bytes = egp.import_limits()
    columns = [(egp.published_header(name), name in egp.REQUIRED_COLUMNS)
               for name in ("sequence", "egp_number", "title", "project_type", "agency", "sub_agency", "method_name",
                            "method_group", "announced_on", "amount", "reference_price", "agreed_price",
                            "fiscal_year", "transaction_date", "province")]
    optional = [egp.published_header(name) for name in ("supplier", "tax_id", "contract_number", "contract_date")]
    return render(request, "procurement/egp_import.html", {
        "form": form or EgpUploadForm(), "refused": refused, "agency": egp.egp_name(), "columns": columns,
        "optional_columns": optional, "max_rows": max_rows, "max_mb": max_bytes // (1024 * 1024),
    })


def _preview(request, plan, token):
    return render(request, "procurement/egp_import_preview.html", {"plan": plan, "token": token})


def egp_import(request):
    """GET: the upload form. POST: read and check the file, show what it would do (nothing written yet)."""
    roles.require(request.user, "procurement.manage")
    if request.method != "POST":
        return _upload_page(request)
    form = EgpUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form=form)
    _discard_upload(request)
    upload = form.cleaned_data["file"]
    try:
        egp.check_size(upload.size)
        data = upload.read()
        plan = egp.parse_egp(data, upload.name, actor=request.user)
    except egp.ImportRefused as error:
        return _upload_page(request, form=form, refused=error.messages)
    token = _keep_upload(request, data, upload.name) if plan.is_valid and plan.has_work else None
    return _preview(request, plan, token)


def egp_import_confirm(request):
    """POST: import the previewed file (checked again first), then back to the register; or cancel it."""
    roles.require(request.user, "procurement.manage")
    if request.method != "POST":
        return redirect("procurement:egp_import")
    if "cancel" in request.POST:
        _discard_upload(request)
        return redirect("procurement:egp_import")
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("token") != request.POST.get("token"):
        return _upload_page(request, refused=[_("ไม่พบไฟล์ที่ตรวจสอบไว้ (หมดอายุ หรือมีการอัปโหลดไฟล์อื่นแทน) "
                                                "กรุณาอัปโหลดไฟล์อีกครั้ง")])
    try:
        with default_storage.open(kept["name"], "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError):
        request.session.pop(SESSION_KEY, None)
        return _upload_page(request, refused=[_("ไม่พบไฟล์ที่ตรวจสอบไว้ กรุณาอัปโหลดไฟล์อีกครั้ง")])
    try:
        # The register (or the organisation's e-GP name) may have changed since the preview: plan again, then write.
        plan = egp.parse_egp(data, kept["filename"], actor=request.user)
        if not plan.is_valid:
            _discard_upload(request)
            return _preview(request, plan, None)
        result = egp.commit_egp(plan, actor=request.user)
    except egp.ImportRefused as error:
        _discard_upload(request)
        return _upload_page(request, refused=error.messages)
    _discard_upload(request)
    messages.success(request, _("นำเข้าข้อมูล e-GP แล้ว: สร้างใหม่ %(created)s รายการ แก้ไข %(updated)s รายการ "
                                "ไม่เปลี่ยนแปลง %(unchanged)s รายการ มีข้อสังเกต %(flagged)s รายการ") % {
        "created": f"{len(result.created):,}", "updated": f"{len(result.updated):,}",
        "unchanged": f"{plan.unchanged:,}", "flagged": f"{len(plan.flagged):,}"})
    return redirect("procurement:register")
