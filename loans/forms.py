from django import forms
from django.utils.translation import gettext_lazy as _

from assets.models import Asset
from assets.numbering import number_key
from organization import roles
from organization.models import User
from thai.forms import ThaiDateField

from .models import Loan


class LoanRequestForm(forms.Form):
    assets = forms.CharField(label=_("หมายเลขครุภัณฑ์ที่จะยืม"), widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("หนึ่งหมายเลขต่อบรรทัด หรือคั่นด้วยจุลภาค"))
    place = forms.ChoiceField(label=_("การใช้งาน"), choices=Loan.Place.choices, widget=forms.RadioSelect)
    where = forms.CharField(label=_("สถานที่นำไปใช้ (กรณีนำออกนอกสถานที่)"), required=False, max_length=300)
    purpose = forms.CharField(label=_("เพื่อใช้ในราชการ (วัตถุประสงค์)"), widget=forms.Textarea(attrs={"rows": 2}))
    starts_on = ThaiDateField(label=_("ตั้งแต่วันที่"))
    ends_on = ThaiDateField(label=_("ถึงวันที่ (กำหนดคืน)"))
    phone = forms.CharField(label=_("โทรศัพท์"), max_length=50)
    borrower = forms.ModelChoiceField(label=_("ผู้ยืม (หัวหน้ากองขอยืมแทนบุคลากรในกอง)"), required=False,
                                      queryset=User.objects.none())
    agency_name = forms.CharField(label=_("หน่วยงานผู้ยืม (กรณีหน่วยงานอื่นยืม)"), required=False, max_length=200)
    agency_contact = forms.CharField(label=_("ผู้ติดต่อของหน่วยงาน"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if roles.has_role(user, roles.DIVISION_HEAD) and user.division_id:
            self.fields["borrower"].queryset = User.objects.filter(division_id=user.division_id, is_active=True)
        else:  # only a division head asks on behalf of their staff: nobody else is offered the choice
            del self.fields["borrower"]
        self.fields["phone"].initial = user.phone

    def clean_assets(self):
        raw = self.cleaned_data["assets"].replace(",", "\n")
        numbers = [line.strip() for line in raw.splitlines() if line.strip()]
        keys = {number_key(number): number for number in numbers}
        found = {asset.number_key: asset for asset in Asset.objects.filter(number_key__in=list(keys))}
        missing = [number for key, number in keys.items() if key not in found]
        if missing:
            raise forms.ValidationError(_("ไม่พบหมายเลขครุภัณฑ์: %(numbers)s") % {"numbers": ", ".join(missing)})
        return list(found.values())


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("เหตุผลที่ไม่อนุมัติ"), widget=forms.Textarea(attrs={"rows": 2}))
