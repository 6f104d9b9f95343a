"""An asset's availability month by month: pure functions, no database (the view hands them loans).

`bookings(items, today)` turns an asset's loan items into date ranges: held (approved, handed out,
or back already: the days it was away) and pending (requested or endorsed). `month_grid(year, month,
bookings, today)` lays a month out in Monday-first weeks of day cells, each with the bookings covering
that day. `parse_month` reads ?month=YYYY-MM, falling back to the current month.
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from thai.dates import BE_OFFSET, MAX_YEAR, MIN_YEAR, MONTHS, local_date
from thai.digits import to_arabic_digits

HELD = "held"
PENDING = "pending"
_HOLDING = {"approved", "out", "returned"}
_PENDING = {"requested", "endorsed"}
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True)
class Booking:
    """The days [first, last] (inclusive) a loan keeps, or asks for, an asset."""

    loan_id: int
    kind: str  # HELD or PENDING
    first: dt.date
    last: dt.date
    overdue_from: dt.date | None = None  # held past the due date (not back yet): the days from here on are late


@dataclass
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    held: list[Booking] = field(default_factory=list)
    pending: list[Booking] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return any(b.overdue_from is not None and self.date >= b.overdue_from for b in self.held)


@dataclass
class Month:
    year: int
    month: int
    weeks: list[list[Day]]

    @property
    def title(self) -> str:
        """The Thai month name and the Buddhist-Era year: "มกราคม 2568"."""
        return f"{MONTHS[self.month - 1]} {self.year + BE_OFFSET}"

    @property
    def first_day(self) -> dt.date:
        return self.weeks[0][0].date

    @property
    def last_day(self) -> dt.date:
        return self.weeks[-1][-1].date

    @property
    def previous(self) -> str | None:
        year, month = (self.year - 1, 12) if self.month == 1 else (self.year, self.month - 1)
        return f"{year:04d}-{month:02d}" if year >= MIN_YEAR else None

    @property
    def next(self) -> str | None:
        year, month = (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)
        return f"{year:04d}-{month:02d}" if year <= MAX_YEAR else None


def parse_month(raw: Any, today: dt.date) -> tuple[int, int]:
    """(year, month) from "YYYY-MM" (CE; a year of 2400 or more is read as BE; Thai digits accepted);
    anything else, or a year outside what the app accepts, is today's month."""
    match = _MONTH.match(to_arabic_digits(raw)) if isinstance(raw, str) else None
    if match:
        year, month = int(match[1]), int(match[2])
        if year >= 2400:
            year -= BE_OFFSET
        if MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12:
            return year, month
    return today.year, today.month


def grid_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last day shown for a month: whole Monday-first weeks."""
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    return weeks[0][0], weeks[-1][-1]


def bookings(items: Iterable[Any], today: dt.date) -> list[Booking]:
    """The bookings of one asset from its loan items (each with its `loan`: status, starts_on, ends_on).

    Requested or endorsed: pending for the loan's dates. Approved: held for the loan's dates. Handed out
    and not back: held from the start to the due date, or to today when that is later (overdue). Back
    already (partial return, or the whole loan returned): held from the start to the day it came back.
    Rejected and cancelled loans hold nothing.
    """
    result = []
    for item in items:
        loan = item.loan
        if loan.status in _PENDING:
            result.append(Booking(loan.pk, PENDING, loan.starts_on, loan.ends_on))
        elif loan.status not in _HOLDING:
            continue
        elif item.returned_at is not None:
            result.append(Booking(loan.pk, HELD, loan.starts_on, max(local_date(item.returned_at), loan.starts_on)))
        elif loan.status == "out" and today > loan.ends_on:
            late_from = loan.ends_on + dt.timedelta(days=1)
            result.append(Booking(loan.pk, HELD, loan.starts_on, today, overdue_from=late_from))
        elif loan.status != "returned":
            result.append(Booking(loan.pk, HELD, loan.starts_on, loan.ends_on))
    return result


def month_grid(year: int, month: int, bookings: Iterable[Booking], *, today: dt.date | None = None) -> Month:
    """The month as Monday-first weeks of Day cells (days of the neighbouring months fill the first and last
    week, marked in_month=False), each day with the bookings covering it, held and pending, by loan id."""
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    days = {day: Day(date=day, in_month=day.month == month, is_today=day == today) for week in weeks for day in week}
    for booking in sorted(bookings, key=lambda b: (b.first, b.loan_id)):
        day = max(booking.first, first)
        end = min(booking.last, last)
        while day <= end:
            cell = days[day]
            (cell.held if booking.kind == HELD else cell.pending).append(booking)
            day += dt.timedelta(days=1)
    return Month(year=year, month=month, weeks=[[days[day] for day in week] for week in weeks])
