"""Backup archives: the whole database and the media files it refers to, in one ZIP file.

    manifest.json                  what is inside: format, app version, migration state, the log chain's
                                   head, and per table its columns, row count and SHA-256; per file its size
                                   and SHA-256
    data/<app>.<model>.jsonl       one table: one JSON array per row, columns in the manifest's order,
                                   rows in primary-key order
    media/<name>                   each file a FileField names (photos, issued reports, published files...)

Rows are read and written in batches, so memory stays flat whatever the size of the register. The backup
reads one snapshot (REPEATABLE READ on PostgreSQL, one read transaction on SQLite, which does not stop
anyone writing) and is written to a temporary file renamed into place at the end: an interrupted backup
leaves no file that looks complete.

A restore goes only into an empty database: freshly migrated, so only the reference tables that migrations
seed hold rows (tables.SEEDED). It checks the whole archive first, then in one transaction replaces those
reference rows with the backup's and INSERTs every table with its primary keys (the log's tables take
INSERTs; their triggers refuse only UPDATE and DELETE), resets PostgreSQL's sequences, compares every count
and the log chain's head with the manifest, and writes the media files. Anything wrong rolls all of it back.
Rows travel as JSON values, not as SQL, so a backup made on SQLite restores on PostgreSQL and back.
"""

import hashlib
import importlib.metadata
import json
import os
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.chain import current_head
from common.bulk import insert_rows

from .tables import SEEDED, Table, convert, decoders, encoders, tables

FORMAT = "phatsadu-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH = 5000
CHUNK = 1024 * 1024
# Media already compressed are stored as they are (deflating them again costs time and saves nothing).
_STORED_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".zip", ".xlsx", ".docx", ".gz"})
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

Progress = Callable[[str], None]


class BackupError(Exception):
    """A refusal or a failure explained for the operator (in Thai): the commands print it, never a traceback."""


@dataclass
class Summary:
    path: Path
    tables: int = 0
    rows: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    head: dict = field(default_factory=dict)
    missing_files: list[tuple[str, str]] = field(default_factory=list)  # (file name, table) named but not found
    app_version: str = ""


def app_version() -> str:
    try:
        return importlib.metadata.version("phatsadu")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def migration_state() -> list[list[str]]:
    """The applied migrations as sorted [app, name] pairs."""
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


@contextmanager
def _unlogged_queries():
    """With DEBUG on, Django keeps the text of every statement (with its values) in connection.queries: for a
    large register that is hundreds of megabytes and a third of the time, so it is off while an archive is
    written or read."""
    previous = settings.DEBUG
    settings.DEBUG = False
    try:
        yield
    finally:
        settings.DEBUG = previous


def _head() -> dict:
    head = current_head()
    return {"count": head.count, "entry_id": head.entry_id, "hash": head.hash}


# --- backup ---------------------------------------------------------------------------------------------

def backup(path, *, overwrite: bool = False, progress: Progress | None = None) -> Summary:
    """Write the database and its media files to `path` (a ZIP archive)."""
    started = time.perf_counter()
    path = Path(path)
    if path.is_dir():
        raise BackupError(_("%(path)s เป็นโฟลเดอร์: ระบุชื่อไฟล์ที่จะเขียน เช่น %(path)s/phatsadu.zip") % {"path": path})
    if path.exists() and not overwrite:
        raise BackupError(_("มีไฟล์ %(path)s อยู่แล้ว: ใช้ชื่ออื่น หรือเพิ่ม --force เพื่อเขียนทับ") % {"path": path})
    folder = path.parent
    if not folder.is_dir():
        raise BackupError(_("ไม่พบโฟลเดอร์ %(folder)s") % {"folder": folder})
    summary = Summary(path=path, app_version=app_version())
    try:
        handle = tempfile.NamedTemporaryFile(dir=folder, prefix=f".{path.name}.", suffix=".partial", delete=False)
    except OSError as error:
        raise BackupError(_("เขียนไฟล์ในโฟลเดอร์ %(folder)s ไม่ได้: %(reason)s") % {
            "folder": folder, "reason": error.strerror or error}) from None
    partial = Path(handle.name)
    try:
        with handle, zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive, \
                _unlogged_queries():
            manifest = _write(archive, summary, progress)
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(partial, path)
    except DatabaseError as error:
        partial.unlink(missing_ok=True)
        raise BackupError(_("อ่านฐานข้อมูลไม่ได้ (ได้ migrate ฐานข้อมูลนี้แล้วหรือยัง): %(error)s ไม่ได้เขียนไฟล์สำรอง") % {
            "error": str(error).strip()}) from None
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise BackupError(_("เขียนไฟล์สำรอง %(path)s ไม่ได้: %(reason)s") % {
            "path": path, "reason": error.strerror or error}) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    summary.bytes = path.stat().st_size
    summary.seconds = time.perf_counter() - started
    return summary


