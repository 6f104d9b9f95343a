"""Every write to a procurement (DOMAIN.md section 6), one logged service per move.

planned → announced → bids received → awarded → contracted → delivered → accepted → closed, and
cancelled (with a reason) before a contract. The specific method (วิธีเฉพาะเจาะจง) has no invitation:
it may take its offer straight from planned. Using the specific method above the organisation's limit
(500,000 baht by default, editable) needs a recorded reason. Acceptance of durable-goods lines registers
their assets in one step, linked back to the procurement.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from activity import log
from assets.models import AcquisitionMethod, Asset
from assets.numbering import compact_number, number_key
from assets.selectors import search_assets
from assets.services import assets_register_bulk
from organization import roles
from organization.models import Organization
from thai.dates import fiscal_year as fiscal_year_of, fiscal_year_bounds, format_date
from thai.digits import to_arabic_digits

from .disclosure import month_label
from .models import Bid, Delivery, Item, LinkedAsset, Method, Procurement, Publication

S = Procurement.Status
TRANSITIONS: dict[str, set[str]] = {
    S.PLANNED: {S.ANNOUNCED, S.BIDS_RECEIVED, S.CANCELLED},
    S.ANNOUNCED: {S.BIDS_RECEIVED, S.CANCELLED},
    S.BIDS_RECEIVED: {S.AWARDED, S.CANCELLED},
    S.AWARDED: {S.CONTRACTED, S.CANCELLED},
    S.CONTRACTED: {S.DELIVERED},
    S.DELIVERED: {S.ACCEPTED},
    S.ACCEPTED: {S.CLOSED},
}
EDITABLE_STATUSES = (S.PLANNED, S.ANNOUNCED)
FIELDS = ("fiscal_year", "title", "project_type", "division", "need", "justification", "budget_type", "budget_line",
          "amount", "reference_price", "reference_source", "method", "over_limit_reason", "planned_month", "egp_number")
DEFAULT_SPECIFIC_LIMIT = Decimal("500000.00")
MAX_ITEMS_QUANTITY = 5000  # one acceptance registers at most this many assets


def specific_limit() -> Decimal:
    limit = Organization.objects.filter(pk=1).values_list("specific_method_limit", flat=True).first()
    return limit if limit is not None else DEFAULT_SPECIFIC_LIMIT


def _check_move(procurement: Procurement, to: str) -> None:
    if to not in TRANSITIONS.get(procurement.status, set()):
        raise ValidationError(_("ทำรายการนี้ไม่ได้: “%(title)s” มีสถานะ “%(status)s”")
                              % {"title": procurement.title[:80], "status": procurement.get_status_display()})
    if procurement.status == S.PLANNED and to == S.BIDS_RECEIVED and procurement.method != Method.SPECIFIC:
        raise ValidationError(_("วิธีนี้ต้องประกาศเชิญชวนก่อนรับข้อเสนอ (ยกเว้นวิธีเฉพาะเจาะจง)"))


def _locked(procurement: Procurement) -> Procurement:
    return Procurement.objects.select_for_update().get(pk=procurement.pk)


def _log(action: str, procurement: Procurement, actor, *, assets=(), **details) -> None:
    log.record(action, obj=procurement, actor=actor, assets=assets, division_id=procurement.division_id,
               details={"status": procurement.status, **details})


def _money(value, label: str, *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError(_("กรุณากรอก%(label)s") % {"label": label})
        return None
    try:
        value = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError(_("%(label)s ต้องเป็นตัวเลข") % {"label": label}) from None
    if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
        raise ValidationError(_("%(label)s ไม่ถูกต้อง") % {"label": label})
    return value.quantize(Decimal("0.01"))


def _date(value, label: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationError(_("กรุณากรอก%(label)s") % {"label": label})
    return value


# --- checks and warnings -------------------------------------------------------------------------------

def check_fields(fields: dict) -> dict:
    """Validate a procurement's own fields (for create, update and the e-GP import); returns them cleaned."""
    fields = dict(fields)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    fields["title"] = (fields.get("title") or "").strip()[:500]
    if not fields["title"]:
        raise ValidationError(_("กรุณากรอกงานที่จัดซื้อหรือจัดจ้าง"))
    year = fields.get("fiscal_year")
    if not isinstance(year, int) or not 2400 <= year <= 2700:
        raise ValidationError(_("ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2568"))
    fields["amount"] = _money(fields.get("amount"), _("วงเงินที่จะซื้อหรือจ้าง"))
    fields["reference_price"] = _money(fields.get("reference_price"), _("ราคากลาง"), required=False)
    if fields.get("method") not in Method.values:
        raise ValidationError(_("กรุณาเลือกวิธีซื้อหรือจ้าง"))
    fields["over_limit_reason"] = (fields.get("over_limit_reason") or "").strip()
    if fields["method"] == Method.SPECIFIC and fields["amount"] > specific_limit() and not fields["over_limit_reason"]:
        raise ValidationError(_("วิธีเฉพาะเจาะจงใช้ได้ไม่เกินวงเงิน %(limit)s บาท: เกินวงเงินต้องบันทึกเหตุผล")
                              % {"limit": f"{specific_limit():,.2f}"})
    egp = to_arabic_digits((fields.get("egp_number") or "").strip())
    if egp and not (egp.isascii() and egp.isdigit()):
        raise ValidationError(_("เลขที่โครงการ e-GP ต้องเป็นตัวเลข"))
    fields["egp_number"] = egp
    return fields


