"""Which tables a backup holds, in which order, and how their values travel as JSON.

Every concrete model of every installed app is backed up (the many-to-many link tables included), so an
app added later is covered without a change here; the sign-in sessions are left out (they are
disposable: everyone signs in again after a restore). Tables are ordered parents first, following the
foreign keys; both databases check foreign keys at commit anyway (Django creates them DEFERRABLE
INITIALLY DEFERRED), so the order only keeps a partial load readable.

Values are what the ORM reads (the same Python values from SQLite and PostgreSQL), written as JSON:
datetimes as UTC ISO text with every microsecond (DjangoJSONEncoder would cut them to milliseconds, and
the log's times are hashed), Decimals as strings, dates and times ISO, durations in microseconds, UUIDs as
text, bytes in base64, JSON columns as their JSON value. Text columns stay text, so the log's
`details_json` comes back byte for byte.
"""

import base64
import datetime as dt
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from django.apps import apps
from django.db import models

# Left out of backups, and not required to be empty before a restore.
EXCLUDED = frozenset({"sessions.session"})

# Tables a freshly migrated database already fills (migrations and post_migrate seed them). A restore
# replaces their rows with the backup's; every other table must be empty for a restore to start.
SEEDED = frozenset({
    "contenttypes.contenttype", "auth.permission", "auth.group", "auth.group_permissions",
    "organization.organization", "organization.holiday",
    "assets.category", "assets.budgettype", "assets.acquisitionmethod",
    "reports.labellayout",
})


@dataclass(frozen=True)
class Table:
    model: type[models.Model]
    label: str  # app_label.model_name, lower case (e.g. "organization.user_groups")
    fields: tuple[models.Field, ...]  # concrete fields, primary key included

    @property
    def attnames(self) -> list[str]:
        return [field.attname for field in self.fields]

    @property
    def member(self) -> str:
        return f"data/{self.label}.jsonl"

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table

    @property
    def file_fields(self) -> list[int]:
        return [index for index, field in enumerate(self.fields) if isinstance(field, models.FileField)]


def label_of(model: type[models.Model]) -> str:
    return model._meta.label_lower


def tables() -> list[Table]:
    """Every table to back up, parents before the tables that point at them."""
    found: dict[str, type[models.Model]] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped or label_of(model) in EXCLUDED:
            continue
        found.setdefault(meta.db_table, model)
    models_in_order = _parents_first(list(found.values()))
    return [Table(model, label_of(model), tuple(model._meta.concrete_fields)) for model in models_in_order]


def _parents_first(candidates: list[type[models.Model]]) -> list[type[models.Model]]:
    wanted = set(candidates)
    parents = {
        model: {field.related_model._meta.concrete_model for field in model._meta.concrete_fields
                if field.is_relation and field.related_model is not None
                and field.related_model._meta.concrete_model is not model
                and field.related_model._meta.concrete_model in wanted}
        for model in candidates
    }
    ordered: list[type[models.Model]] = []
    placed: set = set()
    remaining = list(candidates)
    while remaining:
        ready = [model for model in remaining if parents[model] <= placed]
        if not ready:  # a cycle of foreign keys: the rest in app order (the keys are checked at commit)
            ready = remaining
        for model in ready:
            ordered.append(model)
            placed.add(model)
        remaining = [model for model in remaining if model not in placed]
    return ordered


# --- values to JSON and back ----------------------------------------------------------------------------

def _datetime_out(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc)
    return value.isoformat()


_OUT: dict[str, Callable] = {
    "DateTimeField": _datetime_out,
    "DateField": dt.date.isoformat,
    "TimeField": dt.time.isoformat,
    "DecimalField": str,
    "DurationField": lambda value: (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds,
    "UUIDField": str,
    "BinaryField": lambda value: base64.b64encode(bytes(value)).decode("ascii"),
}
_IN: dict[str, Callable] = {
    "DateTimeField": dt.datetime.fromisoformat,
    "DateField": dt.date.fromisoformat,
    "TimeField": dt.time.fromisoformat,
    "DecimalField": Decimal,
    "DurationField": lambda value: dt.timedelta(microseconds=value),
    "UUIDField": uuid.UUID,
    "BinaryField": base64.b64decode,
    # common.bulk.insert_rows takes a JSON column's text
    "JSONField": lambda value: json.dumps(value, ensure_ascii=False, separators=(",", ":")),
}


def _internal_type(field: models.Field) -> str:
    if isinstance(field, models.JSONField):
        return "JSONField"
    if field.is_relation:  # a foreign key travels as the value of the key it points at
        return _internal_type(field.target_field)
    return field.get_internal_type()


def encoders(table: Table) -> list[tuple[int, Callable]]:
    """(column index, function) for the columns whose values are not JSON as they are."""
    return [(index, _OUT[kind]) for index, field in enumerate(table.fields)
            if (kind := _internal_type(field)) in _OUT]


def decoders(table: Table, connection) -> list[tuple[int, Callable]]:
    """(column index, function) giving what common.bulk.insert_rows takes: Python values, except that it
    passes foreign keys through as they are, so a key to a non-integer column is prepared here."""
    functions = []
    for index, field in enumerate(table.fields):
        kind = _internal_type(field)
        if kind not in _IN:
            continue
        if field.is_relation:
            functions.append((index, _prepared_key(_IN[kind], field.target_field, connection)))
        else:
            functions.append((index, _IN[kind]))
    return functions


def _prepared_key(decode: Callable, target: models.Field, connection) -> Callable:
    return lambda value: target.get_db_prep_save(decode(value), connection)


def convert(row: list, functions: list[tuple[int, Callable]]) -> list:
    for index, function in functions:
        value = row[index]
        if value is not None:
            row[index] = function(value)
    return row
