"""Annual inspection of property (การตรวจสอบพัสดุประจำปี, DOMAIN.md section 5) and disposal.

A round is appointed (order, inspectors who are not property officers), started on its first working
day (each division's sheet is then a snapshot of what it should hold), counted by scanning labels,
closed sheet by sheet, reported to the head of agency by the 30th working day, and accepted; only the
acceptance changes asset statuses. Disposal cases then take damaged, deteriorated, lost or not-needed
assets off the active register. Every move goes through audits.services and is logged.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assets.models import Status as AssetStatus


class Round(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("ตรวจสอบพัสดุประจำปี")
        SPOT = "spot", _("ตรวจสอบเฉพาะกิจ (รายกอง)")

    class Status(models.TextChoices):
        PLANNED = "planned", _("แต่งตั้งแล้ว รอเริ่มตรวจ")
        COUNTING = "counting", _("กำลังตรวจนับ")
        SUBMITTED = "submitted", _("รายงานผลต่อหัวหน้าหน่วยงานแล้ว")
        ACCEPTED = "accepted", _("หัวหน้าหน่วยงานรับทราบและสั่งการแล้ว")

    kind = models.CharField(_("ประเภทการตรวจสอบ"), max_length=10, choices=Kind.choices, default=Kind.ANNUAL)
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    division = models.ForeignKey("organization.Division", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("กองที่ตรวจ (เฉพาะกิจ)"))
    order_number = models.CharField(_("คำสั่งแต่งตั้งที่"), max_length=100)
    order_date = models.DateField(_("ลงวันที่"))
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("ผู้แต่งตั้ง"))
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Inspector", related_name="inspection_rounds",
                                        verbose_name=_("ผู้ตรวจสอบ"))
    period_start = models.DateField(_("ตรวจสอบพัสดุตั้งแต่วันที่"))
    period_end = models.DateField(_("ถึงวันที่"))
    starts_on = models.DateField(_("วันเริ่มตรวจสอบ"))
    due_on = models.DateField(_("กำหนดรายงานผล"))
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_on = models.DateField(_("วันที่รายงานผล"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    report_anchor = models.ForeignKey("activity.Anchor", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    acceptance_note = models.TextField(_("ข้อสั่งการ"), blank=True)

    class Meta:
        ordering = ["-fiscal_year", "-id"]
        verbose_name = _("การตรวจสอบพัสดุ")
        verbose_name_plural = _("การตรวจสอบพัสดุ")
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year"], condition=models.Q(kind="annual"),
                                    name="one_annual_round_a_year"),
            models.CheckConstraint(condition=models.Q(kind="annual", division__isnull=True)
                                   | models.Q(kind="spot", division__isnull=False), name="spot_round_has_division"),
            models.CheckConstraint(condition=models.Q(due_on__gte=models.F("starts_on")), name="round_due_after_start"),
        ]

    def __str__(self):
        if self.kind == self.Kind.SPOT:
            return _("ตรวจสอบเฉพาะกิจ %(division)s (คำสั่งที่ %(order)s)") % {
                "division": self.division, "order": self.order_number}
        return _("ตรวจสอบพัสดุประจำปีงบประมาณ %(year)s") % {"year": self.fiscal_year}


class Inspector(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="inspector_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_chair = models.BooleanField(_("ประธาน"), default=False)

    class Meta:
        ordering = ["-is_chair", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="inspector_once_per_round")]


class Sheet(models.Model):
    """One division's list of what it should hold when the round started, and what was found."""

    class Status(models.TextChoices):
        OPEN = "open", _("กำลังตรวจนับ")
        CLOSED = "closed", _("ปิดบัญชีแล้ว")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="sheets")
    division = models.ForeignKey("organization.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("กอง"))
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.OPEN)
    expected_count = models.PositiveIntegerField(_("จำนวนตามทะเบียน"), default=0)
    # Kept by audits.services with every change of a line's outcome (the page shows them live; counting
    # 20,000 lines after each scan cost 5 ms): expected = pending + seen + on loan + missing.
    seen_count = models.PositiveIntegerField(default=0)
    on_loan_count = models.PositiveIntegerField(default=0)
    missing_count = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")

    class Meta:
        ordering = ["division__order", "division__code"]
        constraints = [models.UniqueConstraint(fields=["round", "division"], name="one_sheet_per_division")]

    def __str__(self):
        return _("บัญชีตรวจนับ %(division)s") % {"division": self.division}


