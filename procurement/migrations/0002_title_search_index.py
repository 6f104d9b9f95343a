"""The register's title search on PostgreSQL: a pg_trgm GIN index on UPPER(title), which is what Django's
icontains compares (SQLite scans 20,000 titles in a few milliseconds and needs none)."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    'CREATE INDEX IF NOT EXISTS procurement_title_trgm ON procurement_procurement USING gin (UPPER("title") gin_trgm_ops)',
]
BACKWARD = ["DROP INDEX IF EXISTS procurement_title_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_initial")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
