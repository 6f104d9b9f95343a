"""Checking the log: walk the hash chain, compare it with the anchors, and record new anchors."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from hashlib import sha256

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .log import GENESIS_HASH, lock_chain, canonical, payload_of
from .models import Anchor, Entry


@dataclass(frozen=True)
class Head:
    count: int
    entry_id: int
    hash: str

    def __str__(self):
        return f"{self.count} {self.entry_id} {self.hash}"


@dataclass(frozen=True)
class Verdict:
    ok: bool
    count: int
    head: Head
    bad_entry_id: int | None = None
    problem: str = ""


def current_head() -> Head:
    last = Entry.objects.order_by("-id").values_list("id", "hash").first()
    if last is None:
        return Head(0, 0, GENESIS_HASH)
    return Head(Entry.objects.count(), last[0], last[1])


@transaction.atomic
def anchor_record(*, document_type: str, document_id: str, document_repr: str = "") -> Anchor:
    """Record the chain's head as an official document is issued (the inspection report, the annual report)."""
    lock_chain()
    head = current_head()
    return Anchor.objects.create(
        created_at=timezone.now(), document_type=document_type, document_id=str(document_id),
        document_repr=document_repr[:300], entry_count=head.count, head_id=head.entry_id, head_hash=head.hash,
    )


_COLUMNS = ("id", "created_at", "actor_id", "actor_name", "action", "object_type", "object_id", "object_repr",
            "division_id", "details_json", "prev_hash", "hash")


def _created_sql() -> str:
    """created_at as UTC text, so the walk need not build a datetime per entry.

    SQLite keeps UTC text such as "2026-11-27 03:24:54.123456" (str() of the datetime); PostgreSQL
    formats it. _canonical_time turns either into what canonical() gives for the datetime."""
    if connection.vendor == "sqlite":
        return "CAST(created_at AS TEXT)"
    if connection.vendor == "postgresql":
        return "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
    return "created_at"


def _canonical_time(value) -> str:
    if isinstance(value, str):
        value = value.replace(" ", "T", 1)
        if value.endswith(".000000"):  # isoformat() leaves out a zero fraction
            value = value[:-7]
        return value + "+00:00"
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.timezone.utc)
    return canonical(value)


def _rows(batch_size: int = 10_000):
    """Entries in id order with their asset ids, read with plain cursors (fast, and the same on both databases)."""
    links: dict[int, list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute("SELECT entry_id, asset_id FROM activity_entryasset")
        for entry_id, asset_id in cursor.fetchall():
            links[entry_id].append(asset_id)
        columns = ", ".join(_created_sql() if name == "created_at" else name for name in _COLUMNS)
        cursor.execute(f"SELECT {columns} FROM activity_entry ORDER BY id")
        while batch := cursor.fetchmany(batch_size):
            for row in batch:
                yield row, links.get(row[0], ())


def verify() -> Verdict:
    """Walk the whole chain; name the first entry that does not match, then check every anchor."""
    previous_hash, previous_id, count = GENESIS_HASH, 0, 0
    hashes_by_id: dict[int, str] = {}
    anchors = list(Anchor.objects.order_by("id").values_list("id", "document_type", "document_id", "entry_count",
                                                             "head_id", "head_hash"))
    anchored_ids = {anchor[4] for anchor in anchors}
    counts_at: dict[int, int] = {}
    for row, asset_ids in _rows():
        (entry_id, created, actor_id, actor_name, action, object_type, object_id, object_repr, division_id,
         details_json, prev_hash, stored_hash) = row
        count += 1
        if prev_hash != previous_hash:
            where = _("หลังรายการที่ %(id)s") % {"id": previous_id} if previous_id else _("ที่ต้นบันทึก")
            return Verdict(False, count, Head(count, entry_id, stored_hash), entry_id,
                           _("รายการที่ %(id)s ไม่ต่อจากรายการก่อนหน้า: มีรายการถูกลบหรือแทรก%(where)s "
                             "หรือรายการที่ %(previous)s ถูกแก้ไขพร้อมค่าแฮช") % {
                               "id": entry_id, "where": where, "previous": previous_id})
        payload = payload_of(action, actor_id, actor_name, asset_ids, _canonical_time(created), details_json,
                             division_id, object_id, object_repr, object_type, prev_hash)
        if sha256(payload.encode("utf-8")).hexdigest() != stored_hash:
            return Verdict(False, count, Head(count, entry_id, stored_hash), entry_id,
                           _("รายการที่ %(id)s ถูกแก้ไข: เนื้อหาไม่ตรงกับค่าแฮชที่บันทึกไว้") % {"id": entry_id})
        if entry_id in anchored_ids:
            hashes_by_id[entry_id] = stored_hash
            counts_at[entry_id] = count
        previous_hash, previous_id = stored_hash, entry_id
    head = Head(count, previous_id, previous_hash)
    for _pk, document_type, document_id, entry_count, head_id, head_hash in anchors:
        label = f"{document_type} {document_id}"
        if head_id not in hashes_by_id and head_id != 0:
            return Verdict(False, count, head, head_id,
                           _("บันทึกสั้นกว่าตอนออกเอกสาร %(document)s: ไม่พบรายการที่ %(id)s "
                             "(ตอนนั้นมี %(count)s รายการ) รายการท้ายบันทึกถูกลบ") % {
                               "document": label, "id": head_id, "count": entry_count})
        if head_id and (hashes_by_id[head_id] != head_hash or counts_at[head_id] != entry_count):
            return Verdict(False, count, head, head_id,
                           _("บันทึกไม่ตรงกับตอนออกเอกสาร %(document)s: รายการที่ %(id)s หรือก่อนหน้าถูกเขียนใหม่") % {
                               "document": label, "id": head_id})
    return Verdict(True, count, head)