def price_warnings(procurement: Procurement) -> list[str]:
    """What a reader should notice about the prices (shown on the page; nothing is refused)."""
    warnings = []
    agreed, amount, reference = procurement.agreed_price, procurement.amount, procurement.reference_price
    if agreed is not None and amount is not None and agreed > amount:
        warnings.append(_("ราคาที่ตกลง %(agreed)s บาท สูงกว่าวงเงิน %(amount)s บาท")
                        % {"agreed": f"{agreed:,.2f}", "amount": f"{amount:,.2f}"})
    if agreed is not None and reference is not None and agreed > reference:
        warnings.append(_("ราคาที่ตกลง %(agreed)s บาท สูงกว่าราคากลาง %(reference)s บาท")
                        % {"agreed": f"{agreed:,.2f}", "reference": f"{reference:,.2f}"})
    if reference is None and procurement.status not in (S.PLANNED, S.CANCELLED):
        warnings.append(_("ยังไม่ได้บันทึกราคากลาง (ต้องมีราคากลางทุกรายการ)"))
    items_total = sum((item.total for item in procurement.items.all()), Decimal("0.00")) if procurement.pk else 0
    if agreed is not None and items_total and items_total != agreed:
        warnings.append(_("รวมราคาของรายการที่จัดหา %(items)s บาท ไม่เท่ากับราคาที่ตกลง %(agreed)s บาท: "
                          "ครุภัณฑ์ที่ตรวจรับจะลงทะเบียนตามราคาต่อหน่วยของรายการ")
                        % {"items": f"{items_total:,.2f}", "agreed": f"{agreed:,.2f}"})
    if reference is not None and amount and reference > amount:
        warnings.append(_("ราคากลาง %(reference)s บาท สูงกว่าวงเงิน %(amount)s บาท")
                        % {"reference": f"{reference:,.2f}", "amount": f"{amount:,.2f}"})
    winner = procurement.winner if procurement.winner_id else None
    if agreed is not None and winner is not None and agreed > winner.price:
        warnings.append(_("ราคาที่ตกลง %(agreed)s บาท สูงกว่าราคาที่ %(bidder)s เสนอ %(offer)s บาท")
                        % {"agreed": f"{agreed:,.2f}", "bidder": winner.bidder, "offer": f"{winner.price:,.2f}"})
    return warnings


def _check_items(items: list[dict]) -> list[Item]:
    built = []
    total_quantity = 0
    for number, row in enumerate(items, start=1):
        description = (row.get("description") or "").strip()[:300]
        if not description:
            raise ValidationError(_("รายการที่ %(n)s: กรุณากรอกรายการ") % {"n": number})
        kind = row.get("kind") or Item.Kind.DURABLE
        if kind not in Item.Kind.values:
            raise ValidationError(_("รายการที่ %(n)s: ประเภทไม่ถูกต้อง") % {"n": number})
        category = row.get("category")
        if kind == Item.Kind.DURABLE and category is None:
            raise ValidationError(_("รายการที่ %(n)s: ครุภัณฑ์ต้องระบุประเภทครุภัณฑ์") % {"n": number})
        quantity = row.get("quantity")
        if not isinstance(quantity, int) or quantity < 1:
            raise ValidationError(_("รายการที่ %(n)s: จำนวนต้องเป็นจำนวนเต็มตั้งแต่ 1") % {"n": number})
        total_quantity += quantity if kind == Item.Kind.DURABLE else 0
        unit_price = _money(row.get("unit_price"), _("ราคาต่อหน่วย"))
        built.append(Item(description=description, kind=kind, category=category if kind == Item.Kind.DURABLE else None,
                          quantity=quantity, unit=(row.get("unit") or "").strip()[:30] or _("หน่วย"),
                          unit_price=unit_price))
    if total_quantity > MAX_ITEMS_QUANTITY:
        raise ValidationError(_("ครุภัณฑ์รวมเกิน %(n)s หน่วยต่อการจัดซื้อหนึ่งครั้ง") % {"n": f"{MAX_ITEMS_QUANTITY:,}"})
    return built


# --- asset numbers named in a title ----------------------------------------------------------------

