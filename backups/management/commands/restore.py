"""python manage.py restore FILE: a backup into an empty (freshly migrated) database, then the log checked."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from activity.chain import verify
from backups.archive import BackupError, restore


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a str: translated when the command runs, not at import
        return _("กู้คืนไฟล์สำรองข้อมูลลงฐานข้อมูลใหม่ที่ว่าง (เพิ่ง migrate) พร้อมไฟล์สื่อ ทั้งหมดหรือไม่มีเลย "
                 "แล้วตรวจบันทึกการใช้งาน")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("ไฟล์ที่สร้างด้วยคำสั่ง backup"))

    def handle(self, *args, file: str, verbosity: int, **options):
        progress = (lambda line: self.stdout.write("  " + line)) if verbosity >= 2 else None
        try:
            summary = restore(file, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            _("กู้คืนแล้ว: %(path)s (สร้างจากโปรแกรมรุ่น %(version)s) %(tables)s ตาราง %(rows)s แถว ไฟล์สื่อ %(files)s ไฟล์ "
              "(%(seconds)s วินาที)") % {
                "path": summary.path, "version": summary.app_version, "tables": summary.tables,
                "rows": f"{summary.rows:,}", "files": f"{summary.files:,}", "seconds": f"{summary.seconds:.1f}"}))
        started = time.perf_counter()
        verdict = verify()
        if not verdict.ok:
            raise CommandError(_("กู้คืนข้อมูลแล้ว แต่บันทึกการใช้งานไม่ครบถ้วน (เป็นเช่นนี้ตั้งแต่ในไฟล์สำรอง): "
                                 "%(problem)s") % {"problem": verdict.problem})
        self.stdout.write(self.style.SUCCESS(
            _("บันทึกการใช้งานครบถ้วน: %(count)s รายการ, หัวบันทึก %(head_id)s %(head_hash)s (%(seconds)s วินาที)") % {
                "count": f"{verdict.count:,}", "head_id": verdict.head.entry_id, "head_hash": verdict.head.hash,
                "seconds": f"{time.perf_counter() - started:.2f}"}))
