"""Straight-line depreciation by fiscal year, carried down to 1.00 baht (DOMAIN.md section 3).

The first fiscal year is charged pro rata by the days the asset was held in it; each year's
charge is rounded to the satang; the last year takes what remains down to 1.00 baht, where the
asset then stays.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from thai.dates import fiscal_year, fiscal_year_bounds

CENT = Decimal("0.01")
RESIDUAL = Decimal("1.00")


@dataclass(frozen=True)
class YearLine:
    fiscal_year: int
    charge: Decimal
    accumulated: Decimal
    net: Decimal


@dataclass(frozen=True)
class Standing:
    """Depreciation as of a date: the charge of that date's fiscal year, accumulated and net value."""

    annual: Decimal
    accumulated: Decimal
    net: Decimal


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def annual_rate(life_years: int) -> Decimal:
    """The yearly rate in per cent (20.00 for five years)."""
    return _round(Decimal(100) / life_years)


def schedule(cost: Decimal, life_years: int, acquired_on: dt.date) -> list[YearLine]:
    """Year-by-year depreciation from the fiscal year of acquisition until only 1.00 baht is left."""
    if life_years is None or life_years <= 0:
        raise ValueError("อายุการใช้งานต้องมากกว่า 0 ปี")
    cost = Decimal(cost)
    if cost < 0:
        raise ValueError("ราคาต้องไม่ติดลบ")
    depreciable = max(cost - RESIDUAL, Decimal("0.00"))
    if depreciable == 0:
        return []
    annual = max(_round(cost / life_years), CENT)  # never 0.00, or the schedule would not end
    year = fiscal_year(acquired_on)
    start, end = fiscal_year_bounds(year)
    days_in_year = (end - start).days + 1
    days_held = (end - acquired_on).days + 1
    charge = min(_round(annual * days_held / days_in_year), depreciable)
    lines: list[YearLine] = []
    accumulated = Decimal("0.00")
    while True:
        accumulated += charge
        lines.append(YearLine(year, charge, accumulated, cost - accumulated))
        if accumulated >= depreciable:
            return lines
        year += 1
        charge = min(annual, depreciable - accumulated)


def standing(cost: Decimal, life_years: int, acquired_on: dt.date, on: dt.date) -> Standing:
    """Depreciation as of a date; the current fiscal year counts pro rata by days held up to that date."""
    cost = Decimal(cost)
    zero = Decimal("0.00")
    if on < acquired_on:
        return Standing(zero, zero, cost)
    current_year = fiscal_year(on)
    accumulated = zero
    annual = zero
    for line in schedule(cost, life_years, acquired_on):
        if line.fiscal_year < current_year:
            accumulated = line.accumulated
        elif line.fiscal_year == current_year:
            start, end = fiscal_year_bounds(current_year)
            first_day = max(start, acquired_on)
            held_in_year = (end - first_day).days + 1
            held_so_far = (on - first_day).days + 1
            accumulated += _round(line.charge * held_so_far / held_in_year)
            annual = line.charge
            break
        else:
            break
    return Standing(annual, accumulated, cost - accumulated)
