"""The annual integrity report and the dashboard at size (issue 8): "the report for a year with 100,000 assets,
50,000 loans and 2,000 procurements renders under 5 s; the dashboard under 100 ms".

Usage: python benchmarks/annual_report.py [sqlite|postgres ...] [--runs N] [--year YYYY] [--sql]
Without a database named, runs SQLite then PostgreSQL, each in its own process.

Uses the 100,000-asset benchmark database (seeded the first time) and adds, once, what the loan and the
procurement register benchmarks add: 50,000 loans over the last three years (benchmarks/loans.py seed_loans)
and 20,000 procurements with their bids over the fiscal years 2560-2569, about 2,000 a year
(benchmarks/procurement_register.py seed_procurements). The measured fiscal year is, unless --year names one,
the one of 2560-2569 in which the most loans start (the current fiscal year is printed for reference).
All as the demo property officer ("officer") unless said otherwise:
1. the figures alone: reports.annual.figures_for(year), median of --runs calls, with its query count;
2. the draft's PDF end to end: GET /annual/<year>/draft.pdf (the draft is created first through
   reports.annual.report_create if the year has none), median of --runs requests after one warm-up,
   with its page count and query count;
3. issuing a version once: reports.annual.report_issue (figures, log entry, chain anchor, HTML and PDF saved);
   every run of this benchmark therefore adds a version to the benchmark database. Issued PDFs go to
   var/bench/media unless MEDIA_ROOT is set;
4. the web page GET /annual/<year>/ (median of --runs requests, _setup.measure);
5. the dashboard GET / as the officer, the head of the supply unit ("supplyhead") and the auditor ("auditor"),
   median of max(--runs, 20) requests (_setup.measure).
--sql prints, for the page, the PDF and the dashboards, the five slowest SQL statements of one request.
Time is measured in-process (Django's test client, no network), server time only; the load average is printed
before and after.
"""

import argparse
import importlib.util
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _setup import ROOT, measure, migrate_and_seed, use_database

HERE = Path(__file__).resolve().parent
REPORT_TARGET_S = 5.0
DASHBOARD_TARGET_MS = 100.0
SEEDED_YEARS = range(2560, 2570)


