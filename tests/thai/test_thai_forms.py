"""thai.forms: fields that read what Thai staff type (BE dates, Thai digits, thousands separators).

These need the project's Django settings (pytest-django loads config.settings) but no database.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings

if not settings.configured:  # e.g. when run with -p no:django
    pytest.skip("needs Django settings (run under pytest-django)", allow_module_level=True)

from django import forms  # noqa: E402

from thai.forms import (  # noqa: E402
    ThaiDateField,
    ThaiDateInput,
    ThaiDecimalField,
    ThaiIntegerField,
)

THAI_LETTERS = re.compile(r"[\u0E01-\u0E4E]")


# --- ThaiDateInput --------------------------------------------------------------------------


def test_date_input_format_value_shows_be_numeric():
    widget = ThaiDateInput()
    assert widget.format_value(dt.date(2024, 10, 1)) == "01/10/2567"
    assert widget.format_value(dt.date(2023, 9, 30)) == "30/09/2566"


def test_date_input_format_value_passes_other_values_through():
    widget = ThaiDateInput()
    assert widget.format_value(None) is None
    assert widget.format_value("") is None
    # What the person typed is shown back unchanged when the form is redisplayed with errors.
    assert widget.format_value("31/02/2567") == "31/02/2567"
    assert widget.format_value("๑ ต.ค. ๒๕๖๗") == "๑ ต.ค. ๒๕๖๗"


def test_date_input_default_attrs_and_overrides():
    widget = ThaiDateInput()
    assert widget.attrs["inputmode"] == "numeric"
    assert widget.attrs["autocomplete"] == "off"
    assert "พ.ศ." in widget.attrs["placeholder"]
    custom = ThaiDateInput(attrs={"placeholder": "x", "class": "date"})
    assert custom.attrs["placeholder"] == "x"
    assert custom.attrs["class"] == "date"
    assert custom.attrs["inputmode"] == "numeric"


def test_date_input_renders_be_value():
    html = ThaiDateInput().render("acquired_on", dt.date(2024, 10, 1))
    assert 'value="01/10/2567"' in html
    assert 'type="text"' in html


# --- ThaiDateField --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("01/10/2567", dt.date(2024, 10, 1)),
        ("๐๑/๑๐/๒๕๖๗", dt.date(2024, 10, 1)),
        ("1-10-2024", dt.date(2024, 10, 1)),
        ("2024-10-01", dt.date(2024, 10, 1)),
        ("1 ต.ค. 2567", dt.date(2024, 10, 1)),
        ("29 พ.ย. 67", dt.date(2024, 11, 29)),
        ("  1 ตุลาคม 2567 ", dt.date(2024, 10, 1)),
    ],
)
def test_date_field_clean(typed, expected):
    assert ThaiDateField().clean(typed) == expected


def test_date_field_passes_dates_through():
    assert ThaiDateField().clean(dt.date(2024, 10, 1)) == dt.date(2024, 10, 1)


@pytest.mark.parametrize("typed", ["31/02/2567", "00/01/2567", "abc", "1 ฟฟฟ 2567"])
def test_date_field_invalid_gives_thai_validation_error(typed):
    with pytest.raises(forms.ValidationError) as info:
        ThaiDateField().clean(typed)
    assert info.value.code == "invalid"
    assert all(THAI_LETTERS.search(message) for message in info.value.messages)


@pytest.mark.parametrize("empty", ["", "   ", None])
def test_date_field_empty(empty):
    assert ThaiDateField(required=False).clean(empty) is None
    with pytest.raises(forms.ValidationError) as info:
        ThaiDateField().clean(empty)
    assert info.value.code == "required"


def test_date_field_uses_thai_date_input():
    assert isinstance(ThaiDateField().widget, ThaiDateInput)


class _AssetForm(forms.Form):
    acquired_on = ThaiDateField()
    unit_price = ThaiDecimalField(max_digits=14, decimal_places=2, min_value=0)
    life = ThaiIntegerField(required=False, min_value=1, max_value=100)


def test_form_round_trip_with_thai_digits():
    form = _AssetForm(data={"acquired_on": "๐๑/๑๐/๒๕๖๖", "unit_price": "๔๕,๐๐๐.๐๐", "life": "๕"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "acquired_on": dt.date(2023, 10, 1),
        "unit_price": Decimal("45000.00"),
        "life": 5,
    }


def test_form_invalid_date_is_redisplayed_as_typed():
    form = _AssetForm(data={"acquired_on": "31/02/2567", "unit_price": "1", "life": ""})
    assert not form.is_valid()
    assert "acquired_on" in form.errors
    assert 'value="31/02/2567"' in str(form["acquired_on"])


def test_form_initial_date_is_shown_in_be():
    form = _AssetForm(initial={"acquired_on": dt.date(2024, 4, 1)})
    assert 'value="01/04/2567"' in str(form["acquired_on"])


def test_form_unchanged_initial_date_is_not_reported_as_changed():
    form = _AssetForm(
        initial={"acquired_on": dt.date(2024, 4, 1), "unit_price": Decimal("1.00"), "life": 5},
        data={"acquired_on": "01/04/2567", "unit_price": "1.00", "life": "5"},
    )
    assert "acquired_on" not in form.changed_data


# --- ThaiDecimalField -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1234.50", Decimal("1234.50")),
        ("1,234.50", Decimal("1234.50")),
        ("๑,๒๓๔.๕๐", Decimal("1234.50")),
        ("๑๒๓๔.๕", Decimal("1234.5")),
        ("45,000", Decimal("45000")),
        ("1,000,000.00", Decimal("1000000.00")),
        (" 45 000 ", Decimal("45000")),
        ("0", Decimal("0")),
        ("๐.๐๑", Decimal("0.01")),
    ],
)
def test_decimal_field_clean(typed, expected):
    value = ThaiDecimalField(max_digits=14, decimal_places=2).clean(typed)
    assert value == expected
    assert isinstance(value, Decimal)


def test_decimal_field_passes_numbers_through():
    field = ThaiDecimalField(max_digits=14, decimal_places=2)
    assert field.clean(Decimal("12.30")) == Decimal("12.30")
    assert field.clean(12) == Decimal("12")


@pytest.mark.parametrize("typed", ["abc", "๑๒x", "1.2.3", "บาท"])
def test_decimal_field_rejects_non_numbers(typed):
    with pytest.raises(forms.ValidationError) as info:
        ThaiDecimalField(max_digits=14, decimal_places=2).clean(typed)
    assert info.value.code == "invalid"


def test_decimal_field_still_checks_decimal_places_and_digits():
    field = ThaiDecimalField(max_digits=5, decimal_places=2)
    with pytest.raises(forms.ValidationError):
        field.clean("๑.๒๓๔")
    with pytest.raises(forms.ValidationError):
        field.clean("1,234.50")  # 6 digits > max_digits 5
    assert field.clean("๑๒๓.๔๕") == Decimal("123.45")


def test_decimal_field_min_value():
    field = ThaiDecimalField(max_digits=14, decimal_places=2, min_value=0)
    with pytest.raises(forms.ValidationError):
        field.clean("-๑")


def test_decimal_field_empty():
    assert ThaiDecimalField(required=False).clean("") is None
    with pytest.raises(forms.ValidationError):
        ThaiDecimalField().clean("")


def test_number_fields_render_as_text_boxes_so_thai_digits_can_be_typed():
    # A browser's <input type="number"> refuses "๑,๒๓๔.๕๐", so these must be text boxes.
    decimal_html = ThaiDecimalField(max_digits=14, decimal_places=2, min_value=0).widget.render("price", None)
    assert 'type="text"' in decimal_html
    assert 'inputmode="decimal"' in decimal_html
    integer_html = ThaiIntegerField(min_value=1).widget.render("life", None)
    assert 'type="text"' in integer_html
    assert 'inputmode="numeric"' in integer_html


def test_decimal_field_redisplays_typed_text():
    form = _AssetForm(data={"acquired_on": "01/10/2567", "unit_price": "๑,๒๓๔.๕๐"})
    assert 'value="๑,๒๓๔.๕๐"' in str(form["unit_price"])


# --- ThaiIntegerField -----------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "expected"), [("5", 5), ("๕", 5), ("๑,๐๐๐", 1000), (" 12 ", 12)])
def test_integer_field_clean(typed, expected):
    assert ThaiIntegerField().clean(typed) == expected


def test_integer_field_rejects_and_checks_bounds():
    field = ThaiIntegerField(min_value=1, max_value=100)
    with pytest.raises(forms.ValidationError):
        field.clean("abc")
    with pytest.raises(forms.ValidationError):
        field.clean("๐")
    with pytest.raises(forms.ValidationError):
        field.clean("๑๐๑")
