"""Asset numbers: the configurable pattern, normalisation for comparison, and safe allocation."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import connection

from organization.models import Organization
from thai.dates import fiscal_year
from thai.digits import to_arabic_digits

from .models import Asset, Category, NumberCounter

DEFAULT_PATTERN = "{category}-{year}-{run:04d}"
_SPACES = re.compile(r"\s+")


def number_key(number: str) -> str:
    """What uniqueness compares: Thai digits as Arabic, spaces collapsed, upper case."""
    return _SPACES.sub(" ", to_arabic_digits(number or "").strip()).upper()


def current_pattern() -> str:
    pattern = Organization.objects.filter(pk=1).values_list("asset_number_pattern", flat=True).first()
    return pattern or DEFAULT_PATTERN


def format_number(pattern: str, *, category: Category, fiscal_year_be: int, run: int) -> str:
    if "{run" not in pattern:
        raise ValidationError(f"รูปแบบหมายเลขครุภัณฑ์ “{pattern}” ต้องมีลำดับที่ {{run}}")
    try:
        return pattern.format(category=category.code, year=f"{fiscal_year_be % 100:02d}", year4=fiscal_year_be, run=run)
    except (KeyError, IndexError, ValueError) as error:
        raise ValidationError(f"รูปแบบหมายเลขครุภัณฑ์ “{pattern}” ไม่ถูกต้อง ({error})") from None


def _locked_counter(category: Category, year: int) -> NumberCounter:
    NumberCounter.objects.bulk_create(
        [NumberCounter(category=category, fiscal_year=year, last=0)], ignore_conflicts=True
    )
    query = NumberCounter.objects.filter(category=category, fiscal_year=year)
    if connection.features.has_select_for_update:
        query = query.select_for_update()
    return query.get()


def allocate_numbers(category: Category, acquired_on: dt.date, count: int = 1) -> list[str]:
    """Give out `count` new numbers for a category and the fiscal year of the acquisition date.

    Must run inside a transaction: the counter row stays locked until it commits (PostgreSQL
    row lock; SQLite's BEGIN IMMEDIATE serialises writers), so two officers registering at the
    same moment never get the same number. Numbers already taken (legacy entries) are skipped.
    """
    year = fiscal_year(acquired_on)
    pattern = current_pattern()
    counter = _locked_counter(category, year)
    numbers: list[str] = []
    run = counter.last
    while len(numbers) < count:
        needed = count - len(numbers)
        candidates = {}
        for _ in range(needed):
            run += 1
            candidate = format_number(pattern, category=category, fiscal_year_be=year, run=run)
            candidates[number_key(candidate)] = candidate
        taken = set(Asset.objects.filter(number_key__in=list(candidates)).values_list("number_key", flat=True))
        numbers.extend(number for key, number in candidates.items() if key not in taken)
    NumberCounter.objects.filter(pk=counter.pk).update(last=run)
    return numbers
