"""Bad input in the query strings of the list pages and their exports (the filter forms, pages, sizes, sorting,
months and years), with hypothesis: never a 500, and what was typed is never echoed as live markup."""

import pytest
from hypothesis import event, given, strategies as st

from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory
from tests.fuzz.support import assert_no_live_markup, assert_not_500, date_texts, fuzz, ids, junk_texts, number_texts

pytestmark = pytest.mark.django_db

ANY = st.one_of(junk_texts(), ids(), number_texts(), date_texts())
PAGES = {
    "/assets/": ["q", "category", "division", "location", "status", "fiscal_year", "page", "per_page", "sort"],
    "/assets/export.csv": ["q", "category", "division", "status", "fiscal_year"],
    "/assets/cards.pdf": ["q", "ids", "category", "digits"],
    "/loans/register/": ["status", "place", "division", "borrower", "asset", "date_from", "date_to", "overdue",
                         "fiscal_year", "returned", "sort", "page", "per_page"],
    "/loans/register/export.xlsx": ["status", "borrower", "asset", "date_from", "date_to", "overdue"],
    "/loans/asset/{asset}/": ["month"],
    "/procurement/": ["q", "fiscal_year", "status", "method", "division", "page", "per_page"],
    "/procurement/disclosures/": ["year", "page"],
    "/log/": ["date_from", "date_to", "actor", "action", "division", "asset", "page", "export"],
    "/labels/": ["ids", "q", "category", "division", "status"],
    "/a/": ["number"],
}


@pytest.fixture
def admin(db):
    division = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    AssetFactory(number="416-67-0001", name="เครื่องคอมพิวเตอร์", division=division, is_lendable=True)
    return make_user("filters_admin", "administrator", "property_officer", division=division)


@pytest.mark.filterwarnings("ignore:Use '__' to separate path components:DeprecationWarning")  # a junk ?sort=
@pytest.mark.parametrize("path", sorted(PAGES))
@fuzz(20)
@given(data=st.data())
def test_query_strings(client, admin, path, data):
    from assets.models import Asset

    names = PAGES[path]
    query = data.draw(st.dictionaries(st.sampled_from(names), ANY, max_size=len(names)), label="query")
    if path == "/assets/cards.pdf":  # a register card PDF per asset: keep it to the one asset, rendered or refused
        query["ids"] = str(Asset.objects.get().pk)
    client.force_login(admin)
    response = client.get(path.format(asset=Asset.objects.get().pk), query)
    assert_not_500(response)
    event(f"answered {response.status_code}")
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        assert_no_live_markup(response.content.decode(), *query.values())
