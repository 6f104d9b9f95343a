"""Two app servers, one PostgreSQL database (issue 9, deployment): app servers hold no state, so whatever is
written through one is seen and enforced through the other.

Two separate gunicorn processes are started on two free loopback ports against the test database pytest-django
created (a transactional test, so what the test builds is committed and the servers see it). People sign in on
each through the real login form (CSRF token from the page) with `requests` sessions. A loan is requested through
server A, endorsed by the division head through server B (so B's write is seen by A), approved by the head of the
supply unit through A; server B then shows it approved and refuses a colleague's request for the same asset and
dates, naming the loan. Both servers are stopped at the end, also when the test fails.
"""

import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from loans import services
from loans.models import Loan
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two app servers share one PostgreSQL database"),
]

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "two-servers-pw-2567"
START_TIMEOUT = 90  # seconds for a gunicorn to answer (the machine may be busy running other tests)


# --- the servers -------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    """The test database pytest-django created, as a DATABASE_URL the subprocesses' settings read."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    return f"postgres://{credentials}@{host}:{port}/{quote(db['NAME'], safe='')}"


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    import requests

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server at {url} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"{url}/accounts/login/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise AssertionError(f"the server at {url} did not answer within {START_TIMEOUT} s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)  # gunicorn's arbiter and its workers
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)


@pytest.fixture
def two_servers(transactional_db, tmp_path):
    """Two gunicorn processes (one worker each) on two free ports, both on the test database.
    Torn down before the database is flushed (this fixture depends on transactional_db)."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DEBUG": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),  # shared by both, as shared media would be in production
        "CONN_MAX_AGE": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",
    }
    servers, processes = [], []
    try:
        for name in ("a", "b"):
            port = _free_port()
            log = tmp_path / f"gunicorn-{name}.log"
            command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                       "--workers", "1", "--threads", "2", "--timeout", "120", "--access-logfile", "-"]
            with log.open("wb") as out:
                process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                           start_new_session=True)
            processes.append(process)
            servers.append((f"http://127.0.0.1:{port}", process, log))
        for url, process, log in servers:
            _wait_until_up(url, process, log)
        yield [url for url, _process, _log in servers]
    finally:
        for process in processes:
            _stop(process)
        connection.close()  # this process's connection is reopened by the flush


# --- a person in a browser ---------------------------------------------------------------------------------

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STATUS = re.compile(r'data-testid="loan-status">([^<]*)<')


class Browser:
    """One person signed in on one server, posting forms with the token the page carries."""

    def __init__(self, base: str, username: str):
        import requests

        self.base = base
        self.session = requests.Session()
        page = self.get("/accounts/login/")
        response = self.post("/accounts/login/", page, {"username": username, "password": PASSWORD, "next": "/"})
        assert response.status_code == 302 and response.headers["Location"] == "/", (
            f"{username} could not sign in on {base}: {response.status_code}")
        assert "sessionid" in self.session.cookies

    def get(self, path: str):
        response = self.session.get(self.base + path, timeout=60, allow_redirects=False)
        assert response.status_code == 200, (self.base + path, response.status_code)
        return response

    def post(self, path: str, page, data: dict):
        """POST the form of `page` (a response holding a CSRF token), as a browser would: same origin."""
        token = CSRF_FIELD.search(page.text)
        assert token, f"no CSRF token on {page.url}"
        return self.session.post(self.base + path, data={"csrfmiddlewaretoken": token.group(1), **data},
                                 headers={"Origin": self.base, "Referer": page.url}, timeout=60,
                                 allow_redirects=False)

    def loan_status(self, loan_id: int) -> str:
        found = STATUS.search(self.get(f"/loans/{loan_id}/").text)
        assert found, f"no status on loan {loan_id} at {self.base}"
        return found.group(1).strip()

    def act(self, loan_id: int, action: str) -> str:
        """Press a button on the loan's page; returns the message the next page shows."""
        page = self.get(f"/loans/{loan_id}/")
        assert f'value="{action}"' in page.text, f"no {action} button on loan {loan_id} at {self.base}"
        response = self.post(f"/loans/{loan_id}/", page, {"action": action})
        assert response.status_code == 302, (action, response.status_code)
        return " ".join(re.findall(r'<ul class="messages"><li class="[^"]*">([^<]*)<', self.get(
            response.headers["Location"]).text))

    def request_loan(self, number: str, starts_on: dt.date, ends_on: dt.date):
        be = lambda day: f"{day.day:02d}/{day.month:02d}/{day.year + 543}"  # noqa: E731
        page = self.get("/loans/new/")
        return self.post("/loans/new/", page, {
            "assets": number, "place": "inside", "where": "", "purpose": "ประชุมประชาคมหมู่ 3",
            "starts_on": be(starts_on), "ends_on": be(ends_on), "phone": "0812345678", "borrower": "",
            "agency_name": "", "agency_contact": ""})


