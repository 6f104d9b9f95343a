import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organization.models import Division, Location
from thai.dates import fiscal_year, fiscal_year_bounds
from thai.digits import to_arabic_digits

from .models import Asset, Category, Status
from .selectors import search_assets


def _fiscal_year_choices():
    """The last forty fiscal years (BE), newest first; no query."""
    current = fiscal_year(timezone.localdate())
    return [(year, str(year)) for year in range(current, current - 40, -1)]


ALL = _("ทั้งหมด")


class AssetFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("ค้นหา"), method="filter_text",
                                  widget=forms.TextInput(attrs={"placeholder": _("ชื่อ หมายเลข หรือ Serial")}))
    category = django_filters.ModelChoiceFilter(label=_("ประเภท"), queryset=Category.objects.all(), empty_label=ALL)
    division = django_filters.ModelChoiceFilter(label=_("กอง"), queryset=Division.objects.all(), empty_label=ALL)
    location = django_filters.ModelChoiceFilter(label=_("สถานที่"), queryset=Location.objects.select_related("division"),
                                                empty_label=ALL)
    status = django_filters.ChoiceFilter(label=_("สถานะ"), choices=Status.choices,
                                         empty_label=_("ทั้งหมด (ยกเว้นจำหน่ายแล้ว)"))
    fiscal_year = django_filters.ChoiceFilter(
        label=_("ปีงบประมาณที่ได้มา"), choices=_fiscal_year_choices, method="filter_fiscal_year", empty_label=ALL
    )
    review = django_filters.ChoiceFilter(label=_("ต้องตรวจสอบ"), choices=[("1", _("มีข้อสังเกตให้ตรวจสอบ"))],
                                         method="filter_review", empty_label=ALL)

    class Meta:
        model = Asset
        fields = ["q", "category", "division", "location", "status", "fiscal_year", "review"]

    @property
    def qs(self):
        """The active register: disposed-of assets are left out unless the status filter asks for them."""
        if not hasattr(self, "_active_qs"):
            queryset = super().qs
            chosen = self.form.cleaned_data.get("status") if self.is_bound and self.form.is_valid() else None
            self._active_qs = queryset if chosen else queryset.exclude(status=Status.DISPOSED)
        return self._active_qs

    def filter_text(self, queryset, name, value):
        return search_assets(queryset, value)

    def filter_review(self, queryset, name, value):
        return queryset.exclude(review_note="") if value == "1" else queryset

    def filter_fiscal_year(self, queryset, name, value):
        try:
            year = int(to_arabic_digits(str(value)))
        except ValueError:
            return queryset.none()
        first, last = fiscal_year_bounds(year)
        return queryset.filter(acquired_on__range=(first, last))
