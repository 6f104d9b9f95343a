"""Load run (issue 9): 50 concurrent users on gunicorn + PostgreSQL on loopback, then the database is checked
against what they recorded.

Usage: python benchmarks/load.py [--users 50] [--spawn-rate 5] [--run-time 90s] [--assets 20000]
                                 [--workers N] [--worker-class sync|gthread] [--threads N] [--wait 1,3] [--keep]

1. The database: LOAD_PG_URL (default postgres://postgres@127.0.0.1:5432/phatsadu_load), created if missing,
   migrated, `seed_demo --assets 20000` (with DEBUG=1, in this process; once), then, once and kept for later
   runs: accounts for the load users (load_staff01–40 staff who acknowledged the manual, load_supply01–03 heads of
   the supply unit, load_head head of agency, load_insp01–16 inspectors; the demo password), the loan endorsement
   step switched off on the organisation profile (requests go straight to the approvers, so approvals keep pace),
   and an annual inspection round (order "LOAD/annual", the latest fiscal year without one) appointed with the
   load inspectors and started: every division gets its sheet. Each run puts back to pending, with an UPDATE, the
   lines the load inspectors counted in earlier runs (their scan receipts and log entries stay), so every run
   counts from the same state. The data the users need (asset numbers and ids, lendable numbers, the sheets and
   their numbers, filter values) goes to a JSON file for the locustfile.
2. gunicorn (config.wsgi) on a free loopback port with production settings: DEBUG=0, a random SECRET_KEY,
   ALLOWED_HOSTS=127.0.0.1, static files collected (collectstatic, WhiteNoise's compressed manifest) into a temporary
   VAR_DIR. There is no TLS on loopback, so the HTTPS settings that would redirect every request to https:// and
   keep the cookies off plain HTTP are turned off for this run only: SECURE_SSL_REDIRECT=0, SESSION_COOKIE_SECURE=0,
   CSRF_COOKIE_SECURE=0, SECURE_HSTS_SECONDS=0. In production they stay on (docs/deployment.md). Workers: 2 × cores
   + 1 sync workers by default (5 on 2 cores).
3. locust, headless (benchmarks/load/locustfile.py: who does what, and the weights), for --users users spawned at
   --spawn-rate a second, for --run-time; users finish the action under way when time is up (--stop-timeout).
4. Figures: p50/p95/p99 per request type and overall, the error count; over the whole run and over the steady
   state (from the moment the last user finished signing in: signing in hashes the password, 0.3 s of CPU on
   purpose, and 50 of them at once weigh on 2 cores). Sign-in is listed on its own and left out of "overall".
   Target: p95 under 200 ms, no errors. Also the machine's load average and where the CPU went (gunicorn, locust,
   PostgreSQL, everything else) during the run.
5. Checks: loans created during the run are exactly those whose request POST locust saw succeed (none lost, none
   doubled), each with one item and one log entry; approvals likewise; no two approved or handed-out loans of one
   asset overlap; scan receipts created are exactly the scans answered as recorded, resends (same client_id)
   answered as duplicates and not stored; no inspection line doubled; each sheet's counters equal its lines; the
   lines the load inspectors counted are exactly the distinct assets they scanned; the activity log's hash chain
   verifies. Exit status 1 when a check fails or there were errors.
6. gunicorn is stopped (also when something fails).
"""

import argparse
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from _setup import ROOT, _ensure_pg_database, migrate_and_seed

LOCUSTFILE = Path(__file__).resolve().parent / "load" / "locustfile.py"
ORDER = "LOAD/annual"
STAFF, INSPECTORS, SUPPLY_HEADS = 40, 16, 3
TARGET_P95_MS = 200


# --- preparing the database --------------------------------------------------------------------------------

