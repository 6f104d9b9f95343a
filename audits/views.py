import base64
import binascii
import datetime as dt
import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.ids import database_id
from common.pagination import paginate
from organization import roles, workdays
from organization.models import Location

from . import exports, selectors, services
from .forms import (AcceptForm, ApproveForm, CompleteForm, DisposalForm, FactFindingForm, FactsForm, ReasonForm,
                    RoundForm, SaoForm)
from .models import Condition, DisposalCase, Line, Round, Sheet

SHEET_PAGE = 100
def _errors(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _round_for(request, pk: int) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("division", "appointed_by"), pk=pk)
    if not selectors.may_view_round(request.user, round_):
        raise Http404
    return round_


def _sheet_for(request, pk: int) -> Sheet:
    sheet = get_object_or_404(Sheet.objects.select_related("round", "division"), pk=pk)
    if not selectors.may_view_round(request.user, sheet.round):
        raise Http404
    return sheet


def round_list(request):
    page, rows = paginate(selectors.rounds_visible_to(request.user), request.GET.get("page"), 25)
    today = timezone.localdate()
    for round_ in rows:
        round_.due = services.due_state(round_, today)
    return render(request, "audits/round_list.html", {
        "page": page, "rows": rows, "can_manage": roles.can(request.user, "inspection.manage")})


