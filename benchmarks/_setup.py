"""Shared set-up for benchmarks: pick the database, migrate, seed, and time requests in-process."""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "1")


def use_database(kind: str) -> None:
    """sqlite: var/bench/bench.sqlite3; postgres: database phatsadu_bench on 127.0.0.1:5432 (BENCH_PG_URL)."""
    if kind == "sqlite":
        path = ROOT / "var" / "bench" / "bench.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    elif kind == "postgres":
        url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/phatsadu_bench")
        _ensure_pg_database(url)
        os.environ["DATABASE_URL"] = url
    else:
        raise SystemExit(f"unknown database {kind!r}: use sqlite or postgres")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def fresh_database(kind: str, name: str, pg_url: str | None = None) -> None:
    """An empty database for one benchmark: var/bench/<name>.sqlite3, or the PostgreSQL database of pg_url
    (default phatsadu_bench_<name> on 127.0.0.1), dropped first. Django is set up; the caller migrates."""
    if kind == "sqlite":
        path = ROOT / "var" / "bench" / f"{name}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        return
    import psycopg

    url = pg_url or f"postgres://postgres@127.0.0.1:5432/phatsadu_bench_{name}"
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"')
    os.environ["BENCH_PG_URL"] = url
    use_database("postgres")  # creates it again


def _ensure_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def migrate_and_seed(assets: int) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from assets.models import Asset

    if Asset.objects.count() < assets:
        started = time.perf_counter()
        call_command("seed_demo", assets=assets, verbosity=0, stdout=open(os.devnull, "w"))
        print(f"seeded {assets:,} assets in {time.perf_counter() - started:.1f} s")
        from django.db import connection

        if connection.vendor == "postgresql":  # fresh statistics and visibility map after a bulk load
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")


def measure(client, url: str, runs: int = 30) -> tuple[float, int, int]:
    """Median server time in ms over `runs` requests (after one warm-up), the query count, and the status."""
    from django.db import connection

    response = client.get(url)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(queries), response.status_code
