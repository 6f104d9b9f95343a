"""Shared fixtures: the organisation's reference data comes from migrations; people and assets from factories."""

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from tests.factories import AssetFactory, DivisionFactory, LocationFactory, UserFactory

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools" / "clock"))
import shifted_clock  # noqa: E402  (tools/clock is not a package)


def pytest_addoption(parser):
    parser.addoption("--today", metavar="YYYY-MM-DD[THH:MM]", default=None,
                     help="run the whole suite as if today were this day (Bangkok time; a date alone means 10:00); "
                          "the clock runs on from there, in this process and in the ones it starts")


def pytest_configure(config):
    """Runs before any test module is imported, so a module-level `TODAY = timezone.localdate()` sees the moved clock.
    The day the run starts on is the run's day (see `_the_run_keeps_its_day`)."""
    today = config.getoption("--today")
    if today:
        try:
            shifted_clock.start_at(today)
        except shifted_clock.BadDate as error:
            raise pytest.UsageError(f"--today: {error}") from None
    config.stash[RUN_DAY] = shifted_clock.today()


RUN_DAY = pytest.StashKey[dt.date]()


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    """A test module is imported (and its module-level TODAY taken) on the run's day, even after midnight."""
    with shifted_clock.kept_on(collector.config.stash[RUN_DAY]):
        return (yield)


@pytest.fixture(autouse=True)
def _the_run_keeps_its_day(request):
    """A run is one calendar day. Modules take TODAY when they are imported and tests compare it with the live
    clock (a loan may not start in the past, overdue since, published before): a run that passes midnight in
    Bangkok would have them disagree. A test that starts after midnight runs with its clock moved back to the
    run's day (23:00, running on); a test that pins its own clock with time_machine still does."""
    with shifted_clock.kept_on(request.config.stash[RUN_DAY]):
        yield


def pytest_report_header(config):
    today = config.getoption("--today")
    if today:
        moment = shifted_clock.parse(today)
        return f"clock: as if it were {moment:%Y-%m-%d %H:%M} in Bangkok (--today={today}); replay with the same option"
    return None


ROLE_NAMES = ["staff", "division_head", "property_officer", "supply_head", "agency_head", "auditor", "administrator"]


def make_user(username: str, *roles: str, division=None, **extra):
    user = UserFactory(username=username, division=division or DivisionFactory(), **extra)
    if roles:
        user.groups.set(Group.objects.filter(name__in=roles))
    return user


@pytest.fixture
def division(db):
    return DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")


@pytest.fixture
def location(division):
    return LocationFactory(division=division, code="P01", name="ห้องสำนักปลัด")


@pytest.fixture
def officer(division):
    return make_user("officer", "staff", "property_officer", division=division)


@pytest.fixture
def staff_user(division):
    return make_user("staff", "staff", division=division)


@pytest.fixture
def users_by_role(division):
    """One user per role, plus a signed-in account with no role at all."""
    users = {role: make_user(f"u_{role}", role, division=division) for role in ROLE_NAMES}
    users["no_role"] = make_user("u_norole", division=division)
    return users


@pytest.fixture
def computer_category(db):
    from assets.models import Category

    return Category.objects.get(code="416")


@pytest.fixture
def asset(officer, location, computer_category):
    return AssetFactory(division=location.division, location=location, category=computer_category,
                        acquired_on=dt.date(2024, 3, 15), unit_price=Decimal("21000.00"))


@pytest.fixture(autouse=True)
def _transactional_test_setup(request):
    """Transactional tests start after another one's flush, which empties every table, so the reference
    data that migrations seed (roles, the organisation, categories, label layouts) is put back first.
    They also end with a flush, which on SQLite DELETEs every row; the log's triggers would refuse that,
    so they are dropped just before it (the flush's post_migrate puts them back)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames or bool(
        marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    _seed_reference_data()
    yield
    from django.db import connection

    from activity.guards import remove_triggers

    if connection.vendor == "sqlite":
        remove_triggers(connection)


def _seed_reference_data():
    import importlib

    from django.apps import apps

    for module in ("organization.migrations.0002_roles_and_profile", "organization.migrations.0005_seed_holidays",
                   "assets.migrations.0003_reference_data",
                   "reports.migrations.0002_seed_layouts"):
        importlib.import_module(module).forwards(apps, None)


@pytest.fixture(autouse=True)
def _a_site_address(settings):
    """Tests run with DEBUG off, where labels are refused while SITE_URL is a loopback address (the default):
    the suite's site has a real-looking address; tests of that refusal set the default back."""
    settings.SITE_URL = "https://phatsadu.ngao.go.th"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing is slow on purpose; tests create many accounts."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path_factory):
    """Files the tests write (photos, issued reports, published PDFs) go to a temporary folder, not var/media."""
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")
