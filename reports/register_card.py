"""The register card (ทะเบียนคุมทรัพย์สิน) of an asset as a PDF, in the ledger layout of DOMAIN.md section 3.

A card is the header fields, then the ledger: the acquisition line, and one line per fiscal year of
depreciation (assets.depreciation.schedule), dated 30 September, the end of that fiscal year. Lines
dated after the day of printing are marked as projected. The cards of a register filter come as one
document, each card starting a page; the number of cards per request is capped (REGISTER_CARDS_MAX),
larger jobs are for a background task.

Figures are printed with Arabic digits by default (tables of money, DOMAIN.md section 8);
?digits=thai prints every number of the card in Thai digits.

Everything printed is formatted here into strings (dates in the Buddhist Era, money with two decimals
and thousands separators), so the template only places them and the tests can read the HTML.
"""

import datetime as dt
import logging
import os
from itertools import islice
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from assets.depreciation import annual_rate, schedule
from assets.filters import AssetFilter
from assets.models import Asset, Status as AssetStatus
from audits.models import DisposalCase, DisposalItem
from assets.selectors import assets_visible_to
from organization import roles
from organization.models import Organization
from thai.dates import fiscal_year_bounds, format_date
from thai.digits import to_thai_digits

from .pdf import html_to_pdf_parallel, render_pdf

TEMPLATE = "reports/register_card.html"
DEFAULT_CARDS_MAX = 300  # settings.REGISTER_CARDS_MAX overrides it; 300 cards take about 12 s on two cores
CHUNK_SIZE = 200  # assets read per database round trip
DIGITS_PARAM = "digits"
RELATED = ("category", "division", "location", "acquisition_method", "budget_type")
PARALLEL_FROM = 6  # cards; fewer are as quick in one process (measured: 4 cards 0.22 s either way)
MAX_WORKERS = 4

logger = logging.getLogger(__name__)


def cards_max() -> int:
    """How many cards one request may render (settings.REGISTER_CARDS_MAX, default 300)."""
    return int(getattr(settings, "REGISTER_CARDS_MAX", DEFAULT_CARDS_MAX))


# --- the ledger ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerLine:
    """One line of the ledger with raw values; columns that do not apply are None or empty."""

    date: dt.date
    description: str
    document: str = ""
    quantity: int | None = None
    unit: str = ""
    unit_price: Decimal | None = None
    total: Decimal | None = None
    life_years: int | None = None
    rate: Decimal | None = None
    charge: Decimal | None = None
    accumulated: Decimal | None = None
    net: Decimal | None = None
    note: str = ""


def acquisition_line(asset: Asset) -> LedgerLine:
    return LedgerLine(
        date=asset.acquired_on, document=asset.document_number, description=asset.name,
        quantity=1, unit=asset.unit, unit_price=asset.unit_price, total=asset.unit_price,
        life_years=asset.useful_life_years, rate=annual_rate(asset.useful_life_years),
    )


def depreciation_lines(asset: Asset, *, as_of: dt.date) -> list[LedgerLine]:
    """One line per fiscal year of the schedule, dated 30 September; a pro-rata first year says so, and
    years not yet ended on as_of are marked as projected."""
    lines = []
    for year in schedule(asset.unit_price, asset.useful_life_years, asset.acquired_on):
        start, end = fiscal_year_bounds(year.fiscal_year)
        notes = []
        if start < asset.acquired_on <= end:
            days = (end - asset.acquired_on).days + 1
            notes.append(_("คิดตามส่วน %(days)s วัน") % {"days": days})
        if end > as_of:
            notes.append(_("ประมาณการ"))
        lines.append(LedgerLine(
            date=end, description=_("ค่าเสื่อมราคาปีงบประมาณ %(year)s") % {"year": year.fiscal_year},
            charge=year.charge, accumulated=year.accumulated, net=year.net, note=" ".join(notes),
        ))
    return lines


def disposal_lines(assets: Iterable[Asset]) -> dict[int, LedgerLine]:
    """The line of each completed disposal (การจำหน่าย) among these assets, by asset id, in one query: the order,
    the method and to whom, the net value the asset had when it was proposed, and a net value of nil from then on.
    Only assets whose status is disposed are looked up."""
    disposed = {asset.pk: asset for asset in assets if asset.status == AssetStatus.DISPOSED}
    if not disposed:
        return {}
    lines = {}
    items = (DisposalItem.objects.select_related("case")
             .filter(asset_id__in=list(disposed), case__completed_on__isnull=False,
                     case__status__in=[DisposalCase.Status.COMPLETED, DisposalCase.Status.REPORTED])
             .order_by("case__completed_on", "id"))
    for item in items:  # the latest completed disposal of an asset wins
        case, asset = item.case, disposed[item.asset_id]
        description = _("จำหน่าย: %(method)s") % {"method": case.get_method_display()}
        if case.recipient:
            description = f"{description} ({case.recipient})"
        notes = [_("มูลค่าสุทธิเมื่อจำหน่าย %(value)s บาท") % {"value": f"{item.book_value:,.2f}"}]
        if case.proceeds is not None:
            notes.append(_("ได้เงิน %(value)s บาท") % {"value": f"{case.proceeds:,.2f}"})
        document = _("คำสั่งที่ %(number)s") % {"number": case.order_number} if case.order_number else ""
        lines[asset.pk] = LedgerLine(date=case.completed_on, document=document, description=description, quantity=1,
                                     unit=asset.unit, net=Decimal("0.00"), note=" ".join(notes))
    return lines


