"""The organisation this deployment serves, its divisions and locations, and its staff."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    """The one organisation of this deployment (a singleton row, pk=1), editable by administrators."""

    name = models.CharField(_("ชื่อหน่วยงาน"), max_length=200)
    egp_name = models.CharField(
        _("ชื่อหน่วยงานตามที่ระบบ e-GP สะกด"), max_length=200, blank=True,
        help_text=_("ใช้คัดแถวของหน่วยงานนี้เมื่อนำเข้าข้อมูลเปิดจาก e-GP"),
    )
    district = models.CharField(_("อำเภอ"), max_length=100)
    province = models.CharField(_("จังหวัด"), max_length=100)
    address = models.CharField(_("ที่อยู่"), max_length=300, blank=True)
    phone = models.CharField(_("โทรศัพท์"), max_length=50, blank=True)
    head_title = models.CharField(_("ตำแหน่งหัวหน้าหน่วยงาน"), max_length=100, default="นายกเทศมนตรี")
    loan_endorsement_required = models.BooleanField(
        _("ใบยืมต้องให้หัวหน้ากองของผู้ยืมเห็นชอบก่อนอนุมัติ"), default=True,
    )
    specific_method_limit = models.DecimalField(
        _("วงเงินสูงสุดของวิธีเฉพาะเจาะจง (บาท)"), max_digits=14, decimal_places=2, default=500000,
        help_text=_("ซื้อหรือจ้างด้วยวิธีเฉพาะเจาะจงเกินวงเงินนี้ต้องบันทึกเหตุผล"),
    )
    asset_number_pattern = models.CharField(
        _("รูปแบบหมายเลขครุภัณฑ์"), max_length=100, default="{category}-{year}-{run:04d}",
        help_text=_("ใช้ {category} รหัสประเภท, {year} ปีงบประมาณ พ.ศ. 2 หลัก, {year4} 4 หลัก, {run:04d} ลำดับที่"),
    )

    class Meta:
        verbose_name = _("ข้อมูลหน่วยงาน")
        verbose_name_plural = _("ข้อมูลหน่วยงาน")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="organization_singleton")]

    def __str__(self):
        return self.name


class Division(models.Model):
    """A division (กอง / สำนักปลัด)."""

    code = models.CharField(_("รหัส"), max_length=20, unique=True)
    name = models.CharField(_("ชื่อกอง/ส่วนราชการ"), max_length=200, unique=True)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("กอง/ส่วนราชการ")
        verbose_name_plural = _("กอง/ส่วนราชการ")

    def __str__(self):
        return self.name


class Location(models.Model):
    """A place inside a division where property is kept (a room, a store, a building)."""

    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="locations", verbose_name=_("กอง"))
    code = models.CharField(_("รหัส"), max_length=30)
    name = models.CharField(_("ชื่อสถานที่"), max_length=200)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    class Meta:
        ordering = ["division__order", "code"]
        verbose_name = _("สถานที่")
        verbose_name_plural = _("สถานที่")
        constraints = [models.UniqueConstraint(fields=["division", "code"], name="location_code_unique_in_division")]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A member of staff. Staff who leave are deactivated (is_active=False), never deleted."""

    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("กอง")
    )
    position = models.CharField(_("ตำแหน่ง"), max_length=150, blank=True)
    phone = models.CharField(_("โทรศัพท์"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("บุคลากร")
        verbose_name_plural = _("บุคลากร")
        constraints = [models.UniqueConstraint(Lower("username"), name="user_username_ci_unique")]

    def __str__(self):
        return self.get_full_name() or self.username


class Holiday(models.Model):
    """A public holiday (or a special day off the cabinet announces): not a working day for due dates."""

    date = models.DateField(_("วันที่"), unique=True)
    name = models.CharField(_("ชื่อวันหยุด"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("วันหยุดราชการ")
        verbose_name_plural = _("วันหยุดราชการ")

    def __str__(self):
        from thai.dates import format_date

        return f"{format_date(self.date)} {self.name}"
