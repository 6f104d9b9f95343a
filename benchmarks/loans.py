"""Loan pages with 50,000 loans stored (issue 5): median server time and query count.

Usage: python benchmarks/loans.py [sqlite|postgres ...] [--loans N] [--runs N]
Uses the 100,000-asset benchmark database (seeded the first time) and adds N loans (default 50,000)
spread over the demo staff, all statuses and the last three years, written in bulk (benchmark data,
not through the services). Pages: my loans (staff), the approvals inbox (division head, head of the
supply unit, head of agency), the property officers' desk, the loan register (its first page, and filtered
by status and division) and one asset's loans page with its calendar, all as the property officer.
"""

import argparse
import datetime as dt
import random
import subprocess
import sys
from urllib.parse import quote

from _setup import measure, migrate_and_seed, use_database


def seed_loans(wanted: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from assets.models import Asset
    from loans.models import Loan, LoanItem
    from organization.models import User

    existing = Loan.objects.count()
    if existing >= wanted:
        return
    rng = random.Random(50_000)
    people = list(User.objects.filter(is_active=True).exclude(username__in=["auditor", "head"]))
    assets = list(Asset.objects.values_list("id", flat=True)[:20_000])
    today = timezone.localdate()
    statuses = [Loan.Status.RETURNED] * 70 + [Loan.Status.REJECTED] * 5 + [Loan.Status.CANCELLED] * 5 + \
        [Loan.Status.REQUESTED] * 6 + [Loan.Status.ENDORSED] * 4 + [Loan.Status.APPROVED] * 4 + [Loan.Status.OUT] * 6
    loans = []
    for _ in range(wanted - existing):
        borrower = rng.choice(people)
        start = today - dt.timedelta(days=rng.randint(-30, 1000))
        place = rng.choice([Loan.Place.INSIDE, Loan.Place.INSIDE, Loan.Place.OUTSIDE])
        loans.append(Loan(borrower=borrower, requested_by=borrower, division_id=borrower.division_id,
                          purpose="ประชุมประชาคม", place=place, where="ศาลาประชาคม" if place == "outside" else "",
                          starts_on=start, ends_on=start + dt.timedelta(days=rng.randint(0, 7)), phone="0800000000",
                          status=rng.choice(statuses), needs_endorsement=True))
    with transaction.atomic():
        Loan.objects.bulk_create(loans, batch_size=5000)
        LoanItem.objects.bulk_create([LoanItem(loan=loan, asset_id=rng.choice(assets)) for loan in loans],
                                     batch_size=5000, ignore_conflicts=True)
    print(f"added {len(loans):,} loans")
    from django.db import connection

    if connection.vendor == "postgresql":  # fresh statistics after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE loans_loan")
            cursor.execute("VACUUM ANALYZE loans_loanitem")


def run_one(kind: str, wanted: int, runs: int) -> None:
    use_database(kind)
    migrate_and_seed(100_000)
    seed_loans(wanted)
    from django.test import Client

    from loans.models import Loan, LoanItem
    from organization.models import User

    print(f"\n{kind}: {Loan.objects.count():,} loans, median of {runs} requests")
    division = User.objects.get(username="staff").division_id
    lent = LoanItem.objects.values_list("asset_id", flat=True).order_by("asset_id").first()
    for label, username, url in [("my loans (staff)", "staff", "/loans/"),
                                 ("inbox (division head)", "divhead", "/loans/inbox/"),
                                 ("inbox (head of the supply unit)", "supplyhead", "/loans/inbox/"),
                                 ("inbox (head of agency)", "head", "/loans/inbox/"),
                                 ("officers' desk", "officer", "/loans/desk/"),
                                 ("register, first page", "officer", "/loans/register/"),
                                 ("register, out + a division", "officer",
                                  f"/loans/register/?status=out&division={division}"),
                                 ("register, 100 rows", "officer", "/loans/register/?per_page=100"),
                                 ("register, overdue only", "officer", "/loans/register/?overdue=on"),
                                 ("register, by asset number", "officer", "/loans/register/?asset=" + quote(_number(lent))),
                                 ("asset's loans and calendar", "officer", f"/loans/asset/{lent}/")]:
        client = Client()
        client.force_login(User.objects.get(username=username))
        median, queries, status = measure(client, url, runs)
        assert status == 200, (label, status)
        print(f"  {label:<34} {median:7.1f} ms  {queries:3d} queries")


def _number(asset_id: int) -> str:
    from assets.models import Asset

    return Asset.objects.values_list("number", flat=True).get(pk=asset_id)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("databases", nargs="*", default=[])
    parser.add_argument("--loans", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if len(args.databases) == 1:
        run_one(args.databases[0], args.loans, args.runs)
        return
    for kind in args.databases or ["sqlite", "postgres"]:
        subprocess.run([sys.executable, __file__, kind, "--loans", str(args.loans), "--runs", str(args.runs)], check=True)


if __name__ == "__main__":
    main()