def ledger_lines(asset: Asset, *, as_of: dt.date, later: Iterable[LedgerLine] = (),
                 disposal: LedgerLine | None = None) -> list[LedgerLine]:
    """The acquisition, then the depreciation years, then `later`, all in date order.

    `later` holds the asset's other recorded events (a line on the same date as another comes after it). A
    completed disposal (disposal_lines) ends the card: its line comes last, and no depreciation year ending after
    it is printed."""
    years = depreciation_lines(asset, as_of=as_of)
    if disposal is not None:
        years = [line for line in years if line.date <= disposal.date]
    lines = [acquisition_line(asset), *years, *later, *([disposal] if disposal else [])]
    return sorted(lines, key=lambda line: line.date)  # stable: equal dates keep the order above


# --- what is printed -------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A ledger line as printed: the twelve columns as strings, in the order of the form."""

    date: str
    document: str
    description: str
    quantity: str
    unit_price: str
    total: str
    life: str
    rate: str
    charge: str
    accumulated: str
    net: str
    note: str


@dataclass(frozen=True)
class Card:
    """One asset's register card as printed: the header fields, then the ledger rows."""

    organization: str
    category: str
    number: str
    description: str
    model: str
    place: str
    vendor: str
    vendor_address: str
    vendor_phone: str
    budget_type: str
    acquisition_method: str
    rows: list[Row]


class _Format:
    """Strings for the card: BE dates, money with two decimals, every digit Thai when asked."""

    def __init__(self, *, thai_digits: bool):
        self.thai_digits = thai_digits

    def text(self, value) -> str:
        text = "" if value is None else str(value)
        return to_thai_digits(text) if self.thai_digits else text

    def date(self, value: dt.date | None) -> str:
        return self.text(format_date(value, "short")) if value else ""

    def money(self, value: Decimal | None) -> str:
        return self.text(f"{value:,.2f}") if value is not None else ""

    def row(self, line: LedgerLine) -> Row:
        return Row(
            date=self.date(line.date),
            document=self.text(line.document),
            description=self.text(line.description),
            quantity=self.text(f"{line.quantity:,} {line.unit}".strip()) if line.quantity is not None else "",
            unit_price=self.money(line.unit_price),
            total=self.money(line.total),
            life=self.text(_("%(years)s ปี") % {"years": line.life_years}) if line.life_years is not None else "",
            rate=self.text(f"{line.rate:.2f}%") if line.rate is not None else "",
            charge=self.money(line.charge),
            accumulated=self.money(line.accumulated),
            net=self.money(line.net),
            note=self.text(line.note),
        )


def _joined(*parts) -> str:
    return " / ".join(str(part) for part in parts if part)


def card_for(asset: Asset, *, organization_name: str, as_of: dt.date, thai_digits: bool = False,
             later: Iterable[LedgerLine] = (), disposal: LedgerLine | None = None) -> Card:
    """The card of an asset loaded with its category, division, location, acquisition method and budget type."""
    fmt = _Format(thai_digits=thai_digits)
    description = asset.name + (f"\n{asset.specification.strip()}" if asset.specification.strip() else "")
    model = asset.brand_model
    if asset.serial_number:
        model = _joined(model, _("หมายเลขเครื่อง %(serial)s") % {"serial": asset.serial_number})
    return Card(
        organization=fmt.text(_joined(organization_name, asset.division.name)),
        category=fmt.text(asset.category),
        number=fmt.text(asset.number),
        description=fmt.text(description),
        model=fmt.text(model),
        place=fmt.text(_joined(asset.location.name if asset.location else "", asset.division.name)),
        vendor=fmt.text(asset.vendor_name),
        vendor_address=fmt.text(asset.vendor_address),
        vendor_phone=fmt.text(asset.vendor_phone),
        budget_type=fmt.text(asset.budget_type.name if asset.budget_type else ""),
        acquisition_method=fmt.text(asset.acquisition_method.name if asset.acquisition_method else ""),
        rows=[fmt.row(line) for line in ledger_lines(asset, as_of=as_of, later=later, disposal=disposal)],
    )


def organization_name() -> str:
    return Organization.objects.filter(pk=1).values_list("name", flat=True).first() or ""


def cards_for(assets: Iterable[Asset], *, as_of: dt.date, thai_digits: bool = False,
              later_by_asset: Mapping[int, Sequence[LedgerLine]] | None = None) -> list[Card]:
    """Cards of assets (an iterable of loaded assets, e.g. a queryset's iterator); one query for the
    organisation's name. later_by_asset: further ledger lines by asset id (see ledger_lines)."""
    name = organization_name()
    later_by_asset = later_by_asset or {}
    cards, assets = [], iter(assets)
    while chunk := list(islice(assets, CHUNK_SIZE)):  # the disposals of each chunk in one query
        disposals = disposal_lines(chunk)
        cards += [card_for(asset, organization_name=name, as_of=as_of, thai_digits=thai_digits,
                           later=later_by_asset.get(asset.pk, ()), disposal=disposals.get(asset.pk))
                  for asset in chunk]
    return cards


