"""Every write of an inspection round and of a disposal case (DOMAIN.md section 5), each one logged.

Rules: the head of agency or of the supply unit appoints; property officers are never inspectors; an
annual round covers one fiscal year, starts on the first working day of the next one and reports by the
30th working day counting the start as the first; only the round's inspectors count, and only while it
is counting; a scan of an asset already counted updates its line (an asset is counted once a round);
a sheet closes when every expected asset is seen, confirmed on loan or declared missing; asset
statuses change only when the head of agency accepts the report. Disposal: direct order for normal
wear, a fact-finding step first otherwise; completion tracked against 60 days from the order, the
State Audit Office told within 30 days of completion.
"""

import datetime as dt
import json
import uuid
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from activity import chain, log
from assets.depreciation import standing
from assets.models import Asset, Status as AssetStatus
from assets.numbering import number_from_scan, number_key
from assets.photos import clean_photo
from assets.selectors import asset_by_number
from assets.services import assets_set_workflow_status
from common.bulk import insert_rows
from loans.selectors import current_loans_of
from organization import roles, workdays
from organization.models import Division, Location
from thai.dates import fiscal_year as fiscal_year_of, fiscal_year_bounds, format_date

from .models import Condition, DisposalCase, DisposalItem, Finding, Inspector, Line, Round, Scan, Sheet

REPORT_WORKING_DAYS = 30  # clause 213: the report within 30 working days of the start
COMPLETION_DAYS = 60  # disposal normally completed within 60 days of the order
SAO_DAYS = 30  # the State Audit Office told within 30 days of the disposal
APPOINTERS = (roles.AGENCY_HEAD, roles.SUPPLY_HEAD)
SCANNED_CONDITIONS = frozenset(Condition.values) - {Condition.LOST}
STATUS_ON_ACCEPTANCE = {
    Condition.DAMAGED: AssetStatus.DAMAGED,
    Condition.DETERIORATED: AssetStatus.DETERIORATED,
    Condition.LOST: AssetStatus.LOST,
    Condition.NOT_NEEDED: AssetStatus.NOT_NEEDED,
}
DISPOSABLE = frozenset({AssetStatus.DAMAGED, AssetStatus.DETERIORATED, AssetStatus.LOST, AssetStatus.NOT_NEEDED})
MAX_TEXT = 2000


# --- dates -----------------------------------------------------------------------------------------

def annual_dates(fiscal_year: int) -> dict[str, dt.date]:
    """The period a fiscal year's round covers, its start (the first working day of the next fiscal year)
    and its report's due date (the 30th working day counting the start as the first)."""
    period_start, period_end = fiscal_year_bounds(fiscal_year)
    starts_on = workdays.first_working_day(period_end + dt.timedelta(days=1))
    return {"period_start": period_start, "period_end": period_end, "starts_on": starts_on,
            "due_on": workdays.nth_working_day(starts_on, REPORT_WORKING_DAYS)}


def rounds_follow_holidays() -> list[Round]:
    """The holiday list changed (the cabinet announced a day off, or a mistake was put right): rounds not yet
    reported take their dates again from it. A round not started moves its start too (annual rounds); a started
    one keeps its start. Each change is logged with the dates before and after."""
    moved = []
    for round_ in Round.objects.select_for_update().filter(
            status__in=[Round.Status.PLANNED, Round.Status.COUNTING], submitted_on__isnull=True):
        starts_on = round_.starts_on
        if round_.kind == Round.Kind.ANNUAL and round_.status == Round.Status.PLANNED:
            starts_on = annual_dates(round_.fiscal_year)["starts_on"]
        due_on = workdays.nth_working_day(starts_on, REPORT_WORKING_DAYS)
        if (starts_on, due_on) == (round_.starts_on, round_.due_on):
            continue
        before = {"starts_on": round_.starts_on.isoformat(), "due_on": round_.due_on.isoformat()}
        round_.starts_on, round_.due_on = starts_on, due_on
        round_.save(update_fields=["starts_on", "due_on"])
        _log_round("inspection.reschedule", round_, None, before=before,
                   after={"starts_on": starts_on.isoformat(), "due_on": due_on.isoformat()})
        moved.append(round_)
    return moved


def due_state(round_: Round, today: dt.date | None = None) -> dict:
    """For the warning shown as the due date nears: working days left, and whether it is late."""
    today = today or timezone.localdate()
    if round_.submitted_on:
        return {"submitted": True, "late": round_.submitted_on > round_.due_on, "days_left": None, "warn": False}
    days_left = workdays.working_days_left(today, round_.due_on)
    late = today > round_.due_on
    return {"submitted": False, "late": late, "days_left": days_left, "warn": late or days_left <= 5}


# --- permissions ----------------------------------------------------------------------------------

def is_inspector(user, round_: Round) -> bool:
    return bool(user and user.is_authenticated and user.is_active
                and Inspector.objects.filter(round=round_, user=user).exists())


# The supply staff of the Act (เจ้าหน้าที่: the property officers and their head), who may not inspect their own work.
SUPPLY_STAFF = (roles.PROPERTY_OFFICER, roles.SUPPLY_HEAD)


