"""The asset page's procurement section: what bought the asset and the repairs its title named, with costs."""

from django.urls import reverse
from django.utils.translation import gettext as _

from assets.panels import Panel
from organization import roles

from .models import LinkedAsset
from .selectors import asset_procurements, repair_cost

SHOWN = 10


def asset_panel(asset, user) -> Panel | None:
    if not roles.can(user, "procurement.view"):
        return None
    links = list(asset_procurements(asset.pk)[:SHOWN + 1])
    if not links:
        return None
    rows = []
    for link in links[:SHOWN]:
        procurement = link.procurement
        label = _("ซ่อม/บำรุงรักษา") if link.kind == LinkedAsset.Kind.REPAIR else _("จัดซื้อ")
        cost = procurement.agreed_price if procurement.agreed_price is not None else procurement.amount
        rows.append((f"{label}: {procurement.title} ({_('ปีงบประมาณ')} {procurement.fiscal_year}, "
                     f"{procurement.get_status_display()})", cost, reverse("procurement:detail", args=[procurement.pk])))
    total = repair_cost(asset.pk)
    summary = _("ค่าซ่อม/บำรุงรักษารวม %(total)s บาท") % {"total": f"{total:,.2f}"} if total else ""
    return Panel(title=_("การจัดซื้อจัดจ้างและการซ่อม"), rows=rows, summary=summary,
                 more_url=reverse("procurement:asset", args=[asset.pk]) if len(links) > SHOWN else "")