# Titles name the assets a repair is for in the ways municipalities write them (seen in e-GP open data):
# "หมายเลขครุภัณฑ์ ๐๐๑-๕๑-๐๐๐๓", "รหัส ๔๑๗ ๖๐ ๐๐๐๕", "รหัสครุภัณฑ์ ๔๑๖ ๖๓ ๐๐๖๑", "หมายเลข ๔๘๐-๕๗-๐๐๐๗ และหมายเลข
# ๔๘๐-๕๗-๐๐๑๑", "รหัสพัสดุ 714-65-0002", "หมายเลข นค ๔๔๒-๕๗-๐๐๐๑", "รหัสสินทรัพย์ ๔๐๒-๕๒๑๐๒๗-๐๐๐๐๑". A vehicle's
# registration ("หมายเลขทะเบียน กข 1234") is not an asset number.
_ANCHOR = re.compile(r"ครุภัณฑ์|รหัสพัสดุ|รหัสสินทรัพย์|รหัส|หมายเลข(?!ทะเบียน)")
_GAP = re.compile(r"[\s,:(]*(?:(?:และ|หมายเลข(?!ทะเบียน)|เลขที่|เลข|รหัส|ครุภัณฑ์|พัสดุ|สินทรัพย์|,)[\s,:]*)*")
_PREFIX = r"(?:[ก-ฮ]{1,3}\.?\s?)?"  # a series written before the number ("นค ๔๔๒-๕๗-๐๐๐๑")
_PART = r"[0-9๐-๙A-Za-z]{1,8}"
_DASHED = re.compile(rf"{_PREFIX}{_PART}(?:\s?[-.]\s?{_PART}){{1,5}}")
_SPACED = re.compile(rf"{_PREFIX}[0-9๐-๙]{{2,6}}(?: [0-9๐-๙]{{2,6}}){{2,4}}(?![0-9๐-๙])")
_AROUND_SEPARATOR = re.compile(r"\s*([-.])\s*")


def asset_numbers_in(title: str) -> list[str]:
    """Asset numbers a title names after ครุภัณฑ์, รหัส, รหัสพัสดุ, รหัสสินทรัพย์ or หมายเลข, in Thai or Arabic
    digits, as written (spaces around a dash dropped); each list ends at the first other word."""
    title = title or ""
    found = []
    for match in _ANCHOR.finditer(title):
        position = match.end()
        while True:
            position = _GAP.match(title, position).end()
            number = _DASHED.match(title, position) or _SPACED.match(title, position)
            if number is None:
                break
            text = _AROUND_SEPARATOR.sub(r"\1", re.sub(r"\s+", " ", number.group().strip()))
            if any(ch.isdigit() for ch in text) and text not in found:
                found.append(text)
            position = number.end()
    return found


_SERIES = re.compile(r"^[ก-ฮ]{1,3}\.?\s?(?=[0-9๐-๙])")


def assets_named(numbers: list[str]) -> dict[str, Asset | None]:
    """The register's asset for each number a title names, or None: the number as written (Thai and Arabic digits
    alike), else the one asset whose number reads the same without separators (๔๑๗ ๖๐ ๐๐๐๕ is 417-60-0005), else
    the same without a series written before it. One query for all exact matches; one per number not found so."""
    keys = sorted({number_key(number) for number in numbers})
    exact = {}
    for start in range(0, len(keys), 500):
        exact.update({asset.number_key: asset for asset in Asset.objects.filter(number_key__in=keys[start:start + 500])})
    found: dict[str, Asset | None] = {}
    for number in numbers:
        asset = exact.get(number_key(number))
        for candidate in (number, _SERIES.sub("", number)):
            if asset is not None:
                break
            compact = compact_number(candidate)
            if len(compact) < 6 or not compact.isalnum():
                continue
            matches = [asset for asset in search_assets(Asset.objects.all(), compact).order_by("number_key")[:5]
                       if compact_number(asset.number) == compact]
            asset = matches[0] if len(matches) == 1 else None
        found[number] = asset
    return found


def link_named_assets(procurement: Procurement, *, actor=None) -> list[Asset]:
    """Link the assets the title names (a repair) to the procurement; returns the assets newly linked."""
    named = assets_named(asset_numbers_in(procurement.title))
    assets = list({asset.pk: asset for asset in named.values() if asset is not None}.values())
    if not assets:
        return []
    known = set(LinkedAsset.objects.filter(procurement=procurement).values_list("asset_id", flat=True))
    new = [asset for asset in assets if asset.pk not in known]
    LinkedAsset.objects.bulk_create([LinkedAsset(procurement=procurement, asset=asset, kind=LinkedAsset.Kind.REPAIR)
                                     for asset in new])
    if new:
        _log("procurement.link_assets", procurement, actor, assets=[asset.pk for asset in new],
             numbers=[asset.number for asset in new])
    return new


# --- the moves -------------------------------------------------------------------------------------------

