"""Reads of the register that more than one caller needs, scoped to the user."""

from django.db import connection
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce
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


def search_is_costly(asset_filter) -> bool:
    """Whether the list should count and page in one pass: on SQLite the FTS5 match is the costly part
    and would otherwise run twice; PostgreSQL counts through its trigram index and pages through the
    number index, which a single windowed pass would defeat."""
    return connection.vendor == "sqlite" and bool(
        asset_filter.form.is_valid() and normalise_search(asset_filter.form.cleaned_data.get("q"))
    )


def order_searched(queryset: QuerySet[Asset]) -> QuerySet[Asset]:
    """On PostgreSQL, keep a text search from walking the number index in order.

    With ORDER BY number_key LIMIT 25 the planner walks the unique index and filters row by row,
    which is slow when the matches sit far along it (all the projectors are category 407).
    Sorting by COALESCE(number_key, '') (the same order) lets it take the matches from the trigram
    index and sort only those.
    """
    if connection.vendor != "postgresql":
        return queryset
    ordering = []
    for key in queryset.query.order_by:
        name = key.lstrip("-") if isinstance(key, str) else None
        if name in {"number_key", "name"}:
            expression = Coalesce(F(name), Value(""))
            ordering.append(expression.desc() if key.startswith("-") else expression.asc())
        else:
            ordering.append(key)
    return queryset.order_by(*ordering)


def asset_by_number(number: str) -> tuple[Asset | None, bool]:
    """The asset a printed number leads to, and whether that number is an old one (renumbered since)."""
    from .models import NumberAlias
    from .numbering import number_key

    key = number_key(number)
    if not key or len(key) > 60 or not key.isprintable():
        return None, False
    related = ("division", "location", "custodian", "category")
    asset = Asset.objects.select_related(*related).filter(number_key=key).first()
    if asset is not None:
        return asset, False
    alias = NumberAlias.objects.select_related(*(f"asset__{name}" for name in related)).filter(number_key=key).first()
    return (alias.asset, True) if alias else (None, False)
