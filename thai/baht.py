"""Money in Thai words: "…บาทถ้วน" for whole baht, otherwise "…บาท…สตางค์"."""

from decimal import ROUND_HALF_UP, Decimal

_DIGITS = ["ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า"]
_PLACES = ["", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน"]


def _below_million(number: int, *, trailing_one_is_et: bool) -> str:
    """Words for 0 < number < 1,000,000 ("เอ็ด" for a final 1 after higher digits)."""
    digits = str(number)
    words = []
    length = len(digits)
    for index, char in enumerate(digits):
        digit = int(char)
        place = length - index - 1
        if digit == 0:
            continue
        if place == 1 and digit == 1:
            words.append("สิบ")
        elif place == 1 and digit == 2:
            words.append("ยี่สิบ")
        elif place == 0 and digit == 1 and (length > 1 or trailing_one_is_et):
            words.append("เอ็ด")
        else:
            words.append(_DIGITS[digit] + _PLACES[place])
    return "".join(words)


def number_text(number: int) -> str:
    """A whole number in Thai words, e.g. 121 → หนึ่งร้อยยี่สิบเอ็ด."""
    if number < 0:
        return "ลบ" + number_text(-number)
    if number == 0:
        return _DIGITS[0]
    groups = []
    while number > 0:
        groups.append(number % 1_000_000)
        number //= 1_000_000
    words = ""
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        has_higher = index < len(groups) - 1
        if group:
            words += _below_million(group, trailing_one_is_et=has_higher)
        if index > 0:
            words += "ล้าน"
    return words


def baht_text(amount) -> str:
    """Thai baht text of an amount, rounded to the satang: 1,234.50 → หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "ลบ" if value < 0 else ""
    value = abs(value)
    baht = int(value)
    satang = int((value - baht) * 100)
    if satang == 0:
        return f"{sign}{number_text(baht)}บาทถ้วน"
    if baht == 0:
        return f"{sign}{number_text(satang)}สตางค์"
    return f"{sign}{number_text(baht)}บาท{number_text(satang)}สตางค์"
