from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assets.selectors import assets_visible_to
from common.pagination import PAGE_SIZES, page_size, paginate
from organization import roles

from . import selectors, services
from .filters import ProcurementFilter
from .forms import (AcceptForm, AnnounceForm, AwardForm, BidForm, CancelForm, ContractForm, DeliveryForm, PlanForm,
                    ResultForm,
                    ItemFormSet, ProcurementForm)
from .models import Procurement

S = Procurement.Status



def register(request):
    """The procurement register (ทะเบียนการจัดซื้อจัดจ้าง): filtered, newest fiscal year first, paginated in the
    database with a fixed number of queries."""
    roles.require(request.user, "procurement.view")
    procurement_filter = ProcurementFilter(request.GET or None, queryset=selectors.register_queryset())
    page, rows = paginate(procurement_filter.qs.order_by("-fiscal_year", "-id"), request.GET.get("page"),
                          page_size(request))
    return render(request, "procurement/register.html", {
        "filter": procurement_filter, "page": page, "rows": rows, "page_sizes": PAGE_SIZES,
        "can_manage": roles.can(request.user, "procurement.manage")})


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _items(formset) -> list[dict]:
    return [form.cleaned_data for form in formset.forms if form.cleaned_data.get("description")]


def _save(request, procurement=None):
    roles.require(request.user, "procurement.manage")
    initial = {}
    item_initial = []
    if procurement is not None:
        initial = {name: getattr(procurement, name) for name in services.FIELDS}
        item_initial = [{"description": item.description, "kind": item.kind, "category": item.category,
                         "quantity": item.quantity, "unit": item.unit, "unit_price": item.unit_price}
                        for item in procurement.items.all()]
    form = ProcurementForm(request.POST or None, initial=initial)
    formset = ItemFormSet(request.POST or None, initial=item_initial or None, prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            if procurement is None:
                procurement = services.procurement_create(actor=request.user, items=_items(formset),
                                                          **form.cleaned_data)
                messages.success(request, _("บันทึกรายการจัดซื้อจัดจ้างแล้ว"))
            else:
                services.procurement_update(actor=request.user, procurement=procurement, items=_items(formset),
                                            **form.cleaned_data)
                messages.success(request, _("บันทึกการแก้ไขแล้ว"))
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            return redirect("procurement:detail", pk=procurement.pk)
    return render(request, "procurement/form.html", {"form": form, "formset": formset, "procurement": procurement,
                                                     "limit": services.specific_limit()})


def procurement_new(request):
    return _save(request)


def procurement_edit(request, pk: int):
    procurement = get_object_or_404(Procurement, pk=pk)
    if procurement.status not in services.EDITABLE_STATUSES:
        messages.error(request, _("แก้ไขได้เฉพาะรายการที่อยู่ในแผนหรือประกาศแล้วเท่านั้น"))
        return redirect("procurement:detail", pk=pk)
    return _save(request, procurement)


STEPS = {
    # step: (form class, statuses it is offered in)
    "announce": (AnnounceForm, (S.PLANNED,)),
    "bid": (BidForm, (S.PLANNED, S.ANNOUNCED, S.BIDS_RECEIVED)),
    "award": (AwardForm, (S.BIDS_RECEIVED,)),
    "contract": (ContractForm, (S.AWARDED,)),
    "delivery": (DeliveryForm, (S.CONTRACTED,)),
    "accept": (AcceptForm, (S.DELIVERED,)),
    "close": (None, (S.ACCEPTED,)),
    "cancel": (CancelForm, (S.PLANNED, S.ANNOUNCED, S.BIDS_RECEIVED, S.AWARDED)),
    "result": (ResultForm, services.RESULT_STATUSES),  # only while no winner is recorded
    "plan": (PlanForm, tuple(status for status in S if status != S.CANCELLED)),
}
WITH_PROCUREMENT = (AwardForm, ResultForm, PlanForm)


def _form(step: str, procurement, data=None):
    form_class = STEPS[step][0]
    if form_class is None:
        return None
    kwargs = {"procurement": procurement} if form_class in WITH_PROCUREMENT else {}
    return form_class(data, prefix=step, **kwargs)


def detail(request, pk: int):
    roles.require(request.user, "procurement.view")
    procurement = get_object_or_404(Procurement.objects.select_related("division", "budget_type", "winner",
                                                                       "created_by"), pk=pk)
    manage = roles.can(request.user, "procurement.manage")
    steps = {}
    if manage:
        for step, (_form_class, statuses) in STEPS.items():
            offered = procurement.status in statuses or (
                step == "contract" and procurement.status == S.CONTRACTED and procurement.delivery_due is None)
            if step == "bid" and procurement.status == S.PLANNED and procurement.method != "specific":
                offered = False
            if step == "accept" and not roles.can(request.user, "asset.register"):
                offered = False
            if step == "result" and procurement.winner_id is not None:
                offered = False
            if offered:
                steps[step] = _form(step, procurement)
    links = list(procurement.linked_assets.select_related("asset"))
    visible = set(assets_visible_to(request.user).filter(pk__in=[link.asset_id for link in links])
                  .values_list("pk", flat=True))
    return render(request, "procurement/detail.html", {
        "procurement": procurement, "items": procurement.items.select_related("category"),
        "bids": procurement.bids.all(), "deliveries": procurement.deliveries.select_related("recorded_by"),
        "delivered": services.delivered_total(procurement),
        "penalty": services.penalty(procurement, as_of=timezone.localdate()),
        "warnings": services.price_warnings(procurement), "links": links, "visible_assets": visible,
        "publications": procurement.publications.all(), "steps": steps, "can_manage": manage,
        "editable": manage and procurement.status in services.EDITABLE_STATUSES,
        "over_limit": procurement.method == "specific" and procurement.amount > services.specific_limit(),
    })


@require_POST
def step(request, pk: int, step: str):
    procurement = get_object_or_404(Procurement, pk=pk)
    if step not in STEPS:
        raise Http404
    roles.require(request.user, "procurement.manage")
    form = _form(step, procurement, request.POST)
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect("procurement:detail", pk=pk)
    data = form.cleaned_data if form is not None else {}
    actor = request.user
    try:
        if step == "announce":
            services.procurement_announce(actor=actor, procurement=procurement, **data)
            messages.success(request, _("บันทึกการประกาศแล้ว"))
        elif step == "bid":
            services.bid_add(actor=actor, procurement=procurement, **data)
            messages.success(request, _("บันทึกผู้เสนอราคาแล้ว"))
        elif step == "award":
            _procurement, warnings = services.procurement_award(actor=actor, procurement=procurement, **data)
            messages.success(request, _("บันทึกผู้ได้รับการคัดเลือกแล้ว"))
            for warning in warnings:
                messages.warning(request, warning)
        elif step == "contract":
            services.procurement_contract(actor=actor, procurement=procurement, **data)
            messages.success(request, _("บันทึกสัญญาแล้ว"))
        elif step == "delivery":
            services.delivery_record(actor=actor, procurement=procurement, **data)
            messages.success(request, _("บันทึกการส่งมอบแล้ว"))
        elif step == "accept":
            assets = services.procurement_accept(actor=actor, procurement=procurement, **data)
            messages.success(request, _("ตรวจรับแล้ว: ลงทะเบียนครุภัณฑ์ %(n)s รายการ") % {"n": len(assets)})
        elif step == "close":
            services.procurement_close(actor=actor, procurement=procurement)
            messages.success(request, _("ปิดงานแล้ว"))
        elif step == "cancel":
            services.procurement_cancel(actor=actor, procurement=procurement, **data)
            messages.success(request, _("ยกเลิกแล้ว"))
        elif step == "result":
            services.procurement_result_record(actor=actor, procurement=procurement, **data)
            messages.success(request, _("บันทึกผู้ได้รับการคัดเลือกแล้ว: สขร.1 และหน้าเผยแพร่แสดงผลนี้"))
        elif step == "plan":
            services.procurement_plan_mark(actor=actor, procurement=procurement, in_plan=data["in_plan"])
            messages.success(request, _("นับรายการนี้ในแผนการจัดซื้อจัดจ้างประจำปีแล้ว") if data["in_plan"]
                             else _("ไม่นับรายการนี้ในแผนการจัดซื้อจัดจ้างประจำปีแล้ว"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("procurement:detail", pk=pk)


def asset_procurements(request, pk: int):
    roles.require(request.user, "procurement.view")
    asset = get_object_or_404(assets_visible_to(request.user), pk=pk)
    page, links = paginate(selectors.asset_procurements(asset.pk), request.GET.get("page"), 50)
    return render(request, "procurement/asset.html", {"asset": asset, "links": links, "page": page,
                                                      "repair_cost": selectors.repair_cost(asset.pk)})
