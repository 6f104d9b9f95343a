"""Text search over number, name, serial and model: FTS5 trigram on SQLite, pg_trgm GIN on PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE assets_asset_fts USING fts5(search_text, content='assets_asset', content_rowid='id', tokenize='trigram')",
    """CREATE TRIGGER assets_asset_fts_ai AFTER INSERT ON assets_asset BEGIN
         INSERT INTO assets_asset_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
    """CREATE TRIGGER assets_asset_fts_ad AFTER DELETE ON assets_asset BEGIN
         INSERT INTO assets_asset_fts(assets_asset_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END""",
    """CREATE TRIGGER assets_asset_fts_au AFTER UPDATE OF search_text ON assets_asset BEGIN
         INSERT INTO assets_asset_fts(assets_asset_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
         INSERT INTO assets_asset_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
    "INSERT INTO assets_asset_fts(assets_asset_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS assets_asset_fts_au", "DROP TRIGGER IF EXISTS assets_asset_fts_ad",
    "DROP TRIGGER IF EXISTS assets_asset_fts_ai", "DROP TABLE IF EXISTS assets_asset_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS asset_search_trgm ON assets_asset USING gin (search_text gin_trgm_ops)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS asset_search_trgm"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):
    dependencies = [("assets", "0003_reference_data")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
