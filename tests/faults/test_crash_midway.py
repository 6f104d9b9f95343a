"""A crash (the process killed) in the middle of an import, a hand-out, an inspection sheet's close, the round's
submission and an acceptance that registers assets leaves nothing half-written.

Each operation runs in a process of its own (crash_script.py) that stops inside its transaction after part of
its writes (a wrapper around a function the operation calls midway writes a marker, then sleeps); the test
kills it with SIGKILL there and checks, in its own connection, that the database holds exactly what it held
before (every row of every table of the project's apps: counts, statuses, the activity log) and that the
log's chain verifies; then the same operation, run normally, succeeds.

Both processes must see one database: on PostgreSQL the test database (a transactional test, the data
committed); on SQLite, whose test database lives in memory, a database file migrated for the session and
copied for each test, which this test's own connection is pointed at while it runs.
"""

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.db import connection, connections
from django.db.utils import load_backend
from django.utils import timezone

from activity import chain
from activity.models import Anchor, Entry
from assets.models import Asset, BudgetType, Category, NumberCounter, Status as AssetStatus
from audits import services as audits
from audits.models import Line, Round, Sheet
from common.spreadsheets import write_csv
from loans import services as loans
from loans.models import Loan, LoanItem
from organization.models import Organization
from procurement import services as procurement_services
from procurement.models import LinkedAsset, Method, Procurement
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory, LocationFactory
from tests.faults.crash_script import database_state, run

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("crash_script.py")
PAUSE_TIMEOUT = 240  # seconds for the other process to start Django and reach the pause (the machine may be busy)

VARIANTS = [
    pytest.param("sqlite", id="sqlite-file", marks=pytest.mark.skipif(
        connection.vendor != "sqlite", reason="the SQLite variant runs with the SQLite suite")),
    pytest.param("postgresql", id="postgresql", marks=[
        pytest.mark.postgres, pytest.mark.django_db(transaction=True),
        pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")]),
]


def _environment(database_url: str, media_root: Path) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1", DATABASE_URL=database_url,
               MEDIA_ROOT=str(media_root))
    env.pop("PYTEST_CURRENT_TEST", None)
    return env


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A database file migrated once (by manage.py migrate in another process), copied for each test."""
    folder = tmp_path_factory.mktemp("crash-template")
    path = folder / "template.sqlite3"
    result = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, capture_output=True,
                            text=True, timeout=900, env=_environment(f"sqlite:///{path}", folder / "media"))
    assert result.returncode == 0, result.stderr[-3000:]
    return path


class Crash:
    """Runs an operation in another process on the test's database and kills it midway."""

    def __init__(self, database_url: str, application_name: str = "", *, folder: Path):
        self.database_url, self.folder, self.application_name = database_url, folder, application_name

    def interrupt(self, operation: str, args: dict, *, target: str, after_call: int = 1) -> dict:
        """Run `operation` until `target` has returned `after_call` times, kill the process there (SIGKILL) and
        return the note it left: whether a transaction was open and the database as that transaction saw it."""
        marker = self.folder / f"paused-{uuid.uuid4().hex}.json"
        spec = {"operation": operation, "args": args,
                "pause": {"target": target, "after_call": after_call, "marker": str(marker)}}
        output = self.folder / f"{operation}-{uuid.uuid4().hex}.log"
        with output.open("w") as stream:
            process = subprocess.Popen([sys.executable, str(SCRIPT), json.dumps(spec)], cwd=ROOT, stdout=stream,
                                       stderr=subprocess.STDOUT,
                                       env=_environment(self.database_url, self.folder / "media"))
        try:
            deadline = time.monotonic() + PAUSE_TIMEOUT
            while not marker.exists():
                if process.poll() is not None:
                    pytest.fail(f"{operation} ended (code {process.returncode}) before the pause:\n"
                                f"{output.read_text()[-3000:]}")
                if time.monotonic() > deadline:
                    pytest.fail(f"{operation} did not reach the pause in {PAUSE_TIMEOUT} s:\n{output.read_text()[-3000:]}")
                time.sleep(0.05)
        finally:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=60)
        assert process.returncode == -signal.SIGKILL
        self._wait_for_the_server_to_notice()
        return json.loads(marker.read_text())

    def _wait_for_the_server_to_notice(self) -> None:
        """PostgreSQL rolls the killed client's transaction back when it sees the connection gone; wait for it, so
        that what the test reads next is not merely hidden by MVCC but really gone. (SQLite's lock goes with the
        process.)"""
        if not self.application_name:
            return
        deadline = time.monotonic() + 60
        while True:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                               [self.application_name])
                if cursor.fetchone()[0] == 0:
                    return
            assert time.monotonic() < deadline, "the killed process's session is still open on the server"
            time.sleep(0.1)


