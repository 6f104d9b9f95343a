"""Database triggers that refuse UPDATE and DELETE on the log's tables (SQLite and PostgreSQL).

Installed by a migration. `remove_triggers` exists for the test suite only: Django empties the
tables between transactional tests with DELETE on SQLite (TRUNCATE on PostgreSQL, which row
triggers do not see), and for tests that play an attacker who has the database's owner rights.
"""

GUARDED_TABLES = ("activity_entry", "activity_entryasset", "activity_anchor")
_MESSAGE = "activity log is append-only"


def _sqlite_statements(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
    ]


_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION activity_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql
"""


def install_triggers(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in GUARDED_TABLES:
                for statement in _sqlite_statements(table):
                    cursor.execute(statement)
        elif connection.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
            for table in GUARDED_TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cursor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION activity_refuse_change()"
                )


def remove_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for table in GUARDED_TABLES:
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            elif connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
