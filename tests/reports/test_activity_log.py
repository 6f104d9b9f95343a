import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from activity import log
from activity.models import Entry
from tests.factories import AssetFactory


@pytest.fixture
def entries(users_by_role, division):
    asset = AssetFactory(number="416-67-0001", division=division)
    log.record("asset.update", actor=users_by_role["property_officer"], obj=asset, assets=[asset],
               division_id=division.pk, details={"changes": {"name": ["ก", "ข"]}})
    log.record("asset.register", actor=users_by_role["staff"], object_type="assets.asset", object_id="x",
               object_repr="=SUM(A1) สูตร", details={})
    log.record("organization.update", actor=users_by_role["administrator"], object_type="organization", details={})
    return asset


def rows_of(response):
    return [entry.object_repr for entry in response.context["rows"]]


@pytest.mark.parametrize("role", ["auditor", "administrator", "agency_head"])
def test_readers_of_the_whole_log_see_every_entry(client, users_by_role, entries, role):
    client.force_login(users_by_role[role])
    response = client.get("/log/")
    assert response.status_code == 200
    assert len(rows_of(response)) == 3


@pytest.mark.parametrize("role", ["staff", "division_head", "property_officer", "supply_head"])
def test_others_see_only_their_own_actions(client, users_by_role, entries, role):
    client.force_login(users_by_role[role])
    response = client.get("/log/")
    mine = Entry.objects.filter(actor=users_by_role[role]).count()
    assert len(rows_of(response)) == mine
    assert "actor" not in response.context["form"].fields


def test_a_user_without_a_role_is_refused(client, users_by_role, entries):
    client.force_login(users_by_role["no_role"])
    assert client.get("/log/").status_code == 403


def test_filters(client, users_by_role, entries, division):
    client.force_login(users_by_role["auditor"])
    officer = users_by_role["property_officer"]
    assert len(rows_of(client.get("/log/", {"actor": officer.pk}))) == 1
    assert len(rows_of(client.get("/log/", {"action": "organization.update"}))) == 1
    assert len(rows_of(client.get("/log/", {"division": division.pk}))) == 1
    assert len(rows_of(client.get("/log/", {"asset": "๔๑๖-๖๗-๐๐๐๑"}))) == 1
    assert rows_of(client.get("/log/", {"asset": "999-99-9999"})) == []
    today = timezone.localdate()
    be = f"{today.day:02d}/{today.month:02d}/{today.year + 543}"
    assert len(rows_of(client.get("/log/", {"date_from": be, "date_to": be}))) == 3
    yesterday = today - dt.timedelta(days=1)
    assert rows_of(client.get("/log/", {"date_to": yesterday.isoformat()})) == []


@pytest.mark.parametrize("params", [{"date_from": "31/02/2567"}, {"date_from": "x"}, {"actor": "abc"},
                                    {"division": "999999"}, {"action": "nope"}, {"page": "abc"},
                                    {"date_from": "01/10/2567", "date_to": "01/09/2567"}])
def test_bad_filters_never_fail(client, users_by_role, entries, params):
    client.force_login(users_by_role["auditor"])
    response = client.get("/log/", params)
    assert response.status_code == 200


def test_csv_export_is_logged_and_neutralises_formulas(client, users_by_role, entries):
    client.force_login(users_by_role["auditor"])
    before = Entry.objects.count()
    response = client.get("/log/", {"export": "csv"})
    assert response.status_code == 200
    data = response.content
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("เวลา,ผู้ทำรายการ,การกระทำ")
    assert "'=SUM(A1) สูตร" in text
    exported = Entry.objects.order_by("-id").first()
    assert Entry.objects.count() == before + 1
    assert exported.action == "activity.export"
    assert exported.details["rows"] == 3
    assert exported.actor == users_by_role["auditor"]


def test_xlsx_export_of_own_actions_only(client, users_by_role, entries):
    client.force_login(users_by_role["staff"])
    response = client.get("/log/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "เวลา"
    assert len(values) == 2  # the header and the one entry by this user
    assert values[1][3] == "'=SUM(A1) สูตร"


@pytest.mark.parametrize("params", [{"date_from": "31/02/2567"}, {"date_from": "01/10/2567", "date_to": "01/09/2567"}])
def test_a_bad_filter_lists_and_exports_nothing(client, users_by_role, entries, params):
    client.force_login(users_by_role["auditor"])
    before = Entry.objects.count()
    response = client.get("/log/", params)
    assert response.status_code == 200 and list(response.context["rows"]) == []
    response = client.get("/log/", {**params, "export": "csv"})
    assert response["Content-Type"].startswith("text/html")  # the page with the filter's error, not a file
    assert Entry.objects.count() == before  # no export was logged
