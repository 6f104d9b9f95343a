import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from activity.models import Entry
from assets import services
from assets.models import Asset, Category, Status
from organization.models import Organization
from tests.conftest import make_user
from tests.factories import LocationFactory


def register(officer, location, category, **overrides):
    fields = dict(name="เครื่องคอมพิวเตอร์โน้ตบุ๊ก", category=category, division=location.division, location=location,
                  acquired_on=dt.date(2024, 3, 15), unit_price=Decimal("25000.00"))
    fields.update(overrides)
    return services.asset_register(actor=officer, **fields)


def test_register_allocates_number_from_pattern_and_logs_once(officer, location, computer_category):
    asset = register(officer, location, computer_category)
    assert asset.number == "416-67-0001"
    assert asset.useful_life_years == 3  # the category's default
    entries = Entry.objects.filter(asset_links__asset_id=asset.pk)
    assert [e.action for e in entries] == ["asset.register"]
    assert entries[0].details["after"]["unit_price"] == "25000.00"
    assert entries[0].actor == officer


def test_running_number_is_per_category_and_fiscal_year(officer, location, computer_category):
    office = Category.objects.get(code="401")
    first = register(officer, location, computer_category)
    second = register(officer, location, computer_category, acquired_on=dt.date(2024, 9, 30))
    next_year = register(officer, location, computer_category, acquired_on=dt.date(2024, 10, 1))
    other_category = register(officer, location, office)
    assert [first.number, second.number, next_year.number, other_category.number] == [
        "416-67-0001", "416-67-0002", "416-68-0001", "401-67-0001"]


def test_allocation_skips_a_legacy_number_already_taken(officer, location, computer_category):
    register(officer, location, computer_category, number="๔๑๖-๖๗-๐๐๐๑")
    allocated = register(officer, location, computer_category)
    assert allocated.number == "416-67-0002"


def test_legacy_number_is_kept_as_typed_and_thai_digits_match_arabic(officer, location, computer_category):
    legacy = register(officer, location, computer_category, number="๔๑๗ ๖๐ ๐๐๐๕")
    assert legacy.number == "๔๑๗ ๖๐ ๐๐๐๕"
    assert legacy.number_key == "417 60 0005"
    with pytest.raises(ValidationError) as error:
        register(officer, location, computer_category, number="417 60 0005")
    assert "มีอยู่ในทะเบียนแล้ว" in str(error.value)
    assert Asset.objects.count() == 1


def test_the_pattern_is_configurable(officer, location, computer_category):
    Organization.objects.filter(pk=1).update(asset_number_pattern="{category}/{year4}/{run:05d}")
    assert register(officer, location, computer_category).number == "416/2567/00001"


@pytest.mark.parametrize("overrides, field", [
    ({"unit_price": Decimal("-1.00")}, "unit_price"),
    ({"useful_life_years": 0}, "useful_life_years"),
])
def test_invalid_values_are_refused_with_thai_messages(officer, location, computer_category, overrides, field):
    with pytest.raises(ValidationError) as error:
        register(officer, location, computer_category, **overrides)
    assert field in error.value.message_dict
    assert Asset.objects.count() == 0
    assert not Entry.objects.filter(action="asset.register").exists()


def test_location_must_belong_to_the_division(officer, location, computer_category):
    elsewhere = LocationFactory()
    with pytest.raises(ValidationError) as error:
        register(officer, elsewhere, computer_category, division=location.division)
    assert "location" in error.value.message_dict


def test_staff_cannot_register_or_edit(staff_user, officer, location, computer_category):
    with pytest.raises(PermissionDenied):
        register(staff_user, location, computer_category)
    asset = register(officer, location, computer_category)
    with pytest.raises(PermissionDenied):
        services.asset_update(actor=staff_user, asset=asset, name="อื่น")


def test_update_logs_before_and_after_exactly_once(officer, location, computer_category):
    asset = register(officer, location, computer_category)
    services.asset_update(actor=officer, asset=asset, unit_price=Decimal("24000.00"), status=Status.DAMAGED)
    entries = Entry.objects.filter(action="asset.update", asset_links__asset_id=asset.pk)
    assert entries.count() == 1
    changes = entries[0].details["changes"]
    assert changes["unit_price"] == ["25000.00", "24000.00"]
    assert changes["status"] == ["in_use", "damaged"]


def test_update_without_change_writes_nothing(officer, location, computer_category):
    asset = register(officer, location, computer_category)
    services.asset_update(actor=officer, asset=asset, name=asset.name)
    assert not Entry.objects.filter(action="asset.update").exists()


def test_workflow_statuses_cannot_be_set_by_editing(officer, location, computer_category):
    asset = register(officer, location, computer_category)
    with pytest.raises(ValidationError):
        services.asset_update(actor=officer, asset=asset, status=Status.DISPOSED)
    Asset.objects.filter(pk=asset.pk).update(status=Status.ON_LOAN)
    with pytest.raises(ValidationError):
        services.asset_update(actor=officer, asset=asset, status=Status.IN_USE)


def test_renumbering_refuses_a_number_in_use(officer, location, computer_category):
    first = register(officer, location, computer_category)
    second = register(officer, location, computer_category)
    with pytest.raises(ValidationError):
        services.asset_update(actor=officer, asset=second, number=first.number)
    renamed = services.asset_update(actor=officer, asset=second, number="416-60-0099")
    assert renamed.number == "416-60-0099"


def test_changing_a_category_life_does_not_rewrite_registered_assets(officer, location, computer_category):
    asset = register(officer, location, computer_category)
    computer_category.useful_life_years = 8
    computer_category.save()
    asset.refresh_from_db()
    assert asset.useful_life_years == 3
    assert register(officer, location, computer_category).useful_life_years == 8


def test_bulk_register_is_all_or_nothing(officer, location, computer_category):
    good = dict(name="โต๊ะ", category=computer_category, division=location.division, location=location,
                acquired_on=dt.date(2024, 1, 5), unit_price=Decimal("5000"), useful_life_years=5)
    bad = dict(good, unit_price=Decimal("-3"))
    with pytest.raises(ValidationError) as error:
        services.assets_register_bulk(actor=officer, rows=[good, bad, good])
    assert "แถว 2" in str(error.value)
    assert Asset.objects.count() == 0
    made = services.assets_register_bulk(actor=officer, rows=[good, good])
    assert [a.number for a in made] == ["416-67-0001", "416-67-0002"]
    assert Entry.objects.filter(action="asset.register").count() == 2


def test_admin_role_may_register(location, computer_category):
    admin = make_user("boss", "administrator", division=location.division)
    assert register(admin, location, computer_category).number.startswith("416-67-")
