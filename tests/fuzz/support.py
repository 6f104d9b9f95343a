"""What the bad-input tests share: hypothesis settings, strategies for hostile input, and the checks.

Each example runs inside a savepoint that is rolled back (`rolled_back`), so every example starts from the
fixture's data and the checks compare the database before and after one request:
- no request ends in a 500 (the test client raises the view's exception; a status of 500 fails too);
- a refused input leaves every table of the project's apps as it was (`database_state`);
- an accepted input stores rows that pass their model's full_clean (`assert_stored_rows_valid`), and the text
  it stored is shown escaped in the object's page, never as live markup (`assert_shown_escaped`).
"""

import os
import re
from contextlib import contextmanager

from django.apps import apps
from django.contrib.messages import constants, get_messages
from django.db import models, transaction
from django.utils.html import escape
from hypothesis import HealthCheck, Phase, event, settings, strategies as st

from tests.faults.crash_script import database_state
from thai.digits import to_thai_digits

__all__ = ["database_state"]

DEFAULT_EXAMPLES = 30
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", str(DEFAULT_EXAMPLES)))


def fuzz(examples: int = DEFAULT_EXAMPLES):
    """Hypothesis settings for these tests: a modest number of examples (`examples`, scaled by FUZZ_EXAMPLES
    against its default of 30), no deadline (the machine may be busy), no example database written into the
    checkout, no "explain" phase (slow, and the failing example is printed anyway); a failure prints the
    @reproduce_failure line that replays it exactly."""
    count = max(1, round(examples * EXAMPLES / DEFAULT_EXAMPLES))
    return settings(max_examples=count, deadline=None, database=None, derandomize=False, print_blob=True,
                    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.large_base_example,
                                           HealthCheck.filter_too_much])


# --- strategies ---------------------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
HOSTILE = [
    SCRIPT, "<b>ตัวหนา</b>", '"><img src=x onerror=alert(1)>', "';alert(1);//", "</textarea><script>alert(2)</script>",
    "<svg onload=alert(3)>", "javascript:alert(1)", "{{ request }}", "{% csrf_token %}", "%(number)s %s %d {0}",
    "เครื่องคอมพิวเตอร์ สำนักปลัด", "ครุภัณฑ์ 😀📦🖨️👩🏽‍💻", "๑๒๓/๒๕๖๗", "\u200b\u200c\u200d\ufeff", "\u202eกลับด้าน",
    "\x00", "NUL\x00inside", "\x07\x08\x1b[31m", "\r\n", "บรรทัดหนึ่ง\nบรรทัดสอง\r\nสาม", "\t", " ", "", "null", "None",
    "-1", "1e309", "NaN", "sNaN", "-Infinity", "../../etc/passwd", "\\", "'; DROP TABLE assets_asset; --",
    "=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "\u0e4f\u0e5a\u0e5b", "ﷺ", "𝕏𝕐", "\U0010ffff", "ßﬃŉ", "_x0000_",
]
THAI = st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B)
_piece = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30), st.text(THAI, max_size=30),
                   st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "So"]), max_size=8))
_long = st.builds(lambda piece, count: piece * count,
                  st.sampled_from(["ก", "🙂", "<b>x</b>", "a", "๙", "\u0e34", "ß", SCRIPT]), st.integers(40, 2500))


def texts(max_pieces: int = 4):
    """Arbitrary text: Thai, emoji, markup and script, control characters, Thai digits, very long strings."""
    return st.one_of(st.lists(_piece, max_size=max_pieces).map("".join), _long)


def fitting(max_length: int | None = None, *, required: bool = False, marked: bool = False):
    """Hostile text that a form should accept: anything but NUL, within max_length; `required` puts a Thai word
    first (a blank required field is refused), `marked` the script tag."""
    head = ("ครุภัณฑ์" if required else "") + (SCRIPT if marked else "")
    return texts().map(lambda text: (head + text.replace("\x00", ""))[:max_length])


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cell_texts(max_length: int | None = None, *, required: bool = False, marked: bool = False):
    """Hostile text a spreadsheet cell can hold and an import should take: fitting() without the control
    characters no text file a spreadsheet writes contains (a CSV with one is refused whole)."""
    return fitting(max_length, required=required, marked=marked).map(lambda text: _CONTROL.sub("", text))


def reader_texts(max_pieces: int = 2):
    """Text as common.spreadsheets hands a cell over: anything but NUL (CSV with one is refused; an .xlsx's
    escaped "_x0000_" is dropped)."""
    return texts(max_pieces).map(lambda text: text.replace("\x00", ""))


def junk_texts():
    """Any text, and often text with a NUL character inside (forms refuse it; PostgreSQL cannot store it)."""
    return st.one_of(texts(), st.builds(lambda before, after: f"{before}\x00{after}", fitting(20), fitting(20)))


@st.composite
def forms(draw, acceptable: dict, junk: dict | None = None, *, max_bad: int = 2):
    """A form's fields: each from `acceptable` (values a form should take, hostile text included), then up to
    `max_bad` of them replaced by junk (`junk[name]`, else junk_texts()), so both the accepted and the refused
    paths are walked often."""
    data = {name: draw(strategy if isinstance(strategy, st.SearchStrategy) else st.just(strategy), label=name)
            for name, strategy in acceptable.items()}
    junk = junk or {}
    for name in draw(st.lists(st.sampled_from(sorted(acceptable)), max_size=max_bad, unique=True), label="bad"):
        data[name] = draw(junk.get(name, junk_texts()), label=f"bad {name}")
    return data


