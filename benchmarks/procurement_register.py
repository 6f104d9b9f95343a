"""The procurement register with 20,000 procurements (issue 7): median server time and query count.

Usage: python benchmarks/procurement_register.py [sqlite|postgres ...] [--procurements N] [--runs N]
Uses the 100,000-asset benchmark database (seeded the first time) and adds N procurements (default 20,000)
over the last ten fiscal years, every method and status, each with one to five bids, written in bulk
(benchmark data, not through the services). Pages, as the property officer: the first page, 100 rows, a
fiscal year + status + method filter, a title search, a late page, one procurement's page.
"""

import argparse
import random
import subprocess
import sys
from decimal import Decimal

from _setup import measure, migrate_and_seed, use_database


def seed_procurements(wanted: int) -> None:
    from django.db import transaction

    from organization.models import Division, User
    from procurement.models import Bid, Method, Procurement

    existing = Procurement.objects.count()
    if existing >= wanted:
        return
    rng = random.Random(20_000)
    officer = User.objects.get(username="officer")
    divisions = list(Division.objects.all())
    statuses = [status for status in Procurement.Status.values]
    words = ["ซื้อวัสดุสำนักงาน", "จ้างซ่อมแซมรถยนต์ส่วนกลาง", "ซื้อเครื่องคอมพิวเตอร์", "จ้างเหมาก่อสร้างถนนคอนกรีต",
             "ซื้อวัสดุไฟฟ้า", "จ้างเหมาบริการทำความสะอาด", "ซื้อครุภัณฑ์สำนักงาน", "จ้างซ่อมเครื่องปรับอากาศ"]
    procurements = []
    for n in range(existing, wanted):
        amount = Decimal(rng.randint(5_000, 5_000_000))
        procurements.append(Procurement(
            fiscal_year=rng.randint(2560, 2569), title=f"{rng.choice(words)} โครงการที่ {n + 1}",
            division=rng.choice(divisions), amount=amount, reference_price=amount * Decimal("0.98"),
            method=rng.choice(Method.values), status=rng.choice(statuses), created_by=officer,
            egp_number=f"{67000000000 + n}", over_limit_reason="benchmark"))
    with transaction.atomic():
        Procurement.objects.bulk_create(procurements, batch_size=5000)
        Bid.objects.bulk_create([Bid(procurement=procurement, bidder=f"ผู้เสนอราคา {k}", price=procurement.amount)
                                 for procurement in procurements for k in range(rng.randint(1, 5))], batch_size=5000)
    print(f"added {len(procurements):,} procurements")
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE procurement_procurement")
            cursor.execute("VACUUM ANALYZE procurement_bid")


def run_one(kind: str, wanted: int, runs: int) -> None:
    use_database(kind)
    migrate_and_seed(100_000)
    seed_procurements(wanted)
    from django.test import Client

    from organization.models import User
    from procurement.models import Procurement

    print(f"\n{kind}: {Procurement.objects.count():,} procurements, median of {runs} requests")
    client = Client()
    client.force_login(User.objects.get(username="officer"))
    one = Procurement.objects.order_by("id").values_list("pk", flat=True)[wanted // 2]
    for label, url in [("first page (25 rows)", "/procurement/"),
                       ("first page, 100 rows", "/procurement/?per_page=100"),
                       ("year + status + method", "/procurement/?fiscal_year=2567&status=contracted&method=specific"),
                       ("title search", "/procurement/?q=%E0%B8%8B%E0%B9%88%E0%B8%AD%E0%B8%A1"),
                       ("page 400", "/procurement/?page=400"),
                       ("one procurement's page", f"/procurement/{one}/")]:
        median, queries, status = measure(client, url, runs)
        assert status == 200, (label, status)
        print(f"  {label:<26} {median:7.1f} ms  {queries:3d} queries")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("databases", nargs="*", default=[])
    parser.add_argument("--procurements", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if len(args.databases) == 1:
        run_one(args.databases[0], args.procurements, args.runs)
        return
    for kind in args.databases or ["sqlite", "postgres"]:
        subprocess.run([sys.executable, __file__, kind, "--procurements", str(args.procurements),
                        "--runs", str(args.runs)], check=True)


if __name__ == "__main__":
    main()
