"""Loans of government property (การยืมพัสดุ): the property-use manual, delegations, loans and their items.

A loan's status moves only through loans.services, one service per move, checked against TRANSITIONS.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ManualVersion(models.Model):
    """One published version of the municipality's guidelines for using and borrowing property."""

    number = models.PositiveIntegerField(_("ฉบับที่"), unique=True)
    title = models.CharField(_("ชื่อเรื่อง"), max_length=200)
    body = models.TextField(_("เนื้อหา"))
    published_at = models.DateTimeField(_("ประกาศเมื่อ"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-number"]
        verbose_name = _("คู่มือการใช้ทรัพย์สินของทางราชการ")
        verbose_name_plural = _("คู่มือการใช้ทรัพย์สินของทางราชการ")

    def __str__(self):
        return _("%(title)s (ฉบับที่ %(number)s)") % {"title": self.title, "number": self.number}


class Acknowledgement(models.Model):
    """A member of staff has read a version of the manual (once; the time is kept)."""

    version = models.ForeignKey(ManualVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("รับทราบเมื่อ"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="acknowledge_once")]


class Delegation(models.Model):
    """The head of agency's power to approve loans outside the premises, given to someone for a date range."""

    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations",
                                 verbose_name=_("ผู้ได้รับมอบอำนาจ"))
    starts_on = models.DateField(_("ตั้งแต่วันที่"))
    ends_on = models.DateField(_("ถึงวันที่"))
    order_reference = models.CharField(_("คำสั่งที่"), max_length=100, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="delegation_dates_in_order")]


class Loan(models.Model):
    class Place(models.TextChoices):
        INSIDE = "inside", _("ใช้ภายในสถานที่ราชการ")
        OUTSIDE = "outside", _("นำออกไปใช้นอกสถานที่ราชการ")
        AGENCY = "agency", _("ให้หน่วยงานของรัฐอื่นยืม")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("รออนุมัติ")
        ENDORSED = "endorsed", _("หัวหน้ากองเห็นชอบแล้ว")
        APPROVED = "approved", _("อนุมัติแล้ว")
        OUT = "out", _("ส่งมอบแล้ว")
        RETURNED = "returned", _("คืนครบแล้ว")
        REJECTED = "rejected", _("ไม่อนุมัติ")
        CANCELLED = "cancelled", _("ยกเลิก")

    borrower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="loans", verbose_name=_("ผู้ยืม"))
    agency_name = models.CharField(_("หน่วยงานผู้ยืม"), max_length=200, blank=True)
    agency_contact = models.CharField(_("ผู้ติดต่อของหน่วยงาน"), max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("ผู้ยื่นคำขอ"))
    division = models.ForeignKey("organization.Division", on_delete=models.PROTECT, related_name="loans",
                                 verbose_name=_("กองของผู้ยืม"))
    purpose = models.TextField(_("เพื่อใช้ในราชการ (วัตถุประสงค์)"))
    place = models.CharField(_("การใช้งาน"), max_length=10, choices=Place.choices)
    where = models.CharField(_("สถานที่นำไปใช้"), max_length=300, blank=True)
    starts_on = models.DateField(_("ตั้งแต่วันที่"))
    ends_on = models.DateField(_("ถึงวันที่ (กำหนดคืน)"))
    phone = models.CharField(_("โทรศัพท์"), max_length=50)
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.REQUESTED,
                              db_index=True)
    needs_endorsement = models.BooleanField(default=True)
    endorsed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    endorsed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(_("เหตุผลที่ไม่อนุมัติ"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("การยืมพัสดุ")
        verbose_name_plural = _("การยืมพัสดุ")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="loan_dates_in_order"),
            models.CheckConstraint(condition=~models.Q(place="agency") | ~models.Q(agency_name=""),
                                   name="agency_loan_names_agency"),
            models.CheckConstraint(condition=models.Q(place="agency") | models.Q(borrower__isnull=False),
                                   name="staff_loan_has_borrower"),
        ]
        indexes = [
            models.Index(fields=["status", "ends_on"], name="loan_status_due_idx"),
            # The register filtered by division and status (the FK index alone scans the whole division).
            models.Index(fields=["division", "status"], name="loan_division_status_idx"),
        ]

    def __str__(self):
        return _("ใบยืมที่ %(id)s") % {"id": self.pk}

    @property
    def borrower_name(self) -> str:
        return self.agency_name if self.place == self.Place.AGENCY else str(self.borrower)


