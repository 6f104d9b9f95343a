from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from organization.models import Division, Location, User
from thai.forms import ThaiDateField, ThaiDecimalField, ThaiIntegerField

from .models import AcquisitionMethod, BudgetType, Category, Status
from .services import MANUAL_STATUSES


class AssetForm(forms.Form):
    """Register or edit an asset. Saving goes through assets.services, never through the form."""

    number = forms.CharField(
        label=_("หมายเลขครุภัณฑ์"), max_length=60, required=False,
        help_text=_("เว้นว่างเพื่อให้ระบบออกเลขให้ หรือกรอกเลขเดิม (ใช้เลขไทยได้)"),
    )
    name = forms.CharField(label=_("ชื่อ/ลักษณะ"), max_length=300)
    category = forms.ModelChoiceField(label=_("ประเภท"), queryset=Category.objects.filter(is_active=True))
    specification = forms.CharField(label=_("คุณสมบัติ"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    brand_model = forms.CharField(label=_("ยี่ห้อ/รุ่น/แบบ"), max_length=200, required=False)
    serial_number = forms.CharField(label=_("หมายเลขเครื่อง (Serial)"), max_length=100, required=False)
    division = forms.ModelChoiceField(label=_("หน่วยงานที่รับผิดชอบ"), queryset=Division.objects.filter(is_active=True))
    location = forms.ModelChoiceField(
        label=_("สถานที่ตั้ง"), required=False, queryset=Location.objects.filter(is_active=True).select_related("division")
    )
    custodian = forms.ModelChoiceField(
        label=_("ผู้รับผิดชอบ/ผู้ครอบครอง"), required=False, queryset=User.objects.filter(is_active=True)
    )
    acquired_on = ThaiDateField(label=_("วันที่ได้มา"))
    acquisition_method = forms.ModelChoiceField(
        label=_("วิธีการได้มา"), required=False, queryset=AcquisitionMethod.objects.filter(is_active=True)
    )
    budget_type = forms.ModelChoiceField(label=_("ประเภทเงิน"), required=False, queryset=BudgetType.objects.filter(is_active=True))
    document_number = forms.CharField(label=_("เลขที่เอกสาร"), max_length=100, required=False)
    vendor_name = forms.CharField(label=_("ชื่อผู้ขาย/ผู้รับจ้าง/ผู้บริจาค"), max_length=200, required=False)
    vendor_address = forms.CharField(label=_("ที่อยู่ผู้ขาย"), max_length=300, required=False)
    vendor_phone = forms.CharField(label=_("โทรศัพท์ผู้ขาย"), max_length=50, required=False)
    unit = forms.CharField(label=_("หน่วยนับ"), max_length=30, initial="เครื่อง")
    unit_price = ThaiDecimalField(
        label=_("ราคาต่อหน่วย (บาท)"), max_digits=14, decimal_places=2, min_value=0,
        error_messages={"min_value": _("ราคาต่อหน่วยต้องไม่ติดลบ"), "invalid": _("กรุณากรอกราคาเป็นตัวเลข"),
                        "max_digits": _("ราคามีจำนวนหลักมากเกินไป"), "max_decimal_places": _("ราคาทศนิยมได้ไม่เกิน 2 ตำแหน่ง"),
                        "max_whole_digits": _("ราคามีจำนวนหลักมากเกินไป")},
    )
    useful_life_years = ThaiIntegerField(
        label=_("อายุการใช้งาน (ปี)"), required=False, min_value=1, max_value=100,
        help_text=_("เว้นว่างเพื่อใช้อายุการใช้งานของประเภท"),
        error_messages={"min_value": _("อายุการใช้งานต้องมากกว่า 0 ปี"), "max_value": _("อายุการใช้งานต้องไม่เกิน 100 ปี"),
                        "invalid": _("กรุณากรอกอายุการใช้งานเป็นจำนวนปี")},
    )
    status = forms.ChoiceField(label=_("สถานะ"), required=False, choices=[(s.value, s.label) for s in Status if s in MANUAL_STATUSES])
    is_lendable = forms.BooleanField(label=_("ให้ยืมได้"), required=False)
    photo = forms.FileField(label=_("รูปภาพ"), required=False, help_text=_("JPEG, PNG หรือ WebP"))
    notes = forms.CharField(label=_("หมายเหตุ"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    review_note = forms.CharField(
        label=_("ข้อสังเกตให้ตรวจสอบ"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("สิ่งที่ระบบประมาณให้เมื่อนำเข้า: ตรวจสอบแล้วแก้ข้อมูลให้ถูกต้องและลบข้อความนี้"))

    def __init__(self, *args, editing=False, current_status=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"
        limit_mb = settings.PHOTO_MAX_BYTES // (1024 * 1024)
        self.fields["photo"].help_text = _("JPEG, PNG หรือ WebP ไม่เกิน %(mb)s MB") % {"mb": limit_mb}
        if not editing or (current_status and current_status not in MANUAL_STATUSES):
            # An asset on loan or disposed changes status only through its workflow.
            del self.fields["status"]
        if not editing:
            del self.fields["review_note"]  # only an import writes one; editing clears it once reviewed
        else:
            self.fields["number"].help_text = _("แก้ไขเมื่อต้องการเปลี่ยนหมายเลข")

    def clean(self):
        data = super().clean()
        location, division = data.get("location"), data.get("division")
        if location and division and location.division_id != division.pk:
            self.add_error("location", _("สถานที่นี้ไม่ได้อยู่ในกองที่เลือก"))
        photo = data.get("photo")
        if photo and photo.size > settings.PHOTO_MAX_BYTES:
            self.add_error("photo", _("รูปภาพมีขนาดเกินที่กำหนด"))
        return data

    def service_fields(self) -> dict:
        """The cleaned data as keyword arguments for asset_register / asset_update."""
        data = dict(self.cleaned_data)
        for optional_text in ("specification", "brand_model", "serial_number", "document_number", "vendor_name",
                              "vendor_address", "vendor_phone", "notes", "review_note"):
            data[optional_text] = data.get(optional_text) or ""
        if not data.get("useful_life_years"):
            data["useful_life_years"] = data["category"].useful_life_years if data.get("category") else None
        if "status" in data and not data["status"]:
            data.pop("status")
        return data