def _write(archive: zipfile.ZipFile, summary: Summary, progress: Progress | None) -> dict:
    media: dict[str, str] = {}  # file name -> the table naming it first, in the order met
    listed = []
    with _snapshot():
        migrations = migration_state()
        head = _head()
        for table in tables():
            began = time.perf_counter()
            rows, digest = _write_table(archive, table, media)
            listed.append({"label": table.label, "table": table.db_table, "member": table.member,
                           "fields": table.attnames, "rows": rows, "sha256": digest})
            summary.tables += 1
            summary.rows += rows
            if progress:
                progress(f"{table.label}: {rows:,} ({time.perf_counter() - began:.2f} s)")
    files = []
    for name, label in media.items():
        written = _write_file(archive, name)
        if written is None:
            summary.missing_files.append((name, label))
            continue
        files.append(written)
        summary.files += 1
    summary.head = head
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "app_version": summary.app_version,
        "created_at": timezone.now().isoformat(), "database": connection.vendor,
        "migrations": migrations, "activity_head": head, "tables": listed, "media": files,
        "missing_media": [{"name": name, "table": label} for name, label in summary.missing_files],
    }


@contextmanager
def _snapshot():
    """Read every table from one consistent state of the database, without holding writers off."""
    if connection.in_atomic_block:  # already inside a transaction (a caller's, or a test's): one snapshot
        yield
    elif connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        # A deferred read transaction (Django's atomic() would BEGIN IMMEDIATE and take the write lock):
        # in WAL mode it sees one snapshot while others keep writing.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
    else:
        with transaction.atomic():
            yield


def _write_table(archive: zipfile.ZipFile, table: Table, media: dict[str, str]) -> tuple[int, str]:
    functions = encoders(table)
    file_columns = table.file_fields
    digest = hashlib.sha256()
    count = 0
    lines: list[str] = []
    rows = table.model._base_manager.order_by("pk").values_list(*table.attnames).iterator(chunk_size=BATCH)
    with archive.open(table.member, "w", force_zip64=True) as member:
        def flush():
            data = "".join(lines).encode("utf-8")
            digest.update(data)
            member.write(data)
            lines.clear()

        for row in rows:
            row = list(row)
            for index in file_columns:
                if row[index]:
                    media.setdefault(row[index], table.label)
            lines.append(_encode(convert(row, functions)) + "\n")
            count += 1
            if len(lines) >= BATCH:
                flush()
        flush()
    return count, digest.hexdigest()


def _write_file(archive: zipfile.ZipFile, name: str) -> dict | None:
    try:
        source = default_storage.open(name, "rb")
    except (FileNotFoundError, SuspiciousFileOperation):
        return None
    digest = hashlib.sha256()
    size = 0
    member = f"media/{name}"
    compression = zipfile.ZIP_STORED if PurePosixPath(name).suffix.lower() in _STORED_SUFFIXES else zipfile.ZIP_DEFLATED
    info = zipfile.ZipInfo(member, date_time=time.localtime()[:6])
    info.compress_type = compression
    with source, archive.open(info, "w", force_zip64=True) as target:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    return {"name": name, "member": member, "size": size, "sha256": digest.hexdigest()}


# --- restore --------------------------------------------------------------------------------------------

