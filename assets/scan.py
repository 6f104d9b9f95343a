"""The page a label's QR code opens (/a/<number>), light and phone-first, and the in-app scanner.

Anonymous visitors see only what a label says (number, name, municipality, that it is government
property, whom to contact) and a sign-in button that comes back here. Signed-in users see its
status, place and custodian, and the actions their role allows.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from organization import roles
from organization.models import Division, Location, Organization, User

from . import services
from .models import Status
from .numbering import compact_number, number_from_scan
from .selectors import asset_by_number, assets_visible_to, search_assets


SUGGESTIONS = 5


def _not_found(request, number: str):
    """Nothing has this number. A signed-in user is offered the assets whose number reads the same without its
    separators (๔๐๑ ๖๔ ๐๐๐๓ typed for 401-64-0003); anonymous visitors see only what a label says."""
    suggestions = []
    compact = compact_number(number)
    if request.user.is_authenticated and len(compact) >= 4 and compact.isalnum():
        suggestions = [asset for asset in search_assets(assets_visible_to(request.user), compact)
                       .order_by("number_key")[:SUGGESTIONS * 4] if compact_number(asset.number) == compact]
    return render(request, "assets/scan_not_found.html", {"number": number, "suggestions": suggestions[:SUGGESTIONS]},
                  status=404)


def scan_url(number: str) -> str:
    return reverse("scan", args=[number])


@login_not_required
def scan(request, number: str):
    """GET: the label's page (or, with ?do=transfer, the transfer form). POST: one of the actions."""
    asset, is_old_number = asset_by_number(number)
    if asset is None:
        return _not_found(request, number)
    if is_old_number:
        return redirect(scan_url(asset.number))
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{reverse('login')}?next={scan_url(asset.number)}")
        return _act(request, asset)
    if request.GET.get("do") == "transfer" and user.is_authenticated:
        return _transfer_form(request, asset)
    organization = Organization.objects.filter(pk=1).first()
    context = {"asset": asset, "organization": organization, "signed_in": user.is_authenticated}
    if user.is_authenticated:
        context.update(
            can_view=roles.can(user, "asset.view"),
            can_report_damage=roles.can(user, "asset.report_damage") and asset.status in services.DAMAGE_FROM,
            can_send_to_repair=roles.can(user, "asset.repair") and asset.status in services.REPAIR_FROM,
            can_return_from_repair=roles.can(user, "asset.repair") and asset.status == Status.UNDER_REPAIR,
            can_transfer=roles.can(user, "asset.transfer") and asset.status not in services.TRANSFER_BLOCKED,
            can_request_loan=roles.can(user, "loan.request") and asset.is_lendable
            and asset.status in (Status.IN_USE, Status.ON_LOAN),
        )
    return render(request, "assets/scan.html", context)


@login_not_required
def scan_lookup(request):
    """The text box of the scanner and of the not-found page: a typed number or a scanned URL."""
    number = number_from_scan(request.GET.get("number", ""))
    if not number:
        return redirect("scanner" if request.user.is_authenticated else "login")
    asset, _old = asset_by_number(number)
    if asset is None:
        return _not_found(request, number)
    return redirect(scan_url(asset.number))


def scanner(request):
    return render(request, "assets/scanner.html")


def _act(request, asset):
    """Run the posted action through its service; refusals come back as a message on the page."""
    action = request.POST.get("action")
    note = request.POST.get("note", "")
    actor = request.user
    moves = {
        "damage": (lambda: services.asset_report_damage(actor=actor, asset=asset, note=note),
                   _("แจ้งชำรุดแล้ว ขอบคุณที่แจ้ง")),
        "repair": (lambda: services.asset_send_to_repair(actor=actor, asset=asset, note=note),
                   _("บันทึกการส่งซ่อมแล้ว")),
        "repaired": (lambda: services.asset_return_from_repair(
            actor=actor, asset=asset, repaired=request.POST.get("repaired", "1") != "0", note=note),
                     _("บันทึกการรับคืนจากซ่อมแล้ว")),
        "transfer": (lambda: _transfer(request, asset), _("บันทึกการโอนย้ายแล้ว")),
    }
    if action not in moves:
        messages.error(request, _("ไม่รู้จักคำสั่งนี้"))
        return redirect(scan_url(asset.number))
    move, success = moves[action]
    try:
        move()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(scan_url(asset.number))


def _transfer(request, asset):
    division = _pick(Division.objects.filter(is_active=True), request.POST.get("division"))
    if division is None:
        raise ValidationError(_("กรุณาเลือกกอง"))
    location = _pick(Location.objects.filter(is_active=True), request.POST.get("location"))
    custodian = _pick(User.objects.filter(is_active=True), request.POST.get("custodian"))
    return services.asset_transfer(actor=request.user, asset=asset, division=division, location=location,
                                   custodian=custodian, note=request.POST.get("note", ""))


def _transfer_form(request, asset):
    roles.require(request.user, "asset.transfer")
    return render(request, "assets/scan_transfer.html", {
        "asset": asset,
        "divisions": Division.objects.filter(is_active=True),
        "locations": Location.objects.filter(is_active=True).select_related("division"),
        "people": User.objects.filter(is_active=True).order_by("first_name", "username"),
    })


def _pick(queryset, raw):
    try:
        return queryset.filter(pk=int(raw)).first() if raw else None
    except (TypeError, ValueError):
        return None
