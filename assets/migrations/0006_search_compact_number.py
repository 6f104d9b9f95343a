"""The register's search text gains each number without its separators (4016400 finds 401-64-0003)."""

import re

from django.db import migrations

SEPARATORS = re.compile(r"[\s\-/.,_]+")
BATCH = 2000


def search_text(asset) -> str:
    # As assets.services.search_text wrote it when this migration was made (number_key is stored already).
    key = asset.number_key or ""
    compact = SEPARATORS.sub("", key)
    parts = [key, compact if compact != key else "", asset.name, asset.serial_number, asset.brand_model]
    return " ".join(part for part in parts if part).lower()


def forwards(apps, schema_editor):
    Asset = apps.get_model("assets", "Asset")
    changed = []
    for asset in Asset.objects.only("id", "number_key", "name", "serial_number", "brand_model",
                                    "search_text").iterator(chunk_size=BATCH):
        text = search_text(asset)
        if text != asset.search_text:
            asset.search_text = text
            changed.append(asset)
        if len(changed) >= BATCH:
            Asset.objects.bulk_update(changed, ["search_text"])
            changed = []
    if changed:
        Asset.objects.bulk_update(changed, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("assets", "0005_number_alias")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