def _test_database_url() -> tuple[str, str]:
    """The test database's URL for the other process (with the connection's options), named so the test can
    see when the server has dropped the killed process's session."""
    settings_dict = connection.settings_dict
    application_name = f"phatsadu-crash-{uuid.uuid4().hex[:12]}"
    options = {key: value for key, value in settings_dict.get("OPTIONS", {}).items() if isinstance(value, str)}
    options["application_name"] = application_name
    credentials = quote(settings_dict["USER"] or "", safe="")
    if settings_dict["PASSWORD"]:
        credentials += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = quote(settings_dict["HOST"] or "", safe="") + (f":{settings_dict['PORT']}" if settings_dict["PORT"] else "")
    url = f"postgres://{credentials}@{host}/{quote(settings_dict['NAME'], safe='')}?{urlencode(options)}"
    return url, application_name


@pytest.fixture(params=VARIANTS)
def crash(request, tmp_path):
    if request.param == "postgresql":
        yield Crash(*_test_database_url(), folder=tmp_path)
        return
    # SQLite: a migrated file of our own, which this test's connection ("default") is pointed at meanwhile.
    path = tmp_path / "crash.sqlite3"
    shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
    original = connections["default"]
    settings_dict = {**original.settings_dict, "NAME": str(path)}
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    connections["default"] = wrapper
    try:
        with request.getfixturevalue("django_db_blocker").unblock():
            yield Crash(f"sqlite:///{path}", folder=tmp_path)
    finally:
        wrapper.close()
        connections["default"] = original


def assert_nothing_written(before: dict, note: dict, *, midway: set[str]) -> None:
    """The killed process had written to the tables `midway` inside its open transaction; none of it is left."""
    assert note["in_atomic_block"], "the pause was not inside the operation's transaction"
    changed_inside = {label for label, rows in note["state"].items() if rows != before[label]}
    assert midway <= changed_inside, f"the operation had not written what the test expects yet: {changed_inside}"
    after = database_state()
    assert {label for label in after if after[label] != before[label]} == set()
    verdict = chain.verify()
    assert verdict.ok, verdict.problem


# --- the register import (manage.py import_assets) ------------------------------------------------------


def test_a_crash_in_the_middle_of_an_import_leaves_nothing(crash, tmp_path):
    division = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    LocationFactory(division=division, code="P01", name="ห้องสำนักปลัด")
    officer = make_user("officer_crash", "staff", "property_officer", division=division)
    existing = [AssetFactory(number=f"416-67-{n:04d}", name=f"โต๊ะเดิม {n}", division=division) for n in (1, 2)]
    headers = ["number", "name", "category", "division", "location", "acquired_on", "unit_price"]
    rows = [[asset.number, f"{asset.name} (แก้ไข)", "416", "PALAD", "P01", "10/01/2567", "20000"] for asset in existing]
    rows += [["", f"เครื่องคอมพิวเตอร์ที่นำเข้า {n}", "416", "PALAD", "P01", "15/03/2567", "21000"] for n in range(20)]
    path = tmp_path / "register.csv"
    path.write_bytes(write_csv(headers, rows))
    args = {"path": str(path), "actor": officer.pk}
    before = database_state()

    # record_many's 1st call logs the changes, its 2nd the new assets; the file's own entry was to follow.
    note = crash.interrupt("import", args, target="activity.log.record_many", after_call=2)

    assert_nothing_written(before, note, midway={"assets.Asset", "assets.NumberCounter", "activity.Entry",
                                                 "activity.EntryAsset"})
    assert Asset.objects.count() == 2 and not NumberCounter.objects.exists()
    assert sorted(Asset.objects.values_list("name", flat=True)) == ["โต๊ะเดิม 1", "โต๊ะเดิม 2"]

    run("import", args)
    assert Asset.objects.count() == 22
    assert Asset.objects.filter(name__endswith="(แก้ไข)").count() == 2
    assert Entry.objects.filter(action="asset.import").count() == 1
    assert chain.verify().ok


