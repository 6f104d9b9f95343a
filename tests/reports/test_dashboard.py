"""The dashboard: server-rendered SVG charts (no script, no CDN) and to-do counts by role that match the lists."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from assets.models import Status
from loans.models import Loan, LoanItem
from reports import charts, dashboard
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(db):
    palad = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล", order=1)
    klang = DivisionFactory(code="KLANG", name="กองคลัง", order=2)
    for n in range(3):
        AssetFactory(division=palad)
    AssetFactory(division=klang, status=Status.DAMAGED)
    AssetFactory(division=klang, status=Status.DISPOSED)
    staff = make_user("staff", "staff", division=palad)
    today = timezone.localdate()
    for days, status in ((-40, Loan.Status.RETURNED), (-3, Loan.Status.OUT), (0, Loan.Status.APPROVED),
                         (1, Loan.Status.REQUESTED)):
        loan = Loan.objects.create(borrower=staff, requested_by=staff, division=palad, purpose="ประชุม",
                                   place=Loan.Place.INSIDE, starts_on=today + dt.timedelta(days=days),
                                   ends_on=today + dt.timedelta(days=days + 1), phone="0800000000", status=status,
                                   needs_endorsement=False)
        LoanItem.objects.create(loan=loan, asset=AssetFactory(division=palad, is_lendable=True))
    return {"palad": palad, "klang": klang, "staff": staff}


def test_the_dashboard_draws_its_charts_as_svg(client, town):
    client.force_login(make_user("auditor", "auditor", division=town["palad"]))
    html = client.get("/").content.decode()
    assert html.count("<svg class=\"chart\"") >= 3
    assert "<script" not in html.split("<main>")[1] and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "สำนักปลัดเทศบาล" in html and "กองคลัง" in html


def test_loans_per_month_counts_each_month(town):
    """Twelve months ending with this one: a loan starting tomorrow is counted unless tomorrow is next month."""
    today = timezone.localdate()
    svg = dashboard.loans_per_month(make_user("auditor", "auditor", division=town["palad"]), today)
    values = [int(value) for value in re.findall(r"<title>[^<]*: (\d+) ครั้ง</title>", svg)]
    months_back = today.year * 12 + today.month - 1 - 11
    first = dt.date(months_back // 12, months_back % 12 + 1, 1)
    after = dt.date(today.year + today.month // 12, today.month % 12 + 1, 1)
    assert len(values) == 12 and sum(values) == Loan.objects.filter(starts_on__gte=first, starts_on__lt=after).count()
    assert sum(values) == (4 if (today + dt.timedelta(days=1)).month == today.month else 3)


def test_assets_chart_leaves_out_disposed_assets(town):
    counts = dashboard.asset_counts(make_user("auditor", "auditor", division=town["palad"]))
    svg = dashboard.assets_by_division(counts)
    assert "กองคลัง · ชำรุด: 1" in svg and "จำหน่ายแล้ว" not in svg


def test_todo_counts_by_role_match_the_lists(client, town):
    officer = make_user("officer", "staff", "property_officer", division=town["klang"])
    supply_head = make_user("supply", "staff", "supply_head", division=town["klang"])
    officer_todos = {item.label: item.count for item in dashboard.todos(officer, timezone.localdate())}
    assert officer_todos["รอส่งมอบ"] == 1 and officer_todos["เกินกำหนดคืน"] == 1
    head_todos = {item.label: item.count for item in dashboard.todos(supply_head, timezone.localdate())}
    client.force_login(supply_head)
    inbox = client.get("/loans/inbox/")
    assert head_todos["คำขอยืมรอพิจารณา"] == inbox.context["page"].paginator.count == 1
    staff_todos = dashboard.todos(town["staff"], timezone.localdate())
    assert staff_todos == []


def test_chart_text_is_escaped():
    svg = charts.bars(["<b>x</b>"], [3], title="<script>")
    assert "<b>" not in svg and "<script>" not in svg and "&lt;script&gt;" in svg


def test_charts_keep_to_the_users_scope(client, town):
    from loans.models import Loan

    other = make_user("other", "staff", division=town["klang"])
    svg = dashboard.loans_per_month(other, timezone.localdate())
    values = re.findall(r": (\d+) ครั้ง</title>", svg)
    assert len(values) == 12 and set(values) == {"0"}
    assert Loan.objects.count() == 4
    assert dashboard.inspection_progress(other) == []
