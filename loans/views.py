import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from assets.selectors import assets_visible_to
from common.pagination import PAGE_SIZES, page_size, paginate
from organization import roles
from organization.models import User
from thai.dates import ThaiDateError, parse_date

from . import calendar, exports, selectors, services
from .filters import LoanFilter
from .forms import LoanRequestForm, RejectForm
from .models import Acknowledgement, Loan, LoanExtension, LoanFollowUp, LoanItem, Notification


def _errors(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def my_loans(request):
    page, rows = paginate(selectors.my_loans(request.user).order_by("-id"), request.GET.get("page"), 25)
    return render(request, "loans/my_loans.html", {"page": page, "rows": rows,
                                                   "acknowledged": services.has_acknowledged(request.user)})


def inbox(request):
    page, rows = paginate(selectors.waiting_for(request.user), request.GET.get("page"), 25)
    extensions = list(services.extensions_waiting_for(request.user).select_related("loan", "requested_by")[:50])
    return render(request, "loans/inbox.html", {"rows": rows, "page": page, "extensions": extensions})


DESK_ROWS = 20


def officer_desk(request):
    """Each list shows its first DESK_ROWS rows (oldest first) and how many there are in all."""
    roles.require(request.user, "loan.hand_out")
    lists = {}
    queues = dict(selectors.desk(), followup_late=services.followup_late_loans().prefetch_related("items__asset"))
    for key, queryset in queues.items():
        page, rows = paginate(queryset, 1, DESK_ROWS)
        lists[key] = rows
        lists[f"{key}_count"] = page.paginator.count
    return render(request, "loans/desk.html", lists)





def _register_filter(request) -> LoanFilter:
    return LoanFilter(request.GET or None, queryset=selectors.loans_visible_to(request.user))


def loan_register(request):
    """Every loan the user may see (all of them for auditors, administrators, approvers and property
    officers), filtered, newest first, paginated in the database."""
    loan_filter = _register_filter(request)
    page, rows = paginate(loan_filter.qs, request.GET.get("page"), page_size(request))
    today = timezone.localdate()
    for loan in rows:
        loan.overdue = services.is_overdue(loan, today=today)
    query = request.GET.copy()
    for name in ("page", "per_page"):
        query.pop(name, None)
    return render(request, "loans/register.html", {
        "filter": loan_filter, "page": page, "rows": rows, "page_sizes": PAGE_SIZES,
        "export_query": query.urlencode(), "export_limit": exports.EXPORT_LIMIT,
        "export_limit_shown": f"{exports.EXPORT_LIMIT:,}",
    })


def loan_register_export(request):
    """The register of the page's current filter as XLSX (at most exports.EXPORT_LIMIT loans), logged.
    A filter that does not read (a bad date, an unknown division) is sent back to the page, which says why:
    a file must never hold more than was asked for."""
    loan_filter = _register_filter(request)
    if loan_filter.is_bound and not loan_filter.form.is_valid():
        messages.error(request, _("ส่งออกไม่ได้: ตัวกรองไม่ถูกต้อง กรุณาแก้ไขแล้วลองอีกครั้ง"))
        return redirect(reverse("loans:register") + (f"?{request.GET.urlencode()}" if request.GET else ""))
    export = exports.loans_export(actor=request.user, queryset=loan_filter.qs, filters=loan_filter.description())
    today = timezone.localdate()
    filename = _("ทะเบียนการยืม") + f"-{today.year + 543}-{today.month:02d}-{today.day:02d}.{export.extension}"
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def loan_request(request):
    roles.require(request.user, "loan.request")
    initial = {}
    if request.GET.get("asset"):
        initial["assets"] = request.GET["asset"]
    form = LoanRequestForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            loan = services.loan_request(
                actor=request.user, assets=data["assets"], purpose=data["purpose"], place=data["place"],
                starts_on=data["starts_on"], ends_on=data["ends_on"], phone=data["phone"], where=data["where"],
                borrower=data.get("borrower"), agency_name=data["agency_name"], agency_contact=data["agency_contact"])
        except PermissionDenied as error:  # kept on the form with what was typed, not a bare 403 page
            form.add_error("borrower" if "borrower" in form.fields else None, str(error))
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("ส่งคำขอยืมแล้ว (ใบยืมที่ %(id)s)") % {"id": loan.pk})
            return redirect("loans:detail", pk=loan.pk)
    return render(request, "loans/request.html", {"form": form,
                                                  "acknowledged": services.has_acknowledged(request.user)})


