from django.db.models import QuerySet

from .models import Entry


def entries_for_asset(asset_id: int) -> QuerySet[Entry]:
    """The asset's history, newest first (through the indexed link table; no foreign key to assets)."""
    return Entry.objects.filter(asset_links__asset_id=asset_id).select_related("actor").order_by("-id")
