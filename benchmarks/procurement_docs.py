"""The monthly สขร.1 of a month with 200 procurements (issue 7, part 5): PDF render time, pages and queries.

Usage: python benchmarks/procurement_docs.py [sqlite|postgres ...] [--procurements N] [--runs N] [--save FILE]
Without a database named, runs SQLite then PostgreSQL, each in its own process.

Uses the 100,000-asset benchmark database (seeded the first time) and adds, once, N procurements
(default 200) contracted in January 2563 BE (2020, a month nothing else uses), each with 3–5 bids,
the cheapest one the winner, written in bulk (benchmark data, not through the services; titles begin
with "[BENCH]"). Then, as the demo property officer, calls the PDF view (reports.procurement_docs
.sor_khor_1_pdf: data, HTML, layout, PDF and the export's log entry) --runs times after one warm-up,
and prints the median, the page count and the view's queries; the Thai-digit variant once; and the
HTML alone (queries and time). Time is measured in-process, server time only. Target: under 5 s.
"""

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal

from _setup import migrate_and_seed, use_database
YEAR_BE, MONTH = 2563, 1
FIRST_DAY = dt.date(YEAR_BE - 543, MONTH, 1)
WORKS = ["จ้างเหมาบริการจัดเก็บขยะมูลฝอย ชุมชนที่ {n}", "ซื้อวัสดุสำนักงาน (กระดาษ หมึกพิมพ์) ชุดที่ {n}",
         "จ้างซ่อมแซมถนนคอนกรีตเสริมเหล็ก หมู่ที่ {n} โดยวิธีเฉพาะเจาะจง", "ซื้อครุภัณฑ์คอมพิวเตอร์ รายการที่ {n}",
         "จ้างเหมาซ่อมรถบรรทุกขยะ หมายเลขครุภัณฑ์ 001-51-{n:04d}"]
BIDDERS = ["ห้างหุ้นส่วนจำกัด ทางดีก่อสร้าง", "บริษัท ระนองเครื่องเขียน จำกัด", "ร้านไอทีซิตี้", "อู่ช่างเอกการช่าง",
           "บริษัท มั่นคงโยธา จำกัด", "ห้างหุ้นส่วนจำกัด ศรีสุขพาณิชย์", "ร้านเจริญการค้า", "บริษัท ไทยออฟฟิศ จำกัด"]


