import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from activity.models import Entry
from assets.models import Asset
from organization.models import Division, User


@override_settings(DEBUG=True)
def test_seed_builds_the_municipality_and_is_idempotent(db):
    call_command("seed_demo", assets=60, stdout=open("/dev/null", "w"))
    assert Division.objects.count() == 5
    for username in ["admin", "staff", "divhead", "officer", "supplyhead", "head", "auditor"]:
        assert User.objects.filter(username=username, is_active=True).exists()
    assert Asset.objects.count() == 60 + 2  # and the two notebooks of the demo purchase accepted
    assert Asset.objects.values("category").distinct().count() > 5
    before = (Asset.objects.count(), Entry.objects.count(), User.objects.count(), list(Asset.objects.values_list("number", flat=True)))
    call_command("seed_demo", assets=60, stdout=open("/dev/null", "w"))
    after = (Asset.objects.count(), Entry.objects.count(), User.objects.count(), list(Asset.objects.values_list("number", flat=True)))
    assert after == before


@override_settings(DEBUG=True)
def test_if_empty_leaves_an_existing_database_alone(db, officer):
    call_command("seed_demo", assets=10, if_empty=True, stdout=open("/dev/null", "w"))
    assert Asset.objects.count() == 0


@override_settings(DEBUG=False)
def test_seed_is_refused_when_debug_is_off(db):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", assets=5)
    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_seed_has_loans_at_every_stage_including_returned_and_overdue(db):
    import datetime as dt

    from django.utils import timezone

    from loans import services
    from loans.models import Loan

    call_command("seed_demo", assets=60, stdout=open("/dev/null", "w"))
    today = timezone.localdate()
    assert set(Loan.objects.values_list("status", flat=True)) == {"requested", "endorsed", "out", "returned"}
    overdue = list(services.overdue_loans(today))
    assert len(overdue) == 1 and overdue[0].ends_on == today - dt.timedelta(days=3)
    returned = Loan.objects.get(status="returned")
    assert returned.ends_on < today and all(item.returned_at for item in returned.items.all())
    before = list(Loan.objects.values_list("id", "status", "starts_on", "ends_on"))
    call_command("seed_demo", assets=60, stdout=open("/dev/null", "w"))
    assert list(Loan.objects.values_list("id", "status", "starts_on", "ends_on")) == before


def _next(today, month: int, day: int):
    import datetime as dt

    for year in range(today.year, today.year + 9):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:  # 29 February of a common year
            continue
        if candidate > today:
            return candidate
    raise AssertionError("no such day in eight years")


def _days_around_the_calendar():
    """The next days on which the demo's dates turn (the fiscal year's last and first days, a year's end, a
    leap day, a Saturday), at times when the date in Bangkok is not the date in UTC; built from today."""
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
    weekend_start = next(day for day in (_next(today.replace(year=today.year + n, month=1, day=1), 10, 1)
                                         for n in range(8)) if day.weekday() >= 5)  # last year's count not begun
    return [(weekend_start, dt.time(10, 0)), (_next(today, 9, 30), dt.time(23, 30)), (_next(today, 10, 1), dt.time(0, 30)),
            (_next(today, 10, 2), dt.time(10, 0)), (_next(today, 12, 31), dt.time(23, 50)),
            (_next(today, 2, 29), dt.time(6, 0)), (_next(today, 3, 1), dt.time(0, 5)), (saturday, dt.time(10, 0))]


@pytest.mark.parametrize("index", range(8))
@override_settings(DEBUG=True)
def test_the_demo_is_seeded_on_any_day(db, time_machine, index):
    """seed_demo runs on any day and its data moves with the calendar: two annual rounds of the years before
    this one (one accepted, one waiting), a spot check, loans at every step, this year's plan, last month's
    สขร.1 and a draft report of this fiscal year."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from audits.models import Round, Scan
    from loans.models import Loan
    from procurement.models import Procurement, Publication
    from reports.models import AnnualReport
    from thai.dates import fiscal_year

    day, time = _days_around_the_calendar()[index]
    time_machine.move_to(dt.datetime.combine(day, time, tzinfo=ZoneInfo("Asia/Bangkok")), tick=False)
    assert timezone.localdate() == day
    call_command("seed_demo", assets=60, stdout=open("/dev/null", "w"))
    year = fiscal_year(day)
    annual = dict(Round.objects.filter(kind=Round.Kind.ANNUAL).values_list("fiscal_year", "status"))
    last_year = Round.objects.get(kind=Round.Kind.ANNUAL, fiscal_year=year - 1)
    counted = last_year.starts_on <= day  # 1 October on a weekend: last year's count has not begun
    assert annual == {year - 2: Round.Status.ACCEPTED,
                      year - 1: Round.Status.SUBMITTED if counted else Round.Status.PLANNED}
    assert not counted or last_year.submitted_on <= day
    assert not Scan.objects.filter(scanned_at__gt=timezone.now()).exists()
    spot = Round.objects.get(kind=Round.Kind.SPOT)  # a spot check appointed today, starting on a working day
    assert spot.fiscal_year == fiscal_year(spot.starts_on) and spot.starts_on >= day
    assert spot.status == (Round.Status.COUNTING if spot.starts_on == day else Round.Status.PLANNED)
    assert set(Loan.objects.values_list("status", flat=True)) == {"requested", "endorsed", "out", "returned"}
    assert Loan.objects.filter(status="out", ends_on=day - dt.timedelta(days=3)).exists()
    assert set(Procurement.objects.values_list("status", flat=True)) >= {"planned", "announced", "accepted",
                                                                         "contracted", "cancelled"}
    last_month = (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    assert Publication.objects.filter(kind="plan", fiscal_year=year).exists()
    assert Publication.objects.filter(kind="monthly", month=last_month).exists()
    assert list(AnnualReport.objects.values_list("fiscal_year", flat=True)) == [year]