def _require_inspector(actor, round_: Round) -> None:
    if not is_inspector(actor, round_):
        raise PermissionDenied(_("เฉพาะผู้ตรวจสอบที่ได้รับแต่งตั้งในการตรวจสอบครั้งนี้เท่านั้นที่บันทึกได้"))
    if roles.has_role(actor, *SUPPLY_STAFF):
        raise PermissionDenied(_("เจ้าหน้าที่พัสดุและหัวหน้าเจ้าหน้าที่เป็นผู้ตรวจสอบพัสดุไม่ได้"))


def _require_inspector_or_manager(actor, round_: Round) -> None:
    if roles.can(actor, "inspection.manage"):
        return
    _require_inspector(actor, round_)


def _require_status(round_: Round, *statuses: str) -> None:
    if round_.status not in statuses:
        raise ValidationError(_("ทำรายการนี้ไม่ได้: การตรวจสอบนี้มีสถานะ “%(status)s”")
                              % {"status": round_.get_status_display()})


def _text(value, limit: int = MAX_TEXT) -> str:
    """Typed text as stored: trimmed, cut to the limit, without NUL characters (PostgreSQL cannot store them)."""
    return (value or "").replace("\x00", "").strip()[:limit]


def _log_round(action: str, round_: Round, actor, *, assets=(), division_id=None, **details) -> None:
    log.record(action, obj=round_, actor=actor, assets=assets, division_id=division_id,
               details={"status": round_.status, **details})


# --- appointment and start ---------------------------------------------------------------------------

def _check_inspectors(inspectors, appointed_by) -> list:
    inspectors = list(dict.fromkeys(inspectors))
    if not inspectors:
        raise ValidationError(_("กรุณาแต่งตั้งผู้ตรวจสอบอย่างน้อยหนึ่งคน"))
    for user in inspectors:
        if not user.is_active:
            raise ValidationError(_("%(name)s ไม่ได้ปฏิบัติงานแล้ว แต่งตั้งเป็นผู้ตรวจสอบไม่ได้") % {"name": user})
        if roles.has_role(user, roles.PROPERTY_OFFICER):
            raise ValidationError(_("%(name)s เป็นเจ้าหน้าที่พัสดุ แต่งตั้งเป็นผู้ตรวจสอบพัสดุไม่ได้") % {"name": user})
        if roles.has_role(user, roles.SUPPLY_HEAD):
            raise ValidationError(_("%(name)s เป็นหัวหน้าเจ้าหน้าที่ (หัวหน้าหน่วยพัสดุ) แต่งตั้งเป็นผู้ตรวจสอบพัสดุไม่ได้")
                                  % {"name": user})
        if user.pk == appointed_by.pk:
            raise ValidationError(_("ผู้แต่งตั้งเป็นผู้ตรวจสอบในคำสั่งของตนเองไม่ได้ (ผลการตรวจต้องรายงานต่อผู้แต่งตั้ง)"))
        if roles.has_role(user, roles.AUDITOR):
            raise ValidationError(_("%(name)s มีบทบาทผู้ตรวจสอบ (อ่านอย่างเดียว) แต่งตั้งเป็นผู้ตรวจนับไม่ได้") % {"name": user})
    return inspectors


@transaction.atomic
def round_appoint(*, actor, order_number: str, order_date: dt.date, appointed_by, inspectors: list,
                  kind: str = Round.Kind.ANNUAL, fiscal_year: int | None = None, division: Division | None = None,
                  starts_on: dt.date | None = None, chair=None) -> Round:
    """Record the order appointing the inspectors of an annual round (a fiscal year) or of a spot check of
    one division (starting on the given day, or the next working day)."""
    roles.require(actor, "inspection.manage")
    if not _text(order_number):
        raise ValidationError(_("กรุณากรอกเลขที่คำสั่งแต่งตั้ง"))
    if not isinstance(order_date, dt.date):
        raise ValidationError(_("กรุณากรอกวันที่ของคำสั่งแต่งตั้ง"))
    if order_date > timezone.localdate():
        raise ValidationError(_("วันที่ของคำสั่งแต่งตั้งเป็นวันในอนาคตไม่ได้"))
    if appointed_by is None or not roles.has_role(appointed_by, *APPOINTERS):
        raise ValidationError(_("ผู้แต่งตั้งต้องเป็นหัวหน้าหน่วยงานหรือหัวหน้าหน่วยพัสดุ"))
    inspectors = _check_inspectors(inspectors, appointed_by)
    if kind == Round.Kind.ANNUAL:
        if not fiscal_year or not 2400 <= int(fiscal_year) <= 2700:
            raise ValidationError(_("กรุณาระบุปีงบประมาณ (พ.ศ.) ที่ตรวจสอบ"))
        if Round.objects.filter(kind=Round.Kind.ANNUAL, fiscal_year=fiscal_year).exists():
            raise ValidationError(_("มีการแต่งตั้งผู้ตรวจสอบพัสดุประจำปีงบประมาณ %(year)s แล้ว") % {"year": fiscal_year})
        dates = annual_dates(int(fiscal_year))
        if order_date < dates["period_start"]:
            raise ValidationError(_("คำสั่งแต่งตั้งผู้ตรวจสอบพัสดุประจำปีงบประมาณ %(year)s ลงวันที่ก่อนปีงบประมาณนั้นเริ่ม"
                                    " (%(first)s) ไม่ได้") % {"year": fiscal_year,
                                                             "first": format_date(dates["period_start"])})
        division = None
    elif kind == Round.Kind.SPOT:
        if division is None:
            raise ValidationError(_("การตรวจสอบเฉพาะกิจต้องระบุกองที่ตรวจ"))
        start = workdays.first_working_day(starts_on or timezone.localdate())
        fiscal_year = fiscal_year_of(start)
        dates = {"period_start": fiscal_year_bounds(fiscal_year)[0], "period_end": start, "starts_on": start,
                 "due_on": workdays.nth_working_day(start, REPORT_WORKING_DAYS)}
    else:
        raise ValidationError(_("ประเภทการตรวจสอบไม่ถูกต้อง"))
    round_ = Round(kind=kind, fiscal_year=fiscal_year, division=division, order_number=_text(order_number, 100),
                   order_date=order_date, appointed_by=appointed_by, created_by=actor, **dates)
    try:
        with transaction.atomic():
            round_.save()
    except IntegrityError:
        raise ValidationError(_("มีการแต่งตั้งผู้ตรวจสอบพัสดุประจำปีงบประมาณ %(year)s แล้ว") % {"year": fiscal_year}) from None
    chair = chair if chair in inspectors else inspectors[0]
    Inspector.objects.bulk_create([Inspector(round=round_, user=user, is_chair=user.pk == chair.pk)
                                   for user in inspectors])
    _log_round("inspection.appoint", round_, actor, division_id=division.pk if division else None,
               kind=kind, fiscal_year=fiscal_year, order_number=round_.order_number,
               order_date=order_date.isoformat(), appointed_by=str(appointed_by),
               inspectors=[str(user) for user in inspectors], starts_on=round_.starts_on.isoformat(),
               due_on=round_.due_on.isoformat())
    return round_


