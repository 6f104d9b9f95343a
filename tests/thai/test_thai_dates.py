"""thai.dates: Buddhist-Era years, fiscal years (1 Oct – 30 Sep, named by the BE year it ends in),
Thai date formatting and reading dates typed by people."""

import datetime as dt
import re

import pytest

from thai.dates import (
    MONTHS,
    MONTHS_SHORT,
    ThaiDateError,
    be_year,
    fiscal_year,
    fiscal_year_bounds,
    format_date,
    format_datetime,
    parse_date,
)

UTC = dt.timezone.utc
THAI_LETTERS = re.compile(r"[\u0E01-\u0E4E]")


def _settings_configured() -> bool:
    from django.conf import settings

    return settings.configured


# Aware datetimes are converted with django.utils.timezone, which needs the project's settings
# (TIME_ZONE = "Asia/Bangkok"); pytest-django provides them.
needs_settings = pytest.mark.skipif(
    not _settings_configured(), reason="needs Django settings (run under pytest-django)"
)


# --- months ---------------------------------------------------------------------------------


def test_month_tables_have_twelve_entries_in_calendar_order():
    assert len(MONTHS) == 12 and len(MONTHS_SHORT) == 12
    assert MONTHS[0] == "มกราคม"
    assert MONTHS[9] == "ตุลาคม"
    assert MONTHS[11] == "ธันวาคม"
    assert MONTHS_SHORT[0] == "ม.ค."
    assert MONTHS_SHORT[9] == "ต.ค."
    assert MONTHS_SHORT[10] == "พ.ย."


# --- be_year --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2024, 1, 1), 2567),
        (dt.date(2024, 12, 31), 2567),
        (dt.date(2025, 1, 1), 2568),
        (dt.date(1957, 6, 1), 2500),
        (dt.datetime(2024, 12, 31, 23, 59), 2567),  # naive datetime: taken as local already
    ],
)
def test_be_year_adds_543(value, expected):
    assert be_year(value) == expected


@needs_settings
def test_be_year_of_aware_datetime_uses_bangkok_date():
    # 31 Dec 2023 17:00 UTC is 1 Jan 2024 00:00 in Bangkok (UTC+7).
    assert be_year(dt.datetime(2023, 12, 31, 17, 0, tzinfo=UTC)) == 2567
    assert be_year(dt.datetime(2023, 12, 31, 16, 59, tzinfo=UTC)) == 2566


# --- fiscal_year ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2023, 9, 30), 2566),
        (dt.date(2023, 10, 1), 2567),  # first day of FY 2567
        (dt.date(2023, 12, 31), 2567),
        (dt.date(2024, 1, 1), 2567),
        (dt.date(2024, 2, 29), 2567),
        (dt.date(2024, 9, 30), 2567),  # last day of FY 2567
        (dt.date(2024, 10, 1), 2568),  # first day of FY 2568
        (dt.date(2024, 11, 29), 2568),
        (dt.date(2025, 9, 30), 2568),
        (dt.datetime(2024, 9, 30, 23, 59, 59), 2567),  # naive datetime
        (dt.datetime(2024, 10, 1, 0, 0), 2568),
    ],
)
def test_fiscal_year(value, expected):
    assert fiscal_year(value) == expected


@needs_settings
def test_fiscal_year_of_aware_datetime_uses_bangkok_date():
    # 2024-09-30T18:00Z is 1 Oct 2024 01:00 in Bangkok: already fiscal year 2568.
    assert fiscal_year(dt.datetime(2024, 9, 30, 18, 0, tzinfo=UTC)) == 2568
    # 2024-09-30T16:59Z is 30 Sep 23:59 in Bangkok: still 2567.
    assert fiscal_year(dt.datetime(2024, 9, 30, 16, 59, tzinfo=UTC)) == 2567
    # An aware datetime in another zone is converted too.
    new_york = dt.timezone(dt.timedelta(hours=-4))
    assert fiscal_year(dt.datetime(2024, 9, 30, 14, 0, tzinfo=new_york)) == 2568  # 18:00Z


