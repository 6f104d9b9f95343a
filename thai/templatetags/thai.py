"""Template filters for Thai dates, digits and money: {{ d|thai_date }}, {{ n|thai_digits }}, {{ x|baht_text }}."""

from decimal import Decimal, InvalidOperation

from django import template

from thai import baht, dates, digits

register = template.Library()


@register.filter
def thai_date(value, style="long"):
    return dates.format_date(value, style) if value else ""


@register.filter
def thai_datetime(value):
    return dates.format_datetime(value) if value else ""


@register.filter
def be_year(value):
    return dates.be_year(value) if value else ""


@register.filter
def fiscal_year(value):
    return dates.fiscal_year(value) if value else ""


@register.filter
def thai_digits(value):
    return digits.to_thai_digits(str(value)) if value is not None else ""


@register.filter
def baht_text(value):
    try:
        return baht.baht_text(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return ""


@register.filter
def money(value):
    """1234.5 → 1,234.50"""
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return ""
