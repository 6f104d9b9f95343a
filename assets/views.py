import datetime as dt
import mimetypes

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from activity.selectors import entries_for_asset
from common.pagination import paginate
from organization import roles

from . import services
from .depreciation import annual_rate, schedule, standing
from .filters import AssetFilter
from .forms import AssetForm
from .models import Asset
from .selectors import assets_visible_to, order_searched, search_is_costly
from .tables import AssetTable

PAGE_SIZES = (25, 50, 100)


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


def asset_list(request):
    roles.require(request.user, "asset.view")
    asset_filter = AssetFilter(request.GET or None, queryset=assets_visible_to(request.user))
    table = AssetTable(asset_filter.qs)
    RequestConfig(request, paginate=False).configure(table)  # the table sorts; pagination is ours
    queryset = table.data.data
    if asset_filter.form.is_valid() and asset_filter.form.cleaned_data.get("q"):
        queryset = order_searched(queryset)
    page, rows = paginate(queryset, request.GET.get("page"), _page_size(request),
                          single_pass=search_is_costly(asset_filter))
    today = dt.date.today()
    for asset in rows:
        asset.net_value = standing(asset.unit_price, asset.useful_life_years, asset.acquired_on, today).net
    return render(request, "assets/asset_list.html", {
        "filter": asset_filter,
        "table": table,
        "rows": rows,
        "page": page,
        "page_sizes": PAGE_SIZES,
        "can_register": roles.can(request.user, "asset.register"),
    })


def asset_detail(request, pk):
    asset = get_object_or_404(assets_visible_to(request.user).select_related("acquisition_method", "budget_type"), pk=pk)
    today = dt.date.today()
    return render(request, "assets/asset_detail.html", {
        "asset": asset,
        "standing": standing(asset.unit_price, asset.useful_life_years, asset.acquired_on, today),
        "schedule": schedule(asset.unit_price, asset.useful_life_years, asset.acquired_on),
        "rate": annual_rate(asset.useful_life_years),
        "history": _readable_history(entries_for_asset(asset.pk)[:100]),
        "can_edit": roles.can(request.user, "asset.edit"),
        "today": today,
    })


def _field_label(name: str) -> str:
    try:
        return str(Asset._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _readable_history(entries) -> list:
    """Log entries with their changed fields named by the register's labels instead of column names."""
    entries = list(entries)
    for entry in entries:
        changes = entry.details.get("changes") if isinstance(entry.details, dict) else None
        entry.readable_changes = [(_field_label(name), pair[0], pair[1]) for name, pair in (changes or {}).items()]
    return entries


def _service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


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