@transaction.atomic
def procurement_create(*, actor, items: list[dict] = (), **fields) -> Procurement:
    roles.require(actor, "procurement.manage")
    fields = check_fields(fields)
    built = _check_items(list(items))
    procurement = Procurement(created_by=actor, **fields)
    try:
        with transaction.atomic():
            procurement.save()
    except IntegrityError:
        raise ValidationError(_("เลขที่โครงการ e-GP %(number)s มีอยู่แล้ว") % {"number": fields["egp_number"]}) from None
    for item in built:
        item.procurement = procurement
    Item.objects.bulk_create(built)
    _log("procurement.create", procurement, actor, title=procurement.title, amount=str(procurement.amount),
         method=procurement.method, fiscal_year=procurement.fiscal_year, items=len(built))
    link_named_assets(procurement, actor=actor)
    return procurement


@transaction.atomic
def procurement_update(*, actor, procurement: Procurement, items: list[dict] | None = None, **fields) -> Procurement:
    """Change the plan's fields (and its items) while it is planned or announced."""
    roles.require(actor, "procurement.manage")
    procurement = _locked(procurement)
    if procurement.status not in EDITABLE_STATUSES:
        raise ValidationError(_("แก้ไขได้เฉพาะรายการที่อยู่ในแผนหรือประกาศแล้วเท่านั้น"))
    current = {name: getattr(procurement, name) for name in FIELDS}
    fields = check_fields({**current, **fields})
    changes = {name: [str(current[name]) if current[name] is not None else None,
                      str(value) if value is not None else None]
               for name, value in fields.items() if current[name] != value}
    for name, value in fields.items():
        setattr(procurement, name, value)
    if items is not None:
        built = _check_items(list(items))
        procurement.items.all().delete()
        for item in built:
            item.procurement = procurement
        Item.objects.bulk_create(built)
        changes["items"] = len(built)
    if not changes:
        return procurement
    try:
        with transaction.atomic():
            procurement.save()
    except IntegrityError:
        raise ValidationError(_("เลขที่โครงการ e-GP %(number)s มีอยู่แล้ว") % {"number": fields["egp_number"]}) from None
    _log("procurement.update", procurement, actor, changes=changes)
    link_named_assets(procurement, actor=actor)
    return procurement


def _plain(value, limit: int) -> str:
    """Typed text as stored: one line, trimmed, cut to its column, without NUL characters."""
    return " ".join((value or "").replace("\x00", "").split())[:limit]


def _require_reference_price(procurement: Procurement) -> None:
    """ราคากลาง is recorded for every procurement (DOMAIN.md section 6): at the latest before it is announced or
    offers are taken, while the procurement can still be edited."""
    if procurement.reference_price is None:
        raise ValidationError(_("ยังไม่ได้บันทึกราคากลาง: กรุณาแก้ไขรายการและกรอกราคากลางก่อนประกาศหรือรับการเสนอราคา"))


@transaction.atomic
def procurement_announce(*, actor, procurement: Procurement, announced_on: dt.date) -> Procurement:
    roles.require(actor, "procurement.manage")
    procurement = _locked(procurement)
    _check_move(procurement, S.ANNOUNCED)
    _require_reference_price(procurement)
    procurement.announced_on = _date(announced_on, _("วันที่ประกาศ"))
    if procurement.announced_on > timezone.localdate():
        raise ValidationError(_("วันที่ประกาศต้องไม่เป็นวันในอนาคต"))
    procurement.status = S.ANNOUNCED
    procurement.save()
    _log("procurement.announce", procurement, actor, announced_on=procurement.announced_on.isoformat())
    return procurement


def _tax_id(text: str) -> str:
    """A taxpayer (juristic person) ID: 13 digits, Thai digits, spaces and dashes accepted; "" when not given."""
    tax_id = re.sub(r"[\s\-]", "", to_arabic_digits(text or ""))
    if tax_id and not (tax_id.isascii() and tax_id.isdigit() and len(tax_id) == 13):
        raise ValidationError(_("เลขประจำตัวผู้เสียภาษีต้องเป็นตัวเลข 13 หลัก"))
    return tax_id


@transaction.atomic
def bid_add(*, actor, procurement: Procurement, bidder: str, price, tax_id: str = "", address: str = "",
            phone: str = "") -> Bid:
    """Record an offer (the first one moves the procurement to bids received)."""
    roles.require(actor, "procurement.manage")
    procurement = _locked(procurement)
    if procurement.status != S.BIDS_RECEIVED:
        _check_move(procurement, S.BIDS_RECEIVED)
        _require_reference_price(procurement)
    bidder = _plain(bidder, 300)
    if not bidder:
        raise ValidationError(_("กรุณากรอกชื่อผู้เสนอราคา"))
    if procurement.bids.filter(bidder=bidder).exists():
        raise ValidationError(_("บันทึกการเสนอราคาของ %(bidder)s ไว้แล้ว (หนึ่งรายเสนอได้หนึ่งราคา)") % {"bidder": bidder})
    tax_id = _tax_id(tax_id)
    bid = Bid.objects.create(procurement=procurement, bidder=bidder, tax_id=tax_id,
                             address=_plain(address, 300), phone=_plain(phone, 50), price=_money(price, _("ราคาที่เสนอ")))
    procurement.status = S.BIDS_RECEIVED
    procurement.save(update_fields=["status", "updated_at"])
    _log("procurement.bid", procurement, actor, bidder=bid.bidder, price=str(bid.price))
    return bid


