"""The append-only activity log: one row per change, hash-chained (see DESIGN.md, "The activity log")."""

import json

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _, pgettext_lazy


ACTION_LABELS = {
    "asset.register": _("ลงทะเบียนครุภัณฑ์"),
    "asset.update": _("แก้ไขข้อมูลครุภัณฑ์"),
    "asset.report_damage": _("แจ้งชำรุด"),
    "asset.send_to_repair": pgettext_lazy("action", "ส่งซ่อม"),
    "asset.return_from_repair": _("รับคืนจากซ่อม"),
    "asset.transfer": _("โอนย้าย"),
    "manual.publish": _("ประกาศคู่มือการใช้ทรัพย์สิน"),
    "manual.acknowledge": _("รับทราบคู่มือการใช้ทรัพย์สิน"),
    "loan.request": pgettext_lazy("activity", "ขอยืมพัสดุ"),
    "loan.endorse": _("หัวหน้ากองเห็นชอบการยืม"),
    "loan.approve": _("อนุมัติการยืม"),
    "loan.reject": _("ไม่อนุมัติการยืม"),
    "loan.cancel": _("ยกเลิกการยืม"),
    "loan.hand_out": _("ส่งมอบพัสดุที่ยืม"),
    "loan.receive": _("รับคืนพัสดุที่ยืม"),
    "loan.compensation_settle": _("ชดใช้ความเสียหายครบ"),
    "loan.extension_request": _("ขอขยายเวลายืม"),
    "loan.extension_approve": _("อนุมัติการขยายเวลายืม"),
    "loan.extension_reject": _("ไม่อนุมัติการขยายเวลายืม"),
    "loan.extension_cancel": _("ยกเลิกคำขอขยายเวลายืม"),
    "loan.followup": _("บันทึกการติดตามทวงคืน"),
    "loan.overdue": _("แจ้งเตือนใบยืมเกินกำหนดคืน"),
    "loan.followup_late": _("แจ้งเตือนเลยกำหนดติดตามทวงคืน"),
    "loan.export": _("ส่งออกทะเบียนการยืม"),
    "organization.update": _("แก้ไขข้อมูลหน่วยงาน"),
    "staff.move": _("ย้ายกอง"),
    "staff.deactivate": _("ปิดบัญชีบุคลากร"),
    "staff.create": _("เพิ่มบุคลากร"),
    "user.create": _("เพิ่มบุคลากร"),
    "user.update": _("แก้ไขข้อมูลบุคลากร"),
    "user.first_sign_in": _("ตั้งรหัสผ่านเข้าระบบครั้งแรก"),
    "user.first_sign_in_slips": _("พิมพ์ใบเข้าระบบครั้งแรก"),
    "user.first_sign_in_link": _("ออกลิงก์ตั้งรหัสผ่านใหม่"),
    "table.import": _("นำเข้าตารางข้อมูลอ้างอิงหรือบุคลากรจากไฟล์"),
    "table.export": _("ส่งออกตารางข้อมูลอ้างอิงหรือบุคลากร"),
    "budgettype.create": _("เพิ่มประเภทเงิน"),
    "budgettype.update": _("แก้ไขประเภทเงิน"),
    "acquisitionmethod.create": _("เพิ่มวิธีการได้มา"),
    "acquisitionmethod.update": _("แก้ไขวิธีการได้มา"),
    "asset.export": _("ส่งออกทะเบียนครุภัณฑ์"),
    "asset.import": _("นำเข้าทะเบียนครุภัณฑ์"),
    "activity.export": _("ส่งออกบันทึกการใช้งาน"),
    "division.create": _("เพิ่มกอง"),
    "division.update": _("แก้ไขข้อมูลกอง"),
    "location.create": _("เพิ่มสถานที่"),
    "location.update": _("แก้ไขสถานที่"),
    "category.create": _("เพิ่มประเภทครุภัณฑ์"),
    "category.update": _("แก้ไขประเภทครุภัณฑ์"),
    "holiday.create": _("เพิ่มวันหยุดราชการ"),
    "holiday.update": _("แก้ไขวันหยุดราชการ"),
    "holiday.delete": _("ลบวันหยุดราชการ"),
    "inspection.appoint": _("แต่งตั้งผู้ตรวจสอบพัสดุ"),
    "inspection.start": _("เริ่มตรวจนับพัสดุ"),
    "inspection.count": _("ตรวจนับ (สแกนป้าย)"),
    "inspection.confirm_on_loan": _("ยืนยันครุภัณฑ์ที่ถูกยืมกับผู้ยืม"),
    "inspection.declare_missing": _("บันทึกครุภัณฑ์ที่ตรวจไม่พบ"),
    "inspection.close_sheet": _("ปิดบัญชีตรวจนับ"),
    "inspection.reopen_sheet": _("เปิดบัญชีตรวจนับอีกครั้ง"),
    "inspection.submit": _("รายงานผลการตรวจสอบพัสดุ"),
    "inspection.accept": _("หัวหน้าหน่วยงานรับทราบผลการตรวจสอบ"),
    "inspection.reschedule": _("เลื่อนกำหนดการตรวจสอบตามวันหยุดราชการ"),
    "inspection.export": _("ส่งออกรายงานผลการตรวจสอบ"),
    "disposal.propose": _("เสนอจำหน่ายพัสดุ"),
    "disposal.fact_finding": _("แต่งตั้งคณะกรรมการสอบหาข้อเท็จจริง"),
    "disposal.facts": _("บันทึกผลการสอบหาข้อเท็จจริง"),
    "disposal.approve": _("สั่งจำหน่ายพัสดุ"),
    "disposal.complete": _("จำหน่ายพัสดุเสร็จ (ตัดออกจากทะเบียน)"),
    "disposal.report_sao": _("แจ้งการจำหน่ายต่อ สตง."),
    "disposal.cancel": _("ยกเลิกการจำหน่าย"),
    "procurement.create": _("เพิ่มรายการจัดซื้อจัดจ้าง"),
    "procurement.update": _("แก้ไขรายการจัดซื้อจัดจ้าง"),
    "procurement.announce": _("ประกาศเชิญชวน"),
    "procurement.bid": _("บันทึกผู้เสนอราคา"),
    "procurement.award": _("คัดเลือกผู้ชนะ"),
    "procurement.contract": _("ลงนามสัญญา/ใบสั่ง"),
    "procurement.delivery": _("บันทึกการส่งมอบ"),
    "procurement.accept": _("ตรวจรับพัสดุ"),
    "procurement.close": _("ปิดงานจัดซื้อจัดจ้าง"),
    "procurement.cancel": _("ยกเลิกการจัดซื้อจัดจ้าง"),
    "procurement.link_assets": _("เชื่อมโยงครุภัณฑ์กับการจัดซื้อจัดจ้าง"),
    "procurement.import": _("นำเข้าข้อมูล e-GP"),
    "procurement.import_create": _("เพิ่มรายการจากข้อมูล e-GP"),
    "procurement.import_update": _("ปรับปรุงรายการจากข้อมูล e-GP"),
    "procurement.publish": _("บันทึกการเผยแพร่"),
    "procurement.export": _("ส่งออกเอกสารการจัดซื้อจัดจ้าง"),
    "annual_report.create": _("สร้างร่างรายงานประจำปี"),
    "annual_report.refresh": _("คำนวณตัวเลขรายงานประจำปีใหม่"),
    "annual_report.update": _("แก้ไขร่างรายงานประจำปี"),
    "annual_report.issue": _("ออกรายงานประจำปี"),
    "annual_report.attachments": _("ดาวน์โหลดเอกสารประกอบรายงานประจำปี"),
}


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a log entry."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(gettext("บันทึกการใช้งานแก้ไขไม่ได้"))

    def delete(self):
        raise AppendOnlyError(gettext("บันทึกการใช้งานลบไม่ได้"))

    _raw_delete = delete