# --- a loan's hand-out ----------------------------------------------------------------------------------


def test_a_crash_in_the_middle_of_a_hand_out_leaves_nothing(crash):
    Organization.objects.filter(pk=1).update(loan_endorsement_required=False)
    division = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    admin = make_user("admin_crash", "administrator", division=division)
    borrower = make_user("borrower_crash", "staff", division=division)
    officer = make_user("officer_crash", "staff", "property_officer", division=division)
    version = loans.manual_publish(actor=admin, title="คู่มือ", body="ใช้เพื่อราชการ")
    loans.manual_acknowledge(actor=borrower, version=version)
    assets = [AssetFactory(is_lendable=True, division=division) for _n in range(2)]
    today = timezone.localdate()
    loan = loans.loan_request(actor=borrower, assets=assets, purpose="ประชุมประชาคม", place=Loan.Place.INSIDE,
                              phone="0800000000", starts_on=today, ends_on=today + dt.timedelta(days=2))
    loans.loan_approve(actor=make_user("supply_crash", "supply_head", division=division), loan=loan)
    args = {"loan": loan.pk, "actor": officer.pk}
    before = database_state()

    # The items are marked handed out and the assets set on loan; the loan's status and its entry were to follow.
    note = crash.interrupt("hand_out", args, target="loans.services.assets_set_workflow_status")

    assert_nothing_written(before, note, midway={"loans.LoanItem", "assets.Asset"})
    loan.refresh_from_db()
    assert loan.status == Loan.Status.APPROVED
    assert set(Asset.objects.values_list("status", flat=True)) == {AssetStatus.IN_USE}
    assert not LoanItem.objects.filter(handed_out_at__isnull=False).exists()
    assert not Entry.objects.filter(action="loan.hand_out").exists()

    run("hand_out", args)
    loan.refresh_from_db()
    assert loan.status == Loan.Status.OUT
    assert set(Asset.objects.values_list("status", flat=True)) == {AssetStatus.ON_LOAN}
    assert Entry.objects.filter(action="loan.hand_out").count() == 1
    assert chain.verify().ok


# --- an inspection sheet's close, then the round's submission ------------------------------------------------


def test_a_crash_in_the_middle_of_a_sheet_close_or_the_submission_leaves_nothing(crash):
    palad = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    klang = DivisionFactory(code="KLANG", name="กองคลัง")
    head = make_user("mayor_crash", "agency_head", division=palad)
    admin = make_user("admin_crash", "administrator", division=klang)
    inspector = make_user("insp_crash", "staff", division=palad)
    other = make_user("insp2_crash", "staff", division=klang)
    for number, division in (("416-67-0001", palad), ("416-67-0002", palad), ("416-67-0003", klang)):
        AssetFactory(number=number, division=division)
    round_ = audits.round_appoint(actor=admin, kind=Round.Kind.ANNUAL, fiscal_year=2567, order_number="123/2567",
                                  order_date=dt.date(2024, 9, 20), appointed_by=head, inspectors=[inspector, other])
    round_ = audits.round_start(actor=inspector, round_=round_, today=round_.starts_on)
    found, missing = round_.sheets.get(division=palad), round_.sheets.get(division=klang)
    for number in ("416-67-0001", "416-67-0002"):
        audits.inspection_scan(actor=inspector, sheet=found, number=number)
    audits.sheet_close(actor=inspector, sheet=found)
    audits.lines_declare_missing(actor=inspector, sheet=missing, note="ไม่พบในห้อง")
    close = {"sheet": missing.pk, "actor": inspector.pk}
    before = database_state()

    # The sheet is saved closed and its entry written; the transaction had not committed.
    note = crash.interrupt("sheet_close", close, target="activity.log.record_many")

    assert_nothing_written(before, note, midway={"audits.Sheet", "activity.Entry"})
    missing.refresh_from_db()
    assert missing.status == Sheet.Status.OPEN and missing.closed_at is None
    assert Line.objects.filter(sheet=missing, outcome=Line.Outcome.MISSING).count() == 1

    run("sheet_close", close)
    missing.refresh_from_db()
    assert missing.status == Sheet.Status.CLOSED
    submit = {"round": round_.pk, "actor": inspector.pk}
    before = database_state()

    # The submission is logged and the chain's head anchored; the round's own row was to follow.
    note = crash.interrupt("round_submit", submit, target="activity.chain.anchor_record")

    assert_nothing_written(before, note, midway={"activity.Entry", "activity.Anchor"})
    round_.refresh_from_db()
    assert round_.status == Round.Status.COUNTING and round_.submitted_on is None and round_.report_anchor is None
    assert not Anchor.objects.exists()

    run("round_submit", submit)
    round_.refresh_from_db()
    assert round_.status == Round.Status.SUBMITTED and round_.report_anchor is not None
    assert chain.verify().ok


