"""Buddhist-Era dates, Thai month names, date input, and fiscal years (1 Oct–30 Sep, named by BE year)."""

import datetime as dt
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from .digits import to_arabic_digits

BE_OFFSET = 543
MIN_YEAR, MAX_YEAR = 1800, 2399  # CE: outside this range a date is a typing mistake (2400 and up is read as BE)
MONTHS = [
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
]
MONTHS_SHORT = [
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
]
_MONTH_BY_NAME = {name: i + 1 for i, name in enumerate(MONTHS)}
_MONTH_BY_NAME.update({name: i + 1 for i, name in enumerate(MONTHS_SHORT)})
_MONTH_BY_NAME.update({name.replace(".", ""): i + 1 for i, name in enumerate(MONTHS_SHORT)})


class ThaiDateError(ValueError):
    """A date that cannot be read; the message is Thai, ready to show."""


def local_date(value) -> dt.date:
    """The local (Asia/Bangkok) calendar date of a date or datetime."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def be_year(value) -> int:
    return local_date(value).year + BE_OFFSET


def fiscal_year(value) -> int:
    """The fiscal year (BE) of a date: 1 Oct 2023 – 30 Sep 2024 is fiscal year 2567."""
    day = local_date(value)
    return day.year + BE_OFFSET + (1 if day.month >= 10 else 0)


def fiscal_year_bounds(year_be: int) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal year given in BE."""
    year_ce = year_be - BE_OFFSET
    return dt.date(year_ce - 1, 10, 1), dt.date(year_ce, 9, 30)


def format_date(value, style: str = "long") -> str:
    """long: 1 ตุลาคม 2567 · short: 1 ต.ค. 2567 · numeric: 01/10/2567 · month: ตุลาคม 2567."""
    if value is None or value == "":
        return ""
    day = local_date(value)
    year = day.year + BE_OFFSET
    if style == "numeric":
        return f"{day.day:02d}/{day.month:02d}/{year}"
    if style == "short":
        return f"{day.day} {MONTHS_SHORT[day.month - 1]} {year}"
    if style == "month":
        return f"{MONTHS[day.month - 1]} {year}"
    return f"{day.day} {MONTHS[day.month - 1]} {year}"


def format_datetime(value) -> str:
    if value is None:
        return ""
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{format_date(moment.date(), 'short')} {moment:%H:%M} น."


def _year_from_input(year_text: str) -> int:
    year = int(year_text)
    if len(year_text) <= 2:
        # Two digits are a short BE year, as in "29 พ.ย. 67".
        year += 2500
    if year >= 2400:
        year -= BE_OFFSET
    return year


_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
# ddmmyyyy / ddmmyy without separators, as typed on a phone's numeric keypad (no slash key).
_COMPACT = re.compile(r"^(\d{2})(\d{2})(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NAMED = re.compile(r"^(\d{1,2})\s+([ก-๛.]+)\s*(?:พ\.ศ\.)?\s*(\d{2}|\d{4})$")


def parse_date(text: str) -> dt.date:
    """Read a date typed by a person.

    Accepts ISO (2024-10-01), dd/mm/yyyy (also with - or ., or none: 01102567, 011067),
    and "1 ต.ค. 2567" / "29 พ.ย. 67".
    A year of 2400 or more is BE, a smaller one CE; Thai digits are accepted.
    """
    raw = to_arabic_digits((text or "").strip())
    if not raw:
        raise ThaiDateError(_("กรุณากรอกวันที่"))
    if match := _ISO.match(raw):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
        if year >= 2400:
            year -= BE_OFFSET
    elif match := _NUMERIC.match(raw) or _COMPACT.match(raw):
        day, month, year = int(match[1]), int(match[2]), _year_from_input(match[3])
    elif match := _NAMED.match(raw):
        month = _MONTH_BY_NAME.get(match[2]) or _MONTH_BY_NAME.get(match[2].replace(".", ""))
        if month is None:
            raise ThaiDateError(_("ไม่รู้จักชื่อเดือน “%(month)s”") % {"month": match[2]})
        day, year = int(match[1]), _year_from_input(match[3])
    else:
        raise ThaiDateError(
            _("อ่านวันที่ “%(text)s” ไม่ได้ กรุณากรอกเป็น วว/ดด/ปปปป (เช่น 01/10/2567) หรือ ปปปป-ดด-วว") % {"text": text}
        )
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ThaiDateError(
            _("ปีของวันที่ “%(text)s” ต้องอยู่ระหว่าง พ.ศ. %(min)s ถึง %(max)s") % {
                "text": text, "min": MIN_YEAR + BE_OFFSET, "max": MAX_YEAR + BE_OFFSET}
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ThaiDateError(_("ไม่มีวันที่ “%(text)s” ในปฏิทิน") % {"text": text}) from None


_MONTH_YEAR = re.compile(r"^(?:เดือน\s*)?([ก-๛.]+)\s*(?:พ\.ศ\.)?\s*(\d{2}|\d{4})$")
_NUMERIC_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YEAR = re.compile(r"^(?:พ\.ศ\.|ปี)?\s*(\d{4})(?:\.0+)?$")


def parse_partial_date(text: str) -> tuple[dt.date, str] | None:
    """A date written without its day or month, as old registers do: "ส.ค. 2566" or "08/2566" (the first of
    that month) and "2549" (a BE year alone: the first day of that fiscal year, 1 ต.ค. 2548), with how precise
    it is ("month" or "year"); None when the text is neither. The caller flags the date as estimated."""
    raw = to_arabic_digits((text or "").strip())
    month = year_text = None
    if match := _MONTH_YEAR.match(raw):
        month = _MONTH_BY_NAME.get(match[1]) or _MONTH_BY_NAME.get(match[1].replace(".", ""))
        year_text = match[2]
    elif match := _NUMERIC_MONTH_YEAR.match(raw):
        month, year_text = int(match[1]), match[2]
    elif match := _YEAR.match(raw):
        year = int(match[1])
        if 2400 <= year and MIN_YEAR <= year - BE_OFFSET <= MAX_YEAR:
            return fiscal_year_bounds(year)[0], "year"
        return None
    if month is None or not 1 <= month <= 12:
        return None
    year = _year_from_input(year_text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    return dt.date(year, month, 1), "month"