@transaction.atomic
def procurement_award(*, actor, procurement: Procurement, winner: Bid, agreed_price, selection_reason: str):
    """Select the winner and the agreed price; returns the price warnings (agreed above the amount or the
    reference price), which are logged too."""
    roles.require(actor, "procurement.manage")
    procurement = _locked(procurement)
    _check_move(procurement, S.AWARDED)
    if winner is None or winner.procurement_id != procurement.pk:
        raise ValidationError(_("กรุณาเลือกผู้ได้รับการคัดเลือกจากผู้เสนอราคาของรายการนี้"))
    if not (selection_reason or "").strip():
        raise ValidationError(_("กรุณากรอกเหตุผลที่คัดเลือก"))
    procurement.winner = winner
    procurement.agreed_price = _money(agreed_price, _("ราคาที่ตกลงซื้อหรือจ้าง"))
    procurement.selection_reason = selection_reason.strip()[:2000]
    procurement.status = S.AWARDED
    procurement.save()
    warnings = price_warnings(procurement)
    _log("procurement.award", procurement, actor, winner=winner.bidder, agreed_price=str(procurement.agreed_price),
         reason=procurement.selection_reason, warnings=warnings)
    return procurement, warnings


RESULT_STATUSES = (S.AWARDED, S.CONTRACTED, S.DELIVERED, S.ACCEPTED, S.CLOSED)


@transaction.atomic
def procurement_result_record(*, actor, procurement: Procurement, bidder: str, price, selection_reason: str,
                              tax_id: str = "") -> Procurement:
    """The result of a procurement that went past the award without one recorded here (an e-GP file that names
    no winner): the selected supplier and the agreed price, so that its สขร.1 line and the public page are
    complete. A result already recorded is never replaced."""
    roles.require(actor, "procurement.manage")
    procurement = _locked(procurement)
    if procurement.status not in RESULT_STATUSES:
        raise ValidationError(_("บันทึกผลได้เมื่อรายการผ่านการคัดเลือกแล้ว (สถานะ “%(status)s”): "
                                "ให้บันทึกผู้เสนอราคาและผู้ได้รับการคัดเลือกตามขั้นตอน") % {
            "status": procurement.get_status_display()})
    if procurement.winner_id is not None:
        raise ValidationError(_("บันทึกผู้ได้รับการคัดเลือกของรายการนี้ไว้แล้ว"))
    bidder = _plain(bidder, 300)
    if not bidder:
        raise ValidationError(_("กรุณากรอกชื่อผู้ได้รับการคัดเลือก"))
    reason = _plain(selection_reason, 2000)
    if not reason:
        raise ValidationError(_("กรุณากรอกเหตุผลที่คัดเลือก"))
    tax_id = _tax_id(tax_id)
    price = _money(price, _("ราคาที่ตกลงซื้อหรือจ้าง"))
    before = procurement.agreed_price
    procurement.winner = Bid.objects.create(procurement=procurement, bidder=bidder, tax_id=tax_id, price=price)
    procurement.agreed_price = price
    procurement.selection_reason = reason
    procurement.save()
    _log("procurement.result", procurement, actor, winner=bidder, tax_id=tax_id, reason=reason,
         agreed_price=[str(before) if before is not None else None, str(price)])
    return procurement


@transaction.atomic
def procurement_plan_mark(*, actor, procurement: Procurement, in_plan: bool) -> Procurement:
    """Count a procurement in the annual plan, or leave it out (the e-GP import creates them left out)."""
    roles.require(actor, "procurement.manage")
    procurement = _locked(procurement)
    if procurement.status == S.CANCELLED:
        raise ValidationError(_("รายการนี้ยกเลิกแล้ว"))
    if procurement.in_plan != bool(in_plan):
        procurement.in_plan = bool(in_plan)
        procurement.save(update_fields=["in_plan", "updated_at"])
        _log("procurement.plan_mark", procurement, actor, in_plan=procurement.in_plan)
    return procurement


