"""Asset list on 100,000 assets: median server time and SQL query count (issue 2).

Usage: python benchmarks/asset_list.py [sqlite|postgres ...] [--assets N] [--runs N]
Without a database named, runs SQLite then PostgreSQL, each in its own process.
Time is measured in-process with Django's test client (request handling, queries and template
rendering; no network), after one warm-up request.
"""

import argparse
import subprocess
import sys

from _setup import measure, migrate_and_seed, use_database


def run_one(kind: str, assets: int, runs: int) -> None:
    use_database(kind)
    migrate_and_seed(assets)
    from django.test import Client

    from assets.models import Asset, Status
    from organization.models import Division, User

    client = Client()
    client.force_login(User.objects.get(username="staff"))
    division = Division.objects.get(code="KLANG")
    total = Asset.objects.count()
    scenarios = [
        ("first page", "/assets/"),
        ("Thai text search", "/assets/?q=โปรเจคเตอร์"),
        ("search + division + status", f"/assets/?q=โปรเจคเตอร์&division={division.pk}&status={Status.IN_USE}"),
        ("page 500", "/assets/?page=500"),
        ("broad word + division + status", f"/assets/?q=เครื่อง&division={division.pk}&status={Status.IN_USE}"),
    ]
    print(f"\n{kind}: {total:,} assets, median of {runs} requests")
    print(f"{'scenario':<30} {'25/page ms':>10} {'queries':>8} {'100/page ms':>12} {'queries':>8}")
    for label, url in scenarios:
        joiner = "&" if "?" in url else "?"
        small = measure(client, f"{url}{joiner}per_page=25", runs)
        large = measure(client, f"{url}{joiner}per_page=100", runs)
        assert small[2] == large[2] == 200, (label, small, large)
        print(f"{label:<30} {small[0]:>10.1f} {small[1]:>8} {large[0]:>12.1f} {large[1]:>8}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("databases", nargs="*", default=[])
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if len(args.databases) == 1:
        run_one(args.databases[0], args.assets, args.runs)
        return
    for kind in args.databases or ["sqlite", "postgres"]:
        subprocess.run([sys.executable, __file__, kind, "--assets", str(args.assets), "--runs", str(args.runs)], check=True)


if __name__ == "__main__":
    main()
