"""Procurement.in_plan: the annual plan lists only what was planned. Procurements the e-GP import created (their
creation is logged as procurement.import_create) were not in the plan the officer made."""

from django.db import migrations, models


def imported_are_not_planned(apps, schema_editor):
    Entry = apps.get_model("activity", "Entry")
    Procurement = apps.get_model("procurement", "Procurement")
    ids = [int(pk) for pk in Entry.objects.filter(action="procurement.import_create", object_type="procurement.procurement")
           .values_list("object_id", flat=True) if str(pk).isdigit()]
    for start in range(0, len(ids), 500):
        Procurement.objects.filter(pk__in=ids[start:start + 500]).update(in_plan=False)


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0003_bidder_address_phone"),
        ("activity", "0002_append_only_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="procurement",
            name="in_plan",
            field=models.BooleanField(default=True, help_text="รายการที่นำเข้าจาก e-GP ไม่นับในแผนจนกว่าจะระบุว่าอยู่ในแผน",
                                      verbose_name="อยู่ในแผนการจัดซื้อจัดจ้างประจำปี"),
        ),
        migrations.RunPython(imported_are_not_planned, migrations.RunPython.noop),
    ]