def loan_detail(request, pk):
    loan = get_object_or_404(selectors.loans_visible_to(request.user), pk=pk)
    user = request.user
    if request.method == "POST":
        return _act(request, loan)
    items = list(loan.items.all())
    return render(request, "loans/detail.html", {
        "loan": loan, "items": items, "reject_form": RejectForm(),
        "conditions": LoanItem.Condition.choices,
        "can_endorse": loan.status == Loan.Status.REQUESTED and loan.needs_endorsement
        and services.may_endorse(user, loan),
        "can_decide": loan.status in (Loan.Status.REQUESTED, Loan.Status.ENDORSED) and services.may_approve(user, loan),
        "can_cancel": loan.status in services.TRANSITIONS and Loan.Status.CANCELLED in services.TRANSITIONS[loan.status]
        and user.pk in {loan.borrower_id, loan.requested_by_id},
        "can_hand_out": loan.status == Loan.Status.APPROVED and roles.can(user, "loan.hand_out"),
        "can_receive": loan.status == Loan.Status.OUT and roles.can(user, "loan.hand_out"),
        "can_extend": services.may_request_extension(user, loan),
        "extensions": list(loan.extensions.select_related("requested_by", "decided_by").order_by("-id")),
        "may_decide_extension": services.may_approve(user, loan),
        "waiting_on": services.waiting_on(loan) if loan.status in (Loan.Status.REQUESTED, Loan.Status.ENDORSED) else None,
        "overdue": services.is_overdue(loan),
        "followup_deadline": services.followup_deadline(loan) if services.is_overdue(loan) else None,
        "can_follow_up": services.is_overdue(loan) and services.may_follow_up(user, loan),
        "followups": list(loan.followups.select_related("recorded_by").order_by("-id")),
        "hows": LoanFollowUp.How.choices,
    })


def _has_nul(data) -> bool:
    """A NUL character in what was posted: what every form refuses, and PostgreSQL cannot store."""
    return any("\x00" in value for _name, values in data.lists() for value in values)


def _act(request, loan: Loan):
    action, user, post = request.POST.get("action"), request.user, request.POST
    if _has_nul(post):
        messages.error(request, _("ข้อมูลที่ส่งมาอ่านไม่ได้"))
        return redirect("loans:detail", pk=loan.pk)
    moves = {
        "endorse": lambda: services.loan_endorse(actor=user, loan=loan),
        "approve": lambda: services.loan_approve(actor=user, loan=loan),
        "reject": lambda: services.loan_reject(actor=user, loan=loan, reason=post.get("reason", "")),
        "cancel": lambda: services.loan_cancel(actor=user, loan=loan),
        "hand_out": lambda: services.loan_hand_out(actor=user, loan=loan, conditions={
            item.asset_id: post.get(f"condition_out_{item.asset_id}", "") for item in loan.items.all()}),
        "receive": lambda: services.loan_receive(actor=user, loan=loan, returns={
            item.asset_id: (post.get(f"condition_{item.asset_id}", ""), post.get(f"note_{item.asset_id}", ""))
            for item in loan.items.all() if post.get(f"return_{item.asset_id}")}),
        "extend": lambda: services.extension_request(actor=user, loan=loan, new_ends_on=_date(post.get("new_ends_on")),
                                                     reason=post.get("reason", "")),
        "extension_approve": lambda: services.extension_approve(actor=user, extension=_extension(loan, post)),
        "extension_reject": lambda: services.extension_reject(actor=user, extension=_extension(loan, post),
                                                              reason=post.get("reason", "")),
        "followup": lambda: services.followup_record(actor=user, loan=loan, how=post.get("how", ""),
                                                     note=post.get("note", "")),
    }
    if action not in moves:
        messages.error(request, _("ไม่รู้จักคำสั่งนี้"))
    else:
        try:
            moves[action]()
        except ValidationError as error:
            _errors(request, error)
        except PermissionDenied as error:
            messages.error(request, str(error) or _("คุณไม่มีสิทธิ์ทำรายการนี้"))
        else:
            messages.success(request, _("บันทึกแล้ว"))
    return redirect("loans:detail", pk=loan.pk)


