"""The one way to append to the activity log: `record()` for one entry, `record_many()` for bulk paths.

Each entry stores the SHA-256 of its canonical content (sorted-key JSON, Decimals as strings,
times as UTC ISO) and the previous entry's hash. Appends are serialised: an advisory lock on
PostgreSQL; on SQLite, write transactions already run one at a time (BEGIN IMMEDIATE).
"""

import datetime as dt
import hashlib
import json
import operator
from json.encoder import encode_basestring as _string  # JSON string literal, ensure_ascii=False
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from common.bulk import insert_rows

from .models import Entry, EntryAsset

GENESIS_HASH = "0" * 64
_LOCK_KEY = 0x50484154  # "PHAT"


_SCALARS = (str, int, float, bool, type(None))
_EXACT_SCALARS = frozenset(_SCALARS)  # kept as they are without a call (a snapshot has two dozen values)


def canonical(value: Any) -> Any:
    """The JSON-safe form stored and hashed: Decimals as strings, dates ISO, datetimes UTC ISO."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, dict):
        return {str(k): v if v.__class__ in _EXACT_SCALARS else canonical(v) for k, v in value.items()}
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
    return str(value)


def _dumps(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


_PAYLOAD = ('{"action":%s,"actor_id":%s,"actor_name":%s,"asset_ids":[%s],"created_at":%s,"details":%s,'
            '"division_id":%s,"object_id":%s,"object_repr":%s,"object_type":%s,"prev_hash":%s}')


def _number(value) -> str:
    return "null" if value is None else str(int(value))


def entry_payload(values: dict, asset_ids: Iterable[int]) -> str:
    """The canonical text an entry's hash covers: every column but id and hash, plus its sorted asset ids.

    By definition it is json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    with the stored details text as the value of "details"; it is written out here field by field
    because the verifier computes it for every entry (a test holds the two forms equal).
    `values["created_at"]` may be a datetime or its canonical UTC ISO text.
    """
    created = values["created_at"]
    return payload_of(
        values["action"], values["actor_id"], values["actor_name"], asset_ids,
        created if isinstance(created, str) else canonical(created), values["details_json"],
        values["division_id"], values["object_id"], values["object_repr"], values["object_type"], values["prev_hash"],
    )


def payload_of(action, actor_id, actor_name, asset_ids, created_text, details_json, division_id, object_id,
               object_repr, object_type, prev_hash) -> str:
    """entry_payload from separate values (the verifier's loop calls this directly)."""
    # created_text (ISO digits) and prev_hash (hex) never need JSON escaping: quoted as they are.
    return _PAYLOAD % (
        _string(action), _number(actor_id), _string(actor_name),
        ",".join(str(int(a)) for a in sorted(asset_ids)) if asset_ids else "",
        f'"{created_text}"', details_json, _number(division_id), _string(object_id), _string(object_repr),
        _string(object_type), f'"{prev_hash}"',
    )


def entry_hash(values: dict, asset_ids: Iterable[int]) -> str:
    return hashlib.sha256(entry_payload(values, asset_ids).encode("utf-8")).hexdigest()


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


def lock_chain() -> None:
    """Serialise appends (and anchors): an advisory lock on PostgreSQL; SQLite writers already run one at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _chain_head() -> tuple[int, str]:
    last = Entry.objects.order_by("-id").values_list("id", "hash").first()
    return last or (0, GENESIS_HASH)


def _build(change: Change, when: dt.datetime, prev_hash: str) -> tuple[dict, list[int]]:
    obj = change.obj
    actor = change.actor if change.actor is not None and getattr(change.actor, "is_authenticated", False) else None
    asset_ids = sorted({a if isinstance(a, int) else a.pk for a in change.assets})
    values = {
        "created_at": when,
        "actor_id": actor.pk if actor else None,
        "actor_name": (str(actor) if actor else "ระบบ")[:200],
        "action": change.action,
        "object_type": change.object_type or (obj._meta.label_lower if obj is not None else ""),
        "object_id": change.object_id or (str(obj.pk) if obj is not None and obj.pk is not None else ""),
        "object_repr": (change.object_repr or (str(obj) if obj is not None else ""))[:300],
        "division_id": change.division_id,
        "details_json": _dumps(canonical(change.details)),
        "prev_hash": prev_hash,
    }
    values["hash"] = entry_hash(values, asset_ids)
    return values, asset_ids


_ENTRY_FIELDS = ["created_at", "actor_id", "actor_name", "action", "object_type", "object_id", "object_repr",
                 "division_id", "details_json", "prev_hash", "hash"]
_entry_row = operator.itemgetter(*_ENTRY_FIELDS)


def record_many(changes: list[Change], *, batch_size: int = 2000) -> list[int]:
    """Append many entries in one locked, batched write (for imports and seeding); returns their ids."""
    if not changes:
        return []
    with transaction.atomic():
        lock_chain()
        head_id, prev = _chain_head()
        now = timezone.now()
        built = []
        for change in changes:
            values, asset_ids = _build(change, now, prev)
            built.append((values, asset_ids))
            prev = values["hash"]
        insert_rows(Entry, _ENTRY_FIELDS, [_entry_row(values) for values, _ in built], batch_size=batch_size)
        # Everything after the old head is ours: every append holds the chain lock until it commits.
        ids = list(Entry.objects.filter(id__gt=head_id).order_by("id").values_list("id", flat=True))
        if len(ids) != len(built):
            raise RuntimeError("the activity log changed while it was locked")
        insert_rows(EntryAsset, ["entry_id", "asset_id"],
                    [(pk, asset_id) for pk, (_, asset_ids) in zip(ids, built) for asset_id in asset_ids],
                    batch_size=batch_size * 2)
    return ids


def record(action: str, *, obj: Model | None = None, actor=None, assets: Iterable[Any] = (),
           details: dict | None = None, division_id: int | None = None, **extra) -> int:
    """Append one entry; returns its id. Call inside the service's transaction so the change and its entry
    land together."""
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
