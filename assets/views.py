import datetime as dt
import mimetypes
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tables2 import RequestConfig

from activity.selectors import entries_for_asset
from common.pagination import PAGE_SIZES, page_size, paginate
from common.uploads import KeptUpload
from organization import roles
from organization.models import Division, Location, User
from thai.dates import format_date

from . import exports, imports, panels, services
from .depreciation import annual_rate, schedule, standing
from .filters import AssetFilter
from .forms import AssetForm
from .models import AcquisitionMethod, Asset, BudgetType, Category, Status
from .selectors import assets_visible_to, order_searched, search_is_costly
from .tables import AssetTable




def asset_list(request):
    roles.require(request.user, "asset.view")
    asset_filter = AssetFilter(request.GET or None, queryset=assets_visible_to(request.user))
    table = AssetTable(asset_filter.qs)
    RequestConfig(request, paginate=False).configure(table)  # the table sorts; pagination is ours
    queryset = table.data.data
    if asset_filter.form.is_valid() and asset_filter.form.cleaned_data.get("q"):
        queryset = order_searched(queryset)
    page, rows = paginate(queryset, request.GET.get("page"), page_size(request),
                          single_pass=search_is_costly(asset_filter))
    today = timezone.localdate()
    for asset in rows:
        asset.net_value = standing(asset.unit_price, asset.useful_life_years, asset.acquired_on, today).net
    return render(request, "assets/asset_list.html", {
        "filter": asset_filter,
        "table": table,
        "rows": rows,
        "page": page,
        "page_sizes": PAGE_SIZES,
        "can_register": roles.can(request.user, "asset.register"),
        "can_print_labels": roles.can(request.user, "labels.print"),
    })


def asset_detail(request, pk):
    asset = get_object_or_404(assets_visible_to(request.user).select_related("acquisition_method", "budget_type"), pk=pk)
    today = timezone.localdate()
    return render(request, "assets/asset_detail.html", {
        "asset": asset,
        "standing": standing(asset.unit_price, asset.useful_life_years, asset.acquired_on, today),
        "schedule": schedule(asset.unit_price, asset.useful_life_years, asset.acquired_on),
        "rate": annual_rate(asset.useful_life_years),
        "history": _readable_history(entries_for_asset(asset.pk)[:100]),
        "panels": panels.panels_for(asset, request.user),
        "can_edit": roles.can(request.user, "asset.edit"),
        "can_request_loan": roles.can(request.user, "loan.request") and asset.is_lendable
        and asset.status in (Status.IN_USE, Status.ON_LOAN),
        "today": today,
    })


def _field_label(name: str) -> str:
    try:
        return str(Asset._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _shown(name: str, value) -> str:
    """A value from the log as staff read it, by the field's kind: a status's label, ใช่/ไม่ใช่, money with
    separators, a Buddhist-era date, "—" when empty. Relations are logged by their names and shown as they are."""
    if value is None or value == "":
        return "—"
    try:
        field = Asset._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    try:
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.BooleanField):
            return _("ใช่") if value else _("ไม่ใช่")
        if isinstance(field, models.DecimalField):
            return f"{Decimal(str(value)):,.2f}"
        if isinstance(field, models.DateField) and isinstance(value, str):
            return format_date(dt.date.fromisoformat(value))
    except (ArithmeticError, ValueError):
        pass  # an odd stored value is shown as it was logged
    return str(value)


def _readable_history(entries) -> list:
    """Log entries with their changed fields named by the register's labels and their values made readable
    (the stored entries stay as they are: they are hash-chained), and the note typed with the move, if any."""
    entries = list(entries)
    for entry in entries:
        details = entry.details if isinstance(entry.details, dict) else {}
        changes = details.get("changes")
        entry.readable_changes = [(_field_label(name), _shown(name, pair[0]), _shown(name, pair[1]))
                                  for name, pair in (changes if isinstance(changes, dict) else {}).items()]
        note = details.get("note")
        entry.readable_note = note.strip() if isinstance(note, str) else ""
    return entries


