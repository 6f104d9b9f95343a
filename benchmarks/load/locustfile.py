"""Locust users for the load run (issue 9): a municipality's working day against gunicorn + PostgreSQL.

Run through benchmarks/load.py, which prepares the database, starts gunicorn, writes the data file this reads
(LOAD_DATA: accounts, asset numbers, the counting sheets) and reads back what these users recorded (LOAD_RESULTS:
every request's time, the loans created and approved, the scans sent) to check the database against it.

Who is on the system (weights: of 50 users about 23 / 4 / 8 / 4 / 11):
- Clerk (6): reads the register: the first page, searches (Thai words, numbers, Thai digits), filters (category,
  division, status, fiscal year), other pages and sort orders, an asset's page, the dashboard, a label's page.
- Visitor (1): not signed in, opens a label's page /a/<number> after scanning its QR code with a phone camera.
- Borrower (2): opens a lendable asset's label page, the request form from it, and sends a request (inside the
  premises mostly, outside sometimes); looks at their loans.
- Approver (1): the head of the supply unit (inside loans) or the head of agency (outside): opens the inbox, a
  waiting request, approves it (the page after the redirect says whether it went through).
- Inspector (3): counts on a phone: the counting page, then scans sent as JSON to /inspections/sheet/<id>/scan/,
  each with its own client_id, mostly assets of their own sheet, some of another division's (found elsewhere);
  now and then a scan is sent again with the same client_id (the phone's offline queue resending), which must
  be answered as a duplicate and not recorded twice.
Each waits LOAD_WAIT seconds (default "1,3": between 1 and 3) between actions.

A loan request refused because the asset is already approved for overlapping dates, or an approval refused because
another approver decided that request first, is the application working: counted as refused, not as an error.
Anything else unexpected (a status other than the one the page should answer, a 5xx, a timeout) is a failure.
"""

import datetime as dt
import itertools
import json
import os
import random
import re
import time
import uuid

from locust import HttpUser, between, events, task

DATA = json.loads(open(os.environ["LOAD_DATA"], encoding="utf-8").read())
PASSWORD = DATA["password"]
WAIT = tuple(float(x) for x in os.environ.get("LOAD_WAIT", "1,3").split(","))

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOAN_LINK = re.compile(r'href="/loans/(\d+)/"')
MESSAGE = re.compile(r'<ul class="messages"><li class="([^"]*)">([^<]*)<')
CLASH = "ถูกยืมไว้แล้วตามใบยืมที่"
SAVED = "บันทึกแล้ว"

RESULTS = {
    "requests": [],  # [name, ms, ok, started (epoch s)]
    "loans_created": [],  # ids from the redirect after a request POST
    "loans_refused": 0,  # refused for a clash (not an error)
    "approved": [],  # loan ids whose approval the next page confirmed
    "approve_refused": 0,  # decided by someone else first, or a clash
    "scans_recorded": [],  # [client_id, number] of each scan answered as recorded (not a duplicate)
    "scans_resent": 0,  # resends answered "duplicate"
    "signed_in": [],  # epoch s of each completed sign-in
    "users": 0,
}
_accounts = {pool: itertools.cycle(names) for pool, names in DATA["accounts"].items()}


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, start_time=None, **kwargs):
    RESULTS["requests"].append([name, response_time, exception is None, start_time or time.time()])


@events.test_stop.add_listener
def _write_results(environment, **kwargs):
    RESULTS["users"] = environment.runner.user_count if environment.runner else 0
    with open(os.environ["LOAD_RESULTS"], "w", encoding="utf-8") as out:
        json.dump(RESULTS, out)


