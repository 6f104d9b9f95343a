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
    assert Asset.objects.count() == 60 + 2  # and the two notebooks of the demo purchase accepted
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


@override_settings(DEBUG=True)
def test_seed_has_loans_at_every_stage_including_returned_and_overdue(db):
    import datetime as dt

    from django.utils import timezone

    from loans import services
    from loans.models import Loan

    call_command("seed_demo", assets=60, stdout=open("/dev/null", "w"))
    today = timezone.localdate()
    assert set(Loan.objects.values_list("status", flat=True)) == {"requested", "endorsed", "out", "returned"}
    overdue = list(services.overdue_loans(today))
    assert len(overdue) == 1 and overdue[0].ends_on == today - dt.timedelta(days=3)
    returned = Loan.objects.get(status="returned")
    assert returned.ends_on < today and all(item.returned_at for item in returned.items.all())
    before = list(Loan.objects.values_list("id", "status", "starts_on", "ends_on"))
    call_command("seed_demo", assets=60, stdout=open("/dev/null", "w"))
    assert list(Loan.objects.values_list("id", "status", "starts_on", "ends_on")) == before
