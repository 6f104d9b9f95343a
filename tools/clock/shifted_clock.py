"""Run a Python process, and the processes it starts, as if today were another day (tests and the demo).

`start_at("2028-02-29")` moves this process's clock to that day at 10:00 in Bangkok (or to the time given:
"2028-02-29T23:30") and lets it run on from there. It also sets PHATSADU_CLOCK_OFFSET (seconds from the real
clock) and puts this folder on PYTHONPATH, so that every Python process started afterwards (a server's
reloader, the PDF render pool, a test's gunicorn or crash script) loads `sitecustomize` from here and keeps
the same clock. Only wall-clock time moves (time.time, datetime.now, date.today); monotonic timers do not.
Uses time-machine, a development dependency: nothing of this is loaded by the application itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from pathlib import Path
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")
DEFAULT_HOUR = 10
OFFSET_VARIABLE = "PHATSADU_CLOCK_OFFSET"
TODAY_VARIABLE = "PHATSADU_TODAY"
HERE = Path(__file__).resolve().parent

_travel = None


class BadDate(ValueError):
    pass


def parse(text: str) -> dt.datetime:
    """'YYYY-MM-DD' (10:00 Bangkok time) or 'YYYY-MM-DDTHH:MM[:SS]' (Bangkok time), as an aware datetime."""
    text = (text or "").strip()
    try:
        if "T" in text or " " in text:
            moment = dt.datetime.fromisoformat(text)
        else:
            moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(DEFAULT_HOUR))
    except ValueError:
        raise BadDate(f"not a date: {text!r} (write YYYY-MM-DD or YYYY-MM-DDTHH:MM, Bangkok time)") from None
    return moment.replace(tzinfo=BANGKOK) if moment.tzinfo is None else moment


def start_offset(offset: float) -> None:
    """Move this process's clock by `offset` seconds and have its child processes do the same."""
    global _travel
    import time_machine

    if _travel is not None:
        _travel.stop()
    _travel = time_machine.travel(time.time() + offset, tick=True)
    _travel.start()
    os.environ[OFFSET_VARIABLE] = repr(offset)
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if str(HERE) not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([str(HERE), *paths])


def start_at(text: str) -> dt.datetime:
    """Move the clock to the moment `text` names (see `parse`); returns that moment."""
    moment = parse(text)
    start_offset(moment.timestamp() - time.time())
    return moment


def start_from_environment() -> None:
    """PHATSADU_CLOCK_OFFSET (set by a parent process) wins over PHATSADU_TODAY (set by a person)."""
    offset = os.environ.get(OFFSET_VARIABLE)
    if offset:
        start_offset(float(offset))
    elif os.environ.get(TODAY_VARIABLE):
        start_at(os.environ[TODAY_VARIABLE])


def today() -> dt.date:
    """Today in Bangkok, by this process's clock (moved or not)."""
    return dt.datetime.now(BANGKOK).date()


@contextlib.contextmanager
def kept_on(day: dt.date, *, hour: int = 23):
    """Inside, the clock reads `day` even if midnight in Bangkok has passed since: it is moved back to that day
    at `hour` o'clock and runs on. Outside midnight, or on that day still, nothing moves."""
    if today() == day:
        yield
        return
    import time_machine

    with time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=BANGKOK), tick=True):
        yield
