"""Annual inspection (issue 6): recording one scan, and a division sheet page of 5,000 assets.

Usage: python benchmarks/inspection.py [sqlite|postgres ...] [--scans N] [--runs N] [--sql]
Without a database named, runs SQLite then PostgreSQL, each in its own process.

Uses the 100,000-asset benchmark database (seeded the first time) and adds, once, what it needs:
- a user "bench_inspector" (staff role, not a property officer) and a division BENCH5K with exactly
  5,000 assets registered in bulk through assets.services.assets_register_bulk (the database then
  holds 105,000 assets);
- an annual round (order number "BENCH/inspection-annual"), appointed by the head of agency with
  bench_inspector as its inspector, for the latest fiscal year that has no annual round yet, and
  started (every division gets its sheet, ~20,000 lines each). Later runs reuse that round;
- a spot-check round of BENCH5K (order number "BENCH/inspection-spot"): one sheet of exactly 5,000
  lines, 2,000 of which are then marked seen in bulk (benchmark data, not through the services) so
  that the page and its "pending" filter show a sheet 40 % counted. Later runs reuse it.

1. Recording one scan: POST /inspections/sheet/<pk>/scan/ (JSON, a fresh client_id each time) on the
   annual sheet of the first seeded division (PALAD), through the view and the services (lines, scan
   receipts and activity log written), in three series of --scans scans each (default 250): assets of
   that sheet not yet seen, the same assets again (a rescan updates the line), and assets of another
   division (KLANG: found elsewhere). Each series starts with one scan that is not timed, whose SQL
   queries are counted through Django's execute wrapper (--sql prints them with their times; on
   PostgreSQL the activity log's rows go by COPY, which the wrapper does not see).
   Re-runnable: each run first puts back to pending, with an UPDATE, the annual round's lines that
   bench_inspector counted in earlier runs (their scan receipts and log entries stay), so every run
   scans the same state.
2. The sheet page: median server time and query count of GET /inspections/sheet/<pk>/ (first page,
   ?page=30 and ?show=pending) as bench_inspector, for the 5,000-line spot sheet and, for reference,
   the ~20,000-line annual sheet the scans went to (after the scans).
Time is measured in-process with Django's test client (no network), server time only.
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid

from _setup import measure, migrate_and_seed, use_database

ANNUAL_ORDER = "BENCH/inspection-annual"
SPOT_ORDER = "BENCH/inspection-spot"
INSPECTOR = "bench_inspector"
DIVISION_CODE = "BENCH5K"
SPOT_ASSETS = 5_000
SPOT_SEEN = 2_000
SCAN_TARGET_MS = 30
PAGE_TARGET_MS = 100


# --- set-up ------------------------------------------------------------------------------------------

def _analyze(*tables: str) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":  # fresh statistics after a bulk load
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM ANALYZE {table}")


def inspector_user():
    from django.contrib.auth.models import Group
    from django.db import transaction

    from activity import log
    from organization.models import Division, User

    user = User.objects.filter(username=INSPECTOR).first()
    if user is None:
        with transaction.atomic():
            user = User(username=INSPECTOR, first_name="ผู้ตรวจสอบ", last_name="ทดสอบสมรรถนะ",
                        position="นักจัดการงานทั่วไป", division=Division.objects.get(code="PALAD"))
            user.set_unusable_password()
            user.save()
            user.groups.set([Group.objects.get(name="staff")])
            log.record("staff.create", obj=user, division_id=user.division_id,
                       details={"after": {"username": INSPECTOR, "roles": ["staff"]}})
    return user


def bench_division():
    """The BENCH5K division with exactly SPOT_ASSETS assets not disposed of (registered in bulk once)."""
    from decimal import Decimal

    from django.db import transaction

    from activity import log
    from assets.models import AcquisitionMethod, Asset, BudgetType, Category, Status
    from assets.services import assets_register_bulk
    from demo import data
    from organization.models import Division, Location, User

    with transaction.atomic():
        division, made = Division.objects.get_or_create(
            code=DIVISION_CODE, defaults={"name": "กองทดสอบสมรรถนะ (5,000 รายการ)", "order": 99})
        if made:
            log.record("division.create", obj=division,
                       details={"after": {"code": division.code, "name": division.name}})
        locations = []
        for code, name in [("B01", "ห้องทดสอบ 1"), ("B02", "ห้องทดสอบ 2"), ("B03", "คลังทดสอบ")]:
            location, made = Location.objects.get_or_create(division=division, code=code, defaults={"name": name})
            if made:
                log.record("location.create", obj=location, division_id=division.pk,
                           details={"after": {"code": code, "name": name}})
            locations.append(location)
    held = Asset.objects.filter(division=division).exclude(status=Status.DISPOSED).count()
    if held > SPOT_ASSETS:
        raise SystemExit(f"{DIVISION_CODE} holds {held:,} assets, more than {SPOT_ASSETS:,}")
    if held < SPOT_ASSETS:
        categories = {c.code: c for c in Category.objects.all()}
        budget_type = BudgetType.objects.order_by("code").first()
        buy = AcquisitionMethod.objects.get(code="BUY")
        item_choices = [(code, item) for code, items in data.ITEMS.items() for item in items]
        rng = random.Random(SPOT_ASSETS + held)
        today = dt.date.today()
        rows = []
        for _row in range(SPOT_ASSETS - held):
            code, (name, brands, (low, high), lendable) = rng.choice(item_choices)
            acquired = today - dt.timedelta(days=rng.randint(0, 365 * 20))
            rows.append({
                "name": name, "brand_model": rng.choice(brands), "serial_number": "", "category": categories[code],
                "division": division, "location": rng.choice(locations), "custodian": None, "acquired_on": acquired,
                "acquisition_method": buy, "budget_type": budget_type,
                "document_number": f"{rng.randint(1, 150)}/{acquired.year + 543}", "vendor_name": "ร้านหงาวพาณิชย์",
                "unit": "เครื่อง", "unit_price": Decimal(rng.randrange(low, high + 1, 100)),
                "useful_life_years": categories[code].useful_life_years, "is_lendable": lendable, "notes": "",
                "status": rng.choices([Status.IN_USE, Status.DAMAGED, Status.DETERIORATED], weights=[90, 5, 5])[0],
            })
        started = time.perf_counter()
        assets_register_bulk(actor=User.objects.get(username="officer"), rows=rows)
        print(f"registered {len(rows):,} assets in {DIVISION_CODE} in {time.perf_counter() - started:.1f} s")
        _analyze("assets_asset")
    return division


def _appoint_and_start(*, kind: str, order_number: str, inspector, division=None, fiscal_year=None):
    from audits import services
    from audits.models import Round
    from organization.models import User

    round_ = Round.objects.filter(kind=kind, order_number=order_number).order_by("-id").first()
    if round_ is None:
        round_ = services.round_appoint(
            actor=User.objects.get(username="supplyhead"), kind=kind, fiscal_year=fiscal_year, division=division,
            order_number=order_number, order_date=dt.date.today(), appointed_by=User.objects.get(username="head"),
            inspectors=[inspector])
    if round_.status == Round.Status.PLANNED:
        started = time.perf_counter()
        round_ = services.round_start(actor=inspector, round_=round_, today=round_.starts_on)
        print(f"started {round_} in {time.perf_counter() - started:.1f} s")
        _analyze("audits_line", "audits_sheet")
    if round_.status != Round.Status.COUNTING:
        raise SystemExit(f"round {round_.pk} ({order_number}) is {round_.status}, not counting")
    return round_


def annual_round(inspector):
    from audits.models import Round
    from thai.dates import fiscal_year

    fiscal_year_ = None
    if not Round.objects.filter(kind=Round.Kind.ANNUAL, order_number=ANNUAL_ORDER).exists():
        used = set(Round.objects.filter(kind=Round.Kind.ANNUAL).values_list("fiscal_year", flat=True))
        fiscal_year_ = next(year for year in range(fiscal_year(dt.date.today()) - 1, 2400, -1) if year not in used)
    return _appoint_and_start(kind=Round.Kind.ANNUAL, order_number=ANNUAL_ORDER, inspector=inspector,
                              fiscal_year=fiscal_year_)


def spot_round(inspector, division):
    """The BENCH5K spot check, its one sheet with SPOT_SEEN of its lines marked seen (once, in bulk)."""
    from django.utils import timezone

    from audits.models import Condition, Line, Round
    from audits.services import counters_rebuild

    round_ = _appoint_and_start(kind=Round.Kind.SPOT, order_number=SPOT_ORDER, inspector=inspector, division=division)
    sheet = round_.sheets.get()
    if sheet.expected_count != SPOT_ASSETS:
        raise SystemExit(f"the {DIVISION_CODE} sheet expects {sheet.expected_count:,} assets, not {SPOT_ASSETS:,}")
    lines = Line.objects.filter(sheet=sheet)
    if not lines.exclude(outcome=Line.Outcome.PENDING).exists():
        ids = sorted(random.Random(SPOT_SEEN).sample(list(lines.values_list("id", flat=True)), SPOT_SEEN))
        lines.filter(id__in=ids).update(outcome=Line.Outcome.SEEN, condition=Condition.USABLE, seen_on_sheet=sheet,
                                        counted_at=timezone.now(), counted_by=inspector)
        counters_rebuild(sheet)
        _analyze("audits_line")
    return round_, sheet


def reset_scans(round_, inspector) -> int:
    """Put back to pending the annual round's lines bench_inspector counted in earlier runs."""
    from audits.models import Line
    from audits.services import counters_rebuild

    reset = Line.objects.filter(round=round_, counted_by=inspector).update(
        outcome=Line.Outcome.PENDING, condition="", seen_location=None, seen_on_sheet=None, note="", counted_at=None,
        counted_by=None)
    for sheet in round_.sheets.all():
        counters_rebuild(sheet)
    return reset