# --- an acceptance that registers assets -----------------------------------------------------------------------


def test_a_crash_in_the_middle_of_an_acceptance_leaves_nothing(crash):
    officer = make_user("p_officer_crash", "staff", "property_officer",
                        division=DivisionFactory(code="KLANG", name="กองคลัง"))
    division = DivisionFactory(code="EDU", name="กองการศึกษา")
    procurement = procurement_services.procurement_create(
        actor=officer, fiscal_year=2568, title="ซื้อเครื่องคอมพิวเตอร์สำหรับศูนย์พัฒนาเด็กเล็ก", project_type="ซื้อ",
        division=division, amount=Decimal("1200000"), reference_price=Decimal("1150000"),
        reference_source="ราคามาตรฐานครุภัณฑ์", method=Method.E_BIDDING,
        budget_type=BudgetType.objects.get(code="BUDGET"),
        items=[{"description": "เครื่องคอมพิวเตอร์ All In One", "kind": "durable",
                "category": Category.objects.get(code="416"), "quantity": 3, "unit": "เครื่อง",
                "unit_price": Decimal("23000")},
               {"description": "กระดาษ A4", "kind": "supplies", "quantity": 10, "unit": "รีม",
                "unit_price": Decimal("120")}])
    procurement = procurement_services.procurement_announce(actor=officer, procurement=procurement,
                                                           announced_on=dt.date(2024, 11, 29))
    bid = procurement_services.bid_add(actor=officer, procurement=procurement, bidder="บริษัท คอมพ์ไทย จำกัด",
                                       price=Decimal("1100000"))
    procurement, _warnings = procurement_services.procurement_award(
        actor=officer, procurement=procurement, winner=bid, agreed_price=Decimal("1100000"),
        selection_reason="ราคาต่ำสุด")
    procurement = procurement_services.procurement_contract(
        actor=officer, procurement=procurement, contract_number="15/2568", contract_date=dt.date(2024, 12, 20),
        delivery_due=dt.date(2025, 1, 31), penalty_rate=Decimal("0.2"))
    procurement_services.delivery_record(actor=officer, procurement=procurement, delivered_on=dt.date(2025, 1, 30),
                                         value=Decimal("1100000"))
    args = {"procurement": procurement.pk, "actor": officer.pk, "accepted_on": "2025-02-03",
            "committee": "นายก ประธาน\nนางข กรรมการ"}
    before = database_state()

    # The three assets are registered and logged; the links, the items, the procurement and its entry were to follow.
    note = crash.interrupt("accept", args, target="activity.log.record_many")

    assert_nothing_written(before, note, midway={"assets.Asset", "assets.NumberCounter", "activity.Entry",
                                                 "activity.EntryAsset"})
    procurement.refresh_from_db()
    assert procurement.status == Procurement.Status.DELIVERED and procurement.accepted_on is None
    assert not Asset.objects.exists() and not LinkedAsset.objects.exists()

    run("accept", args)
    procurement.refresh_from_db()
    assert procurement.status == Procurement.Status.ACCEPTED
    assert Asset.objects.count() == 3 == LinkedAsset.objects.filter(procurement=procurement).count()
    assert chain.verify().ok