def card_context(cards: list[Card], *, printed_on: dt.date, thai_digits: bool = False) -> dict:
    return {"cards": cards, "printed_on": _Format(thai_digits=thai_digits).date(printed_on), "thai_digits": thai_digits}


def card_html(cards: list[Card], *, printed_on: dt.date, thai_digits: bool = False) -> str:
    """The HTML that feeds the PDF (what the tests read)."""
    return render_to_string(TEMPLATE, card_context(cards, printed_on=printed_on, thai_digits=thai_digits))


def render_cards(cards: list[Card], *, printed_on: dt.date, thai_digits: bool = False,
                 workers: int | None = None) -> bytes:
    """The PDF of one or more cards, each starting a page, through the one renderer (reports.pdf).

    From PARALLEL_FROM cards on, runs of cards are laid out by parallel processes and the PDFs joined
    (a card costs about 70 ms of layout; see _render_parallel)."""
    workers = workers or min(os.cpu_count() or 1, MAX_WORKERS)
    if workers < 2 or len(cards) < PARALLEL_FROM:
        return render_pdf(TEMPLATE, card_context(cards, printed_on=printed_on, thai_digits=thai_digits))
    size = -(-len(cards) // workers)
    documents = [card_html(cards[start:start + size], printed_on=printed_on, thai_digits=thai_digits)
                 for start in range(0, len(cards), size)]
    try:
        return html_to_pdf_parallel(documents)
    except Exception:  # no processes to be had (limits, a broken pool): one process still gives the document
        logger.warning("register cards: parallel rendering failed, rendering in one process", exc_info=True)
        return render_pdf(TEMPLATE, card_context(cards, printed_on=printed_on, thai_digits=thai_digits))


def register_assets(queryset: QuerySet[Asset]) -> QuerySet[Asset]:
    """The assets of a register query, in number order, with everything a card prints joined in."""
    return queryset.select_related(*RELATED).order_by("number_key")


# --- views -----------------------------------------------------------------------------------


def _thai_digits(request) -> bool:
    return request.GET.get(DIGITS_PARAM) == "thai"


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _safe_filename_part(text: str) -> str:
    return "-".join(text.replace("/", " ").replace("\\", " ").split())


def asset_card(request, pk: int):
    """/assets/<pk>/card.pdf: the card of one asset, for whoever may view the register (others: 404)."""
    asset = get_object_or_404(register_assets(assets_visible_to(request.user)), pk=pk)
    today = timezone.localdate()
    thai_digits = _thai_digits(request)
    cards = cards_for([asset], as_of=today, thai_digits=thai_digits)
    content = render_cards(cards, printed_on=today, thai_digits=thai_digits)
    return _pdf_response(content, f"{_('ทะเบียนคุมทรัพย์สิน')}-{_safe_filename_part(asset.number)}.pdf")


def asset_cards(request):
    """/assets/cards.pdf?<filter>: the cards of every asset of a register filter as one document.

    Over REGISTER_CARDS_MAX assets (or none), the register list comes back with the same filter and a
    message saying what to do.
    """
    roles.require(request.user, "asset.view")
    asset_filter = AssetFilter(request.GET or None, queryset=assets_visible_to(request.user))
    assets = register_assets(asset_filter.qs)
    count = assets.count()
    limit = cards_max()
    if count > limit or count == 0:
        if count:
            messages.error(request, _(
                "พบครุภัณฑ์ %(count)s รายการ เกินกว่าที่พิมพ์ทะเบียนคุมได้ในครั้งเดียว (ไม่เกิน %(limit)s รายการ) "
                "กรุณากรองให้แคบลง เช่น เลือกกอง ประเภท สถานที่ หรือปีงบประมาณที่ได้มา แล้วพิมพ์ทีละชุด"
            ) % {"count": f"{count:,}", "limit": f"{limit:,}"})
        else:
            messages.info(request, _("ไม่พบครุภัณฑ์ตามตัวกรองนี้ จึงไม่มีทะเบียนคุมให้พิมพ์"))
        query = request.GET.copy()
        query.pop(DIGITS_PARAM, None)
        return redirect(reverse("assets:list") + (f"?{query.urlencode()}" if query else ""))
    today = timezone.localdate()
    thai_digits = _thai_digits(request)
    cards = cards_for(assets.iterator(chunk_size=CHUNK_SIZE), as_of=today, thai_digits=thai_digits)
    content = render_cards(cards, printed_on=today, thai_digits=thai_digits)
    stamp = f"{today.year + 543}-{today.month:02d}-{today.day:02d}"
    return _pdf_response(content, f"{_('ทะเบียนคุมทรัพย์สิน')}-{stamp}.pdf")
