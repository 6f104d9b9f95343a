"""The round's report as XLSX: a summary per division, every line counted, and what no sheet expected."""

from django.utils import translation
from django.utils.translation import gettext as _

from activity import log
from common.spreadsheets import SheetSpec, write_xlsx_sheets
from thai.dates import format_datetime

from .models import Condition, Finding, Line, Round
from .selectors import CONDITIONS, round_report

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _lines(round_: Round):
    outcomes = dict(Line.Outcome.choices)
    conditions = dict(Condition.choices)
    lines = (Line.objects.filter(round=round_).select_related("sheet__division", "expected_location", "seen_location",
                                                              "seen_on_sheet__division", "counted_by")
             .order_by("sheet__division__order", "id"))
    for line in lines.iterator(chunk_size=2000):
        yield [line.sheet.division.name, line.number, line.name,
               line.expected_location.name if line.expected_location else "", str(outcomes[line.outcome]),
               str(conditions.get(line.condition, "")), line.seen_location.name if line.seen_location else "",
               line.seen_on_sheet.division.name if line.seen_on_sheet else "", _("ใช่") if line.found_elsewhere else "",
               line.note, format_datetime(line.counted_at) if line.counted_at else "",
               str(line.counted_by) if line.counted_by else ""]


def _findings(round_: Round):
    kinds = dict(Finding.Kind.choices)
    conditions = dict(Condition.choices)
    for finding in Finding.objects.filter(round=round_).select_related("sheet__division", "asset__division",
                                                                       "seen_location", "counted_by"):
        yield [str(kinds[finding.kind]), finding.number, finding.asset.name if finding.asset else "",
               finding.asset.division.name if finding.asset else "", finding.sheet.division.name,
               finding.seen_location.name if finding.seen_location else "", str(conditions[finding.condition]),
               finding.note, format_datetime(finding.counted_at), str(finding.counted_by)]


def round_report_xlsx(*, actor, round_: Round) -> bytes:
    with translation.override("th"):
        report = round_report(round_)
        condition_labels = [str(condition.label) for condition in CONDITIONS]
        summary = [[row.name, row.expected, row.seen, row.on_loan, row.missing, row.elsewhere, *row.condition_counts]
                   for row in [*report.divisions, report.total]]
        content = write_xlsx_sheets([
            SheetSpec(_("สรุปรายกอง"), [_("กอง"), _("ตามทะเบียน"), _("พบ"), _("ถูกยืม (ยืนยันแล้ว)"), _("ไม่พบ"),
                                        _("พบนอกที่"), *condition_labels], summary, widths=[30] + [12] * 10),
            SheetSpec(_("รายการตรวจนับ"), [_("กอง"), _("หมายเลขครุภัณฑ์"), _("ชื่อ/ลักษณะ"), _("สถานที่ตามทะเบียน"),
                                           _("ผลการตรวจ"), _("สภาพ"), _("สถานที่ที่พบ"), _("สแกนในบัญชีของ"),
                                           _("พบนอกที่"), _("หมายเหตุ"), _("เวลาที่ตรวจ"), _("ผู้ตรวจ")],
                      _lines(round_), widths=[24, 18, 34, 20, 14, 14, 20, 20, 8, 30, 18, 20]),
            SheetSpec(_("นอกบัญชีและไม่มีในทะเบียน"), [_("ประเภท"), _("หมายเลขที่พบ"), _("ชื่อ/ลักษณะ"),
                                                       _("กองตามทะเบียน"), _("สแกนในบัญชีของ"), _("สถานที่ที่พบ"),
                                                       _("สภาพ"), _("หมายเหตุ"), _("เวลาที่ตรวจ"), _("ผู้ตรวจ")],
                      _findings(round_), widths=[24, 18, 30, 20, 20, 20, 14, 30, 18, 20]),
        ])
    log.record("inspection.export", obj=round_, actor=actor, details={"format": "xlsx"})
    return content