def setup_django(url: str) -> None:
    _ensure_pg_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "1"  # seed_demo refuses to run otherwise; the server below runs with DEBUG=0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def load_accounts() -> dict[str, list[str]]:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import transaction

    from activity import log
    from demo.management.commands.seed_demo import DEMO_PASSWORD
    from loans import services
    from organization.models import Division, Organization, User

    divisions = list(Division.objects.order_by("order", "id"))
    klang = Division.objects.get(code="KLANG")
    palad = Division.objects.get(code="PALAD")
    wanted = ([(f"load_staff{n:02d}", ["staff"], divisions[n % len(divisions)]) for n in range(1, STAFF + 1)]
              + [(f"load_supply{n:02d}", ["staff", "supply_head"], klang) for n in range(1, SUPPLY_HEADS + 1)]
              + [("load_head", ["agency_head"], palad)]
              + [(f"load_insp{n:02d}", ["staff"], divisions[n % len(divisions)]) for n in range(1, INSPECTORS + 1)])
    names = [name for name, _roles, _division in wanted]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    missing = [spec for spec in wanted if spec[0] not in existing]
    if missing:
        groups = {group.name: group for group in Group.objects.all()}
        password = make_password(DEMO_PASSWORD)  # hashed once
        with transaction.atomic():
            for username, role_names, division in missing:
                user = User(username=username, first_name="ผู้ใช้", last_name=f"ทดสอบโหลด {username[5:]}",
                            position="เจ้าหน้าที่", division=division)
                user.password = password
                user.save()
                user.groups.set([groups[name] for name in role_names])
                log.record("staff.create", obj=user, division_id=division.pk,
                           details={"after": {"username": username, "roles": role_names}})
        print(f"created {len(missing)} load accounts")
    version = services.current_manual()
    for user in User.objects.filter(username__startswith="load_staff"):
        if not services.has_acknowledged(user):
            services.manual_acknowledge(actor=user, version=version)
    Organization.objects.filter(pk=1).update(loan_endorsement_required=False)  # load database only
    return {"staff": [n for n in names if n.startswith("load_staff")],
            "approvers": ["load_supply01", "load_head"] + [f"load_supply{n:02d}" for n in range(2, SUPPLY_HEADS + 1)],
            "inspectors": [n for n in names if n.startswith("load_insp")]}


def load_round():
    import datetime as dt

    from audits import services
    from audits.models import Round
    from organization.models import User
    from thai.dates import fiscal_year

    round_ = Round.objects.filter(kind=Round.Kind.ANNUAL, order_number=ORDER).order_by("-id").first()
    inspectors = list(User.objects.filter(username__startswith="load_insp").order_by("username"))
    if round_ is None:
        used = set(Round.objects.filter(kind=Round.Kind.ANNUAL).values_list("fiscal_year", flat=True))
        year = next(y for y in range(fiscal_year(dt.date.today()) - 1, 2400, -1) if y not in used)
        round_ = services.round_appoint(
            actor=User.objects.get(username="supplyhead"), kind=Round.Kind.ANNUAL, fiscal_year=year,
            order_number=ORDER, order_date=dt.date.today(), appointed_by=User.objects.get(username="head"),
            inspectors=inspectors)
    if round_.status == Round.Status.PLANNED:
        started = time.perf_counter()
        round_ = services.round_start(actor=inspectors[0], round_=round_, today=round_.starts_on)
        print(f"started {round_} in {time.perf_counter() - started:.1f} s")
    if round_.status != Round.Status.COUNTING:
        raise SystemExit(f"round {round_.pk} ({ORDER}) is {round_.status}, not counting")
    return round_