def _date(raw):
    try:
        return parse_date(raw or "")
    except ThaiDateError as error:
        raise ValidationError(str(error)) from None


def _extension(loan: Loan, post) -> LoanExtension:
    try:
        return loan.extensions.get(pk=int(post.get("extension", "")))
    except (ValueError, LoanExtension.DoesNotExist):
        raise ValidationError(_("ไม่พบคำขอขยายเวลานี้")) from None


def notifications(request):
    if request.method == "POST":
        services.notifications_mark_read(actor=request.user)
        return redirect("loans:notifications")
    rows = Notification.objects.filter(user=request.user).order_by("-id")[:100]
    return render(request, "loans/notifications.html", {"rows": rows})


def manual(request):
    version = services.current_manual()
    user = request.user
    if request.method == "POST":
        try:
            if _has_nul(request.POST):
                raise ValidationError(_("ข้อมูลที่ส่งมาอ่านไม่ได้"))
            if request.POST.get("action") == "publish":
                services.manual_publish(actor=user, title=request.POST.get("title", ""), body=request.POST.get("body", ""))
                messages.success(request, _("ประกาศคู่มือฉบับใหม่แล้ว"))
            elif version is not None:
                services.manual_acknowledge(actor=user, version=version)
                messages.success(request, _("บันทึกการรับทราบแล้ว"))
        except ValidationError as error:
            _errors(request, error)
        return redirect("loans:manual")
    context = {"version": version, "acknowledged": services.has_acknowledged(user),
               "can_publish": roles.can(user, "manual.publish")}
    if version is not None and roles.can(user, "staff.manage"):
        acknowledged = dict(Acknowledgement.objects.filter(version=version).values_list("user_id", "acknowledged_at"))
        staff = list(User.objects.filter(is_active=True).select_related("division").order_by("division__order", "username"))
        context["staff_status"] = [(person, acknowledged.get(person.pk)) for person in staff]
        context["acknowledged_count"] = len(acknowledged)
    return render(request, "loans/manual.html", context)


def asset_loans(request, pk):
    """One asset's loans: the month's availability calendar (?month=YYYY-MM), the loan to hand out or receive,
    and its loans from 60 days ago on."""
    asset = get_object_or_404(assets_visible_to(request.user), pk=pk)
    today = timezone.localdate()
    visible = selectors.loans_visible_to(request.user)
    loans = list(visible.filter(
        items__asset=asset, ends_on__gte=today - dt.timedelta(days=60),
        status__in=[Loan.Status.REQUESTED, Loan.Status.ENDORSED, Loan.Status.APPROVED, Loan.Status.OUT],
    ).order_by("starts_on", "id"))
    current = next((loan for loan in loans if loan.status == Loan.Status.OUT), None) or next(
        (loan for loan in loans if loan.status == Loan.Status.APPROVED and loan.starts_on <= today), None)
    year, month = calendar.parse_month(request.GET.get("month"), today)
    first, last = calendar.grid_range(year, month)
    items = list(selectors.asset_bookings(asset.pk, first, last))
    # The calendar shows every loan's days (whether the asset is free), linking only loans the user may see.
    linked = set(visible.filter(pk__in={item.loan_id for item in items}).values_list("pk", flat=True))
    month_grid = calendar.month_grid(year, month, calendar.bookings(items, today), today=today)
    return render(request, "loans/asset_loans.html", {"asset": asset, "loans": loans, "current": current,
                                                      "today": today, "month": month_grid, "linked": linked})
