"""Fast batched INSERTs for bulk paths (imports, seeding, the log), on SQLite and PostgreSQL.

Django's bulk_create prepares every field of every object through several layers; for tens of
thousands of rows that is most of the time. Here the columns are listed once, a value is
prepared only when its field needs it (dates, datetimes), and rows go to the database in bulk:
on SQLite as multi-row INSERT ... VALUES (...), (...) statements (one statement per row costs far
more when the table has an FTS5 trigger: the register's search index took 0.6 s of 0.75 s for
10,000 assets that way, 0.1 s with hundreds of rows a statement); on PostgreSQL with COPY (10,000
assets: 1.1 s as executemany, 1.9 s as multi-row VALUES, which the server parses row by row as
literals). Callers validate first: this writes what it is given.
JSON columns take text that the caller serialised already (it usually has, to hash it).
"""

import datetime as dt
import sqlite3
from decimal import Decimal

from django.db import connection, models

_AS_IS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.JSONField)
MAX_ROWS_PER_STATEMENT = 500


def _rows_per_statement(field_count: int) -> int:
    """As many rows a statement as the database takes parameters (SQLite's own limit, not Django's 999)."""
    limit = connection.features.max_query_params or 65535
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(MAX_ROWS_PER_STATEMENT, limit // max(1, field_count)))


def insert_rows(model: type[models.Model], fields: list[str], rows: list[tuple], *, batch_size: int = 2000) -> None:
    """INSERT rows: tuples of Python values in the order of `fields` (names or attnames such as category_id).

    batch_size caps the rows of one statement (the database's parameter limit may cap it lower)."""
    if not rows:
        return
    meta = model._meta
    field_objects = [meta.get_field(name) for name in fields]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in field_objects)
    head = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES "
    one = f"({', '.join(['%s'] * len(fields))})"
    statements: dict[int, str] = {}
    per_statement = max(1, min(batch_size, _rows_per_statement(len(fields))))
    preparing = [(index, field) for index, field in enumerate(field_objects)
                 if not (field.is_relation or isinstance(field, _AS_IS))]
    cache: dict = {}  # the same date, time or text recurs across rows (a whole import shares one timestamp)
    if connection.vendor == "postgresql":
        _copy_rows(meta.db_table, columns, rows, preparing, cache)
        return
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start:start + per_statement]
            if preparing:
                batch = [_prepared(row, preparing, cache) for row in batch]
            count = len(batch)
            if count not in statements:
                statements[count] = head + ", ".join([one] * count)
            cursor.execute(statements[count], [value for row in batch for value in row])


def _copy_rows(table: str, columns: str, rows: list[tuple], preparing: list, cache: dict) -> None:
    """PostgreSQL: COPY ... FROM STDIN through psycopg 3, values adapted by the driver (as INSERT would)."""
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(_prepared(row, preparing, cache) if preparing else row)


def _prepared(row: tuple, preparing: list, cache: dict) -> list:
    row = list(row)
    for index, field in preparing:
        value = row[index]
        if value is None:
            continue
        if isinstance(value, Decimal) and isinstance(field, models.DecimalField):
            continue  # what get_db_prep_save would return: the drivers take Decimals
        if isinstance(value, (dt.date, dt.datetime, str)):  # a FileField's "" on every row, say
            key = (index, value)
            if key not in cache:
                cache[key] = field.get_db_prep_save(value, connection)
            row[index] = cache[key]
        else:
            row[index] = field.get_db_prep_save(value, connection)
    return row
