"""thai.digits: Thai digits (๐–๙, U+0E50–U+0E59) to Arabic digits and back."""

import pytest

from thai.digits import THAI_DIGITS, to_arabic_digits, to_thai_digits


def test_thai_digit_table_is_u0e50_to_u0e59():
    assert THAI_DIGITS == "".join(chr(code) for code in range(0x0E50, 0x0E5A))
    assert len(THAI_DIGITS) == 10


@pytest.mark.parametrize("digit", range(10))
def test_each_digit_both_ways(digit):
    thai = chr(0x0E50 + digit)
    assert to_thai_digits(str(digit)) == thai
    assert to_arabic_digits(thai) == str(digit)


@pytest.mark.parametrize(
    ("arabic", "thai"),
    [
        ("0123456789", "๐๑๒๓๔๕๖๗๘๙"),
        ("2567", "๒๕๖๗"),
        ("01/10/2567", "๐๑/๑๐/๒๕๖๗"),
        ("001-51-0003", "๐๐๑-๕๑-๐๐๐๓"),
        ("417 60 0005", "๔๑๗ ๖๐ ๐๐๐๕"),
        ("402-420623-00001", "๔๐๒-๔๒๐๖๒๓-๐๐๐๐๑"),
        ("1,234.50", "๑,๒๓๔.๕๐"),
        ("พ.ศ. 2567", "พ.ศ. ๒๕๖๗"),
        ("", ""),
    ],
)
def test_both_ways(arabic, thai):
    assert to_thai_digits(arabic) == thai
    assert to_arabic_digits(thai) == arabic


def test_to_thai_leaves_thai_digits_and_other_text_alone():
    assert to_thai_digits("ครุภัณฑ์ ๐๐๑ abc") == "ครุภัณฑ์ ๐๐๑ abc"


def test_to_arabic_leaves_arabic_digits_and_other_text_alone():
    assert to_arabic_digits("Asset 001 ครุภัณฑ์") == "Asset 001 ครุภัณฑ์"


def test_mixed_digits_normalise_either_way():
    mixed = "0๑2๓-๔5"
    assert to_arabic_digits(mixed) == "0123-45"
    assert to_thai_digits(mixed) == "๐๑๒๓-๔๕"


def test_round_trips():
    text = "เลขที่ 023-60-0014 วันที่ 29 พ.ย. 67"
    assert to_arabic_digits(to_thai_digits(text)) == text
    thai = "๔๘๐-๕๗-๐๐๐๗"
    assert to_thai_digits(to_arabic_digits(thai)) == thai


def test_thai_and_arabic_asset_numbers_match_after_normalising():
    assert to_arabic_digits("๐๒๓-๖๐-๐๐๑๔") == to_arabic_digits("023-60-0014")
    assert to_thai_digits("๐๒๓-๖๐-๐๐๑๔") == to_thai_digits("023-60-0014")


def test_other_unicode_digits_are_not_touched():
    arabic_indic = "٠١٢"  # U+0660..U+0662
    assert to_arabic_digits(arabic_indic) == arabic_indic
    assert to_thai_digits(arabic_indic) == arabic_indic
