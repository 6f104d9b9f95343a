"""Reference data for documents: label sheet layouts in millimetres (editable)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def _mm(label):
    return models.DecimalField(label, max_digits=6, decimal_places=2, validators=[])


class LabelLayout(models.Model):
    """A sticker sheet (or a roll label: one column, one row, the page is the label)."""

    name = models.CharField(_("ชื่อรูปแบบ"), max_length=100, unique=True)
    page_width = _mm(_("กว้างหน้ากระดาษ (มม.)"))
    page_height = _mm(_("สูงหน้ากระดาษ (มม.)"))
    columns = models.PositiveSmallIntegerField(_("จำนวนคอลัมน์"))
    rows = models.PositiveSmallIntegerField(_("จำนวนแถว"))
    label_width = _mm(_("กว้างป้าย (มม.)"))
    label_height = _mm(_("สูงป้าย (มม.)"))
    margin_top = _mm(_("ขอบบน (มม.)"))
    margin_left = _mm(_("ขอบซ้าย (มม.)"))
    gap_x = _mm(_("ระยะห่างแนวนอน (มม.)"))
    gap_y = _mm(_("ระยะห่างแนวตั้ง (มม.)"))
    is_active = models.BooleanField(_("ใช้งาน"), default=True)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("รูปแบบแผ่นป้าย")
        verbose_name_plural = _("รูปแบบแผ่นป้าย")
        constraints = [
            models.CheckConstraint(condition=models.Q(columns__gt=0, rows__gt=0), name="layout_has_cells"),
            models.CheckConstraint(condition=models.Q(label_width__gt=0, label_height__gt=0), name="layout_label_size"),
        ]

    def __str__(self):
        return self.name

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def clean(self):
        fields = [self.page_width, self.page_height, self.label_width, self.label_height, self.margin_top,
                  self.margin_left, self.gap_x, self.gap_y]
        if any(value is None for value in fields) or not self.columns or not self.rows:
            return
        if min(fields) < 0:
            raise ValidationError(_("ขนาดและระยะต้องไม่ติดลบ"))
        right = self.margin_left + self.columns * self.label_width + (self.columns - 1) * self.gap_x
        bottom = self.margin_top + self.rows * self.label_height + (self.rows - 1) * self.gap_y
        if right > self.page_width + Decimal("0.01") or bottom > self.page_height + Decimal("0.01"):
            raise ValidationError(_("ป้ายทั้งหมดต้องอยู่ภายในหน้ากระดาษ: ตรวจสอบขนาด ขอบ และระยะห่าง"))

    def cell(self, index: int) -> tuple[Decimal, Decimal]:
        """Left and top (mm) of the index-th position on a page, row by row."""
        row, column = divmod(index, self.columns)
        return (self.margin_left + column * (self.label_width + self.gap_x),
                self.margin_top + row * (self.label_height + self.gap_y))


class DocumentJob(models.Model):
    """A document too large for one request, rendered by the background worker (label sheets for now)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("รอคิว")
        RUNNING = "running", _("กำลังทำ")
        DONE = "done", _("เสร็จแล้ว")
        FAILED = "failed", _("ไม่สำเร็จ")

    kind = models.CharField(max_length=30)
    requested_by = models.ForeignKey("organization.User", on_delete=models.PROTECT, related_name="+")
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    stage = models.CharField(max_length=100, blank=True)
    file = models.FileField(upload_to="documents/%Y/", blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


class AnnualReport(models.Model):
    """The year's report on actions to promote integrity and transparency (the form of the seed report): one
    table per measure, seven columns. Measures 4 and 5 are written from the system's own figures; the others
    are entered. The draft is edited; issuing freezes a version."""

    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"), unique=True)
    title = models.CharField(_("ชื่อรายงาน"), max_length=300,
                             default="รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน")
    thai_digits = models.BooleanField(_("ใช้ตัวเลขไทย"), default=True)
    figures_at = models.DateTimeField(_("คำนวณตัวเลขเมื่อ"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-fiscal_year"]
        verbose_name = _("รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใส")
        verbose_name_plural = _("รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใส")

    def __str__(self):
        return f"{self.title} {self.fiscal_year}"


class Measure(models.Model):
    """One row of the report: ข้อ | มาตรการ | ขั้นตอน/วิธีการปฏิบัติ | ผู้รับผิดชอบ | ระยะเวลาการดำเนินการ |
    สรุปผลการดำเนินการตามมาตรการ | ผลลัพธ์หรือความสำเร็จของการดำเนินการ."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="measures")
    number = models.PositiveSmallIntegerField(_("ข้อ"))
    name = models.CharField(_("มาตรการ"), max_length=300)
    steps = models.TextField(_("ขั้นตอน/วิธีการปฏิบัติ"), blank=True)
    responsible = models.CharField(_("ผู้รับผิดชอบ"), max_length=300, blank=True)
    period = models.CharField(_("ระยะเวลาการดำเนินการ"), max_length=300, blank=True)
    summary = models.TextField(_("สรุปผลการดำเนินการตามมาตรการ"), blank=True)
    outcome = models.TextField(_("ผลลัพธ์หรือความสำเร็จของการดำเนินการ"), blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="measure_once_per_report")]


class ReportVersion(models.Model):
    """An issued version: the document as it was (HTML and PDF), who issued it, the activity chain's head."""

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("ฉบับที่"))
    issued_at = models.DateTimeField(_("ออกเมื่อ"))
    issued_by = models.ForeignKey("organization.User", on_delete=models.PROTECT, related_name="+")
    anchor = models.ForeignKey("activity.Anchor", on_delete=models.PROTECT, related_name="+")
    html = models.TextField()
    pdf = models.FileField(upload_to="annual_reports/%Y/")
    figures_json = models.TextField(default="{}")

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="version_number_once")]