def _bench_module(name: str):
    """A sibling benchmark as a module (benchmarks/loans.py would otherwise be shadowed by the loans app)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


class Recorder:
    """Counts (and times) the SQL statements run inside it."""

    def __init__(self):
        self.statements: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append(((time.perf_counter() - started) * 1000, sql))

    def __enter__(self):
        from django.db import connection

        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)

    @property
    def count(self) -> int:
        return len(self.statements)

    def slowest(self, n: int = 5) -> str:
        total = sum(ms for ms, _sql in self.statements)
        lines = [f"      {len(self.statements)} statements, {total:.1f} ms in the database"]
        for ms, sql in sorted(self.statements, reverse=True)[:n]:
            lines.append(f"      {ms:8.1f} ms  {' '.join(sql.split())[:220]}")
        return "\n".join(lines)


def _repeat(call, runs: int):
    """One warm-up call whose queries are counted, then `runs` timed calls: (median s, min, max, queries, result)."""
    with Recorder() as recorder:
        result = call()
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), max(times), recorder, result


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISSES TARGET"


def _pick_year(wanted: int | None) -> tuple[int, str]:
    from django.utils import timezone

    from loans import selectors as loan_selectors
    from loans.models import Loan
    from thai.dates import fiscal_year

    current = fiscal_year(timezone.localdate())
    per_year = {year: loan_selectors.in_fiscal_year(Loan.objects.all(), year).count() for year in SEEDED_YEARS}
    listed = ", ".join(f"{year}: {n:,}" for year, n in per_year.items() if n)
    print(f"  loans starting per seeded fiscal year: {listed or 'none'}")
    if wanted:
        return wanted, "named with --year"
    year = max(per_year, key=lambda year: (per_year[year], year))
    return year, (f"the seeded fiscal year (2560-2569) with the most loans; the current fiscal year is {current}"
                  + (" (no seeded procurements)" if current not in SEEDED_YEARS else ""))


def run_one(kind: str, runs: int, wanted_year: int | None, show_sql: bool) -> None:
    os.environ.setdefault("MEDIA_ROOT", str(ROOT / "var" / "bench" / "media"))
    use_database(kind)
    print(f"\n{kind}: {_load()} at start")
    migrate_and_seed(100_000)
    _bench_module("loans").seed_loans(50_000)
    _bench_module("procurement_register").seed_procurements(20_000)
    from django.test import Client

    from assets.models import Asset
    from loans import selectors as loan_selectors
    from loans.models import Loan
    from organization.models import User
    from procurement.models import Bid, Procurement
    from reports import annual

    year, why = _pick_year(wanted_year)
    in_year = Procurement.objects.filter(fiscal_year=year)
    cancelled = in_year.filter(status=Procurement.Status.CANCELLED).count()
    loans_in_year = loan_selectors.in_fiscal_year(Loan.objects.all(), year).count()
    print(f"  database: {Asset.objects.count():,} assets, {Loan.objects.count():,} loans, "
          f"{Procurement.objects.count():,} procurements, {Bid.objects.count():,} bids")
    print(f"  fiscal year {year} ({why}): {loans_in_year:,} loans start in it; {in_year.count():,} procurements "
          f"({cancelled:,} cancelled, left out of the report), "
          f"{Bid.objects.filter(procurement__in=in_year).count():,} bids")

    officer = User.objects.get(username="officer")
    client = Client()
    client.force_login(officer)

    # 1. the figures alone
    median, low, high, recorder, figures = _repeat(lambda: annual.figures_for(year), runs)
    print(f"\n  1. figures (figures_for)       median {median * 1000:8.1f} ms  (min {low * 1000:.1f}, "
          f"max {high * 1000:.1f})  {recorder.count} queries  [{figures[4]['loans'].value:,} loans, "
          f"{figures[5]['procurements'].value:,} procurements counted]")
    if show_sql:
        print(recorder.slowest())

    # 2. the draft's PDF, through the view
    report = annual.report_for(year)
    if report is None:
        started = time.perf_counter()
        report = annual.report_create(actor=officer, year=year)
        print(f"     (draft of {year} created in {time.perf_counter() - started:.2f} s)")

    def draft_pdf():
        response = client.get(f"/annual/{year}/draft.pdf")
        assert response.status_code == 200, response.status_code
        return response.content

    median, low, high, recorder, pdf = _repeat(draft_pdf, runs)
    print(f"  2. draft PDF (view, end to end) median {median:8.2f} s   (min {low:.2f}, max {high:.2f})  "
          f"{recorder.count} queries  {_pages(pdf)} pages  {len(pdf) / 1024:.0f} KiB  "
          f"target < {REPORT_TARGET_S:.0f} s: {_mark(median < REPORT_TARGET_S)}")
    if show_sql:
        print(recorder.slowest())

    # 3. issuing a version, once
    started = time.perf_counter()
    with Recorder() as recorder:
        version = annual.report_issue(actor=officer, report=report)
    seconds = time.perf_counter() - started
    with version.pdf.open("rb") as handle:
        issued_pages = _pages(handle.read())
    print(f"  3. issue a version (once)      {seconds:8.2f} s   {recorder.count} queries (version {version.number}, "
          f"{issued_pages} pages)  target < {REPORT_TARGET_S:.0f} s: {_mark(seconds < REPORT_TARGET_S)}")

    # 4. the web page
    median, queries, status = measure(client, f"/annual/{year}/", runs)
    assert status == 200, status
    print(f"  4. page /annual/{year}/         median {median:8.1f} ms  {queries} queries  "
          f"target < {REPORT_TARGET_S:.0f} s: {_mark(median < REPORT_TARGET_S * 1000)}")
    if show_sql:
        with Recorder() as recorder:
            client.get(f"/annual/{year}/")
        print(recorder.slowest())

    # 5. the dashboard
    dashboard_runs = max(runs, 20)
    print(f"  5. dashboard GET / (median of {dashboard_runs} requests, target < {DASHBOARD_TARGET_MS:.0f} ms)")
    for username in ("officer", "supplyhead", "auditor"):
        user_client = Client()
        user_client.force_login(User.objects.get(username=username))
        median, queries, status = measure(user_client, "/", dashboard_runs)
        assert status == 200, (username, status)
        print(f"     as {username:<12}             {median:8.1f} ms  {queries:3d} queries  "
              f"{_mark(median < DASHBOARD_TARGET_MS)}")
        if show_sql:
            with Recorder() as recorder:
                user_client.get("/")
            print(recorder.slowest())
    print(f"  {_load()} at end")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("databases", nargs="*", default=[])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--year", type=int, default=None, help="the fiscal year (BE) to measure")
    parser.add_argument("--sql", action="store_true", help="print the slowest SQL statements of one request")
    args = parser.parse_args()
    if len(args.databases) == 1:
        run_one(args.databases[0], args.runs, args.year, args.sql)
        return
    for kind in args.databases or ["sqlite", "postgres"]:
        command = [sys.executable, __file__, kind, "--runs", str(args.runs)]
        command += ["--year", str(args.year)] if args.year else []
        command += ["--sql"] if args.sql else []
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
