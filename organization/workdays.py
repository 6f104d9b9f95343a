"""Working days with the organisation's list of public holidays (organization.models.Holiday)."""

import datetime as dt

from thai import workdays

from .models import Holiday


def holidays_between(first: dt.date, last: dt.date) -> frozenset[dt.date]:
    return frozenset(Holiday.objects.filter(date__gte=first, date__lte=last).values_list("date", flat=True))


def _window(start: dt.date, days: int) -> frozenset[dt.date]:
    # 30 working days never span more than about 60 calendar days; leave room for long holidays.
    return holidays_between(start, start + dt.timedelta(days=days * 3 + 30))


def first_working_day(on_or_after: dt.date) -> dt.date:
    return workdays.first_working_day(on_or_after, _window(on_or_after, 10))


def nth_working_day(start: dt.date, n: int) -> dt.date:
    return workdays.nth_working_day(start, n, _window(start, n))


def working_days_left(today: dt.date, due: dt.date) -> int:
    """Working days from today up to the due date, both counted (0 once the due date has passed)."""
    return workdays.working_days_between(today, due, holidays_between(today, due))


def years_without_holidays(first: dt.date, last: dt.date) -> list[int]:
    """The calendar years from first to last for which the holiday list holds no day at all: their due dates
    count every weekday as a working day, so someone should add that year's holidays."""
    years = range(first.year, last.year + 1)
    listed = {day.year for day in Holiday.objects.filter(date__year__in=list(years)).dates("date", "year")}
    return [year for year in years if year not in listed]
