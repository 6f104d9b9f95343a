import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from activity.models import Entry
from assets.models import Asset
from organization.models import Division, User


@override_settings(DEBUG=True)
def test_seed_builds_the_municipality_and_is_idempotent(db):
    call_command("seed_demo", assets=60, stdout=open("/dev/null", "w"))
    assert Division.objects.count() == 5
    for username in ["admin", "staff", "divhead", "officer", "supplyhead", "head", "auditor"]:
        assert User.objects.filter(username=username, is_active=True).exists()
    assert Asset.objects.count() == 60
    assert Asset.objects.values("category").distinct().count() > 5
    before = (Asset.objects.count(), Entry.objects.count(), User.objects.count(), list(Asset.objects.values_list("number", flat=True)))
    call_command("seed_demo", assets=60, stdout=open("/dev/null", "w"))
    after = (Asset.objects.count(), Entry.objects.count(), User.objects.count(), list(Asset.objects.values_list("number", flat=True)))
    assert after == before


@override_settings(DEBUG=True)
def test_if_empty_leaves_an_existing_database_alone(db, officer):
    call_command("seed_demo", assets=10, if_empty=True, stdout=open("/dev/null", "w"))
    assert Asset.objects.count() == 0


@override_settings(DEBUG=False)
def test_seed_is_refused_when_debug_is_off(db):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", assets=5)
    assert not User.objects.exists()