def round_new(request):
    roles.require(request.user, "inspection.manage")
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.round_appoint(
                actor=request.user, kind=data["kind"], fiscal_year=data["fiscal_year"], division=data["division"],
                starts_on=data["starts_on"], order_number=data["order_number"], order_date=data["order_date"],
                appointed_by=data["appointed_by"], inspectors=list(data["inspectors"]), chair=data["chair"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("บันทึกคำสั่งแต่งตั้งผู้ตรวจสอบแล้ว"))
            return redirect("audits:round", pk=round_.pk)
    return render(request, "audits/round_form.html", {"form": form})


def round_detail(request, pk: int):
    round_ = _round_for(request, pk)
    user = request.user
    inspector = services.is_inspector(user, round_)
    manager = roles.can(user, "inspection.manage")
    sheets = selectors.sheets_with_progress(round_)
    return render(request, "audits/round_detail.html", {
        "round": round_, "sheets": sheets, "due": services.due_state(round_),
        "appointed_in_time": services.appointed_in_time(round_),
        "years_without_holidays": [year + 543 for year in workdays.years_without_holidays(round_.starts_on, round_.due_on)],
        "inspectors": round_.inspector_links.select_related("user__division"),
        "is_inspector": inspector,
        "can_start": round_.status == Round.Status.PLANNED and (inspector or manager),
        "can_submit": round_.status == Round.Status.COUNTING and inspector
        and all(sheet.status == Sheet.Status.CLOSED for sheet in sheets),
        "can_accept": round_.status == Round.Status.SUBMITTED and roles.can(user, "inspection.accept"),
        "has_report": round_.status != Round.Status.PLANNED,
        "accept_form": AcceptForm(),
        "disposals": selectors.disposals_visible_to(user).filter(round=round_)
        if round_.status == Round.Status.ACCEPTED else [],
        "can_propose_disposal": round_.status == Round.Status.ACCEPTED and roles.can(user, "disposal.manage"),
    })


@require_POST
def round_action(request, pk: int, action: str):
    round_ = _round_for(request, pk)
    try:
        if action == "start":
            services.round_start(actor=request.user, round_=round_)
            messages.success(request, _("เริ่มตรวจนับแล้ว: แต่ละกองได้บัญชีครุภัณฑ์ที่ต้องตรวจ"))
        elif action == "submit":
            services.round_submit(actor=request.user, round_=round_)
            messages.success(request, _("รายงานผลการตรวจสอบต่อหัวหน้าหน่วยงานแล้ว"))
        elif action == "accept":
            form = AcceptForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            changed = services.round_accept(actor=request.user, round_=round_, note=note)
            messages.success(request, _("รับทราบผลการตรวจสอบแล้ว: ปรับสถานะครุภัณฑ์ %(n)s รายการ")
                             % {"n": sum(changed.values())})
        else:
            raise Http404
    except ValidationError as error:
        _errors(request, error)
    return redirect("audits:round", pk=round_.pk)


def round_progress(request, pk: int):
    """Found / expected per sheet, for the live progress on the round page."""
    round_ = _round_for(request, pk)
    return JsonResponse({"status": round_.status, "sheets": [
        {"id": sheet.pk, "division": sheet.division.name, "expected": sheet.expected_count, "found": sheet.found,
         "missing": sheet.missing, "pending": sheet.pending, "closed": sheet.status == Sheet.Status.CLOSED}
        for sheet in selectors.sheets_with_progress(round_)]})


def round_report_xlsx(request, pk: int):
    round_ = _round_for(request, pk)
    if round_.status == Round.Status.PLANNED:
        raise Http404
    content = exports.round_report_xlsx(actor=request.user, round_=round_)
    response = HttpResponse(content, content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, _("รายงานผลการตรวจสอบพัสดุ") + f"-{round_.fiscal_year}-{round_.pk}.xlsx")
    return response


def sheet_detail(request, pk: int):
    sheet = _sheet_for(request, pk)
    show = request.GET.get("show", "")
    page, lines = paginate(selectors.sheet_lines(sheet, show), request.GET.get("page"), SHEET_PAGE)
    loans = selectors.borrowers_for(lines)
    for line in lines:
        line.loan = loans.get(line.asset_id)
    round_ = sheet.round
    can_count = (services.is_inspector(request.user, round_) and round_.status == Round.Status.COUNTING
                 and not roles.has_role(request.user, *services.SUPPLY_STAFF))
    return render(request, "audits/sheet_detail.html", {
        "sheet": sheet, "round": round_, "page": page, "lines": lines, "show": show,
        "progress": services.sheet_progress(sheet), "filters": [
            ("", _("ทั้งหมด")), ("pending", _("ยังไม่ได้ตรวจ")), ("seen", _("พบ")), ("on_loan", _("ถูกยืม")),
            ("missing", _("ไม่พบ")), ("problem", _("ชำรุด/เสื่อมสภาพ/ไม่จำเป็น"))],
        "from_elsewhere": selectors.found_here_from_elsewhere(sheet)[:200],
        "findings": sheet.findings.select_related("asset__division", "seen_location")[:200],
        "can_count": can_count, "is_open": sheet.status == Sheet.Status.OPEN,
        "reopen_form": ReasonForm(),
    })


@require_POST
def sheet_action(request, pk: int, action: str):
    sheet = _sheet_for(request, pk)
    back = reverse("audits:sheet", args=[sheet.pk])
    if request.POST.get("back", "").startswith(back):
        back = request.POST["back"]
    try:
        if action == "missing":
            ids = None if request.POST.get("all") == "1" else [
                pk for pk in (database_id(value) for value in request.POST.getlist("line")) if pk is not None]
            if ids == []:
                raise ValidationError(_("กรุณาเลือกรายการที่ไม่พบ"))
            count = services.lines_declare_missing(actor=request.user, sheet=sheet, line_ids=ids,
                                                   note=request.POST.get("note", ""))
            messages.success(request, _("บันทึกว่าไม่พบ %(n)s รายการ") % {"n": count})
        elif action == "on_loan":
            chosen = request.POST.get("loan_line", "")
            line = get_object_or_404(Line, pk=database_id(chosen) or 0, sheet=sheet)
            services.line_confirm_on_loan(actor=request.user, line=line)
            messages.success(request, _("ยืนยันการยืม %(number)s แล้ว") % {"number": line.number})
        elif action == "close":
            services.sheet_close(actor=request.user, sheet=sheet)
            messages.success(request, _("ปิดบัญชีตรวจนับแล้ว"))
        elif action == "reopen":
            services.sheet_reopen(actor=request.user, sheet=sheet, reason=request.POST.get("reason", ""))
            messages.success(request, _("เปิดบัญชีตรวจนับอีกครั้งแล้ว"))
        else:
            raise Http404
    except ValidationError as error:
        _errors(request, error)
    return redirect(back)


def sheet_count(request, pk: int):
    """The counting page (phone first): scan with the camera, a label's URL or the text box; scans made
    without signal wait in the page's storage and are sent once when the connection returns."""
    sheet = _sheet_for(request, pk)
    if not services.is_inspector(request.user, sheet.round):
        raise PermissionDenied(_("เฉพาะผู้ตรวจสอบที่ได้รับแต่งตั้งในการตรวจสอบครั้งนี้เท่านั้นที่บันทึกได้"))
    locations = Location.objects.filter(is_active=True).select_related("division").order_by(
        "division__order", "division__code", "code")
    return render(request, "audits/count.html", {
        "sheet": sheet, "round": sheet.round, "progress": services.sheet_progress(sheet),
        "conditions": [(value, label) for value, label in Condition.choices if value != Condition.LOST],
        "locations": locations, "number": request.GET.get("number", ""),
        "is_open": sheet.status == Sheet.Status.OPEN and sheet.round.status == Round.Status.COUNTING,
    })


def _photo_from_data_url(text: str):
    if not text:
        return None
    header, _comma, data = text.partition(",")
    if not header.startswith("data:image/") or ";base64" not in header:
        raise ValidationError(_("รับเฉพาะรูปภาพ JPEG, PNG หรือ WebP"))
    if len(data) > settings.PHOTO_MAX_BYTES * 4 // 3 + 4:
        raise ValidationError(_("รูปภาพมีขนาดเกิน %(size)s MB กรุณาย่อรูปก่อนอัปโหลด")
                              % {"size": f"{settings.PHOTO_MAX_BYTES / (1024 * 1024):.0f}"})
    try:
        return ContentFile(base64.b64decode(data, validate=True), name="scan.jpg")
    except (binascii.Error, ValueError):
        raise ValidationError(_("ไฟล์นี้ไม่ใช่รูปภาพที่อ่านได้ (รับเฉพาะ JPEG, PNG หรือ WebP)")) from None


def _scanned_at(text) -> dt.datetime | None:
    """The device's time of the scan (kept when it waited offline), never in the future."""
    try:
        when = parse_datetime(str(text or ""))
    except ValueError:
        return None
    if when is None:
        return None
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    now = timezone.now()
    return min(when, now) if when > now - dt.timedelta(days=60) else None


@require_POST
def sheet_scan(request, pk: int):
    """One scan from the counting page (JSON in, JSON out). 400 with a Thai message for what cannot be
    recorded (the page shows it and does not send it again); 5xx or no answer and the page keeps it."""
    sheet = _sheet_for(request, pk)
    try:
        body = json.loads(request.body.decode("utf-8")) if request.content_type == "application/json" else request.POST
        if not isinstance(body, dict):
            raise ValueError
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": _("ข้อมูลที่ส่งมาอ่านไม่ได้")}, status=400)
    try:
        location = None
        if body.get("location") not in (None, ""):
            location = Location.objects.filter(pk=database_id(body["location"]) or 0).first()
            if location is None:
                raise ValidationError(_("สถานที่ไม่ถูกต้อง"))
        result = services.inspection_scan(
            actor=request.user, sheet=sheet, number=str(body.get("number") or ""),
            condition=str(body.get("condition") or Condition.USABLE), location=location,
            note=str(body.get("note") or ""), photo=_photo_from_data_url(str(body.get("photo") or "")),
            client_id=body.get("client_id") or None, scanned_at=_scanned_at(body.get("scanned_at")))
    except PermissionDenied as error:
        return JsonResponse({"error": str(error) or _("คุณไม่มีสิทธิ์ทำรายการนี้")}, status=403)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse(result)


# --- disposal ----------------------------------------------------------------------------------------------

def disposal_list(request):
    if not selectors.may_see_disposals(request.user):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์ทำรายการนี้"))
    cases = selectors.disposals_visible_to(request.user)
    page, rows = paginate(cases.order_by("-id"), request.GET.get("page"), 25)
    for case in rows:
        case.completion_due = services.completion_due(case)
        case.sao_due = services.sao_due(case)
    return render(request, "audits/disposal_list.html", {
        "page": page, "rows": rows, "can_propose": roles.can(request.user, "disposal.manage"),
        "today": timezone.localdate()})


def disposal_new(request):
    roles.require(request.user, "disposal.manage")
    round_ = None
    initial = {}
    if database_id(request.GET.get("round")):
        round_ = Round.objects.filter(pk=database_id(request.GET["round"]), status=Round.Status.ACCEPTED).first()
    if round_ is not None:
        numbers = (Line.objects.filter(round=round_, asset__status__in=list(services.DISPOSABLE))
                   .exclude(asset__disposal_items__case__status__in=services.OPEN_CASE)
                   .values_list("number", flat=True))
        initial = {"assets": "\n".join(numbers[:2000]), "title": _("จำหน่ายพัสดุตามผลการตรวจสอบ %(round)s")
                   % {"round": round_}}
    form = DisposalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if database_id(request.POST.get("round")):
            round_ = Round.objects.filter(pk=database_id(request.POST["round"])).first()
        try:
            case = services.disposal_propose(actor=request.user, assets=data["assets"], title=data["title"],
                                             reason=data["reason"], path=data["path"], method=data["method"],
                                             round_=round_)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("บันทึกเรื่องเสนอจำหน่ายแล้ว"))
            return redirect("audits:disposal", pk=case.pk)
    return render(request, "audits/disposal_form.html", {"form": form, "round": round_})