@transaction.atomic
def procurement_contract(*, actor, procurement: Procurement, contract_number: str, contract_date: dt.date,
                         delivery_due: dt.date, penalty_rate) -> Procurement:
    roles.require(actor, "procurement.manage")
    procurement = _locked(procurement)
    completing = procurement.status == S.CONTRACTED and procurement.delivery_due is None  # imported from e-GP
    if not completing:
        _check_move(procurement, S.CONTRACTED)
    if not (contract_number or "").strip():
        raise ValidationError(_("กรุณากรอกเลขที่สัญญาหรือใบสั่ง"))
    contract_date = _date(contract_date, _("วันที่สัญญาหรือใบสั่ง"))
    delivery_due = _date(delivery_due, _("กำหนดส่งมอบ"))
    if delivery_due < contract_date:
        raise ValidationError(_("กำหนดส่งมอบต้องไม่ก่อนวันที่สัญญา"))
    if contract_date > timezone.localdate():
        raise ValidationError(_("วันที่สัญญาหรือใบสั่งต้องไม่เป็นวันในอนาคต"))
    if procurement.announced_on and contract_date < procurement.announced_on:
        raise ValidationError(_("วันที่สัญญาหรือใบสั่งต้องไม่ก่อนวันที่ประกาศ (%(day)s)")
                              % {"day": format_date(procurement.announced_on)})
    rate = _money(penalty_rate, _("อัตราค่าปรับรายวัน"))
    if rate > 100:
        raise ValidationError(_("อัตราค่าปรับรายวันเป็นร้อยละ ต้องไม่เกิน 100"))
    procurement.contract_number = contract_number.strip()[:100]
    procurement.contract_date, procurement.delivery_due, procurement.penalty_rate = contract_date, delivery_due, rate
    procurement.status = S.CONTRACTED
    procurement.save()
    _log("procurement.contract", procurement, actor, contract_number=procurement.contract_number,
         contract_date=contract_date.isoformat(), delivery_due=delivery_due.isoformat(), penalty_rate=str(rate))
    return procurement


def delivered_total(procurement: Procurement) -> Decimal:
    return procurement.deliveries.aggregate(total=Sum("value"))["total"] or Decimal("0.00")


@transaction.atomic
def delivery_record(*, actor, procurement: Procurement, delivered_on: dt.date, value, note: str = "") -> Delivery:
    """A delivery against the contract; when the deliveries reach the agreed price it is delivered in full."""
    roles.require(actor, "procurement.manage")
    procurement = _locked(procurement)
    if procurement.status != S.CONTRACTED:
        raise ValidationError(_("บันทึกการส่งมอบได้เมื่อลงนามสัญญาแล้วและยังส่งมอบไม่ครบเท่านั้น"))
    if procurement.delivery_due is None or procurement.penalty_rate is None or procurement.agreed_price is None:
        raise ValidationError(_("กรุณาบันทึกสัญญา (กำหนดส่งมอบและอัตราค่าปรับ) ก่อนบันทึกการส่งมอบ"))
    delivered_on = _date(delivered_on, _("วันที่ส่งมอบ"))
    if delivered_on > timezone.localdate():
        raise ValidationError(_("วันที่ส่งมอบต้องไม่เป็นวันในอนาคต"))
    if delivered_on < procurement.contract_date:
        raise ValidationError(_("วันที่ส่งมอบต้องไม่ก่อนวันที่สัญญา"))
    value = _money(value, _("มูลค่าที่ส่งมอบ"))
    if value <= 0:
        raise ValidationError(_("มูลค่าที่ส่งมอบต้องมากกว่าศูนย์"))
    outstanding = procurement.agreed_price - delivered_total(procurement)
    if value > outstanding:
        raise ValidationError(_("มูลค่าที่ส่งมอบเกินมูลค่าที่ยังไม่ได้ส่งมอบ (%(left)s บาท)") % {"left": f"{outstanding:,.2f}"})
    delivery = Delivery.objects.create(procurement=procurement, delivered_on=delivered_on, value=value,
                                       note=(note or "").strip()[:500], recorded_by=actor)
    if value == outstanding:
        procurement.status = S.DELIVERED
        procurement.save(update_fields=["status", "updated_at"])
    _log("procurement.delivery", procurement, actor, delivered_on=delivered_on.isoformat(), value=str(value),
         late_days=max(0, (delivered_on - procurement.delivery_due).days))
    return delivery


@dataclass
class PenaltyLine:
    value: Decimal  # value delivered late (or still not delivered)
    days_late: int
    rate: Decimal  # per cent a day
    amount: Decimal
    delivered_on: dt.date | None  # None: not delivered yet, counted up to `as_of`


@dataclass
class Penalty:
    lines: list[PenaltyLine]
    total: Decimal


