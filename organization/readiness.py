"""What would stop the system working for this organisation, each with the page that fixes it (the set-up area's
first page). Blocking problems also stop what they would spoil: labels are not printed while SITE_URL is unset."""

import datetime as dt
import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from thai.dates import fiscal_year, fiscal_year_bounds

from . import roles
from .models import Division, Organization, User
from .workdays import years_without_holidays

ROUND_DAYS_AFTER_YEAR = 60  # an inspection round reports within 30 working days of the year's end


@dataclass(frozen=True)
class Problem:
    message: str
    fix_url: str
    fix_label: str
    blocking: bool = False


def site_url_problem() -> str | None:
    """SITE_URL is the address printed in every QR label; in production it must be the real one."""
    if settings.DEBUG:
        return None
    host = urlsplit(settings.SITE_URL).hostname or ""
    try:
        local = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = False
    if not host or local:
        return _("ยังไม่ได้ตั้งค่า SITE_URL เป็นที่อยู่เว็บจริงของระบบ (ตอนนี้คือ %(url)s): ป้าย QR ที่พิมพ์จะพาไปที่อยู่ผิด "
                 "จึงยังพิมพ์ป้ายไม่ได้ ผู้ดูแลเครื่องแม่ข่ายต้องตั้งค่าตัวแปร SITE_URL เช่น https://phatsadu.ngao.go.th "
                 "แล้วเริ่มระบบใหม่") % {"url": settings.SITE_URL}
    return None


def _holders(role: str):
    return User.objects.filter(is_active=True, groups__name=role).distinct()


def problems(today: dt.date | None = None) -> list[Problem]:
    today = today or timezone.localdate()
    found: list[Problem] = []
    profile = Organization.objects.filter(pk=1).first()
    if profile is None or not profile.name.strip() or not profile.province.strip():
        found.append(Problem(_("ยังไม่ได้กรอกข้อมูลหน่วยงาน (ชื่อ จังหวัด): เอกสารและหน้าสาธารณะจะไม่มีชื่อหน่วยงาน"),
                             reverse("setup:profile"), _("กรอกข้อมูลหน่วยงาน"), blocking=True))
    elif not profile.egp_name.strip():
        found.append(Problem(_("ยังไม่ได้กรอกชื่อหน่วยงานตามที่ระบบ e-GP สะกด: การนำเข้าข้อมูล e-GP จะใช้ชื่อหน่วยงานแทน"),
                             reverse("setup:profile"), _("กรอกชื่อใน e-GP")))
    if not Division.objects.filter(is_active=True).exists():
        found.append(Problem(_("ยังไม่มีกอง/ส่วนราชการ"), reverse("setup:divisions"), _("เพิ่มหรือนำเข้ากอง"),
                             blocking=True))
    endorsement = profile.loan_endorsement_required if profile else True
    headless = (Division.objects.filter(is_active=True)
                .annotate(heads=Count("staff", distinct=True, filter=Q(staff__is_active=True,
                                                        staff__groups__name=roles.DIVISION_HEAD)),
                          people=Count("staff", filter=Q(staff__is_active=True), distinct=True))
                .filter(heads=0))
    for division in headless:
        consequence = (_("ใบยืมของบุคลากร %(n)s คนในกองนี้จะรอหัวหน้ากองเห็นชอบโดยไม่มีผู้เห็นชอบ") % {"n": division.people}
                       if endorsement and division.people else _("กองนี้ยังไม่มีผู้รับผิดชอบ"))
        found.append(Problem(_("%(division)s ยังไม่มีหัวหน้ากอง: %(consequence)s") % {
            "division": division.name, "consequence": consequence},
            reverse("setup:division_edit", kwargs={"pk": division.pk}), _("กำหนดหัวหน้ากอง"),
            blocking=bool(endorsement and division.people)))
    staff_url = reverse("setup:staff")
    if not _holders(roles.SUPPLY_HEAD).exists():
        found.append(Problem(_("ยังไม่มีหัวหน้าหน่วยพัสดุ: ใบยืมใช้ภายในสถานที่จะไปรอหัวหน้าหน่วยงานอนุมัติแทน"),
                             staff_url, _("กำหนดบทบาทให้บุคลากร")))
    if not _holders(roles.AGENCY_HEAD).exists():
        found.append(Problem(_("ยังไม่มีหัวหน้าหน่วยงาน: ไม่มีผู้อนุมัติการยืมไปใช้นอกสถานที่ "
                               "และไม่มีผู้รับทราบผลการตรวจสอบพัสดุประจำปี"), staff_url, _("กำหนดบทบาทให้บุคลากร"),
                             blocking=True))
    if not _holders(roles.PROPERTY_OFFICER).exists():
        found.append(Problem(_("ยังไม่มีเจ้าหน้าที่พัสดุ: ไม่มีผู้ส่งมอบและรับคืนพัสดุที่ยืม ลงทะเบียน หรือพิมพ์ป้าย"),
                             staff_url, _("กำหนดบทบาทให้บุคลากร"), blocking=True))
    first, last = fiscal_year_bounds(fiscal_year(today))
    missing = years_without_holidays(first, last + dt.timedelta(days=ROUND_DAYS_AFTER_YEAR))
    if missing:
        found.append(Problem(
            _("ยังไม่มีวันหยุดราชการของปี พ.ศ. %(years)s: กำหนดส่งของการยืมและการตรวจสอบพัสดุจะนับวันหยุดเป็นวันทำการ")
            % {"years": ", ".join(str(year + 543) for year in missing)},
            reverse("setup:table_import", kwargs={"key": "holidays"}), _("นำเข้าวันหยุดราชการ")))
    if message := site_url_problem():
        found.append(Problem(message, "", "", blocking=True))
    return found
