"""Procurement (การจัดซื้อจัดจ้าง, measure 5, DOMAIN.md section 6): from the need to the accepted delivery,
its bids, contract, deliveries and acceptance, the assets it brought or repaired, and what was published.

A procurement's status moves only through procurement.services (TRANSITIONS), each move logged.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    E_BIDDING = "e_bidding", _("ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)")
    E_MARKET = "e_market", _("ตลาดอิเล็กทรอนิกส์ (e-market)")
    SELECTION = "selection", _("คัดเลือก")
    SPECIFIC = "specific", _("เฉพาะเจาะจง")


class Procurement(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("อยู่ในแผน")
        ANNOUNCED = "announced", _("ประกาศแล้ว")
        BIDS_RECEIVED = "bids_received", _("รับข้อเสนอแล้ว")
        AWARDED = "awarded", _("ได้ผู้ชนะแล้ว")
        CONTRACTED = "contracted", _("ลงนามสัญญา/ใบสั่งแล้ว")
        DELIVERED = "delivered", _("ส่งมอบครบแล้ว")
        ACCEPTED = "accepted", _("ตรวจรับแล้ว")
        CLOSED = "closed", _("ปิดงานแล้ว")
        CANCELLED = "cancelled", _("ยกเลิก")

    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"), db_index=True)
    title = models.CharField(_("งานที่จัดซื้อหรือจัดจ้าง"), max_length=500)
    project_type = models.CharField(_("ประเภทโครงการ"), max_length=100, blank=True,
                                    help_text=_("เช่น ซื้อ, จ้างทำของ/จ้างเหมาบริการ"))
    division = models.ForeignKey("organization.Division", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="procurements", verbose_name=_("กองที่ขอ"))
    need = models.TextField(_("ความต้องการ"), blank=True)
    justification = models.TextField(_("เหตุผลความจำเป็น"), blank=True)
    budget_type = models.ForeignKey("assets.BudgetType", on_delete=models.PROTECT, null=True, blank=True,
                                    verbose_name=_("ประเภทเงิน"))
    budget_line = models.CharField(_("รายการงบประมาณ"), max_length=300, blank=True)
    amount = models.DecimalField(_("วงเงินที่จะซื้อหรือจ้าง (บาท)"), max_digits=14, decimal_places=2)
    reference_price = models.DecimalField(_("ราคากลาง (บาท)"), max_digits=14, decimal_places=2, null=True, blank=True)
    reference_source = models.CharField(_("ที่มาของราคากลาง"), max_length=300, blank=True)
    method = models.CharField(_("วิธีซื้อหรือจ้าง"), max_length=12, choices=Method.choices)
    over_limit_reason = models.TextField(_("เหตุผลที่ใช้วิธีเฉพาะเจาะจงเกินวงเงิน"), blank=True)
    planned_month = models.DateField(_("เดือนที่คาดว่าจะจัดหา"), null=True, blank=True)
    egp_number = models.CharField(_("เลขที่โครงการ e-GP"), max_length=20, blank=True)
    status = models.CharField(_("สถานะ"), max_length=15, choices=Status.choices, default=Status.PLANNED,
                              db_index=True)
    announced_on = models.DateField(_("วันที่ประกาศ"), null=True, blank=True)
    winner = models.ForeignKey("Bid", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("ผู้ได้รับการคัดเลือก"))
    agreed_price = models.DecimalField(_("ราคาที่ตกลงซื้อหรือจ้าง (บาท)"), max_digits=14, decimal_places=2,
                                       null=True, blank=True)
    selection_reason = models.TextField(_("เหตุผลที่คัดเลือกโดยสรุป"), blank=True)
    contract_number = models.CharField(_("เลขที่สัญญาหรือใบสั่ง"), max_length=100, blank=True)
    contract_date = models.DateField(_("วันที่สัญญาหรือใบสั่ง"), null=True, blank=True, db_index=True)
    delivery_due = models.DateField(_("กำหนดส่งมอบ"), null=True, blank=True)
    penalty_rate = models.DecimalField(_("อัตราค่าปรับรายวัน (ร้อยละ)"), max_digits=5, decimal_places=3, null=True,
                                       blank=True, help_text=_("เช่น 0.20 ต่อวันของมูลค่าที่ยังไม่ได้รับมอบ"))
    accepted_on = models.DateField(_("วันที่ตรวจรับ"), null=True, blank=True)
    acceptance_committee = models.TextField(_("คณะกรรมการตรวจรับพัสดุ"), blank=True)
    cancel_reason = models.TextField(_("เหตุผลที่ยกเลิก"), blank=True)
    egp_flag = models.TextField(_("ข้อสังเกตจากการนำเข้า e-GP"), blank=True)
    in_plan = models.BooleanField(
        _("อยู่ในแผนการจัดซื้อจัดจ้างประจำปี"), default=True,
        help_text=_("รายการที่นำเข้าจาก e-GP ไม่นับในแผนจนกว่าจะระบุว่าอยู่ในแผน"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-fiscal_year", "-id"]
        verbose_name = _("การจัดซื้อจัดจ้าง")
        verbose_name_plural = _("การจัดซื้อจัดจ้าง")
        constraints = [
            models.UniqueConstraint(fields=["egp_number"], condition=~models.Q(egp_number=""),
                                    name="egp_number_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="procurement_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["fiscal_year", "status"], name="procurement_year_status_idx"),
                   models.Index(fields=["division", "fiscal_year"], name="procurement_division_year_idx")]

    def __str__(self):
        return self.title


class Item(models.Model):
    """A line of what is bought: durable goods of a category (they enter the register on acceptance) or
    supplies (recorded as received)."""

    class Kind(models.TextChoices):
        DURABLE = "durable", _("ครุภัณฑ์")
        SUPPLIES = "supplies", _("วัสดุ")

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="items")
    description = models.CharField(_("รายการ"), max_length=300)
    kind = models.CharField(_("ประเภท"), max_length=10, choices=Kind.choices, default=Kind.DURABLE)
    category = models.ForeignKey("assets.Category", on_delete=models.PROTECT, null=True, blank=True,
                                 verbose_name=_("ประเภทครุภัณฑ์"))
    quantity = models.PositiveIntegerField(_("จำนวน"))
    unit = models.CharField(_("หน่วยนับ"), max_length=30, default="เครื่อง")
    unit_price = models.DecimalField(_("ราคาต่อหน่วย (บาท)"), max_digits=14, decimal_places=2)
    received_quantity = models.PositiveIntegerField(_("จำนวนที่ตรวจรับ"), default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="item_quantity_positive"),
            models.CheckConstraint(condition=~models.Q(kind="durable") | models.Q(category__isnull=False),
                                   name="durable_item_has_category"),
        ]

    @property
    def total(self):
        return self.unit_price * self.quantity


class Bid(models.Model):
    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="bids")
    bidder = models.CharField(_("ผู้เสนอราคา"), max_length=300)
    tax_id = models.CharField(_("เลขประจำตัวผู้เสียภาษี"), max_length=20, blank=True)
    address = models.CharField(_("ที่อยู่ผู้เสนอราคา"), max_length=300, blank=True)
    phone = models.CharField(_("โทรศัพท์ผู้เสนอราคา"), max_length=50, blank=True)
    price = models.DecimalField(_("ราคาที่เสนอ (บาท)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["price", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(price__gte=0), name="bid_price_not_negative")]

    def __str__(self):
        return self.bidder


class Delivery(models.Model):
    """Goods or work delivered against the contract (partial deliveries included)."""

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="deliveries")
    delivered_on = models.DateField(_("วันที่ส่งมอบ"))
    value = models.DecimalField(_("มูลค่าที่ส่งมอบ (บาท)"), max_digits=14, decimal_places=2)
    note = models.CharField(_("รายละเอียด"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delivered_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(value__gt=0), name="delivery_value_positive")]


class LinkedAsset(models.Model):
    """An asset this procurement bought (created on acceptance) or repaired (its title names the asset)."""

    class Kind(models.TextChoices):
        ACQUIRED = "acquired", _("จัดซื้อ")
        REPAIR = "repair", _("ซ่อม/บำรุงรักษา")

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="linked_assets")
    asset = models.ForeignKey("assets.Asset", on_delete=models.PROTECT, related_name="procurement_links")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, null=True, blank=True, related_name="assets")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["procurement", "asset"], name="asset_once_per_procurement")]


class Publication(models.Model):
    """A disclosure made public: where and when (a URL or the notice board), and the file as published."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("แผนการจัดซื้อจัดจ้างประจำปี")
        ANNOUNCEMENT = "announcement", _("ประกาศเชิญชวน")
        RESULT = "result", _("ประกาศผู้ชนะ/ผลการจัดซื้อจัดจ้าง")
        MONTHLY = "monthly", _("สรุปผลการจัดซื้อจัดจ้างประจำเดือน (สขร.1)")
        YEARLY = "yearly", _("สรุปผลการจัดซื้อจัดจ้างประจำปี")

    kind = models.CharField(max_length=15, choices=Kind.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    month = models.DateField(_("เดือน"), null=True, blank=True)
    procurement = models.ForeignKey(Procurement, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="publications")
    published_on = models.DateField(_("วันที่เผยแพร่"))
    where = models.CharField(_("ช่องทางที่เผยแพร่ (URL หรือบอร์ดประชาสัมพันธ์)"), max_length=500)
    file = models.FileField(upload_to="published/%Y/", blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "fiscal_year"], condition=models.Q(kind__in=["plan", "yearly"]),
                                    name="one_plan_or_summary_a_year"),
            models.UniqueConstraint(fields=["month"], condition=models.Q(kind="monthly"), name="one_monthly_a_month"),
            models.UniqueConstraint(fields=["kind", "procurement"],
                                    condition=models.Q(kind__in=["announcement", "result"]),
                                    name="one_announcement_or_result_each"),
        ]

    def __str__(self):
        if self.kind == self.Kind.MONTHLY and self.month:
            what = f"{self.get_kind_display()} {self.month.month:02d}/{self.month.year + 543}"
        elif self.procurement_id:
            what = f"{self.get_kind_display()}: {self.procurement.title}"
        else:
            what = f"{self.get_kind_display()} {self.fiscal_year}"
        return what[:300]