def restore(path, *, progress: Progress | None = None) -> Summary:
    """Load a backup into this empty database and write its media files; all or nothing."""
    started = time.perf_counter()
    path = Path(path)
    archive = _open(path)
    with archive, _unlogged_queries():
        manifest = _manifest(archive, path)
        _check_migrations(manifest)
        plan = _plan(manifest)
        _refuse_unless_empty()
        _check_members(archive, manifest)
        summary = Summary(path=path, app_version=manifest["app_version"], head=manifest["activity_head"])
        try:
            with transaction.atomic():
                _refuse_unless_empty()
                _clear_seeded(plan)
                for table, entry in plan:
                    began = time.perf_counter()
                    rows = _load_table(archive, table, entry)
                    summary.tables += 1
                    summary.rows += rows
                    if progress:
                        progress(f"{table.label}: {rows:,} ({time.perf_counter() - began:.2f} s)")
                _reset_sequences(plan)
                if _head() != manifest["activity_head"]:
                    raise BackupError(_("กู้คืนไม่สำเร็จ: หัวบันทึกการใช้งานหลังกู้คืน (%(got)s) ไม่ตรงกับในไฟล์สำรอง "
                                        "(%(want)s) ยกเลิกทั้งหมด ฐานข้อมูลยังว่างเหมือนเดิม") % {
                        "got": _head_text(_head()), "want": _head_text(manifest["activity_head"])})
                for item in manifest["media"]:
                    _restore_file(archive, item)
                    summary.files += 1
        except DatabaseError as error:
            raise BackupError(_("กู้คืนไม่สำเร็จ ฐานข้อมูลไม่รับข้อมูลจากไฟล์สำรอง: %(error)s "
                                "ยกเลิกทั้งหมด ฐานข้อมูลยังว่างเหมือนเดิม") % {"error": str(error).strip()}) from None
        except OSError as error:
            raise BackupError(_("กู้คืนไม่สำเร็จ เขียนไฟล์สื่อไม่ได้: %(reason)s ยกเลิกทั้งหมด "
                                "ฐานข้อมูลยังว่างเหมือนเดิม") % {"reason": error.strerror or error}) from None
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # the content types' keys are the backup's now
    summary.seconds = time.perf_counter() - started
    return summary


def _head_text(head: dict) -> str:
    return f"{head['count']} {head['entry_id']} {head['hash']}"


def _open(path: Path) -> zipfile.ZipFile:
    if not path.exists():
        raise BackupError(_("ไม่พบไฟล์สำรองข้อมูล %(path)s") % {"path": path})
    if path.is_dir():
        raise BackupError(_("%(path)s เป็นโฟลเดอร์ ไม่ใช่ไฟล์สำรองข้อมูล") % {"path": path})
    try:
        with path.open("rb") as handle:
            start = handle.read(4)
        return zipfile.ZipFile(path)
    except OSError as error:
        raise BackupError(_("อ่านไฟล์ %(path)s ไม่ได้: %(reason)s") % {"path": path, "reason": error.strerror or error}) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
        if start == b"PK\x03\x04":
            raise BackupError(_("ไฟล์สำรองข้อมูล %(path)s เสียหายหรือไม่ครบ (เช่น คัดลอกหรือดาวน์โหลดมาไม่ครบ) "
                                "เปิดไม่ได้ ไม่ได้กู้คืนข้อมูลใด ๆ") % {"path": path}) from None
        raise _not_ours(path) from None


def _not_ours(path: Path) -> BackupError:
    return BackupError(_("ไฟล์ %(path)s ไม่ใช่ไฟล์สำรองข้อมูลของ Phatsadu (ต้องเป็นไฟล์ที่สร้างด้วยคำสั่ง "
                         "manage.py backup) ไม่ได้กู้คืนข้อมูลใด ๆ") % {"path": path})


def _manifest(archive: zipfile.ZipFile, path: Path) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except KeyError:
        raise _not_ours(path) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, UnicodeDecodeError, ValueError):
        raise BackupError(_("ไฟล์สำรองข้อมูล %(path)s เสียหาย: อ่านรายการเนื้อหา (manifest.json) ไม่ได้ "
                            "ไม่ได้กู้คืนข้อมูลใด ๆ") % {"path": path}) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _not_ours(path)
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(_("ไฟล์สำรองข้อมูลนี้ใช้รูปแบบรุ่น %(version)s ซึ่งโปรแกรมรุ่นนี้อ่านไม่ได้ (อ่านได้ถึงรุ่น "
                            "%(supported)s): ติดตั้งโปรแกรมรุ่นที่สร้างไฟล์นี้ (%(app)s)") % {
            "version": version, "supported": FORMAT_VERSION, "app": manifest.get("app_version", "?")})
    try:
        names = set(archive.namelist())
        for entry in manifest["tables"]:
            if not (isinstance(entry["label"], str) and isinstance(entry["fields"], list)
                    and isinstance(entry["rows"], int) and entry["member"] in names and entry["sha256"]):
                raise ValueError(entry)
        for item in manifest["media"]:
            _check_name(item["name"])
            if item["member"] not in names or not isinstance(item["size"], int) or not item["sha256"]:
                raise ValueError(item)
        head = manifest["activity_head"]
        manifest["activity_head"] = {"count": int(head["count"]), "entry_id": int(head["entry_id"]),
                                     "hash": str(head["hash"])}
        [[str(app), str(name)] for app, name in manifest["migrations"]]
        str(manifest["app_version"])
    except (KeyError, TypeError, ValueError):
        raise BackupError(_("ไฟล์สำรองข้อมูล %(path)s เสียหาย: รายการเนื้อหา (manifest.json) ไม่ครบหรือไม่ตรงกับ"
                            "ไฟล์ที่อยู่ข้างใน ไม่ได้กู้คืนข้อมูลใด ๆ") % {"path": path}) from None
    return manifest


