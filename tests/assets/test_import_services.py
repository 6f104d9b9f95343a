"""The bulk services the import writes through: assets_update_bulk, and asset_new (the quick build of an Asset)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activity.models import Entry
from assets import services
from assets.models import AcquisitionMethod, Asset, Category, Status
from tests.factories import AssetFactory, LocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assets(division, location, computer_category):
    return [AssetFactory(division=division, location=location, category=computer_category, unit_price=Decimal(1000 + n))
            for n in range(3)]


def test_update_bulk_writes_each_change_and_logs_one_entry_per_changed_asset(officer, assets, location, division):
    other = LocationFactory(division=division, code="P09", name="ห้องเก็บของ")
    before = Entry.objects.count()
    changed = services.assets_update_bulk(actor=officer, changes={
        assets[0].pk: {"name": "ชื่อใหม่", "unit_price": Decimal("1000.00")},  # the price as it is
        assets[1].pk: {"location": other, "status": Status.DAMAGED},
        assets[2].pk: {"name": assets[2].name},  # nothing changes
    })
    assert sorted(a.pk for a in changed) == [assets[0].pk, assets[1].pk]
    assert Entry.objects.count() == before + 2
    first = Entry.objects.get(action="asset.update", asset_links__asset_id=assets[0].pk)
    assert first.details == {"changes": {"name": [assets[0].name, "ชื่อใหม่"]}} and first.actor == officer
    second = Entry.objects.get(action="asset.update", asset_links__asset_id=assets[1].pk)
    assert second.details == {"changes": {"location": [location.name, "ห้องเก็บของ"], "status": ["in_use", "damaged"]}}
    fresh = {a.pk: a for a in Asset.objects.all()}
    assert fresh[assets[0].pk].name == "ชื่อใหม่" and "ชื่อใหม่" in fresh[assets[0].pk].search_text
    assert fresh[assets[1].pk].location == other and fresh[assets[1].pk].status == Status.DAMAGED
    assert fresh[assets[2].pk].updated_at == assets[2].updated_at


def test_update_bulk_is_all_or_nothing(officer, assets, division):
    foreign = LocationFactory()  # a location of another division
    before = (Entry.objects.count(), list(Asset.objects.values_list("pk", "name", "location_id", "updated_at")))
    with pytest.raises(ValidationError) as error:
        services.assets_update_bulk(actor=officer, changes={
            assets[0].pk: {"name": "ถูกต้อง"},
            assets[1].pk: {"location": foreign},
            assets[2].pk: {"unit_price": Decimal("-1")},
            999999: {"name": "ไม่มี"},
        })
    text = " ".join(error.value.messages)
    assert "ไม่ได้อยู่ใน" in text and "ติดลบ" in text and "999999" in text
    assert (Entry.objects.count(), list(Asset.objects.values_list("pk", "name", "location_id", "updated_at"))) == before


def test_update_bulk_keeps_workflow_statuses(officer, assets):
    Asset.objects.filter(pk=assets[0].pk).update(status=Status.ON_LOAN)
    with pytest.raises(ValidationError, match="ขั้นตอนงาน"):
        services.assets_update_bulk(actor=officer, changes={assets[0].pk: {"status": Status.IN_USE}})
    with pytest.raises(ValidationError, match="ขั้นตอนงาน"):
        services.assets_update_bulk(actor=officer, changes={assets[1].pk: {"status": Status.DISPOSED}})
    assert services.assets_update_bulk(actor=officer, changes={assets[0].pk: {"status": Status.ON_LOAN}}) == []


def test_update_bulk_checks_permission_and_fields(staff_user, officer, assets):
    with pytest.raises(PermissionDenied):
        services.assets_update_bulk(actor=staff_user, changes={assets[0].pk: {"name": "x"}})
    with pytest.raises(TypeError):
        services.assets_update_bulk(actor=officer, changes={assets[0].pk: {"number_key": "x"}})


def test_update_bulk_query_count_does_not_grow_with_the_rows(officer, division, location, computer_category):
    rows = [AssetFactory(division=division, location=location, category=computer_category) for _ in range(30)]

    def queries(targets, name):
        with CaptureQueriesContext(connection) as captured:
            services.assets_update_bulk(actor=officer, changes={a.pk: {"name": f"{name} {a.pk}"} for a in targets})
        return len(captured)

    queries(rows[:1], "ก")  # the actor's roles are read once and kept on the user
    assert queries(rows[:3], "ค") == queries(rows, "ข")


def test_asset_new_is_what_the_model_constructor_builds(division, location, computer_category, officer):
    fields = dict(name="x", category=computer_category, division=division, location=location, custodian=officer,
                  acquired_on=dt.date(2024, 1, 1), acquisition_method=AcquisitionMethod.objects.get(code="BUY"),
                  budget_type=None, unit_price=Decimal("10.00"), useful_life_years=3, status=Status.DAMAGED)
    quick, slow = services.asset_new(**fields), Asset(**fields)
    assert {k: v for k, v in vars(quick).items() if k != "_state"} == {k: v for k, v in vars(slow).items() if k != "_state"}
    assert quick._state.adding and quick._state.db is None and quick.pk is None
    with CaptureQueriesContext(connection) as captured:
        assert (quick.category, quick.location, quick.custodian, quick.budget_type) == (
            computer_category, location, officer, None)
        assert quick.unit == "เครื่อง" and quick.photo.name in ("", None)
    assert len(captured) == 0
    with pytest.raises(TypeError):
        services.asset_new(name="x", colour="red")
    with pytest.raises(TypeError):
        services.asset_new(category=division)
    services.asset_check(quick)


def test_bulk_register_still_reads_its_rows_the_same_way(officer, division, location):
    [asset] = services.assets_register_bulk(actor=officer, rows=[dict(
        name="เครื่องพิมพ์", category=Category.objects.get(code="416"), division=division, location=location,
        acquired_on=dt.date(2024, 3, 15), unit_price=Decimal("5000"), useful_life_years=None)])
    asset = Asset.objects.get(pk=asset.pk)
    assert (asset.number, asset.useful_life_years, asset.unit, asset.status) == ("416-67-0001", 3, "เครื่อง", Status.IN_USE)
    assert asset.search_text == "416-67-0001 416670001 เครื่องพิมพ์"  # the number as written and without dashes


def _handed(division, location, **extra):
    fields = dict(name="เครื่องพิมพ์", category=Category.objects.get(code="416"), division=division, location=location,
                  acquired_on=dt.date(2024, 3, 15), unit_price=Decimal("5000"), useful_life_years=None)
    fields.update(extra)
    return services.asset_new(**fields)


def test_bulk_register_takes_built_assets_and_checks_them_again(officer, division, location):
    good, legacy = _handed(division, location), _handed(division, location, number=" OLD-1 ")
    bad = _handed(division, location, unit_price=Decimal("-1"))
    before = Entry.objects.count()
    with pytest.raises(ValidationError, match="ติดลบ"):
        services.assets_register_bulk(actor=officer, assets=[good, legacy, bad])
    assert Asset.objects.count() == 0 and Entry.objects.count() == before
    assert good.pk is None and good._state.adding and good.number == ""  # left as it came: may be handed again
    saved = services.assets_register_bulk(actor=officer, assets=[good, legacy])
    assert saved == [good, legacy] and good.pk and legacy.pk and not good._state.adding
    assert sorted(Asset.objects.values_list("number", flat=True)) == ["416-67-0001", "OLD-1"]
    assert Entry.objects.count() == before + 2
    with pytest.raises(ValidationError, match="มีอยู่ในทะเบียนแล้ว"):
        services.assets_register_bulk(actor=officer, assets=[_handed(division, location, number="old-1")])


def test_bulk_register_refuses_saved_assets_and_relations_given_by_id(officer, division, location, computer_category):
    saved = AssetFactory(division=division, location=location, category=computer_category)
    with pytest.raises(TypeError):
        services.assets_register_bulk(actor=officer, assets=[saved])
    by_id = Asset(name="x", category_id=computer_category.pk, division_id=division.pk, acquired_on=dt.date(2024, 1, 1),
                  unit_price=Decimal("1"))
    with pytest.raises(TypeError):
        services.assets_register_bulk(actor=officer, assets=[by_id])


def test_numbers_in_use_reads_numbers_and_old_numbers_in_one_query(officer, division, location, computer_category):
    from assets.models import NumberAlias
    from assets.numbering import ids_by_number_key, numbers_in_use

    asset = AssetFactory(division=division, location=location, category=computer_category, number="A-1", number_key="A-1")
    NumberAlias.objects.create(asset=asset, number="B-1", number_key="B-1")
    with CaptureQueriesContext(connection) as captured:
        assert numbers_in_use(["A-1", "B-1", "C-1"]) == {"A-1", "B-1"}
    if connection.vendor == "postgresql":
        assert len(captured) == 1
    assert numbers_in_use([]) == set()
    assert ids_by_number_key(["A-1", "B-1"]) == {"A-1": asset.pk}


def test_bulk_register_failing_late_leaves_built_assets_unsaved(officer, division, location, monkeypatch):
    asset = _handed(division, location)

    def broken(*args, **kwargs):
        raise RuntimeError("log down")

    monkeypatch.setattr(services.log, "record_many", broken)
    with pytest.raises(RuntimeError):
        services.assets_register_bulk(actor=officer, assets=[asset])
    assert (asset.pk, asset.number, asset.number_key, asset._state.adding) == (None, "", "", True)
    assert Asset.objects.count() == 0
