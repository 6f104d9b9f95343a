"""`--today` (tools/clock): the suite, and every Python process it starts, as if it were another day."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

import shifted_clock

ROOT = Path(__file__).resolve().parents[2]
BANGKOK = ZoneInfo("Asia/Bangkok")
CHILD = "import datetime, zoneinfo; print(datetime.datetime.now(zoneinfo.ZoneInfo('Asia/Bangkok')).isoformat())"


def test_a_date_alone_is_ten_in_the_morning_in_bangkok():
    assert shifted_clock.parse("2028-02-29") == dt.datetime(2028, 2, 29, 10, 0, tzinfo=BANGKOK)
    assert shifted_clock.parse("2027-10-01T00:30") == dt.datetime(2027, 10, 1, 0, 30, tzinfo=BANGKOK)
    assert shifted_clock.parse(" 2027-09-30 23:45:10 ") == dt.datetime(2027, 9, 30, 23, 45, 10, tzinfo=BANGKOK)


@pytest.mark.parametrize("text", ["2027-02-29", "29/02/2571", "tomorrow", "", "2028-02-29T25:00"])
def test_a_day_that_does_not_exist_is_refused(text):
    with pytest.raises(shifted_clock.BadDate):
        shifted_clock.parse(text)


def test_a_child_process_keeps_this_processs_clock(request):
    """Whatever the day (today's or --today's), a Python process started from here reads the same clock."""
    before = timezone.now()
    child = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=60, check=True)
    seen = dt.datetime.fromisoformat(child.stdout.strip())
    assert before - dt.timedelta(seconds=1) <= seen <= timezone.now() + dt.timedelta(seconds=1)
    today = request.config.getoption("--today")
    if today:
        moment = shifted_clock.parse(today)
        assert moment <= before < moment + dt.timedelta(hours=6)  # the clock runs on from the moment asked for


def test_the_option_moves_the_whole_run():
    """pytest --today=… moves the clock before the tests are imported, in pytest and in its child processes, and
    reports the moment in the header; a date that does not exist stops the run with a usage error."""
    env = {key: value for key, value in os.environ.items()
           if key not in (shifted_clock.OFFSET_VARIABLE, shifted_clock.TODAY_VARIABLE, "PYTEST_CURRENT_TEST")}
    node = "tests/tools/test_shifted_clock.py::test_a_child_process_keeps_this_processs_clock"
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--today=2028-02-29T23:59", node],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "clock: as if it were 2028-02-29 23:59 in Bangkok" in run.stdout and "1 passed" in run.stdout
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--today=2027-02-29", node],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 4 and "--today: not a date: '2027-02-29'" in run.stderr


def test_a_run_that_passes_midnight_keeps_its_day(time_machine):
    """kept_on(day): after midnight the clock is moved back to the day's last hour; on the day nothing moves."""
    time_machine.move_to(dt.datetime(2028, 3, 1, 0, 5, tzinfo=BANGKOK), tick=False)
    with shifted_clock.kept_on(dt.date(2028, 2, 29)):
        assert timezone.localdate() == dt.date(2028, 2, 29) and timezone.localtime().hour == 23
    assert timezone.localdate() == dt.date(2028, 3, 1)
    with shifted_clock.kept_on(dt.date(2028, 3, 1)):
        assert timezone.localtime() == dt.datetime(2028, 3, 1, 0, 5, tzinfo=BANGKOK)