def _service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _warn_if_no_value(request, asset) -> None:
    """A durable good registered at 0.00 baht is kept (a typing slip is fixed by editing) but flagged: a donated
    one is registered at its assessed value, and its depreciation and the register's totals depend on it."""
    if asset.unit_price is not None and asset.unit_price <= 0:
        messages.warning(request, _("ครุภัณฑ์ %(number)s มีราคาต่อหน่วย 0.00 บาท: ตรวจสอบราคา (ครุภัณฑ์ที่ได้รับบริจาค"
                                    "ลงทะเบียนตามมูลค่าที่ประเมิน)") % {"number": asset.number})


def asset_create(request):
    roles.require(request.user, "asset.register")
    form = AssetForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            asset = services.asset_register(actor=request.user, **fields)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("ลงทะเบียนครุภัณฑ์ %(number)s แล้ว") % {"number": asset.number})
            _warn_if_no_value(request, asset)
            return redirect(asset)
    return render(request, "assets/asset_form.html", {"form": form, "asset": None})


def asset_edit(request, pk):
    roles.require(request.user, "asset.edit")
    asset = get_object_or_404(assets_visible_to(request.user), pk=pk)
    initial = {name: getattr(asset, name) for name in services.EDITABLE_FIELDS}
    initial.update(number=asset.number, status=asset.status)
    form = AssetForm(request.POST or None, request.FILES or None, initial=initial, editing=True,
                     current_status=asset.status)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        fields["remove_photo"] = request.POST.get("remove_photo") == "1"
        try:
            asset = services.asset_update(actor=request.user, asset=asset, **fields)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("บันทึกการแก้ไข %(number)s แล้ว") % {"number": asset.number})
            _warn_if_no_value(request, asset)
            return redirect(asset)
    return render(request, "assets/asset_form.html", {"form": form, "asset": asset})


def asset_photo(request, pk):
    """The asset's photo, only for those who may see the asset (uploads are never public media)."""
    asset = get_object_or_404(assets_visible_to(request.user), pk=pk)
    if not asset.photo:
        raise Http404(_("ครุภัณฑ์นี้ไม่มีรูปภาพ"))
    try:
        with asset.photo.open("rb") as handle:
            content = handle.read()  # photos are re-encoded to at most 2400 px on upload: small enough to send whole
    except (FileNotFoundError, OSError):
        raise Http404(_("ไม่พบไฟล์รูปภาพ")) from None
    content_type = mimetypes.guess_type(asset.photo.name)[0] or "application/octet-stream"
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- export and import of the register ---------------------------------------------------------


def asset_export(request, fmt: str):
    """The register rows of the list's current filter as XLSX or CSV; anyone who may view the register may export."""
    roles.require(request.user, "asset.view")
    asset_filter = AssetFilter(request.GET or None, queryset=assets_visible_to(request.user))
    filters = {name: request.GET[name] for name in asset_filter.filters if request.GET.get(name)}
    export = exports.assets_export(actor=request.user, queryset=asset_filter.qs, fmt=fmt, filters=filters)
    today = timezone.localdate()
    filename = _("ทะเบียนครุภัณฑ์") + f"-{today.year + 543}-{today.month:02d}-{today.day:02d}.{export.extension}"
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