class LoanItem(models.Model):
    class Condition(models.TextChoices):
        GOOD = "good", _("ใช้งานได้ดี")
        DAMAGED = "damaged", _("ชำรุด")
        LOST = "lost", _("สูญหาย")

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="items")
    asset = models.ForeignKey("assets.Asset", on_delete=models.PROTECT, related_name="loan_items")
    handed_out_at = models.DateTimeField(null=True, blank=True)
    condition_out = models.CharField(_("สภาพเมื่อส่งมอบ"), max_length=200, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    condition_back = models.CharField(_("สภาพเมื่อรับคืน"), max_length=10, choices=Condition.choices, blank=True)
    note_back = models.TextField(_("หมายเหตุการรับคืน"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["loan", "asset"], name="asset_once_per_loan")]
        indexes = [models.Index(fields=["asset", "returned_at"], name="loanitem_asset_open_idx")]


class Compensation(models.Model):
    """A borrowed asset came back damaged or was lost: the borrower repairs it at their cost, replaces it
    like for like, or pays its value at the time of the loan (DOMAIN.md section 4). Tracked until settled."""

    class Method(models.TextChoices):
        REPAIR = "repair", _("ซ่อมแซมให้คงสภาพเดิมโดยเสียค่าใช้จ่ายเอง")
        REPLACE = "replace", _("ชดใช้เป็นพัสดุประเภท ชนิด ขนาด ลักษณะและคุณภาพอย่างเดียวกัน")
        PAY = "pay", _("ชดใช้เป็นเงินตามราคาที่เป็นอยู่ในขณะยืม")

    item = models.OneToOneField(LoanItem, on_delete=models.PROTECT, related_name="compensation")
    guide_value = models.DecimalField(_("มูลค่าสุทธิ ณ วันยืม (แนวทาง)"), max_digits=14, decimal_places=2)
    method = models.CharField(_("วิธีชดใช้"), max_length=10, choices=Method.choices, blank=True)
    amount = models.DecimalField(_("จำนวนเงิน"), max_digits=14, decimal_places=2, null=True, blank=True)
    settled_at = models.DateTimeField(_("ชดใช้ครบเมื่อ"), null=True, blank=True)
    note = models.TextField(_("หมายเหตุ"), blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("การชดใช้ความเสียหาย")
        verbose_name_plural = _("การชดใช้ความเสียหาย")


class LoanExtension(models.Model):
    """The borrower (or whoever asked for the loan) asks for a later return date, with a reason.
    Decided like the loan itself (loans.services.extension_approve / extension_reject)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("รอพิจารณา")
        APPROVED = "approved", _("อนุมัติแล้ว")
        REJECTED = "rejected", _("ไม่อนุมัติ")
        CANCELLED = "cancelled", _("ยกเลิก")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("ผู้ขอขยายเวลา"))
    requested_at = models.DateTimeField(_("ขอเมื่อ"))
    old_ends_on = models.DateField(_("กำหนดคืนเดิม"))
    new_ends_on = models.DateField(_("ขอขยายถึงวันที่"))
    reason = models.TextField(_("เหตุผลที่ขอขยายเวลา"))
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(_("เหตุผลที่ไม่อนุมัติ"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("การขอขยายเวลายืม")
        verbose_name_plural = _("การขอขยายเวลายืม")
        constraints = [
            models.CheckConstraint(condition=models.Q(new_ends_on__gt=models.F("old_ends_on")),
                                   name="extension_moves_due_date_later"),
            models.UniqueConstraint(fields=["loan"], condition=models.Q(status="requested"),
                                    name="one_open_extension_per_loan"),
        ]
        indexes = [models.Index(fields=["status", "loan"], name="extension_status_idx")]

    def __str__(self):
        return _("ขอขยายเวลาใบยืมที่ %(id)s") % {"id": self.loan_id}


class LoanFollowUp(models.Model):
    """The approver (or a property officer) chased an overdue loan (the Regulation's duty: within 7 days of the
    due date). `due_on` is the due date chased: after an extension the new due date needs its own follow-up."""

    class How(models.TextChoices):
        PHONE = "phone", _("โทรศัพท์")
        LETTER = "letter", _("หนังสือแจ้ง")
        IN_PERSON = "in_person", _("พบด้วยตนเอง")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="followups")
    due_on = models.DateField(_("กำหนดคืนที่ติดตาม"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("ผู้ติดตาม"))
    recorded_at = models.DateTimeField(_("บันทึกเมื่อ"))
    how = models.CharField(_("วิธีติดตาม"), max_length=10, choices=How.choices)
    note = models.TextField(_("ผลการติดตาม"))

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("การติดตามทวงคืน")
        verbose_name_plural = _("การติดตามทวงคืน")
        indexes = [models.Index(fields=["loan", "due_on"], name="followup_loan_due_idx")]


class Notification(models.Model):
    """An in-app notice to one person (also sent by email when they have an address). `key` names the event,
    e.g. "overdue:<loan id>:<due date>"; one person never gets the same key twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications")
    key = models.CharField(max_length=100)
    text = models.TextField(_("ข้อความ"))
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("แจ้งเมื่อ"), auto_now_add=True)
    read_at = models.DateTimeField(_("อ่านเมื่อ"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("ส่งอีเมลเมื่อ"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("การแจ้งเตือน")
        verbose_name_plural = _("การแจ้งเตือน")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["key"], name="notification_key_idx")]

    def __str__(self):
        return self.text[:80]
