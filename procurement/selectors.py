"""Reads of procurements: the register's list, one procurement's page, an asset's procurements and repairs."""

from django.db.models import QuerySet, Sum

from .models import LinkedAsset, Procurement


def register_queryset() -> QuerySet[Procurement]:
    """Every procurement (the register is open to every signed-in role), with what its rows show."""
    return Procurement.objects.select_related("division", "winner")


def asset_procurements(asset_id: int) -> QuerySet[LinkedAsset]:
    """The procurements that bought or repaired an asset, newest first."""
    return (LinkedAsset.objects.filter(asset_id=asset_id).select_related("procurement__winner")
            .order_by("-procurement__fiscal_year", "-procurement_id"))


def repair_cost(asset_id: int):
    """The agreed (or else planned) cost of the repairs linked to an asset."""
    links = LinkedAsset.objects.filter(asset_id=asset_id, kind=LinkedAsset.Kind.REPAIR).exclude(
        procurement__status=Procurement.Status.CANCELLED)
    agreed = links.filter(procurement__agreed_price__isnull=False).aggregate(total=Sum("procurement__agreed_price"))
    planned = links.filter(procurement__agreed_price__isnull=True).aggregate(total=Sum("procurement__amount"))
    return (agreed["total"] or 0) + (planned["total"] or 0)
