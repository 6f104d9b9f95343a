"""Asset numbers: the configurable pattern, normalisation for comparison, and safe allocation."""

import datetime as dt
import re
from urllib.parse import unquote, urlparse

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from organization.models import Organization
from thai.dates import fiscal_year
from thai.digits import to_arabic_digits

from .models import Asset, Category, NumberAlias, NumberCounter

IN_BATCH = 5000  # values in one IN (...) list: well under SQLite's 32,766 variables, few round trips
DEFAULT_PATTERN = "{category}-{year}-{run:04d}"
_SPACES = re.compile(r"\s+")


def number_key(number: str) -> str:
    """What uniqueness compares: Thai digits as Arabic, spaces collapsed, upper case. Never longer than the
    number (so it fits the same column): a letter whose upper case is longer ("ß" → "SS") is kept as it is."""
    text = _SPACES.sub(" ", to_arabic_digits(number or "").strip())
    key = text.upper()
    return key if len(key) == len(text) else "".join(c if len(c.upper()) != 1 else c.upper() for c in text)


_SEPARATORS = re.compile(r"[\s\-/.,_]+")


def compact_number(number: str) -> str:
    """A number without its separators (401-64-0003, ๔๐๑ ๖๔ ๐๐๐๓ and 401640003 are all 401640003): what the
    register's search also matches, and how a mistyped scan is matched to suggestions."""
    return _SEPARATORS.sub("", number_key(number))


_URL_NUMBER = re.compile(r"/a/([^/?#]+)")


def number_from_scan(text: str) -> str:
    """What a scanner or a person typed: a number, or a label's full URL (its /a/<number> part is used)."""
    text = (text or "").strip()
    if "/a/" in text:
        match = _URL_NUMBER.search(urlparse(text).path if "://" in text else text)
        if match:
            return unquote(match.group(1))
    return text


def current_pattern() -> str:
    pattern = Organization.objects.filter(pk=1).values_list("asset_number_pattern", flat=True).first()
    return pattern or DEFAULT_PATTERN


def format_number(pattern: str, *, category: Category, fiscal_year_be: int, run: int) -> str:
    if "{run" not in pattern:
        raise ValidationError(_("รูปแบบหมายเลขครุภัณฑ์ “%(pattern)s” ต้องมีลำดับที่ {run}") % {"pattern": pattern})
    try:
        return pattern.format(category=category.code, year=f"{fiscal_year_be % 100:02d}", year4=fiscal_year_be, run=run)
    except (KeyError, IndexError, ValueError) as error:
        raise ValidationError(_("รูปแบบหมายเลขครุภัณฑ์ “%(pattern)s” ไม่ถูกต้อง (%(error)s)") % {
            "pattern": pattern, "error": error}) from None


def numbers_in_use(keys) -> set[str]:
    """Which of these number keys an asset has now or had before (old numbers stay with their asset).

    Any number of keys: on PostgreSQL one query with each key list as a single array parameter
    (`= ANY(%s)`, read by the btree index on number_key); elsewhere IN (...) lists of IN_BATCH keys."""
    keys = list(keys)
    if not keys:
        return set()
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        sql = " UNION ".join(
            f"SELECT {quote('number_key')} FROM {quote(model._meta.db_table)} WHERE {quote('number_key')} = ANY(%s)"
            for model in (Asset, NumberAlias))
        with connection.cursor() as cursor:
            cursor.execute(sql, [keys, keys])
            return {key for (key,) in cursor.fetchall()}
    taken: set[str] = set()
    for start in range(0, len(keys), IN_BATCH):
        batch = keys[start:start + IN_BATCH]
        taken.update(Asset.objects.filter(number_key__in=batch).values_list("number_key", flat=True))
        taken.update(NumberAlias.objects.filter(number_key__in=batch).values_list("number_key", flat=True))
    return taken


def ids_by_number_key(keys) -> dict[str, int]:
    """{number key: asset id} of the assets that have these keys (one array query on PostgreSQL)."""
    keys = list(keys)
    if not keys:
        return {}
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {quote('number_key')}, {quote('id')} FROM {quote(Asset._meta.db_table)} "
                           f"WHERE {quote('number_key')} = ANY(%s)", [keys])
            return dict(cursor.fetchall())
    ids: dict[str, int] = {}
    for start in range(0, len(keys), IN_BATCH):
        ids.update(Asset.objects.filter(number_key__in=keys[start:start + IN_BATCH]).values_list("number_key", "id"))
    return ids


def allocate_numbers_many(wanted: dict[tuple[Category, int], int], *,
                          reserved: set[str] = frozenset()) -> dict[tuple[Category, int], list[str]]:
    """Give out new numbers for several (category, fiscal year BE) groups at once: {group: count} → {group: numbers}.

    Must run inside a transaction: the counter rows stay locked until it commits (PostgreSQL row
    locks; SQLite's BEGIN IMMEDIATE serialises writers), so two officers registering at the same
    moment never get the same number. Numbers already taken (legacy entries) are skipped, and so are the
    `reserved` number keys: those the same batch brings with it (an import's legacy numbers).
    """
    wanted = {group: count for group, count in wanted.items() if count > 0}
    if not wanted:
        return {}
    pattern = current_pattern()
    NumberCounter.objects.bulk_create(
        [NumberCounter(category=category, fiscal_year=year, last=0) for category, year in wanted], ignore_conflicts=True
    )
    query = NumberCounter.objects.filter(
        category__in={category.pk for category, _ in wanted}, fiscal_year__in={year for _, year in wanted}
    ).order_by("pk")
    if connection.features.has_select_for_update:
        query = query.select_for_update()
    counters = {(counter.category_id, counter.fiscal_year): counter for counter in query}
    result: dict[tuple[Category, int], list[str]] = {group: [] for group in wanted}
    pending = dict(wanted)
    while pending:
        candidates: dict[str, tuple[tuple[Category, int], str]] = {}
        for (category, year), count in pending.items():
            counter = counters[(category.pk, year)]
            for _run in range(count):
                counter.last += 1
                number = format_number(pattern, category=category, fiscal_year_be=year, run=counter.last)
                candidates[number_key(number)] = ((category, year), number)
        taken = numbers_in_use(candidates) | (candidates.keys() & reserved)
        pending = {}
        for key, (group, number) in candidates.items():
            if key in taken:
                pending[group] = pending.get(group, 0) + 1
            else:
                result[group].append(number)
    NumberCounter.objects.bulk_update(list(counters.values()), ["last"], batch_size=500)
    return result


def allocate_numbers(category: Category, acquired_on: dt.date, count: int = 1) -> list[str]:
    """New numbers for one category and the fiscal year of the acquisition date (see allocate_numbers_many)."""
    group = (category, fiscal_year(acquired_on))
    return allocate_numbers_many({group: count})[group]