def appointed_in_time(round_: Round) -> bool:
    """An annual round's order is made within the last month before the fiscal year ends (DOMAIN.md section 5);
    a late or early one is recorded all the same and marked on the round's page. Spot checks have no such month."""
    if round_.kind != Round.Kind.ANNUAL:
        return True
    return round_.period_end.replace(day=1) <= round_.order_date <= round_.period_end


def _divisions_for(round_: Round) -> list[Division]:
    if round_.kind == Round.Kind.SPOT:
        return [round_.division]
    with_assets = Asset.objects.exclude(status=AssetStatus.DISPOSED).values("division_id")
    return list(Division.objects.filter(Q(is_active=True) | Q(pk__in=with_assets)).order_by("order", "code"))


@transaction.atomic
def round_start(*, actor, round_: Round, today: dt.date | None = None) -> Round:
    """Start counting: every division of the round gets a sheet listing the assets it holds now (every
    asset not disposed of). Later moves do not change what was expected."""
    _require_inspector_or_manager(actor, round_)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    _require_status(round_, Round.Status.PLANNED)
    today = today or timezone.localdate()
    if today < round_.starts_on:
        raise ValidationError(_("เริ่มตรวจนับได้ตั้งแต่ %(date)s") % {"date": format_date(round_.starts_on)})
    counts = {}
    for division in _divisions_for(round_):
        sheet = Sheet.objects.create(round=round_, division=division)
        rows = [(round_.pk, sheet.pk, asset_id, number, name[:300], location_id, status, Line.Outcome.PENDING, "", "", "")
                for asset_id, number, name, location_id, status in
                Asset.objects.filter(division=division).exclude(status=AssetStatus.DISPOSED)
                .order_by("number_key").values_list("id", "number", "name", "location_id", "status").iterator(5000)]
        insert_rows(Line, ["round_id", "sheet_id", "asset_id", "number", "name", "expected_location_id",
                           "expected_status", "outcome", "condition", "note", "photo"], rows)
        sheet.expected_count = len(rows)
        sheet.save(update_fields=["expected_count"])
        counts[division.name] = len(rows)
    round_.status = Round.Status.COUNTING
    round_.started_at = timezone.now()
    round_.save(update_fields=["status", "started_at"])
    _log_round("inspection.start", round_, actor, expected=counts, total=sum(counts.values()))
    return round_


# --- counting ------------------------------------------------------------------------------------------

def _open_sheet(actor, sheet: Sheet) -> Sheet:
    sheet = Sheet.objects.select_related("round", "division").get(pk=sheet.pk)
    _require_inspector(actor, sheet.round)
    _require_status(sheet.round, Round.Status.COUNTING)
    if sheet.status != Sheet.Status.OPEN:
        raise ValidationError(_("บัญชีตรวจนับของ%(division)s ปิดแล้ว") % {"division": sheet.division})
    return sheet


_COUNTERS = {Line.Outcome.SEEN: "seen_count", Line.Outcome.ON_LOAN: "on_loan_count",
             Line.Outcome.MISSING: "missing_count"}


def _moved(sheet_id: int, old: str, new: str, n: int = 1) -> None:
    """Keep the sheet's counters in step with lines moving from one outcome to another."""
    if old == new or not n:
        return
    changes = {}
    if old in _COUNTERS:
        changes[_COUNTERS[old]] = F(_COUNTERS[old]) - n
    if new in _COUNTERS:
        changes[_COUNTERS[new]] = F(_COUNTERS[new]) + n
    Sheet.objects.filter(pk=sheet_id).update(**changes)


def sheet_progress(sheet: Sheet) -> dict:
    counts = Sheet.objects.filter(pk=sheet.pk).values("expected_count", "seen_count", "on_loan_count",
                                                      "missing_count").get()
    found = counts["seen_count"] + counts["on_loan_count"]
    accounted = found + counts["missing_count"]
    return {"expected": counts["expected_count"], "found": found, "missing": counts["missing_count"],
            "accounted": accounted, "pending": counts["expected_count"] - accounted}


