"""Working days: Monday to Friday, less the public holidays the caller passes (the organisation's editable list).

Pure functions; organization.models.Holiday holds the list and organization.workdays reads it.
"""

import datetime as dt
from collections.abc import Collection


def is_working_day(day: dt.date, holidays: Collection[dt.date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def first_working_day(on_or_after: dt.date, holidays: Collection[dt.date] = ()) -> dt.date:
    day = on_or_after
    while not is_working_day(day, holidays):
        day += dt.timedelta(days=1)
    return day


def nth_working_day(start: dt.date, n: int, holidays: Collection[dt.date] = ()) -> dt.date:
    """The n-th working day counting `start` as the first when it is one (n=1 gives the first working day
    on or after start)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    day = first_working_day(start, holidays)
    counted = 1
    while counted < n:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day


def working_days_between(first: dt.date, last: dt.date, holidays: Collection[dt.date] = ()) -> int:
    """Working days in [first, last] (0 when last is before first)."""
    count, day = 0, first
    while day <= last:
        if is_working_day(day, holidays):
            count += 1
        day += dt.timedelta(days=1)
    return count