def _with_password(user):
    """A PBKDF2 hash (the servers' hasher; the tests' MD5 one is not in their list), with few iterations so
    building it is quick; the server upgrades it to its full iteration count at the first sign-in."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
    return user


# --- the test ----------------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_a_loan_approved_through_one_server_is_seen_and_enforced_by_the_other(two_servers):
    server_a, server_b = two_servers
    division = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    store = DivisionFactory(code="KLANG", name="กองคลัง")
    people = {
        "somchai": make_user("somchai", "staff", division=division),
        "somsri": make_user("somsri", "staff", division=division),
        "sunee": make_user("sunee", "staff", "division_head", division=division),
        "wichai": make_user("wichai", "staff", "supply_head", division=store),
    }
    version = services.manual_publish(actor=make_user("boss", "administrator", division=store), title="คู่มือ",
                                      body="ใช้เพื่อราชการเท่านั้น")
    for user in people.values():
        _with_password(user)
        services.manual_acknowledge(actor=user, version=version)
    asset = AssetFactory(number="407-67-0042", name="โปรเจคเตอร์", is_lendable=True, division=division)
    today = timezone.localdate()
    starts_on, ends_on = today + dt.timedelta(days=2), today + dt.timedelta(days=4)

    # Requested through A.
    borrower_a = Browser(server_a, "somchai")
    response = borrower_a.request_loan(asset.number, starts_on, ends_on)
    assert response.status_code == 302, response.text[-2000:]
    loan_id = int(re.fullmatch(r"/loans/(\d+)/", response.headers["Location"]).group(1))
    assert borrower_a.loan_status(loan_id) == "รออนุมัติ"

    # Endorsed through B (B sees A's write); approved through A (A sees B's).
    divhead_b = Browser(server_b, "sunee")
    assert divhead_b.loan_status(loan_id) == "รออนุมัติ"
    assert divhead_b.act(loan_id, "endorse") == "บันทึกแล้ว"
    supply_a = Browser(server_a, "wichai")
    assert supply_a.loan_status(loan_id) == "หัวหน้ากองเห็นชอบแล้ว"
    assert supply_a.act(loan_id, "approve") == "บันทึกแล้ว"
    assert Loan.objects.get(pk=loan_id).status == Loan.Status.APPROVED

    # Seen as approved through B, by the borrower and by the approver signed in there.
    assert Browser(server_b, "somchai").loan_status(loan_id) == "อนุมัติแล้ว"
    assert Browser(server_b, "wichai").loan_status(loan_id) == "อนุมัติแล้ว"

    # Enforced by B: a colleague's request for the same asset and dates is refused, naming the loan.
    loans_before = Loan.objects.count()
    refused = Browser(server_b, "somsri").request_loan(asset.number, starts_on, ends_on)
    assert refused.status_code == 200
    assert f"ครุภัณฑ์ {asset.number} ถูกยืมไว้แล้วตามใบยืมที่ {loan_id} " in refused.text
    assert Loan.objects.count() == loans_before  # nothing written
    # And a request that does not overlap goes through B.
    later = Browser(server_b, "somsri").request_loan(asset.number, ends_on + dt.timedelta(days=1),
                                                     ends_on + dt.timedelta(days=2))
    assert later.status_code == 302
    assert Loan.objects.count() == loans_before + 1
