import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from organization.models import Division, Location
from thai.dates import fiscal_year, fiscal_year_bounds
from thai.digits import to_arabic_digits

from .models import Asset, Category, Status
from .selectors import search_assets


def _fiscal_year_choices():
    import datetime as dt

    current = fiscal_year(dt.date.today())
    return [(year, str(year)) for year in range(current, current - 40, -1)]


class AssetFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("ค้นหา"), method="filter_text",
                                  widget=forms.TextInput(attrs={"placeholder": _("ชื่อ หมายเลข หรือ Serial")}))
    category = django_filters.ModelChoiceFilter(label=_("ประเภท"), queryset=Category.objects.all())
    division = django_filters.ModelChoiceFilter(label=_("กอง"), queryset=Division.objects.all())
    location = django_filters.ModelChoiceFilter(label=_("สถานที่"), queryset=Location.objects.select_related("division"))
    status = django_filters.ChoiceFilter(label=_("สถานะ"), choices=Status.choices)
    fiscal_year = django_filters.TypedChoiceFilter(
        label=_("ปีงบประมาณที่ได้มา"), choices=_fiscal_year_choices, method="filter_fiscal_year", coerce=int
    )

    class Meta:
        model = Asset
        fields = ["q", "category", "division", "location", "status", "fiscal_year"]

    def filter_text(self, queryset, name, value):
        return search_assets(queryset, value)

    def filter_fiscal_year(self, queryset, name, value):
        try:
            year = int(to_arabic_digits(str(value)))
        except ValueError:
            return queryset.none()
        first, last = fiscal_year_bounds(year)
        return queryset.filter(acquired_on__range=(first, last))
