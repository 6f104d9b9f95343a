"""The one way to append to the activity log: `record()` for one entry, `record_many()` for bulk paths.

Each entry stores the SHA-256 of its canonical content (sorted-key JSON, Decimals as strings,
times as UTC ISO) and the previous entry's hash. Appends are serialised: an advisory lock on
PostgreSQL; on SQLite, write transactions already run one at a time (BEGIN IMMEDIATE).
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from .models import Entry, EntryAsset

GENESIS_HASH = "0" * 64
_LOCK_KEY = 0x50484154  # "PHAT"


def canonical(value: Any) -> Any:
    """The JSON-safe form stored and hashed: Decimals as strings, dates ISO, datetimes UTC ISO."""
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [canonical(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.timezone.utc)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Model):
        return value.pk
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def entry_content(entry: Entry, asset_ids: Iterable[int]) -> dict:
    return {
        "created_at": canonical(entry.created_at),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "division_id": entry.division_id,
        "asset_ids": sorted(int(a) for a in asset_ids),
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }


def entry_hash(entry: Entry, asset_ids: Iterable[int]) -> str:
    payload = json.dumps(entry_content(entry, asset_ids), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class Change:
    """One entry to append."""

    action: str
    obj: Model | None = None
    actor: Any = None
    assets: Iterable[Any] = ()
    details: dict = field(default_factory=dict)
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""
    division_id: int | None = None


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _chain_head_hash() -> str:
    last = Entry.objects.order_by("-id").values_list("hash", flat=True).first()
    return last or GENESIS_HASH


def _build(change: Change, when: dt.datetime, prev_hash: str) -> tuple[Entry, list[int]]:
    obj = change.obj
    actor = change.actor if change.actor is not None and getattr(change.actor, "is_authenticated", False) else None
    asset_ids = sorted({a if isinstance(a, int) else a.pk for a in change.assets})
    entry = Entry(
        created_at=when,
        actor=actor,
        actor_name=(str(actor) if actor else "ระบบ")[:200],
        action=change.action,
        object_type=change.object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=change.object_id or (str(obj.pk) if obj is not None and obj.pk is not None else ""),
        object_repr=(change.object_repr or (str(obj) if obj is not None else ""))[:300],
        division_id=change.division_id,
        details=canonical(change.details),
        prev_hash=prev_hash,
    )
    entry.hash = entry_hash(entry, asset_ids)
    return entry, asset_ids


def record_many(changes: list[Change], *, batch_size: int = 2000) -> list[Entry]:
    """Append many entries in one locked, batched write (for imports and seeding)."""
    if not changes:
        return []
    with transaction.atomic():
        _lock_chain()
        prev = _chain_head_hash()
        now = timezone.now()
        built = []
        for change in changes:
            entry, asset_ids = _build(change, now, prev)
            built.append((entry, asset_ids))
            prev = entry.hash
        entries = [entry for entry, _ in built]
        Entry.objects.bulk_create(entries, batch_size=batch_size)
        # Both databases return the new ids from bulk inserts (SQLite 3.35+ through RETURNING).
        links = [EntryAsset(entry_id=entry.pk, asset_id=a) for entry, asset_ids in built for a in asset_ids]
        EntryAsset.objects.bulk_create(links, batch_size=batch_size * 2)
    return entries


def record(action: str, *, obj: Model | None = None, actor=None, assets: Iterable[Any] = (),
           details: dict | None = None, division_id: int | None = None, **extra) -> Entry:
    """Append one entry. Call inside the service's transaction so the change and its entry land together."""
    return record_many([Change(action=action, obj=obj, actor=actor, assets=assets, details=details or {},
                               division_id=division_id, **extra)])[0]


def diff(before: dict, after: dict) -> dict:
    """The fields that changed, as {field: [before, after]}."""
    return {key: [before.get(key), after.get(key)] for key in sorted(set(before) | set(after))
            if _differs(before.get(key), after.get(key))}


def _differs(old, new) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        try:
            return Decimal(str(old)) != Decimal(str(new))  # 21000 and 21000.00 are the same price
        except ArithmeticError:
            return True
    return canonical(old) != canonical(new)
