"""python manage.py backup -o FILE [--force]: the database and the media files in one archive."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from backups.archive import BackupError, backup


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a str: translated when the command runs, not at import
        return _("สำรองฐานข้อมูลทั้งหมดและไฟล์สื่อ (รูปภาพ รายงานที่ออกแล้ว ไฟล์ที่เผยแพร่) ลงไฟล์ ZIP ไฟล์เดียว "
                 "กู้คืนด้วยคำสั่ง restore")

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help=_("ไฟล์ที่จะเขียน เช่น phatsadu-2568-10-01.zip"))
        parser.add_argument("--force", action="store_true", help=_("เขียนทับถ้ามีไฟล์ชื่อนี้อยู่แล้ว"))

    def handle(self, *args, output: str, force: bool, verbosity: int, **options):
        progress = (lambda line: self.stdout.write("  " + line)) if verbosity >= 2 else None
        try:
            summary = backup(output, overwrite=force, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from None
        for name, table in summary.missing_files:
            self.stderr.write(_("คำเตือน: ไม่พบไฟล์ %(name)s (อ้างถึงในตาราง %(table)s) จึงไม่อยู่ในไฟล์สำรอง") % {
                "name": name, "table": table})
        head = summary.head
        self.stdout.write(self.style.SUCCESS(
            _("สำรองข้อมูลแล้ว: %(path)s (%(size)s MB) %(tables)s ตาราง %(rows)s แถว ไฟล์สื่อ %(files)s ไฟล์ "
              "หัวบันทึกการใช้งาน %(count)s %(entry)s %(hash)s (%(seconds)s วินาที)") % {
                "path": summary.path, "size": f"{summary.bytes / 1_000_000:,.1f}", "tables": summary.tables,
                "rows": f"{summary.rows:,}", "files": f"{summary.files:,}", "count": head["count"],
                "entry": head["entry_id"], "hash": head["hash"], "seconds": f"{summary.seconds:.1f}"}))
