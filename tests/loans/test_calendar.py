"""The availability calendar: the pure month grid and bookings (loans.calendar), and the asset's loans page."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loans.calendar import HELD, PENDING, Booking, bookings, grid_range, month_grid, parse_month
from loans.models import Loan, LoanItem
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory

D = dt.timedelta
TODAY = timezone.localdate()


def cells(month) -> dict[dt.date, object]:
    return {day.date: day for week in month.weeks for day in week}


# --- the pure grid ------------------------------------------------------------------------------

def test_weeks_start_on_monday_and_cover_the_month():
    month = month_grid(2025, 1, [])  # 1 January 2025 is a Wednesday
    assert len(month.weeks) == 5 and all(len(week) == 7 for week in month.weeks)
    assert all(week[0].date.weekday() == 0 for week in month.weeks)
    assert month.weeks[0][0].date == dt.date(2024, 12, 30) and month.weeks[-1][-1].date == dt.date(2025, 2, 2)
    assert [day.in_month for day in month.weeks[0]] == [False, False, True, True, True, True, True]
    assert sum(day.in_month for week in month.weeks for day in week) == 31
    assert (month.first_day, month.last_day) == grid_range(2025, 1)


def test_the_heading_is_the_thai_month_and_the_buddhist_era_year():
    assert month_grid(2025, 1, []).title == "มกราคม 2568"
    assert month_grid(2024, 12, []).title == "ธันวาคม 2567"


def test_previous_and_next_months_cross_the_year():
    january, december = month_grid(2025, 1, []), month_grid(2025, 12, [])
    assert (january.previous, january.next) == ("2024-12", "2025-02")
    assert (december.previous, december.next) == ("2025-11", "2026-01")
    assert month_grid(1800, 1, []).previous is None and month_grid(2399, 12, []).next is None  # the app's date range


def test_a_loan_across_a_month_boundary_marks_its_days_in_both_months():
    loan = Booking(7, HELD, dt.date(2025, 1, 29), dt.date(2025, 2, 3))
    january = cells(month_grid(2025, 1, [loan]))
    held = sorted(day for day, cell in january.items() if cell.held)
    assert held == [dt.date(2025, 1, 29), dt.date(2025, 1, 30), dt.date(2025, 1, 31), dt.date(2025, 2, 1),
                    dt.date(2025, 2, 2)]  # the last week runs into February (shown, not in the month)
    assert [b.loan_id for b in january[dt.date(2025, 1, 31)].held] == [7]
    assert not january[dt.date(2025, 2, 1)].in_month
    assert not january[dt.date(2025, 1, 28)].held
    february = cells(month_grid(2025, 2, [loan]))  # 1 February 2025 is a Saturday: the grid starts 27 January
    held = sorted(day for day, cell in february.items() if cell.held)
    assert held == [dt.date(2025, 1, 29) + D(days=n) for n in range(6)]
    assert not february[dt.date(2025, 2, 4)].held


def test_pending_requests_are_marked_apart_from_held_days():
    grid = cells(month_grid(2025, 3, [Booking(1, HELD, dt.date(2025, 3, 3), dt.date(2025, 3, 5)),
                                      Booking(2, PENDING, dt.date(2025, 3, 5), dt.date(2025, 3, 6)),
                                      Booking(3, PENDING, dt.date(2025, 3, 6), dt.date(2025, 3, 6))]))
    assert [b.loan_id for b in grid[dt.date(2025, 3, 4)].held] == [1] and not grid[dt.date(2025, 3, 4)].pending
    assert [b.loan_id for b in grid[dt.date(2025, 3, 5)].held] == [1]
    assert [b.loan_id for b in grid[dt.date(2025, 3, 5)].pending] == [2]
    assert not grid[dt.date(2025, 3, 6)].held and [b.loan_id for b in grid[dt.date(2025, 3, 6)].pending] == [2, 3]


def test_today_is_marked():
    grid = cells(month_grid(2025, 3, [], today=dt.date(2025, 3, 12)))
    assert [day for day, cell in grid.items() if cell.is_today] == [dt.date(2025, 3, 12)]


def test_bookings_outside_the_grid_change_nothing():
    grid = month_grid(2025, 3, [Booking(1, HELD, dt.date(2024, 1, 1), dt.date(2024, 1, 9)),
                                Booking(2, PENDING, dt.date(2025, 6, 1), dt.date(2025, 6, 9))])
    assert not any(day.held or day.pending for week in grid.weeks for day in week)


@pytest.mark.parametrize("raw, expected", [
    ("2025-02", (2025, 2)), ("2025-2", (2025, 2)), ("2568-02", (2025, 2)), ("๒๕๖๘-๐๒", (2025, 2)),
    ("2025-13", None), ("2025-00", None), ("abc", None), ("", None), (None, None), ("1799-12", None),
    ("9999-01", None), ("0000-01", None), ("2025-02-01", None), ("2025-02\x00", None), (["2025-02"], None),
])
def test_parse_month_falls_back_to_the_current_month(raw, expected):
    today = dt.date(2026, 5, 17)
    assert parse_month(raw, today) == (expected or (2026, 5))


def _item(loan_id, status, start, end, returned_at=None):
    return SimpleNamespace(loan=SimpleNamespace(pk=loan_id, status=status, starts_on=start, ends_on=end),
                           returned_at=returned_at)


def test_bookings_from_loan_items():
    today = dt.date(2025, 3, 20)
    back = timezone.make_aware(dt.datetime(2025, 3, 4, 23, 30), dt.timezone.utc)  # 5 March in Bangkok
    result = bookings([
        _item(1, "requested", dt.date(2025, 3, 25), dt.date(2025, 3, 26)),
        _item(2, "endorsed", dt.date(2025, 3, 27), dt.date(2025, 3, 28)),
        _item(3, "approved", dt.date(2025, 3, 22), dt.date(2025, 3, 23)),
        _item(4, "out", dt.date(2025, 3, 18), dt.date(2025, 3, 21)),
        _item(5, "out", dt.date(2025, 3, 10), dt.date(2025, 3, 15)),  # overdue: still away today
        _item(6, "returned", dt.date(2025, 3, 1), dt.date(2025, 3, 8), returned_at=back),  # back early
        _item(7, "out", dt.date(2025, 3, 1), dt.date(2025, 3, 30), returned_at=back),  # this item came back
        _item(8, "rejected", dt.date(2025, 3, 1), dt.date(2025, 3, 2)),
        _item(9, "cancelled", dt.date(2025, 3, 1), dt.date(2025, 3, 2)),
    ], today)
    assert result == [
        Booking(1, PENDING, dt.date(2025, 3, 25), dt.date(2025, 3, 26)),
        Booking(2, PENDING, dt.date(2025, 3, 27), dt.date(2025, 3, 28)),
        Booking(3, HELD, dt.date(2025, 3, 22), dt.date(2025, 3, 23)),
        Booking(4, HELD, dt.date(2025, 3, 18), dt.date(2025, 3, 21)),
        Booking(5, HELD, dt.date(2025, 3, 10), today, overdue_from=dt.date(2025, 3, 16)),
        Booking(6, HELD, dt.date(2025, 3, 1), dt.date(2025, 3, 5)),
        Booking(7, HELD, dt.date(2025, 3, 1), dt.date(2025, 3, 5)),
    ]
    grid = cells(month_grid(2025, 3, result, today=today))
    assert not grid[dt.date(2025, 3, 15)].overdue and grid[dt.date(2025, 3, 16)].overdue
    assert grid[dt.date(2025, 3, 20)].overdue and not grid[dt.date(2025, 3, 21)].overdue


# --- the asset's loans page -----------------------------------------------------------------------

@pytest.fixture
def office(db):
    palad = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    people = {
        "staff": make_user("somchai", "staff", division=palad),
        "colleague": make_user("malee", "staff", division=palad),
        "officer": make_user("officer_p", "staff", "property_officer", division=DivisionFactory()),
    }
    people["asset"] = AssetFactory(number="407-67-0009", name="โปรเจคเตอร์", is_lendable=True, division=palad)
    return people


def make_loan(office, who, status, start, end):
    loan = Loan.objects.create(borrower=office[who], requested_by=office[who], division=office[who].division,
                               purpose="ประชุม", place=Loan.Place.INSIDE, phone="0800000000", status=status,
                               starts_on=start, ends_on=end)
    LoanItem.objects.create(loan=loan, asset=office["asset"])
    return loan


def month_param(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def test_the_page_shows_the_month_with_links_to_the_loans(client, office):
    first = TODAY.replace(day=1)
    held = make_loan(office, "colleague", Loan.Status.APPROVED, first + D(days=2), first + D(days=4))
    pending = make_loan(office, "colleague", Loan.Status.REQUESTED, first + D(days=6), first + D(days=6))
    client.force_login(office["officer"])
    page = client.get(f"/loans/asset/{office['asset'].pk}/").content.decode()
    from thai.dates import MONTHS

    assert f"{MONTHS[TODAY.month - 1]} {TODAY.year + 543}" in page
    assert page.count(f'class="booking held" href="/loans/{held.pk}/"') == 3
    assert page.count(f'class="booking pending" href="/loans/{pending.pk}/"') == 1
    assert 'aria-current="date"' in page
    previous = (first - D(days=1)).replace(day=1)
    following = (first + D(days=32)).replace(day=1)
    assert f'href="?month={month_param(previous)}"' in page and f'href="?month={month_param(following)}"' in page
    assert "กำหนดการยืม" in page and f'href="/loans/{held.pk}/"' in page  # the list is still below


def test_other_peoples_loans_show_as_busy_without_a_link(client, office):
    first = TODAY.replace(day=1)
    theirs = make_loan(office, "colleague", Loan.Status.OUT, first, first + D(days=1))
    mine = make_loan(office, "staff", Loan.Status.REQUESTED, first + D(days=3), first + D(days=3))
    client.force_login(office["staff"])
    page = client.get(f"/loans/asset/{office['asset'].pk}/").content.decode()
    assert f"/loans/{theirs.pk}/" not in page and "ไม่ว่าง</span>" in page
    assert f'class="booking pending" href="/loans/{mine.pk}/"' in page


def test_a_loan_across_the_month_boundary_on_the_page(client, office):
    loan = make_loan(office, "colleague", Loan.Status.APPROVED, dt.date(2031, 1, 30), dt.date(2031, 2, 2))
    client.force_login(office["officer"])
    link = f'class="booking held" href="/loans/{loan.pk}/"'
    january = client.get(f"/loans/asset/{office['asset'].pk}/", {"month": "2031-01"}).content.decode()
    assert "มกราคม 2574" in january and january.count(link) == 4  # 30 Jan – 2 Feb all in January's last week
    february = client.get(f"/loans/asset/{office['asset'].pk}/", {"month": "2574-02"}).content.decode()
    assert "กุมภาพันธ์ 2574" in february and february.count(link) == 4  # the grid starts on Monday 27 January


def test_an_overdue_loan_holds_the_asset_until_today(client, office):
    loan = make_loan(office, "colleague", Loan.Status.OUT, TODAY - D(days=6), TODAY - D(days=3))
    client.force_login(office["officer"])
    page = client.get(f"/loans/asset/{office['asset'].pk}/", {"month": month_param(TODAY)}).content.decode()
    assert f'class="booking held overdue" href="/loans/{loan.pk}/"' in page


@pytest.mark.parametrize("month", ["2025-13", "abc", "1799-12", "2400-00", "%00", "9" * 500, "2025-02-30", ""])
def test_a_bad_month_shows_the_current_month(client, office, month):
    from thai.dates import MONTHS

    client.force_login(office["staff"])
    response = client.get(f"/loans/asset/{office['asset'].pk}/?month={month}")
    assert response.status_code == 200
    assert f"{MONTHS[TODAY.month - 1]} {TODAY.year + 543}" in response.content.decode()


def test_the_page_takes_a_fixed_number_of_queries(client, office):
    client.force_login(office["staff"])
    url = f"/loans/asset/{office['asset'].pk}/"

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    make_loan(office, "staff", Loan.Status.REQUESTED, TODAY, TODAY)
    one = count()
    for offset in range(1, 9):
        make_loan(office, "colleague" if offset % 2 else "staff", Loan.Status.REQUESTED,
                  TODAY + D(days=offset), TODAY + D(days=offset + 1))
    assert count() == one