KEPT_IMPORT = KeptUpload(session_key="asset_import", folder="imports")


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("ไฟล์ทะเบียน (.xlsx หรือ .csv)"),
                           error_messages={"required": gettext_lazy("กรุณาเลือกไฟล์"),
                                           "empty": gettext_lazy("ไฟล์ว่างเปล่า ไม่มีข้อมูล")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"


def _import_page(request, *, form=None, refused=(), status=200):
    headers = exports.register_headers()
    columns = [(header, name, name in imports.REQUIRED_FIELDS) for header, name in zip(headers, exports.REGISTER_FIELDS)]
    max_rows, max_bytes = imports.import_limits()
    return render(request, "assets/asset_import.html", {
        "form": form or ImportUploadForm(), "refused": refused, "columns": columns,
        "max_rows": max_rows, "max_mb": max_bytes // (1024 * 1024),
    }, status=status)


PREVIEW_ROWS = 500  # rows of each list shown on the preview page (the counts are always whole)


def _value_options(field: str) -> list[tuple[str, str]]:
    """What a value of a reference column may be mapped to on the mapping page."""
    if field == "category":
        return [(str(obj.pk), str(obj)) for obj in Category.objects.filter(is_active=True)]
    if field == "division":
        return [(str(obj.pk), obj.name) for obj in Division.objects.filter(is_active=True)]
    if field == "location":
        return [(str(obj.pk), f"{obj.division.name} · {obj.name}")
                for obj in Location.objects.filter(is_active=True).select_related("division")]
    if field == "budget_type":
        return [(str(obj.pk), obj.name) for obj in BudgetType.objects.filter(is_active=True)]
    if field == "acquisition_method":
        return [(str(obj.pk), obj.name) for obj in AcquisitionMethod.objects.filter(is_active=True)]
    if field == "status":
        return [(value, str(label)) for value, label in Status.choices if value in services.MANUAL_STATUSES]
    if field == "custodian":
        return [(str(user.pk), f"{user.get_full_name() or user.username} ({user.username})")
                for user in User.objects.filter(is_active=True).order_by("first_name", "last_name")]
    return []


def _preview(request, plan, token):
    fields = [("", _("ไม่นำเข้า"))] + [(name, imports.field_label(name)) for name in imports.IMPORTABLE_FIELDS]
    present = {column.field for column in plan.columns if column.field}
    defaults = [(name, imports.field_label(name), _value_options(name), (plan.choices.defaults or {}).get(name, ""))
                for name in imports.DEFAULTABLE_FIELDS if name not in present] if plan.choices is not None else []
    unknown = [(index, value, _value_options(value.field)) for index, value in enumerate(plan.unknown_values)]
    skipped = {}
    for row in plan.skipped:
        skipped.setdefault(row.kind, []).append(row)
    return render(request, "assets/asset_import_preview.html", {
        "plan": plan, "token": token, "fields": fields, "defaults": defaults, "unknown": unknown,
        "columns": [(column, plan.samples.get(column.index, [])) for column in plan.columns],
        "skipped": skipped, "good_rows": plan.has_work,
        "good_count": len(plan.to_create) + len(plan.to_change),
        "to_create": plan.to_create[:PREVIEW_ROWS], "to_change": plan.to_change[:PREVIEW_ROWS],
        "errors": plan.errors[:PREVIEW_ROWS], "flagged": plan.flagged[:PREVIEW_ROWS],
        "more_create": max(0, len(plan.to_create) - PREVIEW_ROWS),
    })


def _choices_from(request, plan) -> "imports.Choices":
    """The mapping page's choices on top of the ones the plan was made with."""
    base = plan.choices or imports.Choices()
    columns = dict(base.columns)
    allowed = set(imports.IMPORTABLE_FIELDS) | {""}
    for column in plan.columns:
        chosen = request.POST.get(f"column-{column.index}")
        if chosen is not None and chosen in allowed:
            columns[column.key] = chosen
    values = {name: dict(found) for name, found in base.values.items()}
    for index, value in enumerate(plan.unknown_values):
        chosen = request.POST.get(f"value-{index}", "")
        if chosen:
            values.setdefault(value.field, {})[value.key] = chosen if chosen == imports.LEAVE_OUT else chosen[:20]
    defaults = dict(base.defaults)
    for name in imports.DEFAULTABLE_FIELDS:
        chosen = request.POST.get(f"default-{name}")
        if chosen is not None:
            if chosen:
                defaults[name] = chosen[:20]
            else:
                defaults.pop(name, None)
    return imports.Choices(columns, values, defaults)


def asset_import(request):
    """Upload → the mapping and preview page (columns, values that name nothing, every row to create or change,
    every bad row with all its reasons) → confirm all, or only the good rows (the rest as a file) → commit."""
    roles.require(request.user, "asset.register")
    if request.method != "POST":
        if request.GET.get("rejects"):
            return _import_rejects(request)
        return _import_page(request)
    if "confirm" in request.POST:
        return _import_confirm(request)
    if "remap" in request.POST:
        return _import_remap(request)
    if "cancel" in request.POST:
        KEPT_IMPORT.discard(request)
        return redirect("assets:import")
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form=form)
    KEPT_IMPORT.discard(request)
    upload = form.cleaned_data["file"]
    try:
        imports.check_size(upload.size)
        data = upload.read()
        plan = imports.parse_import(data, upload.name, actor=request.user)
    except imports.ImportRefused as error:
        return _import_page(request, form=form, refused=error.messages)
    token = KEPT_IMPORT.keep(request, data, upload.name)
    return _preview(request, plan, token)