def _check_name(name) -> None:
    """A media file's name must stay inside the media folder."""
    parts = PurePosixPath(name).parts if isinstance(name, str) else ()
    if not parts or name.startswith("/") or "\\" in name or "\x00" in name or ".." in parts or ":" in parts[0]:
        raise ValueError(name)


def _check_migrations(manifest: dict) -> None:
    theirs = {(app, name) for app, name in manifest["migrations"]}
    ours = {tuple(pair) for pair in migration_state()}
    if theirs == ours:
        return
    missing = sorted(f"{app}.{name}" for app, name in theirs - ours)
    extra = sorted(f"{app}.{name}" for app, name in ours - theirs)
    details = []
    if missing:
        details.append(_("ไฟล์สำรองมีแต่ฐานข้อมูลนี้ไม่มี: %(names)s") % {"names": _few(missing)})
    if extra:
        details.append(_("ฐานข้อมูลนี้มีแต่ไฟล์สำรองไม่มี: %(names)s") % {"names": _few(extra)})
    raise BackupError(_("กู้คืนไม่ได้: โครงสร้างฐานข้อมูล (migrations) ไม่ตรงกับไฟล์สำรองข้อมูล ซึ่งสร้างจากโปรแกรมรุ่น "
                        "%(version)s (%(details)s) ติดตั้งโปรแกรมรุ่นเดียวกับที่สร้างไฟล์สำรอง สร้างฐานข้อมูลใหม่ด้วย "
                        "manage.py migrate แล้วกู้คืนอีกครั้ง ไม่ได้เปลี่ยนแปลงข้อมูลใด ๆ") % {
        "version": manifest["app_version"], "details": "; ".join(details)})


def _few(names: list[str], limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    return shown + (_(" และอีก %(n)s รายการ") % {"n": len(names) - limit} if len(names) > limit else "")


def _plan(manifest: dict) -> list[tuple[Table, dict]]:
    """The backup's tables matched to this installation's models, columns in the backup's order."""
    ours = {table.label: table for table in tables()}
    theirs = {entry["label"]: entry for entry in manifest["tables"]}
    if set(ours) != set(theirs):
        raise BackupError(_("กู้คืนไม่ได้: ตารางในไฟล์สำรองไม่ตรงกับโปรแกรมนี้ (%(tables)s) ใช้โปรแกรมรุ่นเดียวกับที่สร้าง"
                            "ไฟล์สำรอง ไม่ได้เปลี่ยนแปลงข้อมูลใด ๆ") % {
            "tables": _few(sorted(set(ours) ^ set(theirs)))})
    plan = []
    for entry in manifest["tables"]:
        table = ours[entry["label"]]
        by_attname = {field.attname: field for field in table.fields}
        if set(entry["fields"]) != set(by_attname) or len(entry["fields"]) != len(by_attname):
            raise BackupError(_("กู้คืนไม่ได้: คอลัมน์ของตาราง %(table)s ในไฟล์สำรองไม่ตรงกับโปรแกรมนี้ ใช้โปรแกรมรุ่น"
                                "เดียวกับที่สร้างไฟล์สำรอง ไม่ได้เปลี่ยนแปลงข้อมูลใด ๆ") % {"table": table.db_table})
        plan.append((Table(table.model, table.label, tuple(by_attname[name] for name in entry["fields"])), entry))
    return plan


def occupied_tables() -> list[tuple[Table, int]]:
    """Tables holding rows that a freshly migrated database would not have."""
    found = []
    for table in tables():
        if table.label not in SEEDED and table.model._base_manager.exists():
            found.append((table, table.model._base_manager.count()))
    return found


_FIRST_NAMED = ("organization.user", "assets.asset", "activity.entry")


def _refuse_unless_empty() -> None:
    occupied = sorted(occupied_tables(), key=lambda found: (
        _FIRST_NAMED.index(found[0].label) if found[0].label in _FIRST_NAMED else len(_FIRST_NAMED)))
    if not occupied:
        return
    shown = 5
    described = ", ".join(
        _("%(name)s %(count)s แถว") % {"name": f"{table.model._meta.verbose_name} ({table.db_table})", "count": f"{count:,}"}
        for table, count in occupied[:shown])
    if len(occupied) > shown:
        described += _(" และอีก %(n)s ตาราง") % {"n": len(occupied) - shown}
    raise BackupError(_("กู้คืนไม่ได้: ฐานข้อมูลปลายทางมีข้อมูลอยู่แล้ว (%(tables)s) กู้คืนได้เฉพาะฐานข้อมูลใหม่ที่เพิ่ง "
                        "migrate ยังไม่มีผู้ใช้ ครุภัณฑ์ หรือบันทึกการใช้งาน ไม่ได้เปลี่ยนแปลงข้อมูลใด ๆ") % {
        "tables": described})


def _check_members(archive: zipfile.ZipFile, manifest: dict) -> None:
    """Read every member once against the manifest's SHA-256 (and the ZIP's CRC) before anything is written."""
    members = [(entry["member"], entry["sha256"]) for entry in manifest["tables"]]
    members += [(item["member"], item["sha256"]) for item in manifest["media"]]
    for member, expected in members:
        digest = hashlib.sha256()
        try:
            with archive.open(member) as source:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError):
            digest = None
        if digest is None or digest.hexdigest() != expected:
            raise BackupError(_("ไฟล์สำรองข้อมูลเสียหาย: %(member)s อ่านไม่ได้หรือไม่ตรงกับค่าตรวจสอบที่บันทึกไว้ "
                                "ไม่ได้กู้คืนข้อมูลใด ๆ") % {"member": member})


