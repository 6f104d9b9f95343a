"""Forms of the set-up area: the organisation's profile, a division, a member of staff, a spreadsheet to import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import roles
from .models import Division, Organization, User
from .services import PROFILE_FIELDS


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = PROFILE_FIELDS
        help_texts = {"address": _("แสดงบนหน้าสาธารณะเมื่อสแกนป้าย QR"), "phone": _("แสดงบนหน้าสาธารณะเมื่อสแกนป้าย QR"),
                      "egp_name": _("สะกดให้ตรงกับคอลัมน์ชื่อหน่วยงานในไฟล์ข้อมูลเปิดของ e-GP")}


class DivisionForm(forms.Form):
    code = forms.CharField(label=_("รหัส"), max_length=20)
    name = forms.CharField(label=_("ชื่อกอง/ส่วนราชการ"), max_length=200)
    order = forms.IntegerField(label=_("ลำดับ"), min_value=0, max_value=32767, initial=0)
    is_active = forms.BooleanField(label=_("ใช้งาน"), required=False, initial=True)
    head = forms.ModelChoiceField(label=_("หัวหน้ากอง"), required=False, queryset=User.objects.none(),
                                  help_text=_("ผู้ที่เลือกจะย้ายมาอยู่กองนี้และได้บทบาทหัวหน้ากอง"))

    def __init__(self, *args, can_name_head: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if can_name_head:
            self.fields["head"].queryset = User.objects.filter(is_active=True).select_related("division").order_by(
                "division__order", "first_name")
            self.fields["head"].label_from_instance = lambda user: f"{user} ({user.division or '-'})"
        else:
            del self.fields["head"]


class StaffForm(forms.Form):
    username = forms.CharField(label=_("ชื่อผู้ใช้"), max_length=150,
                               help_text=_("ใช้เข้าระบบ: ตัวอักษร ตัวเลข และ . @ + - _ ไม่มีช่องว่าง"))
    first_name = forms.CharField(label=_("ชื่อ (พร้อมคำนำหน้า)"), max_length=150)
    last_name = forms.CharField(label=_("นามสกุล"), max_length=150, required=False)
    position = forms.CharField(label=_("ตำแหน่ง"), max_length=150, required=False)
    division = forms.ModelChoiceField(label=_("กอง"), queryset=Division.objects.filter(is_active=True), required=False)
    email = forms.EmailField(label=_("อีเมล"), required=False)
    phone = forms.CharField(label=_("โทรศัพท์"), max_length=50, required=False)
    role_set = forms.MultipleChoiceField(label=_("บทบาท"), choices=list(roles.ROLE_LABELS.items()),
                                         widget=forms.CheckboxSelectMultiple, required=False)
    is_active = forms.BooleanField(label=_("ใช้งาน (เข้าระบบได้)"), required=False, initial=True,
                                   help_text=_("ผู้ที่ลาออกหรือย้ายไป: เอาเครื่องหมายออก ประวัติของเขายังอยู่ครบ"))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("ไฟล์ Excel (.xlsx) หรือ CSV"))