@pytest.mark.parametrize("year_be", [2500, 2566, 2567, 2568, 2600])
def test_fiscal_year_bounds_round_trip(year_be):
    start, end = fiscal_year_bounds(year_be)
    assert start.month == 10 and start.day == 1
    assert end.month == 9 and end.day == 30
    assert end.year == start.year + 1
    assert fiscal_year(start) == year_be
    assert fiscal_year(end) == year_be
    assert fiscal_year(start - dt.timedelta(days=1)) == year_be - 1
    assert fiscal_year(end + dt.timedelta(days=1)) == year_be + 1


def test_fiscal_year_bounds_2567():
    assert fiscal_year_bounds(2567) == (dt.date(2023, 10, 1), dt.date(2024, 9, 30))
    assert fiscal_year_bounds(2568) == (dt.date(2024, 10, 1), dt.date(2025, 9, 30))


def test_fiscal_year_2567_has_366_days():
    start, end = fiscal_year_bounds(2567)  # contains 29 Feb 2024
    assert (end - start).days + 1 == 366
    start, end = fiscal_year_bounds(2568)
    assert (end - start).days + 1 == 365


# --- format_date ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("long", "1 ตุลาคม 2567"),
        ("short", "1 ต.ค. 2567"),
        ("numeric", "01/10/2567"),
    ],
)
def test_format_date_styles(style, expected):
    assert format_date(dt.date(2024, 10, 1), style) == expected


def test_format_date_default_style_is_long():
    assert format_date(dt.date(2024, 11, 29)) == "29 พฤศจิกายน 2567"


@pytest.mark.parametrize(
    ("value", "long", "short", "numeric"),
    [
        (dt.date(2024, 1, 5), "5 มกราคม 2567", "5 ม.ค. 2567", "05/01/2567"),
        (dt.date(2024, 2, 29), "29 กุมภาพันธ์ 2567", "29 ก.พ. 2567", "29/02/2567"),
        (dt.date(2024, 12, 31), "31 ธันวาคม 2567", "31 ธ.ค. 2567", "31/12/2567"),
        (dt.date(2023, 9, 30), "30 กันยายน 2566", "30 ก.ย. 2566", "30/09/2566"),
    ],
)
def test_format_date_all_styles(value, long, short, numeric):
    assert format_date(value, "long") == long
    assert format_date(value, "short") == short
    assert format_date(value, "numeric") == numeric


@pytest.mark.parametrize("empty", [None, ""])
def test_format_date_empty(empty):
    assert format_date(empty) == ""
    assert format_date(empty, "numeric") == ""


def test_format_date_naive_datetime_uses_its_date():
    assert format_date(dt.datetime(2024, 10, 1, 23, 30), "short") == "1 ต.ค. 2567"


@needs_settings
def test_format_date_aware_datetime_uses_bangkok_date():
    assert format_date(dt.datetime(2024, 9, 30, 18, 0, tzinfo=UTC), "short") == "1 ต.ค. 2567"
    assert format_date(dt.datetime(2024, 9, 30, 16, 0, tzinfo=UTC), "numeric") == "30/09/2567"


@pytest.mark.parametrize("month", range(1, 13))
def test_format_date_then_parse_date_round_trip(month):
    day = dt.date(2024, month, 15)
    for style in ("long", "short", "numeric"):
        assert parse_date(format_date(day, style)) == day


# --- format_datetime ------------------------------------------------------------------------


def test_format_datetime_naive():
    assert format_datetime(dt.datetime(2024, 10, 1, 9, 5)) == "1 ต.ค. 2567 09:05 น."


def test_format_datetime_none():
    assert format_datetime(None) == ""


@needs_settings
def test_format_datetime_aware_is_shown_in_bangkok_time():
    # 18:00 UTC on 30 Sep is 01:00 on 1 Oct in Bangkok.
    assert format_datetime(dt.datetime(2024, 9, 30, 18, 0, tzinfo=UTC)) == "1 ต.ค. 2567 01:00 น."
    assert format_datetime(dt.datetime(2024, 1, 1, 6, 30, tzinfo=UTC)) == "1 ม.ค. 2567 13:30 น."


