"""The durable-goods register (ทะเบียนคุมทรัพย์สิน): categories, reference lists, assets, number counters."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organization.models import Division, Location


class Category(models.Model):
    """A category of durable goods with its code and default useful life (editable reference data)."""

    code = models.CharField(_("รหัสประเภท"), max_length=10, unique=True)
    name = models.CharField(_("ชื่อประเภท"), max_length=100, unique=True)
    useful_life_years = models.PositiveSmallIntegerField(_("อายุการใช้งาน (ปี)"))
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ประเภทครุภัณฑ์")
        verbose_name_plural = _("ประเภทครุภัณฑ์")
        constraints = [
            models.CheckConstraint(condition=models.Q(useful_life_years__gt=0), name="category_life_positive"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class BudgetType(models.Model):
    """ประเภทเงิน (editable reference data)."""

    code = models.CharField(_("รหัส"), max_length=20, unique=True)
    name = models.CharField(_("ประเภทเงิน"), max_length=100, unique=True)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ประเภทเงิน")
        verbose_name_plural = _("ประเภทเงิน")

    def __str__(self):
        return self.name


class AcquisitionMethod(models.Model):
    """วิธีการได้มา (editable reference data)."""

    code = models.CharField(_("รหัส"), max_length=20, unique=True)
    name = models.CharField(_("วิธีการได้มา"), max_length=100, unique=True)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("วิธีการได้มา")
        verbose_name_plural = _("วิธีการได้มา")

    def __str__(self):
        return self.name


class Status(models.TextChoices):
    IN_USE = "in_use", _("ใช้งาน")
    ON_LOAN = "on_loan", _("ถูกยืม")
    UNDER_REPAIR = "under_repair", _("ส่งซ่อม")
    DAMAGED = "damaged", _("ชำรุด")
    DETERIORATED = "deteriorated", _("เสื่อมสภาพ")
    LOST = "lost", _("สูญไป")
    NOT_NEEDED = "not_needed", _("ไม่จำเป็นต้องใช้ในราชการ")
    DISPOSED = "disposed", _("จำหน่ายแล้ว")


class Asset(models.Model):
    """One item of durable goods, with every field of the register's header."""

    number = models.CharField(_("หมายเลขครุภัณฑ์"), max_length=60)
    number_key = models.CharField(
        max_length=60, unique=True, editable=False,
        help_text="The number with Thai digits as Arabic, spaces collapsed, upper case: what uniqueness compares.",
    )
    name = models.CharField(_("ชื่อ/ลักษณะ"), max_length=300)
    specification = models.TextField(_("คุณสมบัติ"), blank=True)
    brand_model = models.CharField(_("ยี่ห้อ/รุ่น/แบบ"), max_length=200, blank=True)
    serial_number = models.CharField(_("หมายเลขเครื่อง (Serial)"), max_length=100, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="assets", verbose_name=_("ประเภท"))
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="assets", verbose_name=_("หน่วยงานที่รับผิดชอบ")
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="assets", verbose_name=_("สถานที่ตั้ง")
    )
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="custody_assets", verbose_name=_("ผู้รับผิดชอบ/ผู้ครอบครอง"),
    )
    acquired_on = models.DateField(_("วันที่ได้มา"), db_index=True)
    acquisition_method = models.ForeignKey(
        AcquisitionMethod, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("วิธีการได้มา")
    )
    budget_type = models.ForeignKey(BudgetType, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("ประเภทเงิน"))
    document_number = models.CharField(_("เลขที่เอกสาร"), max_length=100, blank=True)
    vendor_name = models.CharField(_("ชื่อผู้ขาย/ผู้รับจ้าง/ผู้บริจาค"), max_length=200, blank=True)
    vendor_address = models.CharField(_("ที่อยู่ผู้ขาย"), max_length=300, blank=True)
    vendor_phone = models.CharField(_("โทรศัพท์ผู้ขาย"), max_length=50, blank=True)
    unit = models.CharField(_("หน่วยนับ"), max_length=30, default="เครื่อง")
    unit_price = models.DecimalField(_("ราคาต่อหน่วย (บาท)"), max_digits=14, decimal_places=2)
    useful_life_years = models.PositiveSmallIntegerField(_("อายุการใช้งาน (ปี)"))
    status = models.CharField(_("สถานะ"), max_length=20, choices=Status.choices, default=Status.IN_USE, db_index=True)
    is_lendable = models.BooleanField(_("ให้ยืมได้"), default=False)
    photo = models.ImageField(_("รูปภาพ"), upload_to="assets/photos/%Y/", blank=True)
    notes = models.TextField(_("หมายเหตุ"), blank=True)
    review_note = models.TextField(
        _("ข้อสังเกตให้ตรวจสอบ"), blank=True,
        help_text=_("สิ่งที่ระบบประมาณหรือตั้งให้เมื่อนำเข้า (เช่น วันที่จากเดือนและปี ราคา 0.00 บาท) "
                    "ตรวจสอบแล้วลบข้อความนี้ออก"),
    )
    search_text = models.TextField(
        editable=False, default="",
        help_text="Lower-cased number, name, serial and model, Thai digits as Arabic: what text search indexes.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number_key"]
        verbose_name = _("ครุภัณฑ์")
        verbose_name_plural = _("ครุภัณฑ์")
        constraints = [
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="asset_price_not_negative"),
            models.CheckConstraint(condition=models.Q(useful_life_years__gt=0), name="asset_life_positive"),
        ]
        indexes = [
            models.Index(fields=["division", "status", "number_key"], name="asset_division_status_idx"),
            models.Index(fields=["category", "number_key"], name="asset_category_idx"),
            models.Index(fields=["location", "number_key"], name="asset_location_idx"),
            models.Index(fields=["status", "number_key"], name="asset_status_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"

    def get_absolute_url(self):
        return reverse("assets:detail", args=[self.pk])


class NumberCounter(models.Model):
    """The last running number given out per category and fiscal year (rows locked while allocating)."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["category", "fiscal_year"], name="counter_unique")]


class NumberAlias(models.Model):
    """A number the asset had before it was renumbered: labels printed with it keep leading to the asset."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="old_numbers")
    number = models.CharField(_("หมายเลขเดิม"), max_length=60)
    number_key = models.CharField(max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("หมายเลขครุภัณฑ์เดิม")
        verbose_name_plural = _("หมายเลขครุภัณฑ์เดิม")

    def __str__(self):
        return self.number


class ImportMapping(models.Model):
    """How the columns and the values of a register file were matched, kept for the next file with the same
    headers: `columns` {header key: field, "" for not imported}; `values` {field: {value key: id of the entry,
    or "leave_out"}}; `defaults` {field: id} for a field the file has no column for."""

    signature = models.CharField(max_length=64, unique=True)  # SHA-256 of the header keys in order
    headers = models.TextField(blank=True)  # the headers as read, for people
    columns = models.JSONField(default=dict)
    values = models.JSONField(default=dict)
    defaults = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("การจับคู่คอลัมน์ของไฟล์นำเข้า")
        verbose_name_plural = _("การจับคู่คอลัมน์ของไฟล์นำเข้า")


class ImportedRow(models.Model):
    """A row of a register file already imported (its values, hashed): importing the file, or the same rows in
    another file, again registers nothing twice, whether the row had a number or not."""

    fingerprint = models.CharField(max_length=64, unique=True)
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