def penalty(procurement: Procurement, *, as_of: dt.date | None = None) -> Penalty:
    """Daily rate × value not delivered on time × days late, per late delivery; what is still not delivered
    counts up to `as_of` (today). Rounded to satang per line."""
    if not (procurement.delivery_due and procurement.penalty_rate is not None and procurement.agreed_price is not None):
        return Penalty([], Decimal("0.00"))
    rate = procurement.penalty_rate
    lines = []
    for delivery in procurement.deliveries.order_by("delivered_on", "id"):
        days = (delivery.delivered_on - procurement.delivery_due).days
        if days > 0:
            lines.append(PenaltyLine(delivery.value, days, rate, _penalty_amount(delivery.value, rate, days),
                                     delivery.delivered_on))
    outstanding = procurement.agreed_price - delivered_total(procurement)
    if as_of is not None and outstanding > 0 and procurement.status == S.CONTRACTED:
        days = (as_of - procurement.delivery_due).days
        if days > 0:
            lines.append(PenaltyLine(outstanding, days, rate, _penalty_amount(outstanding, rate, days), None))
    return Penalty(lines, sum((line.amount for line in lines), Decimal("0.00")))


def _penalty_amount(value: Decimal, rate_percent: Decimal, days: int) -> Decimal:
    return (value * rate_percent / Decimal(100) * days).quantize(Decimal("0.01"))


@transaction.atomic
def procurement_accept(*, actor, procurement: Procurement, accepted_on: dt.date, committee: str) -> list[Asset]:
    """The acceptance committee accepts the delivery. Each durable-goods line of quantity N registers N assets
    (numbers allocated; unit price, vendor, contract number, budget type, acquisition date, the requesting
    division), linked back to the procurement; supplies lines are recorded as received."""
    roles.require(actor, "procurement.manage")
    procurement = _locked(procurement)
    _check_move(procurement, S.ACCEPTED)
    accepted_on = _date(accepted_on, _("วันที่ตรวจรับ"))
    if accepted_on > timezone.localdate():
        raise ValidationError(_("วันที่ตรวจรับต้องไม่เป็นวันในอนาคต"))
    if not roles.can(actor, "asset.register"):
        raise ValidationError(_("การตรวจรับลงทะเบียนครุภัณฑ์: ต้องบันทึกโดยเจ้าหน้าที่พัสดุหรือผู้ดูแลระบบ"))
    last_delivery = procurement.deliveries.order_by("-delivered_on").values_list("delivered_on", flat=True).first()
    if last_delivery and accepted_on < last_delivery:
        raise ValidationError(_("วันที่ตรวจรับต้องไม่ก่อนวันที่ส่งมอบ"))
    if not (committee or "").strip():
        raise ValidationError(_("กรุณากรอกรายชื่อคณะกรรมการตรวจรับพัสดุ"))
    items = list(procurement.items.select_related("category"))
    durable = [item for item in items if item.kind == Item.Kind.DURABLE]
    if durable and procurement.division_id is None:
        raise ValidationError(_("กรุณาระบุกองที่ขอ: ครุภัณฑ์ที่ตรวจรับจะลงทะเบียนในกองนั้น"))
    winner = procurement.winner
    vendor = {"vendor_name": winner.bidder[:200], "vendor_address": winner.address,
              "vendor_phone": winner.phone} if winner else {"vendor_name": ""}
    method = AcquisitionMethod.objects.filter(code="HIRE" if procurement.project_type.startswith("จ้าง") else "BUY").first()
    rows, row_items = [], []
    for item in durable:
        for _n in range(item.quantity):
            rows.append({"name": item.description, "category": item.category, "division": procurement.division,
                         "acquired_on": accepted_on, "acquisition_method": method, "budget_type": procurement.budget_type,
                         "document_number": procurement.contract_number, **vendor,
                         "unit": item.unit, "unit_price": item.unit_price,
                         "useful_life_years": item.category.useful_life_years,
                         "notes": _("จากการจัดซื้อจัดจ้าง: %(title)s") % {"title": procurement.title[:200]}})
            row_items.append(item)
    assets = assets_register_bulk(actor=actor, rows=rows) if rows else []
    LinkedAsset.objects.bulk_create([LinkedAsset(procurement=procurement, asset=asset, kind=LinkedAsset.Kind.ACQUIRED,
                                                 item=item) for asset, item in zip(assets, row_items)])
    for item in items:
        item.received_quantity = item.quantity
    Item.objects.bulk_update(items, ["received_quantity"])
    procurement.accepted_on, procurement.acceptance_committee = accepted_on, committee.strip()[:2000]
    procurement.status = S.ACCEPTED
    procurement.save()
    _log("procurement.accept", procurement, actor, assets=[asset.pk for asset in assets],
         accepted_on=accepted_on.isoformat(), committee=procurement.acceptance_committee,
         registered=len(assets), supplies=[f"{item.description} {item.quantity} {item.unit}" for item in items
                                           if item.kind == Item.Kind.SUPPLIES])
    return assets


