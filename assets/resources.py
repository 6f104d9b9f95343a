"""django-import-export resources of the register's reference lists: categories with their useful lives, budget
types and acquisition methods, offered as spreadsheets in the set-up area (organization.table_io)."""

from django.utils.translation import gettext_lazy as _
from import_export import fields

from organization.resources import Count, Flag, LoggedResource
from organization.table_io import Spec, register

from .models import AcquisitionMethod, BudgetType, Category


class _CodedResource(LoggedResource):
    class Meta:
        abstract = True
        import_id_fields = ("code",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class CategoryResource(_CodedResource):
    """A changed useful life applies to assets registered afterwards; registered ones keep theirs."""

    code = fields.Field(attribute="code", column_name="รหัสประเภท")
    name = fields.Field(attribute="name", column_name="ชื่อประเภท")
    useful_life_years = fields.Field(attribute="useful_life_years", column_name="อายุการใช้งาน (ปี)",
                                     widget=Count(unit="ปี"))
    is_active = fields.Field(attribute="is_active", column_name="ใช้งาน", widget=Flag(), saves_null_values=False)

    class Meta(_CodedResource.Meta):
        model = Category
        fields = ("code", "name", "useful_life_years", "is_active")


class BudgetTypeResource(_CodedResource):
    code = fields.Field(attribute="code", column_name="รหัส")
    name = fields.Field(attribute="name", column_name="ประเภทเงิน")
    is_active = fields.Field(attribute="is_active", column_name="ใช้งาน", widget=Flag(), saves_null_values=False)

    class Meta(_CodedResource.Meta):
        model = BudgetType
        fields = ("code", "name", "is_active")


class AcquisitionMethodResource(_CodedResource):
    code = fields.Field(attribute="code", column_name="รหัส")
    name = fields.Field(attribute="name", column_name="วิธีการได้มา")
    is_active = fields.Field(attribute="is_active", column_name="ใช้งาน", widget=Flag(), saves_null_values=False)

    class Meta(_CodedResource.Meta):
        model = AcquisitionMethod
        fields = ("code", "name", "is_active")


def register_tables() -> None:
    register(Spec(key="categories", label=_("ประเภทครุภัณฑ์"), resource=CategoryResource, action="reference.edit",
                  required=("รหัสประเภท", "ชื่อประเภท", "อายุการใช้งาน (ปี)"),
                  aliases={"รหัสประเภท": ("รหัส", "code"), "ชื่อประเภท": ("ประเภท", "ประเภทครุภัณฑ์", "name"),
                           "อายุการใช้งาน (ปี)": ("อายุการใช้งาน", "อายุใช้งาน", "อายุการใช้งานปี", "useful life"),
                           "ใช้งาน": ("สถานะ",)},
                  help=_("อายุการใช้งานที่เปลี่ยนใช้กับครุภัณฑ์ที่ลงทะเบียนหลังจากนี้ ครุภัณฑ์ที่มีอยู่คงค่าเดิม")))
    register(Spec(key="budget-types", label=_("ประเภทเงิน"), resource=BudgetTypeResource, action="reference.edit",
                  required=("รหัส", "ประเภทเงิน"),
                  aliases={"ประเภทเงิน": ("แหล่งเงิน", "แหล่งงบประมาณ", "name"), "ใช้งาน": ("สถานะ",)}))
    register(Spec(key="acquisition-methods", label=_("วิธีการได้มา"), resource=AcquisitionMethodResource,
                  action="reference.edit", required=("รหัส", "วิธีการได้มา"),
                  aliases={"วิธีการได้มา": ("วิธีได้มา", "name"), "ใช้งาน": ("สถานะ",)}))
