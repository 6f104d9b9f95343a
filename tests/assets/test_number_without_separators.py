"""A number typed or scanned without its separators, or with spaces for dashes, still finds the asset."""

import pytest

from assets.numbering import compact_number
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cupboard():
    division = DivisionFactory()
    AssetFactory(number="401-64-0004", name="ตู้เหล็ก", division=division)
    return AssetFactory(number="401-64-0003", name="ตู้เหล็ก", division=division)


def test_compact_number():
    assert compact_number("401-64-0003") == compact_number("๔๐๑ ๖๔ ๐๐๐๓") == compact_number("401640003") == "401640003"
    assert compact_number("กค.01/2560") == "กค012560"


def test_the_register_search_finds_a_number_typed_without_dashes(client, cupboard):
    client.force_login(make_user("staff_c", "staff", division=cupboard.division))
    page = client.get("/assets/", {"q": "401640003"}).content.decode()
    assert "401-64-0003" in page and "401-64-0004" not in page
    assert "401-64-0003" in client.get("/assets/", {"q": "4016400"}).content.decode()


def test_a_number_with_spaces_for_dashes_is_suggested_to_a_signed_in_user(client, cupboard):
    response = client.get("/a/๔๐๑ ๖๔ ๐๐๐๓")
    assert response.status_code == 404 and 'data-testid="suggestion"' not in response.content.decode()  # anonymous
    client.force_login(make_user("staff_d", "staff", division=cupboard.division))
    response = client.get("/a/๔๐๑ ๖๔ ๐๐๐๓")
    page = response.content.decode()
    assert response.status_code == 404 and page.count('data-testid="suggestion"') == 1
    assert 'href="/a/401-64-0003"' in page


def test_the_migration_rewrites_existing_search_text_as_the_services_write_it(cupboard):
    import importlib

    from django.apps import apps

    from assets.models import Asset
    from assets.services import search_text

    migration = importlib.import_module("assets.migrations.0006_search_compact_number")
    Asset.objects.update(search_text="old")
    migration.forwards(apps, None)
    for asset in Asset.objects.all():
        assert asset.search_text == search_text(asset)