def reset_counts(round_) -> int:
    from audits.models import Line
    from audits.services import counters_rebuild

    reset = Line.objects.filter(round=round_, counted_by__username__startswith="load_insp").update(
        outcome=Line.Outcome.PENDING, condition="", seen_location=None, seen_on_sheet=None, note="", counted_at=None,
        counted_by=None)
    for sheet in round_.sheets.all():
        counters_rebuild(sheet)
    return reset


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("loans_loan", "loans_loanitem", "audits_line", "audits_scan", "audits_sheet",
                      "activity_entry", "organization_user", "django_session"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def users_data(accounts, round_) -> dict:
    import random

    from assets.models import Asset, Category, Status
    from audits.models import Line
    from demo.management.commands.seed_demo import DEMO_PASSWORD
    from organization.models import Division, Location
    from thai.digits import to_thai_digits

    rng = random.Random(9)
    active = Asset.objects.exclude(status=Status.DISPOSED)
    numbers = list(active.values_list("number", flat=True))
    ids = list(active.values_list("id", flat=True))
    lendable = list(active.filter(is_lendable=True, status=Status.IN_USE).values_list("number", flat=True))
    sheets, others = [], {}
    all_sheets = list(round_.sheets.order_by("id"))
    for sheet in all_sheets:
        own = list(Line.objects.filter(sheet=sheet).values_list("number", flat=True))
        sheets.append({"id": sheet.pk, "numbers": rng.sample(own, min(1500, len(own)))})
        other = list(Line.objects.filter(round=round_).exclude(sheet=sheet).values_list("number", flat=True)[:20000])
        others[str(sheet.pk)] = rng.sample(other, min(200, len(other)))
    some = rng.sample(numbers, 40)
    terms = ["โปรเจคเตอร์", "คอมพิวเตอร์", "เครื่องตัดหญ้า", "กล้อง", "เก้าอี้", "เครื่องปรับอากาศ", "รถจักรยานยนต์",
             "โน้ตบุ๊ก", "ตู้เหล็ก", "เอปสัน", "ฮอนด้า", "416-6", "407-", "4160"]
    terms += [n for n in some[:20]] + [to_thai_digits(n) for n in some[20:30]] + [n[:6] for n in some[30:]]
    return {
        "password": DEMO_PASSWORD,
        "accounts": accounts,
        "numbers": [quote(n, safe="") for n in rng.sample(numbers, min(5000, len(numbers)))],
        "asset_ids": rng.sample(ids, min(5000, len(ids))),
        "lendable": rng.sample(lendable, min(3000, len(lendable))),
        "search_terms": [quote(t, safe="") for t in terms],
        "categories": list(Category.objects.values_list("id", flat=True)),
        "divisions": list(Division.objects.values_list("id", flat=True)),
        "locations": list(Location.objects.values_list("id", flat=True)),
        "statuses": [Status.IN_USE, Status.DAMAGED, Status.ON_LOAN, Status.DETERIORATED],
        "fiscal_years": list(range(2550, 2569)),
        "sheets": sheets,
        "sheets_other_numbers": others,
    }


# --- the server --------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(url: str, var_dir: Path) -> dict:
    """Production settings, except the HTTPS ones: there is no TLS on loopback (see the module's docstring)."""
    return {**os.environ, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": url, "VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0", "LOG_LEVEL": "WARNING", "SITE_URL": "http://127.0.0.1"}


def start_gunicorn(env: dict, port: int, args, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(args.workers), "--worker-class", args.worker_class, "--timeout", "60",
               "--error-logfile", "-", "--log-level", "warning"]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    with log.open("ab") as output:  # Django's own error reports (tracebacks) go to the workers' stderr
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as response:
                if response.status == 200:
                    return process
        except OSError:
            pass
        time.sleep(0.3)
    stop(process)
    raise SystemExit(f"gunicorn did not answer within 90 s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)


# --- where the CPU went ------------------------------------------------------------------------------------

def cpu_snapshot() -> dict[int, tuple[str, float]]:
    import psutil

    seen = {}
    for process in psutil.process_iter(["pid", "name", "cmdline", "cpu_times"]):
        info = process.info
        if info["cpu_times"] is None:
            continue
        cmd = " ".join(info["cmdline"] or [info["name"] or "?"])
        seen[info["pid"]] = (cmd, info["cpu_times"].user + info["cpu_times"].system)
    return seen


def cpu_report(before, after, seconds: float, gunicorn_pid: int, locust_pid: int, database: str) -> None:
    import psutil

    def group(pid: int, cmd: str) -> str:
        if pid == locust_pid:
            return "locust"
        if "gunicorn" in cmd and "config.wsgi" in cmd:
            return "gunicorn (app)"
        if cmd.startswith("postgres:") and f" {database} " in cmd:
            return "PostgreSQL, this database"
        if cmd.startswith("postgres"):
            return "PostgreSQL, other"
        if pid == os.getpid():
            return "this script"
        return "other"

    used: dict[str, float] = {}
    others: list[tuple[float, str]] = []
    for pid, (cmd, cpu) in after.items():
        delta = cpu - before.get(pid, (cmd, 0.0))[1] if pid in before else cpu
        if delta <= 0:
            continue
        name = group(pid, cmd)
        used[name] = used.get(name, 0.0) + delta
        if name == "other":
            others.append((delta, cmd[:90]))
    total = psutil.cpu_count() * seconds
    print(f"\nCPU during the run ({psutil.cpu_count()} cores × {seconds:.0f} s = {total:.0f} CPU-s):")
    for name in ("gunicorn (app)", "PostgreSQL, this database", "locust", "this script", "PostgreSQL, other", "other"):
        cpu = used.get(name, 0.0)
        print(f"  {name:<26} {cpu:7.1f} CPU-s ({100 * cpu / seconds:5.1f} % of one core)")
    for delta, cmd in sorted(others, reverse=True)[:5]:
        print(f"    other: {delta:6.1f} CPU-s  {cmd}")


# --- figures -----------------------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))  # nearest rank
    return ordered[index]


def print_table(title: str, rows: list) -> tuple[float, int]:
    """rows: [name, ms, ok, started]; returns the overall p95 (sign-in left out) and the error count."""
    by_name: dict[str, list] = {}
    for name, ms, ok, _started in rows:
        by_name.setdefault(name, []).append((ms, ok))
    print(f"\n{title}")
    print(f"  {'request':<38} {'count':>6} {'errors':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}  ms")

    def line(name, items):
        times = [ms for ms, _ok in items]
        errors = sum(1 for _ms, ok in items if not ok)
        print(f"  {name:<38} {len(items):6d} {errors:6d} {percentile(times, 50):7.0f} {percentile(times, 95):7.0f} "
              f"{percentile(times, 99):7.0f} {max(times):7.0f}")
        return percentile(times, 95), errors

    for name in sorted(by_name):
        line(name, by_name[name])
    work = [item for name, items in by_name.items() if not name.startswith("sign in") for item in items]
    everything = [item for items in by_name.values() for item in items]
    p95, _errors = line("OVERALL (sign-in left out)", work)
    line("overall, sign-in included", everything)
    errors = sum(1 for _ms, ok in everything if not ok)
    return p95, errors


def server_errors(log: Path) -> None:
    """What the app logged as errors (Django's "Internal Server Error: <path>" and the exception that ended each
    traceback), counted; the whole log stays in the folder --keep keeps."""
    lines = log.read_text(errors="replace").splitlines()
    found: dict[str, int] = {}
    for index, line in enumerate(lines):
        if line.startswith("Internal Server Error:"):
            end = next((lines[j] for j in range(index + 1, min(index + 200, len(lines)))
                        if re.match(r"^[\w.]+(Error|Exception|Detected)\b", lines[j])), "?")
            key = f"{line.split(':', 1)[1].strip()}: {end.strip()[:140]}"
            found[key] = found.get(key, 0) + 1
    if found:
        print("\nerrors the app logged (gunicorn.log):")
        for key, count in sorted(found.items(), key=lambda item: -item[1]):
            print(f"  {count:4d} × {key}")


# --- checks ------------------------------------------------------------------------------------------------

def snapshot(round_) -> dict:
    from django.db import connection

    from activity.models import Entry
    from audits.models import Line, Scan
    from loans.models import Loan

    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        now = cursor.fetchone()[0]
    return {"now": now, "loan": Loan.objects.order_by("-id").values_list("id", flat=True).first() or 0,
            "scan": Scan.objects.order_by("-id").values_list("id", flat=True).first() or 0,
            "entry": Entry.objects.order_by("-id").values_list("id", flat=True).first() or 0,
            "lines": Line.objects.filter(round=round_).count()}


def check(before: dict, results: dict, round_) -> list[str]:
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from activity.models import Entry
    from assets.numbering import number_key
    from audits.models import Line, Scan, Sheet
    from loans.models import Loan, LoanItem

    problems = []

    def verdict(label: str, ok: bool, detail: str) -> None:
        print(f"  {'ok  ' if ok else 'FAIL'} {label}: {detail}")
        if not ok:
            problems.append(label)

    print("\nchecks after the run:")
    new_loans = set(Loan.objects.filter(id__gt=before["loan"]).values_list("id", flat=True))
    posted = results["loans_created"]
    verdict("loans", new_loans == set(posted) and len(posted) == len(set(posted)),
            f"{len(posted)} request POSTs succeeded, {len(new_loans)} loans created "
            f"(lost {len(set(posted) - new_loans)}, not recorded {len(new_loans - set(posted))}); "
            f"{results['loans_refused']} refused for a clash")
    items = LoanItem.objects.filter(loan_id__in=new_loans).count()
    logged = Entry.objects.filter(id__gt=before["entry"], action="loan.request").count()
    verdict("loan items and log", items == len(new_loans) and logged == len(new_loans),
            f"{items} items, {logged} 'loan.request' log entries for {len(new_loans)} loans")
    approved_db = set(Loan.objects.filter(decided_at__gte=before["now"], status=Loan.Status.APPROVED)
                      .values_list("id", flat=True))
    approved = results["approved"]
    approve_logged = Entry.objects.filter(id__gt=before["entry"], action="loan.approve").count()
    verdict("approvals", approved_db == set(approved) and len(approved) == len(set(approved))
            and approve_logged == len(approved),
            f"{len(approved)} approvals confirmed by the page, {len(approved_db)} loans approved in the database, "
            f"{approve_logged} 'loan.approve' log entries; {results['approve_refused']} refused "
            "(decided by another approver first, or a clash)")
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*) FROM loans_loanitem a JOIN loans_loan la ON la.id = a.loan_id
            JOIN loans_loanitem b ON b.asset_id = a.asset_id AND b.loan_id > a.loan_id
            JOIN loans_loan lb ON lb.id = b.loan_id
            WHERE la.status IN ('approved', 'out') AND lb.status IN ('approved', 'out')
              AND a.returned_at IS NULL AND b.returned_at IS NULL
              AND la.starts_on <= lb.ends_on AND lb.starts_on <= la.ends_on""")
        overlapping = cursor.fetchone()[0]
    verdict("no overlapping approved loans", overlapping == 0, f"{overlapping} overlapping pairs")

    receipts = dict(Scan.objects.filter(id__gt=before["scan"]).values_list("client_id", "number"))
    receipts = {str(key): value for key, value in receipts.items()}
    sent = {client_id: number for client_id, number in results["scans_recorded"]}
    verdict("scan receipts", set(receipts) == set(sent) and len(sent) == len(results["scans_recorded"]),
            f"{len(results['scans_recorded'])} scans answered as recorded, {len(receipts)} receipts stored "
            f"(lost {len(set(sent) - set(receipts))}, not recorded {len(set(receipts) - set(sent))}); "
            f"{results['scans_resent']} resends answered as duplicates")
    lines = Line.objects.filter(round=round_)
    doubled = lines.values("asset_id").order_by().annotate(n=Count("id")).filter(n__gt=1).count()
    verdict("inspection lines", lines.count() == before["lines"] and doubled == 0,
            f"{lines.count()} lines (before the run {before['lines']}), {doubled} assets with more than one line")
    wrong = []
    for sheet in Sheet.objects.filter(round=round_):
        for outcome, field in ((Line.Outcome.SEEN, "seen_count"), (Line.Outcome.ON_LOAN, "on_loan_count"),
                               (Line.Outcome.MISSING, "missing_count")):
            actual = Line.objects.filter(sheet=sheet, outcome=outcome).count()
            if getattr(sheet, field) != actual:
                wrong.append(f"sheet {sheet.pk} {field} {getattr(sheet, field)} ≠ {actual}")
    verdict("sheet counters", not wrong, "; ".join(wrong) or "every sheet's counters equal its lines")
    scanned = {number_key(number) for number in sent.values()}
    counted = lines.filter(counted_by__username__startswith="load_insp").count()
    verdict("lines counted", counted == len(scanned),
            f"{len(scanned)} distinct assets scanned, {counted} lines counted by the load inspectors")
    out = io.StringIO()
    try:
        call_command("verify_activity_log", stdout=out, stderr=out)
        said = out.getvalue().strip()
        verdict("activity log chain", True, said.splitlines()[-1] if said else "intact")
    except BaseException as error:  # CommandError or SystemExit naming the first bad entry
        verdict("activity log chain", False, f"{error} {out.getvalue().strip()[-300:]}")
    return problems


# --- the run -----------------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--run-time", default="90s")
    parser.add_argument("--assets", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread only)")
    parser.add_argument("--wait", default="1,3", help="seconds each user waits between actions: min,max")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, data, results)")
    args = parser.parse_args()

    url = os.environ.get("LOAD_PG_URL", "postgres://postgres@127.0.0.1:5432/phatsadu_load")
    setup_django(url)
    migrate_and_seed(args.assets)
    accounts = load_accounts()
    round_ = load_round()
    reset = reset_counts(round_)
    if reset:
        print(f"put back to pending {reset:,} lines counted by earlier runs")
    vacuum_analyze()
    work = Path(tempfile.mkdtemp(prefix="phatsadu-load-"))
    data_file, results_file = work / "data.json", work / "results.json"
    data_file.write_text(json.dumps(users_data(accounts, round_), ensure_ascii=False), encoding="utf-8")

    env = server_env(url, work / "var")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True)
    port = free_port()
    gunicorn = None
    try:
        gunicorn = start_gunicorn(env, port, args, work / "gunicorn.log")
        from django.db import connections

        before = snapshot(round_)
        connections.close_all()  # no idle connection of ours during the run
        from assets.models import Asset

        print(f"\ngunicorn: {args.workers} {args.worker_class} workers"
              + (f" × {args.threads} threads" if args.worker_class == "gthread" else "")
              + f" on 127.0.0.1:{port}, DEBUG=0; {Asset.objects.count():,} assets; "
              f"locust: {args.users} users, spawn {args.spawn_rate}/s, {args.run_time}, wait {args.wait} s")
        load_start = os.getloadavg()
        cpu_before = cpu_snapshot()
        started = time.monotonic()
        locust_env = {**os.environ, "LOAD_DATA": str(data_file), "LOAD_RESULTS": str(results_file),
                      "LOAD_WAIT": args.wait}
        with (work / "locust.log").open("wb") as log:
            locust = subprocess.Popen(
                [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--users", str(args.users),
                 "--spawn-rate", str(args.spawn_rate), "--run-time", args.run_time, "--stop-timeout", "30",
                 "--host", f"http://127.0.0.1:{port}", "--only-summary", "--loglevel", "WARNING"],
                cwd=ROOT, env=locust_env, stdout=log, stderr=subprocess.STDOUT)
            peak = list(load_start)
            cpu_last = cpu_before
            while locust.poll() is None:
                time.sleep(2)
                peak = [max(a, b) for a, b in zip(peak, os.getloadavg())]
                cpu_last = {**cpu_last, **cpu_snapshot()}  # processes that end before the run does still count
        seconds = time.monotonic() - started
        load_end = os.getloadavg()
        print(f"load average (1, 5, 15 min): before {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}, "
              f"highest 1-min during {peak[0]:.2f}, after {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f}")
        cpu_report(cpu_before, cpu_last, seconds, gunicorn.pid, locust.pid, url.rsplit("/", 1)[1])
        if not results_file.exists():
            print((work / "locust.log").read_text()[-3000:])
            raise SystemExit("locust wrote no results")
        results = json.loads(results_file.read_text(encoding="utf-8"))
    finally:
        stop(gunicorn)

    rows = results["requests"]
    p95_all, errors_all = print_table(f"whole run: {len(rows):,} requests in {seconds:.0f} s", rows)
    steady_from = max(results["signed_in"]) if results["signed_in"] else None  # the last sign-in
    p95 = p95_all
    if steady_from:
        steady = [row for row in rows if row[3] >= steady_from]
        span = max(row[3] for row in rows) - steady_from
        p95, _errors = print_table(
            f"steady state (after the last of the {len(results['signed_in'])} sign-ins): "
            f"{len(steady):,} requests in {span:.0f} s, "
            f"{len(steady) / max(span, 1):.1f} requests/s", steady)
    server_errors(work / "gunicorn.log")

    problems = check(before, results, round_)
    verdict = "met" if p95 < TARGET_P95_MS and errors_all == 0 else "MISSED"
    print(f"\ntarget p95 < {TARGET_P95_MS} ms and no errors: {verdict} "
          f"(steady-state overall p95 {p95:.0f} ms, {errors_all} errors)")
    if args.keep:
        print(f"logs, data and results kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if problems or errors_all else 0


if __name__ == "__main__":
    sys.exit(main())
