from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assets.models import BudgetType, Category
from organization.models import Division
from thai.dates import fiscal_year
from thai.forms import ThaiDateField, ThaiDecimalField, ThaiIntegerField

from .models import Item, Method


class ProcurementForm(forms.Form):
    fiscal_year = ThaiIntegerField(label=_("ปีงบประมาณ (พ.ศ.)"), min_value=2400, max_value=2700)
    title = forms.CharField(label=_("งานที่จัดซื้อหรือจัดจ้าง"), max_length=500)
    project_type = forms.CharField(label=_("ประเภทโครงการ"), max_length=100, required=False,
                                   help_text=_("เช่น ซื้อ, จ้างทำของ/จ้างเหมาบริการ"))
    division = forms.ModelChoiceField(label=_("กองที่ขอ"), queryset=Division.objects.filter(is_active=True),
                                      required=False)
    need = forms.CharField(label=_("ความต้องการ"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    justification = forms.CharField(label=_("เหตุผลความจำเป็น"), widget=forms.Textarea(attrs={"rows": 2}),
                                    required=False)
    budget_type = forms.ModelChoiceField(label=_("ประเภทเงิน"), queryset=BudgetType.objects.filter(is_active=True),
                                         required=False)
    budget_line = forms.CharField(label=_("รายการงบประมาณ"), max_length=300, required=False)
    amount = ThaiDecimalField(label=_("วงเงินที่จะซื้อหรือจ้าง (บาท)"), max_digits=14, decimal_places=2, min_value=0)
    reference_price = ThaiDecimalField(label=_("ราคากลาง (บาท)"), max_digits=14, decimal_places=2, min_value=0,
                                       required=False)
    reference_source = forms.CharField(label=_("ที่มาของราคากลาง"), max_length=300, required=False)
    method = forms.ChoiceField(label=_("วิธีซื้อหรือจ้าง"), choices=Method.choices)
    over_limit_reason = forms.CharField(label=_("เหตุผลที่ใช้วิธีเฉพาะเจาะจงเกินวงเงิน"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    planned_month = ThaiDateField(label=_("เดือนที่คาดว่าจะจัดหา"), required=False,
                                  help_text=_("วันใดก็ได้ในเดือนนั้น"))
    egp_number = forms.CharField(label=_("เลขที่โครงการ e-GP"), max_length=20, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].initial = fiscal_year(timezone.localdate())

    def clean_planned_month(self):
        value = self.cleaned_data.get("planned_month")
        return value.replace(day=1) if value else None


class ItemForm(forms.Form):
    description = forms.CharField(label=_("รายการ"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("ประเภท"), choices=Item.Kind.choices, initial=Item.Kind.DURABLE)
    category = forms.ModelChoiceField(label=_("ประเภทครุภัณฑ์"), queryset=Category.objects.filter(is_active=True),
                                      required=False)
    quantity = ThaiIntegerField(label=_("จำนวน"), min_value=1, max_value=5000, required=False)
    unit = forms.CharField(label=_("หน่วยนับ"), max_length=30, required=False)
    unit_price = ThaiDecimalField(label=_("ราคาต่อหน่วย (บาท)"), max_digits=14, decimal_places=2, min_value=0,
                                  required=False)

    def clean(self):
        data = super().clean()
        if data.get("description") and (not data.get("quantity") or data.get("unit_price") is None):
            raise forms.ValidationError(_("กรุณากรอกจำนวนและราคาต่อหน่วยของรายการนี้"))
        return data


ItemFormSet = forms.formset_factory(ItemForm, extra=3, max_num=100, validate_max=True, absolute_max=100)


class AnnounceForm(forms.Form):
    announced_on = ThaiDateField(label=_("วันที่ประกาศ"))


class BidForm(forms.Form):
    bidder = forms.CharField(label=_("ผู้เสนอราคา"), max_length=300)
    tax_id = forms.CharField(label=_("เลขประจำตัวผู้เสียภาษี"), max_length=20, required=False)
    address = forms.CharField(label=_("ที่อยู่ผู้เสนอราคา"), max_length=300, required=False,
                              help_text=_("ของผู้ได้รับการคัดเลือกจะลงในทะเบียนคุมทรัพย์สินเมื่อตรวจรับ"))
    phone = forms.CharField(label=_("โทรศัพท์ผู้เสนอราคา"), max_length=50, required=False)
    price = ThaiDecimalField(label=_("ราคาที่เสนอ (บาท)"), max_digits=14, decimal_places=2, min_value=0)


class AwardForm(forms.Form):
    winner = forms.ModelChoiceField(label=_("ผู้ได้รับการคัดเลือก"), queryset=None)
    agreed_price = ThaiDecimalField(label=_("ราคาที่ตกลงซื้อหรือจ้าง (บาท)"), max_digits=14, decimal_places=2,
                                    min_value=0)
    selection_reason = forms.CharField(label=_("เหตุผลที่คัดเลือกโดยสรุป"), widget=forms.Textarea(attrs={"rows": 2}),
                                       max_length=2000)

    def __init__(self, *args, procurement=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["winner"].queryset = procurement.bids.all() if procurement else None


class ResultForm(forms.Form):
    """The result of a procurement past its award that names no winner (an e-GP import without supplier columns)."""

    bidder = forms.CharField(label=_("ผู้ได้รับการคัดเลือก"), max_length=300)
    tax_id = forms.CharField(label=_("เลขประจำตัวผู้เสียภาษี (13 หลัก)"), max_length=30, required=False)
    price = ThaiDecimalField(label=_("ราคาที่ตกลงซื้อหรือจ้าง (บาท)"), max_digits=14, decimal_places=2, min_value=0)
    selection_reason = forms.CharField(label=_("เหตุผลที่คัดเลือกโดยสรุป"), widget=forms.Textarea(attrs={"rows": 2}),
                                       max_length=2000)

    def __init__(self, *args, procurement=None, **kwargs):
        super().__init__(*args, **kwargs)
        if procurement is not None and procurement.agreed_price is not None:
            self.fields["price"].initial = procurement.agreed_price


class PlanForm(forms.Form):
    in_plan = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, procurement=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["in_plan"].initial = not procurement.in_plan if procurement is not None else True


class ContractForm(forms.Form):
    contract_number = forms.CharField(label=_("เลขที่สัญญาหรือใบสั่ง"), max_length=100)
    contract_date = ThaiDateField(label=_("วันที่สัญญาหรือใบสั่ง"))
    delivery_due = ThaiDateField(label=_("กำหนดส่งมอบ"))
    penalty_rate = ThaiDecimalField(label=_("อัตราค่าปรับรายวัน (ร้อยละ)"), max_digits=5, decimal_places=3,
                                    min_value=0, max_value=100, initial="0.20")


class DeliveryForm(forms.Form):
    delivered_on = ThaiDateField(label=_("วันที่ส่งมอบ"))
    value = ThaiDecimalField(label=_("มูลค่าที่ส่งมอบ (บาท)"), max_digits=14, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("รายละเอียด"), max_length=500, required=False)


class AcceptForm(forms.Form):
    accepted_on = ThaiDateField(label=_("วันที่ตรวจรับ"))
    committee = forms.CharField(label=_("คณะกรรมการตรวจรับพัสดุ"), widget=forms.Textarea(attrs={"rows": 3}),
                                max_length=2000, help_text=_("ชื่อและตำแหน่ง บรรทัดละคน"))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("เหตุผลที่ยกเลิก"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
