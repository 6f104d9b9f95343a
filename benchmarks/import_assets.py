"""Import of 10,000 new assets from an XLSX file, validation included (issue 3): rows per second.

Usage: python benchmarks/import_assets.py [sqlite|postgres ...] [--rows N] [--runs N] [--profile]
Without a database named, runs SQLite then PostgreSQL, each in its own process.

Each run starts from a fresh database (SQLite: var/bench/import_assets.sqlite3; PostgreSQL: the
database phatsadu_bench_import on 127.0.0.1, or BENCH_IMPORT_PG_URL), migrated and seeded with the
demo municipality's divisions, locations and people but no assets. The file holds new assets the
way a municipality's register arrives: Thai names, blank numbers (allocated on commit), category,
division and location by code, BE dates. Timed apart: reading the file (parse), resolving and
checking every row (plan), and writing assets and log entries in one transaction (write).
With --runs N, the database is emptied of assets between runs and the best run is reported.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import subprocess
import sys
import time

from _setup import fresh_database as fresh_database_named


def fresh_database(kind: str) -> None:
    fresh_database_named(kind, "import_assets", os.environ.get(
        "BENCH_IMPORT_PG_URL", "postgres://postgres@127.0.0.1:5432/phatsadu_bench_import"))


def build_file(rows: int) -> bytes:
    """An XLSX of new assets with the export's Thai headers and blank numbers."""
    from assets.exports import register_headers, REGISTER_FIELDS
    from common.spreadsheets import write_xlsx
    from demo import data

    rng = random.Random(2567)
    items = [(code, item) for code, entries in data.ITEMS.items() for item in entries]
    divisions = [(code, [location for location, _ in locations]) for code, _, locations in data.DIVISIONS]
    vendors = ["หจก.ระนองคอมพิวเตอร์", "ร้านหงาวพาณิชย์", "บริษัท อันดามันออฟฟิศ จำกัด", "หจก.ระนองการไฟฟ้า"]
    staff = [username for username, *_ in data.ROLE_USERS] + [f"staff{n:02d}" for n in range(1, 26)]
    lines = []
    for _ in range(rows):
        code, (name, brands, (low, high), lendable) = rng.choice(items)
        division, locations = rng.choice(divisions)
        year_be = rng.randint(2548, 2567)
        row = {
            "number": "",
            "name": name,
            "specification": "",
            "brand_model": rng.choice(brands),
            "serial_number": f"SN{rng.randrange(10**9, 10**10)}" if code in ("416", "407", "406", "403") else "",
            "category": code,
            "division": division,
            "location": rng.choice(locations),
            "custodian": rng.choice(staff + [""] * 10),
            "acquired_on": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year_be}",
            "acquisition_method": "ซื้อ",
            "budget_type": "เงินงบประมาณ",
            "document_number": f"{rng.randint(1, 150)}/{year_be}",
            "vendor_name": rng.choice(vendors),
            "vendor_address": "ต.หงาว อ.เมืองระนอง จ.ระนอง",
            "vendor_phone": "077-811234",
            "unit": "เครื่อง",
            "unit_price": rng.randrange(low, high + 1, 100),
            "useful_life_years": "",
            "status": "ใช้งาน",
            "is_lendable": "ใช่" if lendable else "ไม่",
            "notes": "",
        }
        lines.append([row.get(field) or None for field in REGISTER_FIELDS])
    return write_xlsx(register_headers(), lines, sheet_title="ทะเบียนครุภัณฑ์")


def run_one(kind: str, rows: int, runs: int, profile: bool) -> None:
    fresh_database(kind)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", assets=0, verbosity=0, stdout=io.StringIO())
    from django.conf import settings

    settings.DEBUG = False  # seed_demo needs DEBUG; the import is timed as it runs in production (no query log)
    from activity.models import Entry
    from assets.imports import plan_import, commit_import
    from assets.models import Asset, NumberCounter
    from common.spreadsheets import read_table
    from organization.models import User

    actor = User.objects.get(username="officer")
    content = build_file(rows)
    print(f"\n{kind}: {rows:,} new assets, XLSX of {len(content) / 1024:,.0f} KiB")
    best = None
    created: list[int] = []
    for run in range(runs):
        if run:
            Asset.objects.filter(pk__in=created).delete()  # the log keeps its entries (append-only); numbers start again
            NumberCounter.objects.all().delete()
        entries_before, assets_before = Entry.objects.count(), Asset.objects.count()
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        started = time.perf_counter()
        table = read_table(content, "register.xlsx")
        parsed = time.perf_counter()
        plan = plan_import(table, filename="register.xlsx")
        planned = time.perf_counter()
        created = [asset.pk for asset in commit_import(plan, actor=actor).created]
        written = time.perf_counter()
        if profiler:
            profiler.disable()
        assert not plan.errors, plan.errors[:3]
        assert len(plan.to_create) == rows and Asset.objects.count() - assets_before == rows
        assert Entry.objects.count() - entries_before == rows + 1  # one per asset, one for the import
        timing = (parsed - started, planned - parsed, written - planned, written - started)
        print(f"  run {run + 1}: parse {timing[0]:.2f} s, plan {timing[1]:.2f} s, write {timing[2]:.2f} s, "
              f"total {timing[3]:.2f} s = {rows / timing[3]:,.0f} rows/s")
        if best is None or timing[3] < best[3]:
            best = timing
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    parse, plan_time, write, total = best
    print(f"{kind} best: {rows / total:,.0f} rows/s ({total:.2f} s for {rows:,} rows: "
          f"parse {parse / total:.0%}, plan {plan_time / total:.0%}, write {write / total:.0%})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("databases", nargs="*", default=[])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if len(args.databases) == 1:
        run_one(args.databases[0], args.rows, args.runs, args.profile)
        return
    for kind in args.databases or ["sqlite", "postgres"]:
        command = [sys.executable, __file__, kind, "--rows", str(args.rows), "--runs", str(args.runs)]
        subprocess.run(command + (["--profile"] if args.profile else []), check=True)


if __name__ == "__main__":
    main()