@transaction.atomic
def procurement_close(*, actor, procurement: Procurement) -> Procurement:
    roles.require(actor, "procurement.manage")
    procurement = _locked(procurement)
    _check_move(procurement, S.CLOSED)
    procurement.status = S.CLOSED
    procurement.save(update_fields=["status", "updated_at"])
    _log("procurement.close", procurement, actor)
    return procurement


@transaction.atomic
def procurement_cancel(*, actor, procurement: Procurement, reason: str) -> Procurement:
    roles.require(actor, "procurement.manage")
    procurement = _locked(procurement)
    _check_move(procurement, S.CANCELLED)
    if not (reason or "").strip():
        raise ValidationError(_("กรุณาระบุเหตุผลที่ยกเลิก"))
    procurement.cancel_reason, procurement.status = reason.strip()[:2000], S.CANCELLED
    procurement.save()
    _log("procurement.cancel", procurement, actor, reason=procurement.cancel_reason)
    return procurement


# --- publication --------------------------------------------------------------------------------------

@transaction.atomic
def publication_record(*, actor, kind: str, fiscal_year: int, published_on: dt.date, where: str,
                       month: dt.date | None = None, procurement: Procurement | None = None,
                       file_name: str = "", content: bytes | None = None) -> Publication:
    """Record that a disclosure was published (when and where), keeping the file as it was published."""
    from django.core.files.base import ContentFile

    roles.require(actor, "procurement.publish")
    if kind not in Publication.Kind.values:
        raise ValidationError(_("ประเภทการเผยแพร่ไม่ถูกต้อง"))
    published_on = _date(published_on, _("วันที่เผยแพร่"))
    if published_on > timezone.localdate():
        raise ValidationError(_("วันที่เผยแพร่ต้องไม่เป็นวันในอนาคต"))
    where = (where or "").strip()[:500]
    if not where:
        raise ValidationError(_("กรุณาระบุช่องทางที่เผยแพร่ (URL หรือบอร์ดประชาสัมพันธ์)"))
    if kind == Publication.Kind.MONTHLY:
        if month is None:
            raise ValidationError(_("กรุณาระบุเดือน"))
        month = month.replace(day=1)
        fiscal_year = fiscal_year_of(month)
        last_day = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        if published_on < last_day:
            raise ValidationError(_("สขร.1 ประจำเดือน%(month)s สรุปผลทั้งเดือน เผยแพร่ก่อนวันสิ้นเดือน (%(day)s) ไม่ได้")
                                  % {"month": month_label(month), "day": format_date(last_day)})
    if kind == Publication.Kind.YEARLY:
        try:
            year_end = fiscal_year_bounds(int(fiscal_year))[1]
        except (TypeError, ValueError, OverflowError):
            raise ValidationError(_("กรุณาระบุปีงบประมาณ (พ.ศ.)")) from None
        if published_on < year_end:
            raise ValidationError(_("สรุปผลการจัดซื้อจัดจ้างประจำปีงบประมาณ %(year)s เผยแพร่ก่อนสิ้นปีงบประมาณ (%(day)s)"
                                    " ไม่ได้") % {"year": fiscal_year, "day": format_date(year_end)})
    if kind in (Publication.Kind.ANNOUNCEMENT, Publication.Kind.RESULT):
        if procurement is None:
            raise ValidationError(_("กรุณาระบุรายการจัดซื้อจัดจ้าง"))
        if kind == Publication.Kind.RESULT and procurement.winner_id is None:
            raise ValidationError(_("ยังไม่มีผู้ได้รับการคัดเลือก: ประกาศผลไม่ได้"))
        if kind == Publication.Kind.ANNOUNCEMENT and procurement.status == S.PLANNED:
            raise ValidationError(_("ยังไม่ได้ประกาศเชิญชวน"))
        if kind == Publication.Kind.ANNOUNCEMENT and procurement.announced_on and published_on < procurement.announced_on:
            raise ValidationError(_("เผยแพร่ประกาศเชิญชวนก่อนวันที่ประกาศ (%(day)s) ไม่ได้")
                                  % {"day": format_date(procurement.announced_on)})
        fiscal_year = procurement.fiscal_year
    publication = Publication(kind=kind, fiscal_year=fiscal_year, month=month, procurement=procurement,
                              published_on=published_on, where=where, published_by=actor)
    try:
        with transaction.atomic():
            publication.save()
    except IntegrityError:
        raise ValidationError(_("รายการนี้บันทึกการเผยแพร่ไว้แล้ว")) from None
    if content is not None:  # only once the row is in: a refused duplicate leaves no file behind
        publication.file.save(file_name or "published.pdf", ContentFile(content), save=True)
    log.record("procurement.publish", obj=publication, actor=actor,
               division_id=procurement.division_id if procurement else None,
               details={"kind": kind, "fiscal_year": fiscal_year, "month": month.isoformat() if month else None,
                        "procurement": procurement.pk if procurement else None, "where": where,
                        "published_on": published_on.isoformat()})
    return publication