def recount(sheet: Sheet) -> dict:
    """The sheet's outcomes counted from its lines (what the counters must equal; used by tests and checks)."""
    counts = dict(Line.objects.filter(sheet=sheet).values_list("outcome").annotate(n=Count("id")).order_by())
    return {outcome: counts.get(outcome, 0) for outcome in Line.Outcome.values}


def counters_rebuild(sheet: Sheet) -> None:
    """Set the sheet's counters from its lines: after lines were changed in bulk outside these services
    (the benchmarks do)."""
    counts = recount(sheet)
    Sheet.objects.filter(pk=sheet.pk).update(**{field: counts[outcome] for outcome, field in _COUNTERS.items()})


def _check_location(location) -> Location | None:
    if location is None or location == "":
        return None
    if not isinstance(location, Location):
        raise ValidationError(_("สถานที่ไม่ถูกต้อง"))
    return location


def _photo_file(photo):
    return clean_photo(photo) if photo else None


@transaction.atomic
def inspection_scan(*, actor, sheet: Sheet, number: str, condition: str = Condition.USABLE, location=None,
                    note: str = "", photo=None, client_id=None, scanned_at: dt.datetime | None = None) -> dict:
    """Record one scanned label (a number, or a label's URL) on an open sheet. Scanning an asset again
    updates its line; a scan a device sends twice (same client_id) is recorded once and answered the
    same. Returns what the counting page shows: the outcome, a message, and the sheet's progress."""
    sheet = _open_sheet(actor, sheet)
    round_ = sheet.round
    if client_id is not None:
        try:
            client_id = uuid.UUID(str(client_id))
        except ValueError:
            raise ValidationError(_("รหัสการสแกนไม่ถูกต้อง")) from None
        receipt = Scan.objects.filter(client_id=client_id).first()
        if receipt is not None:
            if receipt.by_id != actor.pk or receipt.sheet_id != sheet.pk:
                raise ValidationError(_("รหัสการสแกนนี้ถูกใช้แล้ว"))
            return {**json.loads(receipt.result_json), "duplicate": True, "progress": sheet_progress(sheet)}
    text = number_from_scan(number)
    if not text:
        raise ValidationError(_("กรุณาสแกนป้ายหรือพิมพ์หมายเลขครุภัณฑ์"))
    if len(text) > 200 or not text.isprintable():
        raise ValidationError(_("หมายเลขนี้อ่านไม่ได้ กรุณาสแกนใหม่หรือพิมพ์หมายเลข"))
    if condition not in SCANNED_CONDITIONS:
        raise ValidationError(_("สภาพที่บันทึกไม่ถูกต้อง (ครุภัณฑ์ที่สแกนพบแล้วบันทึกว่าสูญไปไม่ได้)"))
    location = _check_location(location)
    note = _text(note)
    photo_file = _photo_file(photo)
    now = timezone.now()
    asset, _old_number = asset_by_number(text)
    line = (Line.objects.select_for_update(of=("self",)).select_related("sheet__division").filter(round=round_, asset=asset).first()
            if asset else None)
    if line is not None and line.sheet.status == Sheet.Status.OPEN:
        repeat = line.outcome == Line.Outcome.SEEN
        _moved(line.sheet_id, line.outcome, Line.Outcome.SEEN)
        line.outcome = Line.Outcome.SEEN
        line.condition = condition
        line.seen_location = location
        line.seen_on_sheet = sheet
        if note:
            line.note = note
        if photo_file:
            line.photo.save(photo_file.name, photo_file, save=False)
        line.counted_at = scanned_at or now
        line.counted_by = actor
        line.save()
        elsewhere = line.found_elsewhere
        result = {"outcome": "elsewhere" if elsewhere else "seen", "number": asset.number, "name": asset.name,
                  "repeat": repeat, "condition": condition, "division": line.sheet.division.name}
        if line.sheet_id != sheet.pk:
            message = _("พบ %(number)s %(name)s ของ%(division)s (พบนอกกอง)")
        elif elsewhere:
            message = _("พบ %(number)s %(name)s (พบนอกสถานที่ตามทะเบียน)")
        else:
            message = _("พบ %(number)s %(name)s")
        result["message"] = message % {"number": asset.number, "name": asset.name, "division": line.sheet.division}
        if repeat:
            result["message"] += " " + _("(สแกนซ้ำ: ปรับปรุงรายการเดิม ไม่นับเพิ่ม)")
        division_id = line.sheet.division_id
    else:
        kind = Finding.Kind.UNEXPECTED if asset else Finding.Kind.UNREGISTERED
        key = asset.number_key if asset else number_key(text)[:200]
        finding = Finding.objects.select_for_update().filter(round=round_, number_key=key).first()
        repeat = finding is not None
        finding = finding or Finding(round=round_, number_key=key)
        finding.sheet, finding.kind, finding.asset = sheet, kind, asset
        finding.number = asset.number if asset else text
        finding.condition, finding.seen_location, finding.counted_by = condition, location, actor
        finding.counted_at = scanned_at or now
        if note:
            finding.note = note
        if photo_file:
            finding.photo.save(photo_file.name, photo_file, save=False)
        finding.save()
        if asset is None:
            message = _("%(number)s ไม่มีในทะเบียน: บันทึกไว้เพื่อติดตาม") % {"number": text}
        elif line is not None:
            message = _("พบ %(number)s %(name)s ของ%(division)s ซึ่งปิดบัญชีแล้ว: บันทึกเป็นรายการพบนอกบัญชี") % {
                "number": asset.number, "name": asset.name, "division": line.sheet.division}
        else:
            message = _("พบ %(number)s %(name)s ซึ่งไม่อยู่ในบัญชีตรวจนับของการตรวจครั้งนี้ (พบนอกที่)") % {
                "number": asset.number, "name": asset.name}
        if repeat:
            message += " " + _("(สแกนซ้ำ: ปรับปรุงรายการเดิม ไม่นับเพิ่ม)")
        result = {"outcome": "unregistered" if asset is None else "unexpected", "number": finding.number,
                  "name": asset.name if asset else "", "repeat": repeat, "condition": condition, "message": message}
        division_id = sheet.division_id
    if client_id is not None:
        Scan.objects.create(client_id=client_id, sheet=sheet, number=text[:200], scanned_at=scanned_at or now,
                            received_at=now, by=actor, result_json=json.dumps(result, ensure_ascii=False))
    _log_round("inspection.count", round_, actor, assets=[asset.pk] if asset else [], division_id=division_id,
               sheet=sheet.pk, number=result["number"], outcome=result["outcome"], condition=condition,
               location=location.name if location else "", repeat=repeat, note=note)
    return {**result, "duplicate": False, "progress": sheet_progress(sheet)}