# --- measuring ---------------------------------------------------------------------------------------

def _post_scan(client, url: str, number: str) -> dict:
    response = client.post(url, json.dumps({"client_id": str(uuid.uuid4()), "number": number, "condition": "usable"}),
                           content_type="application/json")
    assert response.status_code == 200, (url, number, response.status_code, response.content[:300])
    return response.json()


def scan_series(client, url: str, numbers: list[str], expected: tuple[str, bool], show_sql: bool, label: str):
    """The first number is scanned once untimed with its queries counted; the rest are timed.
    Returns the median and 90th percentile in ms, and the query count."""
    from django.db import connection

    queries = []

    def record(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - started) * 1000, sql))

    with connection.execute_wrapper(record):
        result = _post_scan(client, url, numbers[0])
    assert (result["outcome"], result["repeat"]) == expected, (label, result)
    if show_sql:
        print(f"    SQL of one scan, {label}:")
        for ms, sql in queries:
            print(f"      {ms:6.2f} ms  {sql[:160]}")
    times = []
    for number in numbers[1:]:
        started = time.perf_counter()
        result = _post_scan(client, url, number)
        times.append((time.perf_counter() - started) * 1000)
        assert (result["outcome"], result["repeat"]) == expected, (label, number, result)
    p90 = statistics.quantiles(times, n=10)[-1]
    return statistics.median(times), p90, len(queries)


