import datetime as dt

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from thai.dates import format_date

from .depreciation import standing


class AssetTable(tables.Table):
    number = tables.Column(verbose_name=_("หมายเลขครุภัณฑ์"), order_by=("number_key",), linkify=True)
    name = tables.Column(verbose_name=_("ชื่อ/ลักษณะ"))
    category = tables.Column(verbose_name=_("ประเภท"), accessor="category__name", order_by=("category__code", "number_key"))
    division = tables.Column(verbose_name=_("กอง"), accessor="division__name", order_by=("division__order", "number_key"))
    location = tables.Column(verbose_name=_("สถานที่"), accessor="location__name", orderable=False, default="—")
    acquired_on = tables.Column(verbose_name=_("วันที่ได้มา"), order_by=("acquired_on", "number_key"))
    unit_price = tables.Column(verbose_name=_("ราคา (บาท)"), attrs={"td": {"class": "num"}}, order_by=("unit_price", "number_key"))
    net_value = tables.Column(verbose_name=_("มูลค่าสุทธิ"), empty_values=(), orderable=False, attrs={"td": {"class": "num"}})
    status = tables.Column(verbose_name=_("สถานะ"), order_by=("status", "number_key"))

    class Meta:
        attrs = {"class": "table"}
        template_name = "tables/asset_table.html"  # rows written by the template itself
        order_by = ("number",)
        per_page = 25
        per_page_field = "_per_page_unused"  # the view reads and clamps ?per_page itself

    def render_acquired_on(self, value):
        return format_date(value, "short")

    def render_unit_price(self, value):
        return f"{value:,.2f}"

    def render_net_value(self, record):
        return f"{standing(record.unit_price, record.useful_life_years, record.acquired_on, dt.date.today()).net:,.2f}"

    def render_status(self, record):
        return format_html('<span class="status status-{}">{}</span>', record.status, record.get_status_display())