class Entry(models.Model):
    """One thing that happened: when, who, what, to which object and which assets, with details."""

    created_at = models.DateTimeField(_("เวลา"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", db_constraint=False, verbose_name=_("ผู้ทำรายการ"),
    )
    actor_name = models.CharField(_("ชื่อผู้ทำรายการ"), max_length=200, blank=True)
    action = models.CharField(_("การกระทำ"), max_length=60, db_index=True)
    object_type = models.CharField(_("ประเภทรายการ"), max_length=60)
    object_id = models.CharField(_("รหัสรายการ"), max_length=64, blank=True)
    object_repr = models.CharField(_("รายการ"), max_length=300, blank=True)
    division_id = models.BigIntegerField(_("กอง"), null=True, blank=True, db_index=True)
    details_json = models.TextField(
        _("รายละเอียด"), default="{}",
        help_text="Canonical JSON (sorted keys, compact) stored as text, so both databases return the hashed bytes.",
    )
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("บันทึกการใช้งาน")
        verbose_name_plural = _("บันทึกการใช้งาน")
        indexes = [models.Index(fields=["object_type", "object_id"], name="activity_object_idx")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    @cached_property
    def details(self) -> dict:
        return json.loads(self.details_json or "{}")

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(gettext("บันทึกการใช้งานแก้ไขไม่ได้"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(gettext("บันทึกการใช้งานลบไม่ได้"))


class EntryAsset(models.Model):
    """Which assets an entry concerns: asset ids only, no foreign key, so nothing cascades into the log."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="asset_links")
    asset_id = models.BigIntegerField(db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "asset_id"], name="activity_entry_asset_unique")]


class Anchor(models.Model):
    """The chain's head when an official document was issued: a truncated or rewritten log no longer matches it."""

    created_at = models.DateTimeField(_("เวลา"))
    document_type = models.CharField(_("ประเภทเอกสาร"), max_length=60)
    document_id = models.CharField(_("รหัสเอกสาร"), max_length=64)
    document_repr = models.CharField(_("เอกสาร"), max_length=300, blank=True)
    entry_count = models.PositiveIntegerField(_("จำนวนรายการในบันทึก"))
    head_id = models.BigIntegerField(_("รายการล่าสุด"))
    head_hash = models.CharField(_("ค่าแฮชล่าสุด"), max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("จุดยึดบันทึก")
        verbose_name_plural = _("จุดยึดบันทึก")

    def __str__(self):
        return f"{self.document_type} {self.document_id}: {self.entry_count} @ {self.head_hash[:12]}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(gettext("จุดยึดบันทึกแก้ไขไม่ได้"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(gettext("จุดยึดบันทึกลบไม่ได้"))