@transaction.atomic
def line_confirm_on_loan(*, actor, line: Line, note: str = "") -> Line:
    """An expected asset that is out on loan, confirmed with its borrower (not brought back to be scanned)."""
    line = Line.objects.select_for_update(of=("self",)).select_related("sheet", "asset").get(pk=line.pk)
    _open_sheet(actor, line.sheet)
    loan = current_loans_of([line.asset_id]).get(line.asset_id)
    if loan is None:
        raise ValidationError(_("%(number)s ไม่ได้ถูกยืมอยู่ในขณะนี้ กรุณาสแกนป้ายแทน") % {"number": line.number})
    if line.outcome == Line.Outcome.SEEN:
        raise ValidationError(_("%(number)s สแกนพบแล้ว") % {"number": line.number})
    _moved(line.sheet_id, line.outcome, Line.Outcome.ON_LOAN)
    line.outcome, line.condition = Line.Outcome.ON_LOAN, Condition.USABLE
    line.note = _text(note) or _("ยืนยันกับผู้ยืม %(borrower)s ตามใบยืมที่ %(loan)s") % {
        "borrower": loan.borrower_name, "loan": loan.pk}
    line.counted_at, line.counted_by = timezone.now(), actor
    line.save()
    _log_round("inspection.confirm_on_loan", line.sheet.round, actor, assets=[line.asset_id],
               division_id=line.sheet.division_id, sheet=line.sheet_id, number=line.number, loan=loan.pk,
               note=line.note)
    return line


@transaction.atomic
def lines_declare_missing(*, actor, sheet: Sheet, line_ids=None, note: str = "") -> int:
    """Declare expected assets not found (their condition: lost). line_ids=None takes every line of the
    sheet not yet accounted for. Only lines not yet counted change; a later scan still finds them."""
    sheet = _open_sheet(actor, sheet)
    lines = Line.objects.select_for_update().filter(sheet=sheet, outcome=Line.Outcome.PENDING)
    if line_ids is not None:
        lines = lines.filter(pk__in=list(line_ids))
    picked = list(lines.values_list("pk", "asset_id", "number"))
    if not picked:
        raise ValidationError(_("ไม่มีรายการที่ยังไม่ได้ตรวจให้บันทึกว่าไม่พบ"))
    note = _text(note)
    Line.objects.filter(pk__in=[pk for pk, _asset, _number in picked]).update(
        outcome=Line.Outcome.MISSING, condition=Condition.LOST, note=note, counted_at=timezone.now(),
        counted_by=actor)
    _moved(sheet.pk, Line.Outcome.PENDING, Line.Outcome.MISSING, len(picked))
    _log_round("inspection.declare_missing", sheet.round, actor, assets=[asset for _pk, asset, _n in picked],
               division_id=sheet.division_id, sheet=sheet.pk, numbers=[number for _pk, _a, number in picked][:500],
               count=len(picked), note=note)
    return len(picked)


@transaction.atomic
def sheet_close(*, actor, sheet: Sheet) -> Sheet:
    sheet = _open_sheet(actor, sheet)
    sheet = Sheet.objects.select_for_update(of=("self",)).select_related("round", "division").get(pk=sheet.pk)
    progress = sheet_progress(sheet)
    if progress["pending"]:
        raise ValidationError(_("ปิดบัญชีไม่ได้: ยังมีครุภัณฑ์ที่ยังไม่ได้ตรวจ %(n)s รายการ "
                                "(ต้องสแกนพบ ยืนยันการยืม หรือบันทึกว่าไม่พบให้ครบทุกรายการ)") % {"n": progress["pending"]})
    sheet.status, sheet.closed_at, sheet.closed_by = Sheet.Status.CLOSED, timezone.now(), actor
    sheet.save(update_fields=["status", "closed_at", "closed_by"])
    _log_round("inspection.close_sheet", sheet.round, actor, division_id=sheet.division_id, sheet=sheet.pk,
               division=sheet.division.name, **{key: progress[key] for key in ("expected", "found", "missing")})
    return sheet