def run_one(kind: str, scans: int, runs: int, show_sql: bool) -> None:
    use_database(kind)
    migrate_and_seed(100_000)
    from django.test import Client

    from assets.models import Asset
    from audits.models import Line

    inspector = inspector_user()
    division = bench_division()
    annual = annual_round(inspector)
    _spot, spot_sheet = spot_round(inspector, division)
    reset = reset_scans(annual, inspector)
    if reset:
        print(f"put back to pending {reset:,} lines scanned by earlier runs")
        _analyze("audits_line")
    here = annual.sheets.select_related("division").get(division__code="PALAD")
    other = annual.sheets.select_related("division").get(division__code="KLANG")
    rng = random.Random(6)
    pending = Line.objects.filter(outcome=Line.Outcome.PENDING).order_by("id")
    own = rng.sample(list(pending.filter(sheet=here).values_list("number", flat=True)), scans + 2)
    foreign = rng.sample(list(pending.filter(sheet=other).values_list("number", flat=True)), scans + 1)

    client = Client()
    client.force_login(inspector)
    url = f"/inspections/sheet/{here.pk}/scan/"
    _post_scan(client, url, own[0])  # warm-up (URL resolving, translations, caches): not measured
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n{kind}: {Asset.objects.count():,} assets, {annual} (round {annual.pk}) counting; load average {load}")
    print(f"recording one scan: POST {url} on the {here.division.code} sheet ({here.expected_count:,} lines), "
          f"median of {scans} scans, target < {SCAN_TARGET_MS} ms")
    series = [("new asset of the sheet", own[1:], ("seen", False)),
              ("rescan (updates its line)", own[1:], ("seen", True)),  # the assets the first series saw
              (f"{other.division.code} asset (found elsewhere)", foreign, ("elsewhere", False))]
    for label, numbers, expected in series:
        median, p90, queries = scan_series(client, url, numbers, expected, show_sql, label)
        verdict = "ok" if median < SCAN_TARGET_MS else "MISSED"
        print(f"  {label:<34} {median:7.1f} ms (p90 {p90:5.1f})  {queries:3d} queries  {verdict}")

    print(f"sheet page: GET /inspections/sheet/<pk>/, median of {runs} requests, target < {PAGE_TARGET_MS} ms")
    pages = [(f"{spot_sheet.expected_count:,}-line spot sheet {DIVISION_CODE}", spot_sheet),
             (f"{here.expected_count:,}-line annual sheet {here.division.code}", here)]
    for name, sheet in pages:
        for suffix, query in [("first page", ""), ("page 30", "?page=30"), ("pending only", "?show=pending")]:
            median, queries, status = measure(client, f"/inspections/sheet/{sheet.pk}/{query}", runs)
            assert status == 200, (name, query, status)
            verdict = "ok" if median < PAGE_TARGET_MS else "MISSED"
            print(f"  {name + ', ' + suffix:<48} {median:7.1f} ms  {queries:3d} queries  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("databases", nargs="*", default=[])
    parser.add_argument("--scans", type=int, default=250, help="timed scans per series (at least 200 for the issue)")
    parser.add_argument("--runs", type=int, default=30, help="requests per sheet page")
    parser.add_argument("--sql", action="store_true", help="print the SQL of one scan of each series, with its times")
    args = parser.parse_args()
    if len(args.databases) == 1:
        run_one(args.databases[0], args.scans, args.runs, args.sql)
        return
    for kind in args.databases or ["sqlite", "postgres"]:
        command = [sys.executable, __file__, kind, "--scans", str(args.scans), "--runs", str(args.runs)]
        subprocess.run(command + (["--sql"] if args.sql else []), check=True)


if __name__ == "__main__":
    main()