# --- parse_date: accepted forms ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ISO, CE and BE
        ("2024-10-01", dt.date(2024, 10, 1)),
        ("2024-1-5", dt.date(2024, 1, 5)),
        ("2567-10-01", dt.date(2024, 10, 1)),
        # dd/mm/yyyy, BE year (>= 2400)
        ("01/10/2567", dt.date(2024, 10, 1)),
        ("1/10/2567", dt.date(2024, 10, 1)),
        ("29/02/2567", dt.date(2024, 2, 29)),
        ("31/12/2566", dt.date(2023, 12, 31)),
        ("01/01/2400", dt.date(1857, 1, 1)),
        # dd/mm/yyyy, CE year
        ("01/10/2024", dt.date(2024, 10, 1)),
        ("1/1/1999", dt.date(1999, 1, 1)),
        ("31/12/2399", dt.date(2399, 12, 31)),
        # two-digit years are short BE years
        ("01/10/67", dt.date(2024, 10, 1)),
        # separators - and . and surrounding spaces
        ("01-10-2567", dt.date(2024, 10, 1)),
        ("01.10.2567", dt.date(2024, 10, 1)),
        ("01 / 10 / 2567", dt.date(2024, 10, 1)),
        ("  01/10/2567  ", dt.date(2024, 10, 1)),
        # Thai digits
        ("๐๑/๑๐/๒๕๖๗", dt.date(2024, 10, 1)),
        ("๑/๑๐/๒๕๖๗", dt.date(2024, 10, 1)),
        ("๓๐-๐๙-๒๕๖๗", dt.date(2024, 9, 30)),
        ("๒๕๖๗-๑๐-๐๑", dt.date(2024, 10, 1)),
        ("0๑/1๐/25๖7", dt.date(2024, 10, 1)),  # mixed digits
        # named months, short form
        ("1 ต.ค. 2567", dt.date(2024, 10, 1)),
        ("1 ต.ค.2567", dt.date(2024, 10, 1)),
        ("1 ตค 2567", dt.date(2024, 10, 1)),
        ("29 พ.ย. 67", dt.date(2024, 11, 29)),  # e-GP style, two-digit BE year
        ("29 ก.พ. 2567", dt.date(2024, 2, 29)),
        ("5 มี.ค. 2024", dt.date(2024, 3, 5)),  # CE year with a Thai month
        ("๑ ต.ค. ๒๕๖๗", dt.date(2024, 10, 1)),
        ("๒๙ พ.ย. ๖๗", dt.date(2024, 11, 29)),
        # named months, full form, optional พ.ศ.
        ("1 ตุลาคม 2567", dt.date(2024, 10, 1)),
        ("15 กุมภาพันธ์ 2567", dt.date(2024, 2, 15)),
        ("31 ธันวาคม 2566", dt.date(2023, 12, 31)),
        ("1 ตุลาคม พ.ศ. 2567", dt.date(2024, 10, 1)),
        ("1 ต.ค. พ.ศ. 2567", dt.date(2024, 10, 1)),
    ],
)
def test_parse_date_accepts(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("index", range(12))
def test_parse_date_every_month_name(index):
    month = index + 1
    assert parse_date(f"10 {MONTHS[index]} 2567") == dt.date(2024, month, 10)
    assert parse_date(f"10 {MONTHS_SHORT[index]} 2567") == dt.date(2024, month, 10)
    assert parse_date(f"10 {MONTHS_SHORT[index].replace('.', '')} 67") == dt.date(2024, month, 10)


def test_parse_date_returns_a_plain_date():
    value = parse_date("01/10/2567")
    assert type(value) is dt.date


# --- parse_date: errors --------------------------------------------------------------------


def test_thai_date_error_is_a_value_error():
    assert issubclass(ThaiDateError, ValueError)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        None,
        "abc",
        "garbage",
        "วันนี้",
        "2567",
        "01/10",
        "1/10/256",  # three-digit year
        "01/10/25670",
        "1 2 3 4",
        "01/10/2567 extra",
        "31/02/2567",  # no 31 February
        "30/02/2567",
        "29/02/2568",  # 2025 is not a leap year
        "00/01/2567",  # day zero
        "01/00/2567",  # month zero
        "01/13/2567",  # month thirteen
        "32/01/2567",
        "2024-13-01",
        "2024-02-30",
        "01/01/0000",  # year zero
        "1 ฟฟฟ 2567",  # unknown month name
        "1 ตุลา 2567",  # abbreviation that is not a month name we know
        "1 ต.ค. 2567 พ.ศ.",
    ],
)
def test_parse_date_rejects_with_thai_message(text):
    with pytest.raises(ThaiDateError) as info:
        parse_date(text)
    message = str(info.value)
    assert message
    assert THAI_LETTERS.search(message), message


