"""Fast batched INSERTs for bulk paths (imports, seeding, the log), on SQLite and PostgreSQL.

Django's bulk_create prepares every field of every object through several layers; for tens of
thousands of rows that is most of the time. Here the columns are listed once, a value is
prepared only when its field needs it (dates, decimals, datetimes), and rows go to the database
with executemany in batches. Callers validate first: this writes what it is given.
JSON columns take text that the caller serialised already (it usually has, to hash it).
"""

import datetime as dt

from django.db import connection, models

_AS_IS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.JSONField)


def insert_rows(model: type[models.Model], fields: list[str], rows: list[tuple], *, batch_size: int = 2000) -> None:
    """INSERT rows: tuples of Python values in the order of `fields` (names or attnames such as category_id)."""
    if not rows:
        return
    meta = model._meta
    field_objects = [meta.get_field(name) for name in fields]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in field_objects)
    sql = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    preparing = [(index, field) for index, field in enumerate(field_objects)
                 if not (field.is_relation or isinstance(field, _AS_IS))]
    cache: dict = {}  # the same date or time recurs across rows (a whole import shares one timestamp)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            batch = rows[start:start + batch_size]
            if preparing:
                batch = [_prepared(row, preparing, cache) for row in batch]
            cursor.executemany(sql, batch)


def _prepared(row: tuple, preparing: list, cache: dict) -> list:
    row = list(row)
    for index, field in preparing:
        value = row[index]
        if value is None:
            continue
        if isinstance(value, (dt.date, dt.datetime)):
            key = (index, value)
            if key not in cache:
                cache[key] = field.get_db_prep_save(value, connection)
            row[index] = cache[key]
        else:
            row[index] = field.get_db_prep_save(value, connection)
    return row