DISPOSAL_STEPS = {
    "fact_finding": (FactFindingForm, services.disposal_start_fact_finding, _("บันทึกการแต่งตั้งคณะกรรมการแล้ว")),
    "facts": (FactsForm, services.disposal_record_facts, _("บันทึกผลการสอบหาข้อเท็จจริงแล้ว")),
    "approve": (ApproveForm, services.disposal_approve, _("บันทึกคำสั่งจำหน่ายแล้ว")),
    "complete": (CompleteForm, services.disposal_complete, _("จำหน่ายเสร็จแล้ว: ตัดครุภัณฑ์ออกจากทะเบียน")),
    "report_sao": (SaoForm, services.disposal_report_sao, _("บันทึกการแจ้ง สตง. แล้ว")),
    "cancel": (ReasonForm, services.disposal_cancel, _("ยกเลิกเรื่องการจำหน่ายแล้ว")),
}


def _disposal_for(request, pk: int) -> DisposalCase:
    return get_object_or_404(selectors.disposals_visible_to(request.user), pk=pk)


def disposal_detail(request, pk: int):
    case = _disposal_for(request, pk)
    user = request.user
    Status = DisposalCase.Status
    manage, approve = roles.can(user, "disposal.manage"), roles.can(user, "disposal.approve")
    steps = {
        "fact_finding": manage and case.status == Status.DRAFT and case.path == DisposalCase.Path.FACT_FINDING,
        "facts": manage and case.status == Status.FACT_FINDING,
        "approve": approve and (case.status == Status.FACTS_FOUND
                                or (case.status == Status.DRAFT and case.path == DisposalCase.Path.DIRECT)),
        "complete": manage and case.status == Status.APPROVED,
        "report_sao": manage and case.status == Status.COMPLETED,
        "cancel": case.status in services.OPEN_CASE and (approve if case.status == Status.APPROVED else manage),
    }
    forms = {name: DISPOSAL_STEPS[name][0](prefix=name) for name, allowed in steps.items() if allowed}
    items = case.items.select_related("asset__division", "asset__location")
    return render(request, "audits/disposal_detail.html", {
        "case": case, "items": items, "forms": forms, "completion_due": services.completion_due(case),
        "sao_due": services.sao_due(case), "today": timezone.localdate(),
        "total_book_value": sum(item.book_value for item in items)})


@require_POST
def disposal_action(request, pk: int, step: str):
    case = _disposal_for(request, pk)
    if step not in DISPOSAL_STEPS:
        raise Http404
    form_class, service, done = DISPOSAL_STEPS[step]
    form = form_class(request.POST, prefix=step)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect("audits:disposal", pk=case.pk)
    try:
        service(actor=request.user, case=case, **form.cleaned_data)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, done)
    return redirect("audits:disposal", pk=case.pk)
