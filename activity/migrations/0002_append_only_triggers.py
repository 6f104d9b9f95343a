from django.db import migrations


def install(apps, schema_editor):
    from activity.guards import install_triggers

    install_triggers(schema_editor.connection)


def remove(apps, schema_editor):
    from activity.guards import remove_triggers

    remove_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("activity", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
