import django_tables2 as tables
from django.utils.translation import gettext_lazy as _


class AssetTable(tables.Table):
    """The register's columns: headers and sort orders. The rows are written by the template."""

    number = tables.Column(verbose_name=_("หมายเลขครุภัณฑ์"), order_by=("number_key",))
    name = tables.Column(verbose_name=_("ชื่อ/ลักษณะ"))
    category = tables.Column(verbose_name=_("ประเภท"), accessor="category__name", order_by=("category__code", "number_key"),
                             attrs={"th": {"class": "opt"}})
    division = tables.Column(verbose_name=_("กอง"), accessor="division__name", order_by=("division__order", "number_key"))
    location = tables.Column(verbose_name=_("สถานที่"), accessor="location__name", orderable=False, default="—",
                             attrs={"th": {"class": "opt"}})
    acquired_on = tables.Column(verbose_name=_("วันที่ได้มา"), order_by=("acquired_on", "number_key"),
                                attrs={"th": {"class": "opt"}})
    unit_price = tables.Column(verbose_name=_("ราคา (บาท)"), order_by=("unit_price", "number_key"),
                               attrs={"th": {"class": "num opt"}})
    net_value = tables.Column(verbose_name=_("มูลค่าสุทธิ"), empty_values=(), orderable=False, attrs={"th": {"class": "num"}})
    status = tables.Column(verbose_name=_("สถานะ"), order_by=("status", "number_key"))

    class Meta:
        attrs = {"class": "table"}
        template_name = "tables/asset_table.html"  # rows written by the template itself
        order_by = ("number",)
