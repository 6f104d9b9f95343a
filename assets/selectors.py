"""Reads of the register that more than one caller needs, scoped to the user."""

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from organization import roles
from thai.digits import to_arabic_digits

from .models import Asset

MIN_INDEXED_TERM = 3  # trigram indexes need three characters; shorter terms fall back to a scan


def assets_visible_to(user) -> QuerySet[Asset]:
    """Every signed-in member of staff with a role may view the whole register; others see nothing."""
    base = Asset.objects.select_related("category", "division", "location", "custodian")
    if not roles.can(user, "asset.view"):
        return base.none()
    return base


def normalise_search(text: str) -> list[str]:
    return [term for term in to_arabic_digits(text or "").lower().split() if term]


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def search_assets(queryset: QuerySet[Asset], text: str) -> QuerySet[Asset]:
    """Filter by words found in number, name, serial number or model, through the text index.

    SQLite: an FTS5 trigram table kept by triggers; PostgreSQL: a pg_trgm GIN index on search_text.
    """
    terms = normalise_search(text)
    if not terms:
        return queryset
    indexed = [term for term in terms if len(term) >= MIN_INDEXED_TERM]
    short = [term for term in terms if len(term) < MIN_INDEXED_TERM]
    if indexed and connection.vendor == "sqlite":
        match = " AND ".join(_fts_phrase(term) for term in indexed)
        queryset = queryset.filter(
            id__in=RawSQL("SELECT rowid FROM assets_asset_fts WHERE assets_asset_fts MATCH %s", [match])
        )
    else:
        short = terms
    for term in short:
        queryset = queryset.filter(search_text__contains=term)
    return queryset
