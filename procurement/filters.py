import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organization.models import Division
from thai.digits import to_arabic_digits

from .models import Method, Procurement

ALL = _("ทั้งหมด")
ACTIVE = "active"  # every status but cancelled (what the annual report counts)


def _years():
    """Next fiscal year and the forty before it (BE), newest first; no query (an old annual report's links still
    open a year the filter offers)."""
    from thai.dates import fiscal_year

    current = fiscal_year(timezone.localdate())
    return [(year, str(year)) for year in range(current + 1, current - 40, -1)]


class ProcurementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("ค้นหา"), method="filter_text",
                                  widget=forms.TextInput(attrs={"placeholder": _("ชื่องาน หรือเลขที่โครงการ e-GP")}))
    fiscal_year = django_filters.ChoiceFilter(label=_("ปีงบประมาณ"), choices=_years, empty_label=ALL)
    status = django_filters.ChoiceFilter(label=_("สถานะ"), empty_label=ALL, method="filter_status",
                                         choices=[(ACTIVE, _("ทุกสถานะยกเว้นยกเลิก")), *Procurement.Status.choices])
    method = django_filters.ChoiceFilter(label=_("วิธีซื้อหรือจ้าง"), choices=Method.choices, empty_label=ALL)
    division = django_filters.ModelChoiceFilter(label=_("กอง"), queryset=Division.objects.all(), empty_label=ALL)

    class Meta:
        model = Procurement
        fields = ["q", "fiscal_year", "status", "method", "division"]

    def filter_status(self, queryset, name, value):
        if value == ACTIVE:
            return queryset.exclude(status=Procurement.Status.CANCELLED)
        return queryset.filter(status=value)

    def filter_text(self, queryset, name, value):
        typed = (value or "").strip()[:200]
        text = to_arabic_digits(typed)
        if not text:
            return queryset
        found = Q(title__icontains=typed) | Q(egp_number=text)
        if text != typed:  # Thai digits typed: titles may have either
            found |= Q(title__icontains=text)
        return queryset.filter(found)