def test_parse_date_error_can_be_caught_as_value_error():
    with pytest.raises(ValueError):
        parse_date("31/02/2567")


def test_parse_date_unknown_month_names_the_month():
    with pytest.raises(ThaiDateError, match="ฟฟฟ"):
        parse_date("1 ฟฟฟ 2567")


def test_parse_date_empty_asks_for_a_date():
    with pytest.raises(ThaiDateError, match="กรุณากรอกวันที่"):
        parse_date("")


def test_parse_date_impossible_date_quotes_input():
    with pytest.raises(ThaiDateError, match="31/02/2567"):
        parse_date("31/02/2567")


# --- parse_date: digits only, as typed on a phone's numeric keypad --------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ddmmyyyy, BE year
        ("01122569", dt.date(2026, 12, 1)),
        ("01102567", dt.date(2024, 10, 1)),
        ("29022567", dt.date(2024, 2, 29)),
        ("  01122569  ", dt.date(2026, 12, 1)),
        # ddmmyyyy, CE year: the same year rule as dd/mm/yyyy
        ("01122026", dt.date(2026, 12, 1)),
        # ddmmyy: two digits are a short BE year, as in 01/12/69
        ("011269", dt.date(2026, 12, 1)),
        # Thai digits, also mixed
        ("๐๑๑๒๒๕๖๙", dt.date(2026, 12, 1)),
        ("๐๑๑๒๖๙", dt.date(2026, 12, 1)),
        ("0๑1๒25๖9", dt.date(2026, 12, 1)),
    ],
)
def test_parse_date_accepts_digits_without_separators(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "31022569",  # no 31 February
        "29022568",  # 2025 is not a leap year
        "00012569",  # day zero
        "01002569",  # month zero
        "01132569",  # month thirteen
        "32012569",
        "01010000",  # year zero
        "0112256",  # seven digits
        "11269",  # five digits
        "112569",  # six digits read as ddmmyy: month 25
        "011225690",  # nine digits
        "0112",  # four digits
        "01 122569",
        "01122569 extra",
    ],
)
def test_parse_date_rejects_bad_digits_without_separators_with_thai_message(text):
    with pytest.raises(ThaiDateError) as info:
        parse_date(text)
    message = str(info.value)
    assert message
    assert THAI_LETTERS.search(message), message


def test_parse_date_impossible_date_without_separators_gets_the_same_message():
    with pytest.raises(ThaiDateError) as separated:
        parse_date("31/02/2569")
    with pytest.raises(ThaiDateError) as compact:
        parse_date("31022569")
    assert str(compact.value) == str(separated.value).replace("31/02/2569", "31022569")
    assert "31022569" in str(compact.value)


@pytest.mark.parametrize(
    "text",
    ["01/12/2569", "1/12/2569", "01-12-2569", "01.12.2569", "01 / 12 / 2569", "01/12/69", "2026-12-01",
     "๐๑/๑๒/๒๕๖๙", "1 ธ.ค. 2569", "1 ธันวาคม พ.ศ. 2569", "1 ธค 69"],
)
def test_parse_date_separated_forms_still_read_the_same_day(text):
    assert parse_date(text) == dt.date(2026, 12, 1)