def _be(day) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def date_texts():
    """Dates as staff type them (BE, ISO, Thai digits) and malformed ones."""
    import datetime as dt

    days = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
    return st.one_of(
        days.map(_be), days.map(dt.date.isoformat), days.map(lambda day: to_thai_digits(_be(day))),
        st.builds(lambda d, m, y: f"{d}/{m}/{y}", st.integers(-3, 40), st.integers(-1, 15), st.integers(-10, 10**6)),
        st.sampled_from(["31/02/2568", "29/02/2567", "00/00/0000", "2568-13-01", "๓๒/๑๒/๒๕๖๗", "1/1/1", "9999-12-31",
                         "01/10/2567 08:00", "๑๕ มี.ค. ๒๕๖๗", "yesterday", "", " "]),
        texts(2))


def number_texts():
    """Numbers as staff type them (Thai digits, thousands separators) and out-of-range or malformed ones."""
    return st.one_of(
        st.integers(min_value=-10**20, max_value=10**20).map(str),
        st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str),
        st.floats().map(str),
        st.integers(min_value=0, max_value=10**9).map(lambda n: to_thai_digits(f"{n:,}")),
        st.sampled_from(["1,234.50", "๑,๒๓๔.๕๐", "1e999", "-0", "0.001", "12.345", "99999999999999.99",
                         "100000000000000", "-1", "0", "1_000", "½", "٣", "１２", "", " "]),
        texts(2))


def mostly(valid, junk, ratio: int = 4):
    """`valid` (ratio - 1) times in `ratio`, else `junk`: enough accepted input to check what is stored."""
    valid = valid if isinstance(valid, st.SearchStrategy) else st.just(valid)
    return st.integers(0, ratio - 1).flatmap(lambda n: junk if n == 0 else valid)


def ids():
    """What may be typed or posted where an id is expected."""
    return st.one_of(st.integers(min_value=-2**70, max_value=2**70).map(str), st.sampled_from(
        ["", "0", "1", "-1", "๑", "1.5", "1e3", "9" * 40, "abc", "1 OR 1=1", "[]", "None"]), texts(1))


# --- checks -------------------------------------------------------------------------------------------------


@contextmanager
def rolled_back():
    """Run one example inside a savepoint that is rolled back, so the next starts from the same data."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def assert_not_500(response) -> None:
    assert response.status_code < 500, response.status_code


def levels(response) -> set[int]:
    """The levels of the messages the request left (success, error...)."""
    return {message.level for message in get_messages(response.wsgi_request)}


def post_and_judge(client, url: str, data) -> tuple[object, bool]:
    """POST a form as a browser would and judge the answer: never a 500, a redirect, and either a refusal said
    with an error and nothing stored, or an acceptance said with a success and only valid rows stored.
    Returns the response and whether the form was accepted."""
    before = database_state()
    response = client.post(url, data)
    assert_not_500(response)
    assert response.status_code == 302
    after = database_state()
    accepted = after != before
    event("accepted" if accepted else "refused")
    if accepted:
        assert constants.SUCCESS in levels(response)
        assert_stored_rows_valid(before, after)
    else:
        assert constants.ERROR in levels(response)
    return response, accepted


def changed_rows(before: dict, after: dict) -> dict[str, set[str]]:
    """{model label: primary keys of rows added or changed}."""
    changed = {}
    for label, rows in after.items():
        old = {row[0]: row for row in before.get(label, [])}
        keys = {row[0] for row in rows if old.get(row[0]) != row}
        if keys:
            changed[label] = keys
    return changed


def assert_stored_rows_valid(before: dict, after: dict | None = None) -> dict[str, set[str]]:
    """Every row the request added or changed passes its model's full_clean (the log is checked by its chain),
    and none of its text holds a NUL character (which forms refuse and PostgreSQL cannot store)."""
    after = after if after is not None else database_state()
    changed = changed_rows(before, after)
    for label, keys in changed.items():
        model = apps.get_model(label)
        if model._meta.app_label == "activity" or model._meta.auto_created:
            continue
        texts = [field.attname for field in model._meta.concrete_fields
                 if isinstance(field, (models.CharField, models.TextField))]
        for instance in model._base_manager.filter(pk__in=keys):
            instance.full_clean()
            for name in texts:
                assert "\x00" not in (getattr(instance, name) or ""), f"{label}.{name} stored a NUL character"
    return changed


_MARKUP = re.compile(r"<[A-Za-z/!?][^<>]*>")  # a whole tag
_LINES = re.compile(r"\r\n|\r|\n")


def _live(line: str) -> bool:
    """A line that would be markup if the page showed it raw (long enough not to be a piece of the page's own)."""
    return len(line) >= 6 and _MARKUP.search(line) is not None


def assert_shown_escaped(page: str, *values: str) -> None:
    """Each value (as stored) appears in the page escaped, line by line; any markup in it never appears raw."""
    for value in values:
        if value is None:
            continue
        value = str(value)
        for line in _LINES.split(value):
            if _live(line):
                assert line not in page, f"unescaped in the page: {line[:200]!r}"
            if line.strip():
                assert escape(line) in page, f"not shown (escaped) in the page: {line[:200]!r}"


def assert_no_live_markup(page: str, *values: str) -> None:
    """Any markup in these values (whether or not the page shows them) never appears raw."""
    for value in values:
        for line in _LINES.split(str(value or "")):
            if _live(line):
                assert line not in page, f"unescaped in the page: {line[:200]!r}"
    assert SCRIPT not in page