def _kept_or_page(request, token):
    kept = KEPT_IMPORT.read(request, token)
    if kept is None:
        return None, _import_page(request, refused=[_("ไม่พบไฟล์ที่ตรวจสอบไว้ (หมดอายุ หรือมีการอัปโหลดไฟล์อื่นแทน) "
                                                         "กรุณาอัปโหลดไฟล์อีกครั้ง")])
    return kept, None


def _import_remap(request):
    """The person changed the columns' or the values' matches: keep them for files with these headers, plan again."""
    token = request.POST.get("token")
    kept, page = _kept_or_page(request, token)
    if page is not None:
        return page
    data, filename = kept
    try:
        plan = imports.parse_import(data, filename, actor=request.user)  # what the page offered (its value indexes)
        choices = _choices_from(request, plan)
        imports.mapping_save(actor=request.user, headers=plan.headers, choices=choices)
        plan = imports.parse_import(data, filename, actor=request.user, choices=choices)
    except imports.ImportRefused as error:
        return _import_page(request, refused=error.messages)
    messages.success(request, _("บันทึกการจับคู่แล้ว: ไฟล์ที่มีหัวคอลัมน์แบบนี้จะใช้การจับคู่นี้ในครั้งต่อไป"))
    return _preview(request, plan, token)


def _import_confirm(request):
    token = request.POST.get("token")
    kept, page = _kept_or_page(request, token)
    if page is not None:
        return page
    data, filename = kept
    good_rows_only = request.POST.get("confirm") == "good"
    try:
        # The register may have changed since the preview: read and check the file again, then write it.
        plan = imports.parse_import(data, filename, actor=request.user)
        if plan.errors and not good_rows_only:
            return _preview(request, plan, token)
        result = imports.commit_import(plan, actor=request.user, good_rows_only=good_rows_only)
    except imports.ImportRefused as error:
        KEPT_IMPORT.discard(request)
        return _import_page(request, refused=error.messages)
    rejected = len(plan.errors) + len(plan.left_out)
    if not rejected:
        KEPT_IMPORT.discard(request)
    messages.success(request, _("นำเข้าแล้ว: ลงทะเบียนใหม่ %(created)s รายการ แก้ไข %(changed)s รายการ "
                                "ไม่เปลี่ยนแปลง %(unchanged)s รายการ") % {
        "created": f"{len(result.created):,}", "changed": f"{len(result.changed):,}",
        "unchanged": f"{plan.unchanged:,}"})
    if plan.flagged:
        messages.warning(request, _("มี %(n)s รายการที่ระบบประมาณค่าให้ (เช่น วันที่จากปี ราคา 0.00 บาท): "
                                    "ดูได้จากตัวกรอง “ต้องตรวจสอบ” ในทะเบียน") % {"n": f"{len(plan.flagged):,}"})
    if rejected:
        return render(request, "assets/asset_import_done.html", {
            "plan": plan, "result": result, "token": token, "rejected": rejected})
    return redirect("assets:list")


def _import_rejects(request):
    """The rows of the kept file that were not imported, with their reasons, as XLSX."""
    kept, page = _kept_or_page(request, request.GET.get("rejects"))
    if page is not None:
        return page
    data, filename = kept
    try:
        plan = imports.parse_import(data, filename, actor=request.user)
    except imports.ImportRefused as error:
        return _import_page(request, refused=error.messages)
    response = HttpResponse(imports.rejects_xlsx(plan),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stem = filename.rsplit(".", 1)[0]
    response["Content-Disposition"] = content_disposition_header(True, _("%(name)s-แถวที่ไม่ได้นำเข้า.xlsx") % {
        "name": stem})
    return response
