"""Form fields that read input the way Thai staff type it: BE dates, Thai digits, thousands separators."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from .dates import ThaiDateError, format_date, parse_date
from .digits import to_arabic_digits


DATE_PLACEHOLDER = _("วว/ดด/ปปปป (พ.ศ.)")


class ThaiDateInput(forms.TextInput):
    """A text box showing the date as dd/mm/yyyy in the Buddhist Era."""

    def __init__(self, attrs=None):
        base = {"placeholder": DATE_PLACEHOLDER, "inputmode": "numeric", "autocomplete": "off"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):
            return format_date(value, "numeric")
        return super().format_value(value)


class ThaiDateField(forms.Field):
    widget = ThaiDateInput

    def to_python(self, value):
        if isinstance(value, dt.date):
            return value
        if value in self.empty_values or str(value).strip() == "":
            return None
        try:
            return parse_date(str(value))
        except ThaiDateError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class ThaiNumberInput(forms.TextInput):
    """A plain text box for numbers: a browser's type="number" box would refuse Thai digits and commas."""

    def __init__(self, attrs=None, inputmode="decimal"):
        super().__init__({"inputmode": inputmode, "autocomplete": "off", **(attrs or {})})


class ThaiDecimalField(forms.DecimalField):
    """Accepts Thai digits and thousands separators (1,234.50 or ๑,๒๓๔.๕๐)."""

    widget = ThaiNumberInput

    def to_python(self, value):
        if isinstance(value, str):
            value = to_arabic_digits(value).replace(",", "").replace(" ", "").strip()
        value = super().to_python(value)
        if value is not None and not value.is_finite():
            # "NaN", "sNaN" and "Infinity" are Decimals too; Django refuses them only after comparing them with the
            # initial value, and comparing a signalling NaN raises (a 500 on an edit form's formset).
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class ThaiIntegerField(forms.IntegerField):
    """Accepts Thai digits and thousands separators (๑๒ or 1,000)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", ThaiNumberInput(inputmode="numeric"))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = to_arabic_digits(value).replace(",", "").strip()
        return super().to_python(value)