def seed(wanted: int) -> None:
    from django.db import connection, transaction

    from organization.models import Division, User
    from procurement.models import Bid, Method, Procurement

    month = Procurement.objects.filter(contract_date__gte=FIRST_DAY, contract_date__lt=dt.date(2020, 2, 1),
                                       title__startswith="[BENCH]")
    existing = month.count()
    if existing >= wanted:
        return
    rng = random.Random(2563)
    officer = User.objects.get(username="officer")
    divisions = list(Division.objects.values_list("id", flat=True))
    methods = [Method.SPECIFIC] * 6 + [Method.E_MARKET, Method.E_BIDDING, Method.SELECTION]
    rows = []
    for n in range(existing, wanted):
        amount = rng.randrange(5_000, 2_000_000, 500)
        day = FIRST_DAY + dt.timedelta(days=n % 31)
        rows.append(Procurement(
            fiscal_year=YEAR_BE, title="[BENCH] " + rng.choice(WORKS).format(n=n + 1),
            project_type="จ้างทำของ/จ้างเหมาบริการ",
            division_id=rng.choice(divisions), amount=amount, reference_price=amount, reference_source="ราคาตลาด",
            method=rng.choice(methods), planned_month=FIRST_DAY, status=Procurement.Status.CONTRACTED,
            announced_on=day - dt.timedelta(days=15), selection_reason="เสนอราคาต่ำสุดและคุณสมบัติถูกต้องตามเงื่อนไข",
            contract_number=f"{n + 1}/{YEAR_BE}", contract_date=day, delivery_due=day + dt.timedelta(days=30),
            penalty_rate=Decimal("0.100"), created_by=officer))
    with transaction.atomic():
        Procurement.objects.bulk_create(rows, batch_size=500)
        bids = []
        for procurement in rows:
            offers = [Bid(procurement=procurement, bidder=name, tax_id=f"0{rng.randrange(10**11, 10**12)}",
                          price=(procurement.amount * rng.randint(900, 999)) // 1000)
                      for name in rng.sample(BIDDERS, rng.randint(3, 5))]
            bids.extend(offers)
        Bid.objects.bulk_create(bids, batch_size=2000)
        for procurement in rows:
            procurement.winner = min((bid for bid in bids if bid.procurement is procurement), key=lambda bid: bid.price)
            procurement.agreed_price = procurement.winner.price
        Procurement.objects.bulk_update(rows, ["winner", "agreed_price"], batch_size=500)
    print(f"added {len(rows)} procurements with {len(bids)} bids contracted in January {YEAR_BE}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE procurement_procurement")
            cursor.execute("VACUUM ANALYZE procurement_bid")


def _timed(call):
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        result = call()
    return result, time.perf_counter() - started, len(queries)


def run_one(kind: str, wanted: int, runs: int, save: str = "") -> None:
    use_database(kind)
    migrate_and_seed(100_000)
    seed(wanted)
    import pypdfium2 as pdfium
    from django.test import RequestFactory

    from organization.models import User
    from procurement.models import Bid, Procurement
    from reports.procurement_docs import sor_khor_1_html, sor_khor_1_pdf, sor_khor_1_pdf_bytes

    officer = User.objects.get(username="officer")
    in_month = Procurement.objects.filter(contract_date__gte=FIRST_DAY, contract_date__lt=dt.date(2020, 2, 1))
    bids = Bid.objects.filter(procurement__in=in_month).count()

    def view(digits=None):
        request = RequestFactory().get("/", {"digits": digits} if digits else {})
        request.user = officer
        response = sor_khor_1_pdf(request, YEAR_BE, MONTH)
        assert response.status_code == 200, response.status_code
        return response.content

    print(f"\n{kind}: สขร.1 มกราคม {YEAR_BE}: {in_month.count()} procurements, {bids} bids; median of {runs} renders")
    view()  # warm-up: fonts, templates
    times, queries, pdf = [], 0, b""
    for _run in range(runs):
        pdf, seconds, queries = _timed(view)
        times.append(seconds)
    pages = len(pdfium.PdfDocument(pdf))
    print(f"  PDF (view: data, HTML, layout, log)  median {statistics.median(times):6.2f} s  "
          f"(min {min(times):.2f}, max {max(times):.2f})  {pages} pages  {queries} queries  {len(pdf) / 1024:.0f} KiB")
    thai, seconds, _queries = _timed(lambda: view("thai"))
    print(f"  PDF with Thai digits                 once   {seconds:6.2f} s  {len(pdfium.PdfDocument(thai))} pages")
    single, seconds, _queries = _timed(lambda: sor_khor_1_pdf_bytes(YEAR_BE, MONTH, workers=1))
    print(f"  PDF in one process (for reference)   once   {seconds:6.2f} s  {len(pdfium.PdfDocument(single))} pages")
    if save:
        with open(save, "wb") as out:
            out.write(pdf)
    html_times = []
    for _run in range(runs):
        _html, seconds, html_queries = _timed(lambda: sor_khor_1_html(YEAR_BE, MONTH))
        html_times.append(seconds)
    print(f"  HTML alone (the data and template)   median {statistics.median(html_times) * 1000:6.1f} ms "
          f"{html_queries} queries")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("databases", nargs="*", default=[])
    parser.add_argument("--procurements", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--save", default="", help="write the last PDF to this file (one database only)")
    args = parser.parse_args()
    if len(args.databases) == 1:
        run_one(args.databases[0], args.procurements, args.runs, args.save)
        return
    for kind in args.databases or ["sqlite", "postgres"]:
        subprocess.run([sys.executable, __file__, kind, "--procurements", str(args.procurements),
                        "--runs", str(args.runs)], check=True)


if __name__ == "__main__":
    main()