def _be(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


class Person(HttpUser):
    abstract = True
    wait_time = between(*WAIT)
    pool = "staff"

    def on_start(self):
        self.username = next(_accounts[self.pool])
        page = self.client.get("/accounts/login/", name="sign in: form")
        with self.client.post("/accounts/login/", name="sign in: POST", allow_redirects=False, catch_response=True,
                              data={"csrfmiddlewaretoken": self._token(page), "username": self.username,
                                    "password": PASSWORD, "next": "/"}) as response:
            if response.status_code != 302:
                response.failure(f"{self.username} not signed in: {response.status_code}")
                return
        RESULTS["signed_in"].append(time.time())

    def _token(self, page) -> str:
        found = CSRF_FIELD.search(page.text or "")
        return found.group(1) if found else ""

    def _get(self, path: str, name: str, expect: int = 200):
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code != expect:
                response.failure(f"{path}: {response.status_code}")
            return response


class Clerk(Person):
    """Reads the register all day."""

    weight = 6

    @task(3)
    def register_first_page(self):
        self._get("/assets/", "register: list")

    @task(3)
    def register_search(self):
        self._get("/assets/?q=" + random.choice(DATA["search_terms"]), "register: search")

    @task(2)
    def register_filter(self):
        choice = random.random()
        if choice < 0.35:
            query = f"category={random.choice(DATA['categories'])}&division={random.choice(DATA['divisions'])}"
        elif choice < 0.6:
            query = f"division={random.choice(DATA['divisions'])}&status={random.choice(DATA['statuses'])}"
        elif choice < 0.8:
            query = f"fiscal_year={random.choice(DATA['fiscal_years'])}&category={random.choice(DATA['categories'])}"
        else:
            query = f"location={random.choice(DATA['locations'])}"
        self._get("/assets/?" + query, "register: filter")

    @task(1)
    def register_page_and_sort(self):
        sort = random.choice(["name", "-acquired_on", "unit_price", "division", "-number"])
        self._get(f"/assets/?page={random.randint(2, 40)}&sort={sort}", "register: page + sort")

    @task(2)
    def asset_page(self):
        self._get(f"/assets/{random.choice(DATA['asset_ids'])}/", "asset page")

    @task(1)
    def dashboard(self):
        self._get("/", "dashboard")

    @task(2)
    def label_page(self):
        self._get("/a/" + random.choice(DATA["numbers"]), "scan page /a/<number> (signed in)")


class Visitor(HttpUser):
    """Someone who scanned a label with a phone camera, not signed in."""

    weight = 1
    wait_time = between(*WAIT)

    @task
    def label_page(self):
        with self.client.get("/a/" + random.choice(DATA["numbers"]), name="scan page /a/<number> (anonymous)",
                             catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(str(response.status_code))


class Borrower(Person):
    """Staff borrowing lendable assets (from the label's page, as on a phone)."""

    weight = 2

    def on_start(self):
        super().on_start()
        self.mine = []

    @task(4)
    def request_a_loan(self):
        number = random.choice(DATA["lendable"])
        self._get("/a/" + number, "scan page /a/<number> (signed in)")
        form = self._get("/loans/new/?asset=" + number, "loan: request form")
        starts = dt.date.today() + dt.timedelta(days=random.randint(1, 90))
        ends = starts + dt.timedelta(days=random.randint(0, 3))
        outside = random.random() < 0.2
        with self.client.post("/loans/new/", name="loan: request POST", allow_redirects=False, catch_response=True,
                              data={"csrfmiddlewaretoken": self._token(form), "assets": number,
                                    "place": "outside" if outside else "inside",
                                    "where": "ศาลาประชาคมหมู่ 2" if outside else "", "purpose": "ประชุมประชาคมหมู่บ้าน",
                                    "starts_on": _be(starts), "ends_on": _be(ends),
                                    "phone": "0812345678", "borrower": "", "agency_name": "", "agency_contact": ""},
                              ) as response:
            found = re.fullmatch(r"/loans/(\d+)/", response.headers.get("Location", ""))
            if response.status_code == 302 and found:
                RESULTS["loans_created"].append(int(found.group(1)))
                self.mine.append(int(found.group(1)))
            elif response.status_code == 200 and CLASH in response.text:
                RESULTS["loans_refused"] += 1
            else:
                response.failure(f"request not taken: {response.status_code} {response.text[-300:]!r}")

    @task(1)
    def my_loans(self):
        self._get("/loans/", "loan: my loans")

    @task(1)
    def one_of_mine(self):
        if self.mine:
            self._get(f"/loans/{random.choice(self.mine)}/", "loan: page")


class Approver(Person):
    """The head of the supply unit (inside loans) and the head of agency (outside loans)."""

    weight = 1
    pool = "approvers"

    @task(4)
    def approve_one(self):
        inbox = self._get("/loans/inbox/", "loan: approvals inbox")
        waiting = LOAN_LINK.findall(inbox.text or "")
        if not waiting:
            return
        loan_id = random.choice(waiting[:10])  # the oldest first, as a person works down the list
        page = self._get(f"/loans/{loan_id}/", "loan: page")
        if 'value="approve"' not in (page.text or ""):
            RESULTS["approve_refused"] += 1  # decided by another approver meanwhile
            return
        with self.client.post(f"/loans/{loan_id}/", name="loan: approve POST", allow_redirects=False,
                              catch_response=True,
                              data={"csrfmiddlewaretoken": self._token(page), "action": "approve"}) as response:
            if response.status_code != 302:
                response.failure(str(response.status_code))
                return
        after = self._get(f"/loans/{loan_id}/", "loan: page")
        message = MESSAGE.search(after.text or "")
        if message and message.group(2) == SAVED:
            RESULTS["approved"].append(int(loan_id))
        else:
            RESULTS["approve_refused"] += 1

    @task(1)
    def loan_register(self):
        self._get("/loans/register/", "loan: register")


class Inspector(Person):
    """An inspector counting their division's assets with a phone."""

    weight = 3
    pool = "inspectors"

    def on_start(self):
        super().on_start()
        self.sheet = random.choice(DATA["sheets"])
        self.sent = []
        page = self._get(f"/inspections/sheet/{self.sheet['id']}/count/", "count: counting page")
        self.token = self._token(page)

    def _scan(self, number: str, client_id: str, resend: bool):
        with self.client.post(f"/inspections/sheet/{self.sheet['id']}/scan/", name="count: scan POST (JSON)",
                              catch_response=True,
                              data=json.dumps({"client_id": client_id, "number": number, "condition": "usable",
                                               "scanned_at": dt.datetime.now(dt.timezone.utc).isoformat()}),
                              headers={"Content-Type": "application/json", "X-CSRFToken": self.token,
                                       "Accept": "application/json"}) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.text[:200]!r}")
                return
            answer = response.json()
            if answer.get("duplicate") != resend:
                response.failure(f"duplicate is {answer.get('duplicate')!r} for a {'re' if resend else ''}send")
            elif resend:
                RESULTS["scans_resent"] += 1
            else:
                RESULTS["scans_recorded"].append([client_id, number])
                self.sent.append((number, client_id))

    @task(12)
    def scan(self):
        pool = self.sheet["numbers"] if random.random() < 0.9 else DATA["sheets_other_numbers"][str(self.sheet["id"])]
        self._scan(random.choice(pool), str(uuid.uuid4()), resend=False)

    @task(1)
    def resend(self):
        if self.sent:
            number, client_id = random.choice(self.sent)
            self._scan(number, client_id, resend=True)

    @task(1)
    def sheet_page(self):
        self._get(f"/inspections/sheet/{self.sheet['id']}/?show=pending", "count: sheet page")
