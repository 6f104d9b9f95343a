"""Roles as groups (DESIGN.md "Roles") and the organisation's profile row, seeded for the first user."""

from django.db import migrations

ROLES = ["staff", "division_head", "property_officer", "supply_head", "agency_head", "auditor", "administrator"]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    Organization = apps.get_model("organization", "Organization")
    Organization.objects.get_or_create(pk=1, defaults={
        "name": "เทศบาลตำบลหงาว",
        "egp_name": "เทศบาลตำบลหงาว",
        "district": "เมืองระนอง",
        "province": "ระนอง",
        "head_title": "นายกเทศมนตรีตำบลหงาว",
    })


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("organization", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, backwards)]