@transaction.atomic
def sheet_reopen(*, actor, sheet: Sheet, reason: str) -> Sheet:
    """Reopen a closed sheet before the report is submitted (a mistake found), with the reason logged."""
    sheet = Sheet.objects.select_for_update(of=("self",)).select_related("round", "division").get(pk=sheet.pk)
    _require_inspector(actor, sheet.round)
    _require_status(sheet.round, Round.Status.COUNTING)
    if sheet.status != Sheet.Status.CLOSED:
        raise ValidationError(_("บัญชีนี้ยังไม่ได้ปิด"))
    if not _text(reason):
        raise ValidationError(_("กรุณาระบุเหตุผลที่เปิดบัญชีอีกครั้ง"))
    sheet.status, sheet.closed_at, sheet.closed_by = Sheet.Status.OPEN, None, None
    sheet.save(update_fields=["status", "closed_at", "closed_by"])
    _log_round("inspection.reopen_sheet", sheet.round, actor, division_id=sheet.division_id, sheet=sheet.pk,
               reason=_text(reason))
    return sheet


# --- report and acceptance ------------------------------------------------------------------------

@transaction.atomic
def round_submit(*, actor, round_: Round, today: dt.date | None = None) -> Round:
    """Submit the report to whoever appointed the inspectors: every sheet closed; the date is recorded
    and the activity chain's head anchored (it is printed on the report)."""
    _require_inspector(actor, round_)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    _require_status(round_, Round.Status.COUNTING)
    open_sheets = round_.sheets.exclude(status=Sheet.Status.CLOSED).count()
    if open_sheets:
        raise ValidationError(_("รายงานผลไม่ได้: ยังมีบัญชีตรวจนับที่ยังไม่ปิด %(n)s กอง") % {"n": open_sheets})
    round_.submitted_on = today or timezone.localdate()
    round_.submitted_by = actor
    round_.status = Round.Status.SUBMITTED
    _log_round("inspection.submit", round_, actor, submitted_on=round_.submitted_on.isoformat(),
               due_on=round_.due_on.isoformat(), late=round_.submitted_on > round_.due_on)
    round_.report_anchor = chain.anchor_record(document_type="inspection_report", document_id=str(round_.pk),
                                               document_repr=str(round_))
    round_.save(update_fields=["submitted_on", "submitted_by", "status", "report_anchor"])
    return round_


@transaction.atomic
def round_accept(*, actor, round_: Round, note: str = "") -> dict[str, int]:
    """The head of agency accepts the report: assets recorded damaged, deteriorated, lost or not needed
    take that status (assets out on loan or disposed of keep theirs; the skipped ones are logged)."""
    roles.require(actor, "inspection.accept")
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    _require_status(round_, Round.Status.SUBMITTED)
    wanted: dict[int, str] = {}
    for asset_id, condition in Line.objects.filter(round=round_, condition__in=list(STATUS_ON_ACCEPTANCE)).values_list(
            "asset_id", "condition"):
        wanted[asset_id] = STATUS_ON_ACCEPTANCE[condition]
    for asset_id, condition in Finding.objects.filter(round=round_, asset__isnull=False).values_list(
            "asset_id", "condition"):
        if wanted.get(asset_id) == AssetStatus.LOST:  # declared missing, then seen after its sheet closed
            del wanted[asset_id]
        if condition in STATUS_ON_ACCEPTANCE:
            wanted.setdefault(asset_id, STATUS_ON_ACCEPTANCE[condition])
    current = dict(Asset.objects.select_for_update().filter(pk__in=list(wanted)).values_list("pk", "status"))
    by_status: dict[str, list[int]] = defaultdict(list)
    skipped = []
    for asset_id, status in wanted.items():
        if current.get(asset_id) in (AssetStatus.ON_LOAN, AssetStatus.DISPOSED):
            skipped.append(asset_id)
        elif current.get(asset_id) != status:
            by_status[status].append(asset_id)
    for status, asset_ids in by_status.items():
        assets_set_workflow_status(asset_ids=asset_ids, status=status)
    round_.status, round_.accepted_at, round_.accepted_by = Round.Status.ACCEPTED, timezone.now(), actor
    round_.acceptance_note = _text(note)
    round_.save(update_fields=["status", "accepted_at", "accepted_by", "acceptance_note"])
    changed = {status: len(ids) for status, ids in by_status.items()}
    _log_round("inspection.accept", round_, actor, assets=[pk for ids in by_status.values() for pk in ids],
               changed=changed, skipped=skipped, note=round_.acceptance_note)
    return changed


# --- disposal --------------------------------------------------------------------------------------------

DISPOSAL_TRANSITIONS = {
    DisposalCase.Status.DRAFT: {DisposalCase.Status.FACT_FINDING, DisposalCase.Status.APPROVED,
                                DisposalCase.Status.CANCELLED},
    DisposalCase.Status.FACT_FINDING: {DisposalCase.Status.FACTS_FOUND, DisposalCase.Status.CANCELLED},
    DisposalCase.Status.FACTS_FOUND: {DisposalCase.Status.APPROVED, DisposalCase.Status.CANCELLED},
    DisposalCase.Status.APPROVED: {DisposalCase.Status.COMPLETED, DisposalCase.Status.CANCELLED},
    DisposalCase.Status.COMPLETED: {DisposalCase.Status.REPORTED},
}
OPEN_CASE = (DisposalCase.Status.DRAFT, DisposalCase.Status.FACT_FINDING, DisposalCase.Status.FACTS_FOUND,
             DisposalCase.Status.APPROVED)