def _clear_seeded(plan: list[tuple[Table, dict]]) -> None:
    """Remove the rows migrations seeded (roles, the organisation, categories...): the backup's replace them."""
    with connection.cursor() as cursor:
        for table, _entry in reversed(plan):
            if table.label in SEEDED:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table.db_table)}")


def _load_table(archive: zipfile.ZipFile, table: Table, entry: dict) -> int:
    functions = decoders(table, connection)
    width = len(table.fields)
    names = [field.attname for field in table.fields]
    batch: list[list] = []
    count = 0
    with archive.open(entry["member"]) as source:
        for number, line in enumerate(source, start=1):
            try:
                row = json.loads(line)
                if not isinstance(row, list) or len(row) != width:
                    raise ValueError(row)
                batch.append(convert(row, functions))
            except (ValueError, TypeError, ArithmeticError):
                raise BackupError(_("ไฟล์สำรองข้อมูลเสียหาย: แถวที่ %(line)s ของ %(member)s อ่านไม่ได้ "
                                    "ยกเลิกทั้งหมด ฐานข้อมูลยังว่างเหมือนเดิม") % {
                    "line": number, "member": entry["member"]}) from None
            if len(batch) >= BATCH:
                insert_rows(table.model, names, batch)
                count += len(batch)
                batch = []
    insert_rows(table.model, names, batch)
    count += len(batch)
    if count != entry["rows"]:
        raise BackupError(_("ไฟล์สำรองข้อมูลเสียหาย: %(member)s มี %(count)s แถว แต่รายการเนื้อหาระบุ %(expected)s แถว "
                            "ยกเลิกทั้งหมด ฐานข้อมูลยังว่างเหมือนเดิม") % {
            "member": entry["member"], "count": f"{count:,}", "expected": f"{entry['rows']:,}"})
    return count


def _reset_sequences(plan: list[tuple[Table, dict]]) -> None:
    """PostgreSQL: the next key of every table after the largest restored one (SQLite follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [table.model for table, _entry in plan])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _restore_file(archive: zipfile.ZipFile, item: dict) -> None:
    name = item["name"]
    try:
        if default_storage.exists(name):
            default_storage.delete(name)
        with archive.open(item["member"]) as source:
            saved = default_storage.save(name, File(source, name=name))
    except SuspiciousFileOperation:
        saved = None
    if saved != name:
        raise BackupError(_("กู้คืนไม่สำเร็จ: เขียนไฟล์ %(name)s ในที่เก็บไฟล์ด้วยชื่อเดิมไม่ได้ "
                            "ยกเลิกทั้งหมด ฐานข้อมูลยังว่างเหมือนเดิม") % {"name": name})
