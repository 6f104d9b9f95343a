"""The loan register's filters (ทะเบียนการยืม): the same parameters drive the page and its XLSX export."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assets.numbering import number_key
from organization.models import Division
from thai.dates import fiscal_year
from thai.forms import ThaiDateField

from . import selectors
from .models import Loan

ALL = _("ทั้งหมด")
APPROVED_ANY = "approved_any"  # approved, handed out or returned: every request that was approved

# (value, label, ordering): the first is the default; every ordering ends on the id so pages never overlap.
SORTS = [
    ("", _("ใบยืมล่าสุดก่อน"), ("-id",)),
    ("starts_on", _("วันเริ่มยืม (เก่าไปใหม่)"), ("starts_on", "id")),
    ("-starts_on", _("วันเริ่มยืม (ใหม่ไปเก่า)"), ("-starts_on", "-id")),
    ("ends_on", _("กำหนดคืน (ใกล้ที่สุดก่อน)"), ("ends_on", "id")),
]
_ORDERINGS = {value: ordering for value, _label, ordering in SORTS}


def _years():
    """Next fiscal year and the forty before it (BE), newest first; no query. As far back as the register's own
    filter goes, so that an old annual report's links to its loans still open a year the filter offers."""
    current = fiscal_year(timezone.localdate())
    return [(year, str(year)) for year in range(current + 1, current - 40, -1)]


class ThaiDateFilter(django_filters.Filter):
    field_class = ThaiDateField


class LoanFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มต้น"))
        return data


class LoanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("สถานะ"), empty_label=ALL, method="filter_status",
                                         choices=[(APPROVED_ANY, _("อนุมัติแล้ว (ทุกขั้น)")), *Loan.Status.choices])
    place = django_filters.ChoiceFilter(label=_("การใช้งาน"), choices=Loan.Place.choices, empty_label=ALL)
    division = django_filters.ModelChoiceFilter(label=_("กอง"), queryset=Division.objects.all(), empty_label=ALL)
    borrower = django_filters.CharFilter(label=_("ผู้ยืม"), method="filter_borrower", max_length=100,
                                         widget=forms.TextInput(attrs={"placeholder": _("ชื่อ หรือชื่อผู้ใช้")}))
    asset = django_filters.CharFilter(label=_("หมายเลขครุภัณฑ์"), method="filter_asset", max_length=60)
    date_from = ThaiDateFilter(label=_("ยืมช่วงวันที่ ตั้งแต่"), method="filter_date_from")
    date_to = ThaiDateFilter(label=_("ถึง"), method="filter_date_to")
    overdue = django_filters.BooleanFilter(label=_("เฉพาะที่เกินกำหนดคืน"), method="filter_overdue",
                                           widget=forms.CheckboxInput)
    fiscal_year = django_filters.ChoiceFilter(label=_("ปีงบประมาณที่เริ่มยืม"), choices=_years, empty_label=ALL,
                                              method="filter_fiscal_year")
    returned = django_filters.ChoiceFilter(label=_("การคืน"), empty_label=ALL, method="filter_returned",
                                           choices=[("on_time", _("คืนครบตามกำหนด")), ("late", _("คืนช้ากว่ากำหนด"))])
    sort = django_filters.ChoiceFilter(label=_("เรียงตาม"), method="filter_sort", empty_label=None,
                                       choices=[(value, label) for value, label, _ordering in SORTS])

    class Meta:
        model = Loan
        form = LoanFilterForm
        fields = ["status", "place", "division", "borrower", "asset", "date_from", "date_to", "overdue", "fiscal_year",
                  "returned", "sort"]

    @property
    def qs(self):
        """Newest first unless another order was chosen (an unknown `sort` is a form error: newest first)."""
        if not hasattr(self, "_qs"):
            queryset = super().qs
            if not queryset.query.order_by:
                queryset = queryset.order_by(*_ORDERINGS[""])
            self._qs = queryset
        return self._qs

    def filter_borrower(self, queryset, name, value):
        """Every word must appear in the borrower's first name, last name or username, or the agency's name."""
        for word in value.split():
            queryset = queryset.filter(Q(borrower__first_name__icontains=word) | Q(borrower__last_name__icontains=word)
                                       | Q(borrower__username__icontains=word) | Q(agency_name__icontains=word))
        return queryset

    def filter_asset(self, queryset, name, value):
        key = number_key(value)
        return queryset.filter(items__asset__number_key=key) if key else queryset  # one item per asset and loan

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(ends_on__gte=value)  # with date_to: loans overlapping [from, to], days inclusive

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(starts_on__lte=value)

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status=Loan.Status.OUT, ends_on__lt=timezone.localdate())

    def filter_status(self, queryset, name, value):
        if value == APPROVED_ANY:
            return queryset.filter(status__in=[Loan.Status.APPROVED, Loan.Status.OUT, Loan.Status.RETURNED])
        return queryset.filter(status=value)

    def filter_fiscal_year(self, queryset, name, value):
        return selectors.in_fiscal_year(queryset, int(value))

    def filter_returned(self, queryset, name, value):
        return selectors.returned(queryset, late=value == "late")

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*_ORDERINGS.get(value, _ORDERINGS[""]))

    def description(self) -> dict:
        """The filters asked for, as text (for the activity log): only those that were valid and given."""
        if not self.is_bound or not self.form.is_valid():
            return {}
        return {name: str(value.pk if hasattr(value, "pk") else value)
                for name, value in self.form.cleaned_data.items() if value not in (None, "", False)}