def completion_due(case: DisposalCase) -> dt.date | None:
    return case.ordered_on + dt.timedelta(days=COMPLETION_DAYS) if case.ordered_on else None


def sao_due(case: DisposalCase) -> dt.date | None:
    return case.completed_on + dt.timedelta(days=SAO_DAYS) if case.completed_on else None


def _disposal_move(case: DisposalCase, to: str) -> DisposalCase:
    case = DisposalCase.objects.select_for_update().get(pk=case.pk)
    if to not in DISPOSAL_TRANSITIONS.get(case.status, set()):
        raise ValidationError(_("ทำรายการนี้ไม่ได้: การจำหน่ายที่ %(id)s มีสถานะ “%(status)s”")
                              % {"id": case.pk, "status": case.get_status_display()})
    return case


def _log_case(action: str, case: DisposalCase, actor, **details) -> None:
    log.record(action, obj=case, actor=actor, assets=list(case.items.values_list("asset_id", flat=True)),
               details={"status": case.status, **details})


def _date(value, label: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationError(_("กรุณากรอก%(label)s") % {"label": label})
    return value


@transaction.atomic
def disposal_propose(*, actor, assets: list[Asset], title: str, reason: str, path: str, method: str,
                     round_: Round | None = None) -> DisposalCase:
    """Propose disposing of assets that are damaged, deteriorated, lost or not needed. Lost assets are
    written off (จำหน่ายเป็นสูญ), and only they are."""
    roles.require(actor, "disposal.manage")
    if not _text(title) or not _text(reason):
        raise ValidationError(_("กรุณากรอกเรื่องและเหตุผลที่จำหน่าย"))
    if path not in DisposalCase.Path.values:
        raise ValidationError(_("กรุณาเลือกขั้นตอนการจำหน่าย"))
    if method not in DisposalCase.Method.values:
        raise ValidationError(_("กรุณาเลือกวิธีจำหน่าย"))
    assets = list(Asset.objects.select_for_update().filter(pk__in=[asset.pk for asset in assets]).order_by("number_key"))
    if not assets:
        raise ValidationError(_("กรุณาเลือกครุภัณฑ์ที่จะจำหน่าย"))
    for asset in assets:
        if asset.status not in DISPOSABLE:
            raise ValidationError(_("%(number)s มีสถานะ “%(status)s” จำหน่ายได้เฉพาะครุภัณฑ์ที่ชำรุด เสื่อมสภาพ "
                                    "สูญไป หรือไม่จำเป็นต้องใช้ในราชการ") % {"number": asset.number,
                                                                            "status": asset.get_status_display()})
        lost = asset.status == AssetStatus.LOST
        if lost != (method == DisposalCase.Method.WRITE_OFF):
            raise ValidationError(_("%(number)s: ครุภัณฑ์ที่สูญไปจำหน่ายเป็นสูญเท่านั้น และจำหน่ายเป็นสูญได้เฉพาะครุภัณฑ์ที่สูญไป")
                                  % {"number": asset.number})
    busy = (DisposalItem.objects.filter(asset__in=assets, case__status__in=OPEN_CASE)
            .values_list("asset__number", "case_id").first())
    if busy:
        raise ValidationError(_("%(number)s อยู่ในเรื่องการจำหน่ายที่ %(case)s แล้ว") % {"number": busy[0], "case": busy[1]})
    case = DisposalCase.objects.create(round=round_, title=_text(title, 300), reason=_text(reason), path=path,
                                       method=method, created_by=actor)
    today = timezone.localdate()
    DisposalItem.objects.bulk_create([
        DisposalItem(case=case, asset=asset, status_before=asset.status,
                     book_value=standing(asset.unit_price, asset.useful_life_years, asset.acquired_on, today).net)
        for asset in assets])
    _log_case("disposal.propose", case, actor, title=case.title, path=path, method=method,
              numbers=[asset.number for asset in assets][:500], round=round_.pk if round_ else None)
    return case


@transaction.atomic
def disposal_start_fact_finding(*, actor, case: DisposalCase, committee_order: str, committee_members: str):
    roles.require(actor, "disposal.manage")
    case = _disposal_move(case, DisposalCase.Status.FACT_FINDING)
    if case.path != DisposalCase.Path.FACT_FINDING:
        raise ValidationError(_("เรื่องนี้เป็นการจำหน่ายโดยตรง ไม่ต้องสอบหาข้อเท็จจริง"))
    if not _text(committee_order) or not _text(committee_members):
        raise ValidationError(_("กรุณากรอกคำสั่งแต่งตั้งและรายชื่อคณะกรรมการสอบหาข้อเท็จจริง"))
    case.committee_order, case.committee_members = _text(committee_order, 100), _text(committee_members)
    case.status = DisposalCase.Status.FACT_FINDING
    case.save()
    _log_case("disposal.fact_finding", case, actor, committee_order=case.committee_order,
              committee_members=case.committee_members)
    return case


@transaction.atomic
def disposal_record_facts(*, actor, case: DisposalCase, facts: str, facts_on: dt.date):
    roles.require(actor, "disposal.manage")
    case = _disposal_move(case, DisposalCase.Status.FACTS_FOUND)
    if not _text(facts):
        raise ValidationError(_("กรุณากรอกผลการสอบหาข้อเท็จจริง"))
    case.facts, case.facts_on = _text(facts), _date(facts_on, _("วันที่รายงานผลการสอบ"))
    case.status = DisposalCase.Status.FACTS_FOUND
    case.save()
    _log_case("disposal.facts", case, actor, facts=case.facts, facts_on=case.facts_on.isoformat())
    return case


@transaction.atomic
def disposal_approve(*, actor, case: DisposalCase, order_number: str, ordered_on: dt.date):
    """The head of agency orders the disposal (directly for normal wear, or after the facts are found)."""
    roles.require(actor, "disposal.approve")
    case = _disposal_move(case, DisposalCase.Status.APPROVED)
    if case.path == DisposalCase.Path.FACT_FINDING and case.status != DisposalCase.Status.FACTS_FOUND:
        raise ValidationError(_("ต้องสอบหาข้อเท็จจริงให้เสร็จก่อนสั่งจำหน่าย"))
    if not _text(order_number):
        raise ValidationError(_("กรุณากรอกเลขที่คำสั่งจำหน่าย"))
    case.order_number, case.ordered_on = _text(order_number, 100), _date(ordered_on, _("วันที่สั่งจำหน่าย"))
    case.approved_by, case.status = actor, DisposalCase.Status.APPROVED
    case.save()
    _log_case("disposal.approve", case, actor, order_number=case.order_number, ordered_on=case.ordered_on.isoformat(),
              completion_due=completion_due(case).isoformat())
    return case


@transaction.atomic
def disposal_complete(*, actor, case: DisposalCase, completed_on: dt.date, recipient: str = "", proceeds=None):
    """The disposal is done: its assets are struck from the active register (status disposed; their
    records and history stay)."""
    roles.require(actor, "disposal.manage")
    case = _disposal_move(case, DisposalCase.Status.COMPLETED)
    completed_on = _date(completed_on, _("วันที่จำหน่ายเสร็จ"))
    if completed_on < case.ordered_on:
        raise ValidationError(_("วันที่จำหน่ายเสร็จต้องไม่ก่อนวันที่สั่งจำหน่าย"))
    if completed_on > timezone.localdate():
        raise ValidationError(_("วันที่จำหน่ายเสร็จต้องไม่เป็นวันในอนาคต"))
    needs_recipient = case.method in (DisposalCase.Method.SALE, DisposalCase.Method.EXCHANGE,
                                      DisposalCase.Method.TRANSFER)
    if needs_recipient and not _text(recipient):
        raise ValidationError(_("กรุณากรอกชื่อผู้ซื้อ ผู้รับโอน หรือคู่แลกเปลี่ยน"))
    if case.method == DisposalCase.Method.SALE and (proceeds is None or proceeds < 0):
        raise ValidationError(_("กรุณากรอกจำนวนเงินที่ได้จากการขาย"))
    asset_ids = list(case.items.values_list("asset_id", flat=True))
    assets_set_workflow_status(asset_ids=asset_ids, status=AssetStatus.DISPOSED)
    case.completed_on, case.recipient, case.proceeds = completed_on, _text(recipient, 300), proceeds
    case.status = DisposalCase.Status.COMPLETED
    case.save()
    _log_case("disposal.complete", case, actor, completed_on=completed_on.isoformat(), recipient=case.recipient,
              proceeds=str(proceeds) if proceeds is not None else None,
              late=completed_on > completion_due(case), sao_due=sao_due(case).isoformat())
    return case


@transaction.atomic
def disposal_report_sao(*, actor, case: DisposalCase, notified_on: dt.date, reference: str):
    """Record the date the State Audit Office (สตง.) was told of the disposal."""
    roles.require(actor, "disposal.manage")
    case = _disposal_move(case, DisposalCase.Status.REPORTED)
    notified_on = _date(notified_on, _("วันที่แจ้ง สตง."))
    if notified_on < case.completed_on:
        raise ValidationError(_("วันที่แจ้ง สตง. ต้องไม่ก่อนวันที่จำหน่ายเสร็จ"))
    if not _text(reference):
        raise ValidationError(_("กรุณากรอกเลขที่หนังสือแจ้ง สตง."))
    case.sao_notified_on, case.sao_reference = notified_on, _text(reference, 100)
    case.status = DisposalCase.Status.REPORTED
    case.save()
    _log_case("disposal.report_sao", case, actor, notified_on=notified_on.isoformat(), reference=case.sao_reference,
              late=notified_on > sao_due(case))
    return case


@transaction.atomic
def disposal_cancel(*, actor, case: DisposalCase, reason: str):
    case = _disposal_move(case, DisposalCase.Status.CANCELLED)
    roles.require(actor, "disposal.approve" if case.status == DisposalCase.Status.APPROVED else "disposal.manage")
    if not _text(reason):
        raise ValidationError(_("กรุณาระบุเหตุผลที่ยกเลิก"))
    case.cancel_reason, case.status = _text(reason), DisposalCase.Status.CANCELLED
    case.save()
    _log_case("disposal.cancel", case, actor, reason=case.cancel_reason)
    return case