class Condition(models.TextChoices):
    USABLE = "usable", _("ใช้งานได้")
    DAMAGED = "damaged", _("ชำรุด")
    DETERIORATED = "deteriorated", _("เสื่อมสภาพ")
    LOST = "lost", _("สูญไป")
    NOT_NEEDED = "not_needed", _("ไม่จำเป็นต้องใช้ในราชการต่อไป")


class Line(models.Model):
    """An asset expected on a sheet (copied when the round started), and what the inspectors recorded."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("ยังไม่ได้ตรวจ")
        SEEN = "seen", _("พบ")
        ON_LOAN = "on_loan", _("ถูกยืม (ยืนยันกับผู้ยืมแล้ว)")
        MISSING = "missing", _("ไม่พบ")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="+")
    sheet = models.ForeignKey(Sheet, on_delete=models.PROTECT, related_name="lines")
    asset = models.ForeignKey("assets.Asset", on_delete=models.PROTECT, related_name="inspection_lines")
    number = models.CharField(_("หมายเลขครุภัณฑ์"), max_length=60)
    name = models.CharField(_("ชื่อ/ลักษณะ"), max_length=300)
    expected_location = models.ForeignKey("organization.Location", on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("สถานที่ตามทะเบียน"))
    expected_status = models.CharField(_("สถานะตามทะเบียน"), max_length=20)
    outcome = models.CharField(_("ผลการตรวจ"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    condition = models.CharField(_("สภาพ"), max_length=12, choices=Condition.choices, blank=True)
    seen_location = models.ForeignKey("organization.Location", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("สถานที่ที่พบ"))
    seen_on_sheet = models.ForeignKey(Sheet, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(_("หมายเหตุ"), blank=True)
    photo = models.ImageField(_("รูปถ่าย"), upload_to="inspections/%Y/", blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["round", "asset"], name="asset_once_per_round")]
        indexes = [models.Index(fields=["sheet", "id"], name="line_sheet_id_idx"),
                   models.Index(fields=["sheet", "outcome", "id"], name="line_sheet_outcome_id_idx")]

    @property
    def found_elsewhere(self) -> bool:
        if self.outcome != self.Outcome.SEEN:
            return False
        other_sheet = self.seen_on_sheet_id is not None and self.seen_on_sheet_id != self.sheet_id
        other_place = (self.seen_location_id is not None and self.expected_location_id is not None
                       and self.seen_location_id != self.expected_location_id)
        return other_sheet or other_place


class Finding(models.Model):
    """Something scanned that no sheet of the round expected: a registered asset of a division outside the
    round (or registered after it started), or a number that is not in the register (follow it up)."""

    class Kind(models.TextChoices):
        UNEXPECTED = "unexpected", _("พบครุภัณฑ์ที่ไม่อยู่ในบัญชีตรวจนับ")
        UNREGISTERED = "unregistered", _("ไม่มีในทะเบียน")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="findings")
    sheet = models.ForeignKey(Sheet, on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    asset = models.ForeignKey("assets.Asset", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    number = models.CharField(_("หมายเลขที่พบ"), max_length=200)
    number_key = models.CharField(max_length=200)
    condition = models.CharField(_("สภาพ"), max_length=12, choices=Condition.choices, default=Condition.USABLE)
    seen_location = models.ForeignKey("organization.Location", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("สถานที่ที่พบ"))
    note = models.TextField(_("หมายเหตุ"), blank=True)
    photo = models.ImageField(_("รูปถ่าย"), upload_to="inspections/%Y/", blank=True)
    counted_at = models.DateTimeField()
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["round", "number_key"], name="finding_once_per_round")]


class Scan(models.Model):
    """A receipt for each scan a device sent (its own id), so a scan sent twice is recorded once."""

    client_id = models.UUIDField(unique=True)
    sheet = models.ForeignKey(Sheet, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=200)
    scanned_at = models.DateTimeField()
    received_at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    result_json = models.TextField()


class DisposalCase(models.Model):
    """The disposal (การจำหน่ายพัสดุ) of assets found damaged, deteriorated, lost or no longer needed."""

    class Path(models.TextChoices):
        DIRECT = "direct", _("เสื่อมสภาพจากการใช้งานตามปกติ: หัวหน้าหน่วยงานสั่งจำหน่ายได้")
        FACT_FINDING = "fact_finding", _("ต้องแต่งตั้งคณะกรรมการสอบหาข้อเท็จจริงก่อน")

    class Method(models.TextChoices):
        SALE = "sale", _("ขาย (ขายทอดตลาดเป็นหลัก)")
        EXCHANGE = "exchange", _("แลกเปลี่ยน")
        TRANSFER = "transfer", _("โอนให้หน่วยงานของรัฐหรือองค์การสาธารณกุศล")
        DESTRUCTION = "destruction", _("แปรสภาพหรือทำลาย")
        WRITE_OFF = "write_off", _("จำหน่ายเป็นสูญ")

    class Status(models.TextChoices):
        DRAFT = "draft", _("เสนอจำหน่าย")
        FACT_FINDING = "fact_finding", _("อยู่ระหว่างสอบหาข้อเท็จจริง")
        FACTS_FOUND = "facts_found", _("สอบข้อเท็จจริงแล้ว รออนุมัติ")
        APPROVED = "approved", _("หัวหน้าหน่วยงานสั่งจำหน่ายแล้ว")
        COMPLETED = "completed", _("จำหน่ายเสร็จแล้ว (ตัดออกจากทะเบียน)")
        REPORTED = "reported", _("แจ้งสำนักงานการตรวจเงินแผ่นดินแล้ว")
        CANCELLED = "cancelled", _("ยกเลิก")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, null=True, blank=True, related_name="disposals",
                              verbose_name=_("จากผลการตรวจสอบ"))
    title = models.CharField(_("เรื่อง"), max_length=300)
    reason = models.TextField(_("เหตุผลที่จำหน่าย"))
    path = models.CharField(_("ขั้นตอน"), max_length=15, choices=Path.choices)
    method = models.CharField(_("วิธีจำหน่าย"), max_length=15, choices=Method.choices)
    status = models.CharField(_("สถานะ"), max_length=15, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    committee_order = models.CharField(_("คำสั่งแต่งตั้งคณะกรรมการสอบหาข้อเท็จจริงที่"), max_length=100, blank=True)
    committee_members = models.TextField(_("กรรมการสอบหาข้อเท็จจริง"), blank=True)
    facts = models.TextField(_("ผลการสอบหาข้อเท็จจริง"), blank=True)
    facts_on = models.DateField(_("วันที่รายงานผลการสอบ"), null=True, blank=True)
    order_number = models.CharField(_("คำสั่งจำหน่ายที่"), max_length=100, blank=True)
    ordered_on = models.DateField(_("วันที่สั่งจำหน่าย"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    completed_on = models.DateField(_("วันที่จำหน่ายเสร็จ"), null=True, blank=True)
    recipient = models.CharField(_("ผู้ซื้อ/ผู้รับโอน/คู่แลกเปลี่ยน"), max_length=300, blank=True)
    proceeds = models.DecimalField(_("เงินที่ได้จากการจำหน่าย (บาท)"), max_digits=14, decimal_places=2, null=True,
                                   blank=True)
    sao_notified_on = models.DateField(_("วันที่แจ้ง สตง."), null=True, blank=True)
    sao_reference = models.CharField(_("หนังสือแจ้ง สตง. ที่"), max_length=100, blank=True)
    cancel_reason = models.TextField(_("เหตุผลที่ยกเลิก"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("การจำหน่ายพัสดุ")
        verbose_name_plural = _("การจำหน่ายพัสดุ")

    def __str__(self):
        return _("การจำหน่ายที่ %(id)s: %(title)s") % {"id": self.pk, "title": self.title}


class DisposalItem(models.Model):
    case = models.ForeignKey(DisposalCase, on_delete=models.PROTECT, related_name="items")
    asset = models.ForeignKey("assets.Asset", on_delete=models.PROTECT, related_name="disposal_items")
    status_before = models.CharField(_("สถานะเมื่อเสนอ"), max_length=20)
    book_value = models.DecimalField(_("มูลค่าสุทธิเมื่อเสนอ"), max_digits=14, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "asset"], name="asset_once_per_disposal")]

    @property
    def status_before_label(self) -> str:
        return AssetStatus(self.status_before).label
