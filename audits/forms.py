from django import forms
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assets.models import Asset
from assets.numbering import number_key
from organization import roles
from organization.models import Division, User
from thai.dates import fiscal_year
from thai.forms import ThaiDateField, ThaiDecimalField, ThaiIntegerField

from .models import DisposalCase, Round


def _people_with(*role_names):
    return User.objects.filter(is_active=True, groups__in=Group.objects.filter(name__in=role_names)).distinct()


class RoundForm(forms.Form):
    kind = forms.ChoiceField(label=_("ประเภทการตรวจสอบ"), choices=Round.Kind.choices, widget=forms.RadioSelect,
                             initial=Round.Kind.ANNUAL)
    fiscal_year = ThaiIntegerField(label=_("ตรวจสอบพัสดุประจำปีงบประมาณ (พ.ศ.)"), required=False,
                                   help_text=_("เริ่มตรวจวันทำการแรกของปีงบประมาณถัดไป"))
    division = forms.ModelChoiceField(label=_("กองที่ตรวจ (เฉพาะกิจ)"), queryset=Division.objects.filter(is_active=True),
                                      required=False)
    starts_on = ThaiDateField(label=_("วันเริ่มตรวจ (เฉพาะกิจ)"), required=False)
    order_number = forms.CharField(label=_("คำสั่งแต่งตั้งที่"), max_length=100)
    order_date = ThaiDateField(label=_("ลงวันที่"))
    appointed_by = forms.ModelChoiceField(label=_("ผู้แต่งตั้ง"), queryset=User.objects.none())
    inspectors = forms.ModelMultipleChoiceField(label=_("ผู้ตรวจสอบ"), queryset=User.objects.none(),
                                                widget=forms.CheckboxSelectMultiple,
                                                help_text=_("เจ้าหน้าที่พัสดุและหัวหน้าเจ้าหน้าที่เป็นผู้ตรวจสอบไม่ได้"))
    chair = forms.ModelChoiceField(label=_("ประธาน"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appointed_by"].queryset = _people_with(roles.AGENCY_HEAD, roles.SUPPLY_HEAD)
        officers = _people_with(roles.PROPERTY_OFFICER, roles.SUPPLY_HEAD, roles.AUDITOR)
        candidates = User.objects.filter(is_active=True).exclude(pk__in=officers).select_related("division")
        self.fields["inspectors"].queryset = candidates.order_by("division__order", "first_name")
        self.fields["chair"].queryset = candidates
        self.fields["fiscal_year"].initial = fiscal_year(timezone.localdate())

    def clean(self):
        data = super().clean()
        if data.get("kind") == Round.Kind.ANNUAL and not data.get("fiscal_year"):
            self.add_error("fiscal_year", _("กรุณาระบุปีงบประมาณ"))
        if data.get("kind") == Round.Kind.SPOT and not data.get("division"):
            self.add_error("division", _("การตรวจสอบเฉพาะกิจต้องระบุกองที่ตรวจ"))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("เหตุผล"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class AcceptForm(forms.Form):
    note = forms.CharField(label=_("ข้อสั่งการ"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           max_length=2000)


def parse_numbers(raw: str) -> tuple[list[Asset], list[str]]:
    numbers = [part.strip() for part in (raw or "").replace(",", "\n").splitlines() if part.strip()]
    keys = {number_key(number): number for number in numbers}
    found = {asset.number_key: asset for asset in Asset.objects.filter(number_key__in=list(keys))}
    return list(found.values()), [number for key, number in keys.items() if key not in found]


class DisposalForm(forms.Form):
    title = forms.CharField(label=_("เรื่อง"), max_length=300)
    assets = forms.CharField(label=_("หมายเลขครุภัณฑ์ที่จะจำหน่าย"), widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("หนึ่งหมายเลขต่อบรรทัด หรือคั่นด้วยจุลภาค"))
    reason = forms.CharField(label=_("เหตุผลที่จำหน่าย"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    path = forms.ChoiceField(label=_("ขั้นตอน"), choices=DisposalCase.Path.choices, widget=forms.RadioSelect)
    method = forms.ChoiceField(label=_("วิธีจำหน่าย"), choices=DisposalCase.Method.choices)

    def clean_assets(self):
        assets, missing = parse_numbers(self.cleaned_data["assets"])
        if missing:
            raise forms.ValidationError(_("ไม่พบหมายเลขครุภัณฑ์: %(numbers)s") % {"numbers": ", ".join(missing)})
        return assets


class FactFindingForm(forms.Form):
    committee_order = forms.CharField(label=_("คำสั่งแต่งตั้งคณะกรรมการสอบหาข้อเท็จจริงที่"), max_length=100)
    committee_members = forms.CharField(label=_("กรรมการสอบหาข้อเท็จจริง"), widget=forms.Textarea(attrs={"rows": 2}),
                                        max_length=2000)


class FactsForm(forms.Form):
    facts = forms.CharField(label=_("ผลการสอบหาข้อเท็จจริง"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    facts_on = ThaiDateField(label=_("วันที่รายงานผลการสอบ"))


class ApproveForm(forms.Form):
    order_number = forms.CharField(label=_("คำสั่งจำหน่ายที่"), max_length=100)
    ordered_on = ThaiDateField(label=_("วันที่สั่งจำหน่าย"))


class CompleteForm(forms.Form):
    completed_on = ThaiDateField(label=_("วันที่จำหน่ายเสร็จ"))
    recipient = forms.CharField(label=_("ผู้ซื้อ/ผู้รับโอน/คู่แลกเปลี่ยน"), max_length=300, required=False)
    proceeds = ThaiDecimalField(label=_("เงินที่ได้จากการจำหน่าย (บาท)"), max_digits=14, decimal_places=2,
                                required=False, min_value=0)


class SaoForm(forms.Form):
    notified_on = ThaiDateField(label=_("วันที่แจ้ง สตง."))
    reference = forms.CharField(label=_("หนังสือแจ้ง สตง. ที่"), max_length=100)
