"""The loan register (/loans/register/): its filters, its scope, bad input, a fixed query count, and its export."""

import datetime as dt
import io
from urllib.parse import unquote, urlparse

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activity.models import Entry
from loans import exports
from loans.models import Loan, LoanItem
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory

TODAY = timezone.localdate()
D = dt.timedelta


def be(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def make_loan(borrower, assets, *, status, place=Loan.Place.INSIDE, start=0, end=2, starts_on=None, ends_on=None,
              agency_name="", division=None, requested_by=None):
    """A loan written straight to the tables (read tests: the moves are tested through the services)."""
    loan = Loan.objects.create(
        borrower=None if place == Loan.Place.AGENCY else borrower, requested_by=requested_by or borrower,
        division=division or borrower.division, purpose="ประชุม", place=place, agency_name=agency_name,
        where="ศาลาประชาคม" if place == Loan.Place.OUTSIDE else "", phone="0800000000", status=status,
        starts_on=starts_on or TODAY + D(days=start), ends_on=ends_on or TODAY + D(days=end))
    LoanItem.objects.bulk_create([LoanItem(loan=loan, asset=asset) for asset in assets])
    return loan


@pytest.fixture
def office(db):
    palad = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    klang = DivisionFactory(code="KLANG", name="กองคลัง")
    people = {
        "staff": make_user("somchai", "staff", division=palad, first_name="สมชาย", last_name="ใจดี"),
        "colleague": make_user("malee", "staff", division=klang, first_name="มาลี", last_name="ศรีสุข"),
        "divhead": make_user("divhead_p", "staff", "division_head", division=palad),
        "officer": make_user("officer_p", "staff", "property_officer", division=klang),
        "auditor": make_user("auditor_p", "auditor", division=klang),
        "supplyhead": make_user("supply_p", "staff", "supply_head", division=klang),
        "admin": make_user("admin_p", "administrator", division=klang),
    }
    projector = AssetFactory(number="407-67-0009", name="โปรเจคเตอร์", is_lendable=True, division=palad)
    camera = AssetFactory(number="418-66-0002", name="กล้องถ่ายรูป", is_lendable=True, division=palad)
    tent = AssetFactory(number="499-65-0001", name="เต็นท์", is_lendable=True, division=klang)
    loans = {
        "requested": make_loan(people["staff"], [projector], status=Loan.Status.REQUESTED, start=1, end=3),
        "overdue": make_loan(people["colleague"], [camera], status=Loan.Status.OUT, place=Loan.Place.OUTSIDE,
                             start=-10, end=-3),
        "agency": make_loan(people["divhead"], [projector, tent], status=Loan.Status.RETURNED, place=Loan.Place.AGENCY,
                            agency_name="โรงเรียนบ้านหงาว", starts_on=dt.date(2024, 1, 5),
                            ends_on=dt.date(2024, 1, 10)),
        "due_today": make_loan(people["colleague"], [tent], status=Loan.Status.OUT, start=-2, end=0),
    }
    return {**people, "projector": projector, "camera": camera, "tent": tent, "loans": loans, "palad": palad,
            "klang": klang}


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {loan.pk for loan in response.context["rows"]}


def ids(office, *names) -> set[int]:
    return {office["loans"][name].pk for name in names}


FILTERS = [
    ({}, ["requested", "overdue", "agency", "due_today"]),
    ({"status": "out"}, ["overdue", "due_today"]),
    ({"status": "returned"}, ["agency"]),
    ({"place": "agency"}, ["agency"]),
    ({"place": "outside"}, ["overdue"]),
    ({"division": "KLANG"}, ["overdue", "due_today"]),
    ({"division": "PALAD"}, ["requested", "agency"]),
    ({"borrower": "สมชาย"}, ["requested"]),
    ({"borrower": "สมชาย ใจดี"}, ["requested"]),  # a full name: every word matches
    ({"borrower": "สมชาย ศรีสุข"}, []),
    ({"borrower": "MALEE"}, ["overdue", "due_today"]),  # the username, any case
    ({"borrower": "บ้านหงาว"}, ["agency"]),  # an agency by its name
    ({"asset": "๔๐๗-๖๗-๐๐๐๙"}, ["requested", "agency"]),  # Thai digits
    ({"asset": " 499-65-0001 "}, ["agency", "due_today"]),
    ({"asset": "999-99-9999"}, []),
    ({"date_from": "10/01/2567", "date_to": "10/01/2567"}, ["agency"]),  # the last day of a loan counts
    ({"date_from": "05/01/2567", "date_to": "05/01/2567"}, ["agency"]),  # and its first day
    ({"date_from": "11/01/2567", "date_to": "31/01/2567"}, []),  # the day after it does not
    ({"date_from": "๑ ม.ค. ๒๕๖๗", "date_to": "04/01/2567"}, []),  # the day before does not either
    ({"overdue": "on"}, ["overdue"]),  # out and past due; due today is not overdue yet
    ({"status": "out", "division": "KLANG", "overdue": "on"}, ["overdue"]),
]


@pytest.mark.parametrize("params, expected", FILTERS, ids=[str(p) for p, _ in FILTERS])
def test_each_filter_narrows_the_register(client, office, params, expected):
    params = dict(params)
    if "division" in params:
        params["division"] = office[params["division"].lower()].pk
    client.force_login(office["officer"])
    assert listed(client.get("/loans/register/", params)) == ids(office, *expected)


def test_dates_filter_on_overlap_relative_to_today(client, office):
    client.force_login(office["officer"])
    since_yesterday = listed(client.get("/loans/register/", {"date_from": be(TODAY - D(days=1))}))
    assert since_yesterday == ids(office, "requested", "due_today")
    until = listed(client.get("/loans/register/", {"date_to": be(TODAY - D(days=3))}))
    assert until == ids(office, "overdue", "agency")


def test_newest_first_by_default_and_other_orders(client, office):
    client.force_login(office["officer"])
    newest = [loan.pk for loan in client.get("/loans/register/").context["rows"]]
    assert newest == sorted(newest, reverse=True)
    by_start = [loan.pk for loan in client.get("/loans/register/", {"sort": "starts_on"}).context["rows"]]
    loans = office["loans"]
    assert by_start == [loans[name].pk for name in ("agency", "overdue", "due_today", "requested")]


def test_the_table_shows_the_columns(client, office):
    client.force_login(office["officer"])
    page = client.get("/loans/register/").content.decode()
    overdue = office["loans"]["overdue"]
    for text in [f'href="/loans/{overdue.pk}/"', "มาลี ศรีสุข", "กองคลัง", "418-66-0002", "กล้องถ่ายรูป",
                 "นำออกไปใช้นอกสถานที่ราชการ", "ส่งมอบแล้ว", "เกินกำหนดคืน", "โรงเรียนบ้านหงาว", "5 ม.ค. 2567",
                 "10 ม.ค. 2567", "ให้หน่วยงานของรัฐอื่นยืม"]:
        assert text in page, text
    assert page.count('class="overdue"') == 1
    assert 'href="/loans/register/"' in page  # the link in the loans menu


@pytest.mark.parametrize("who, expected", [
    ("staff", ["requested"]),  # their own loans only
    ("colleague", ["overdue", "due_today"]),
    ("divhead", ["requested", "agency"]),  # their division's (and what they asked for)
    ("officer", ["requested", "overdue", "agency", "due_today"]),
    ("auditor", ["requested", "overdue", "agency", "due_today"]),
    ("supplyhead", ["requested", "overdue", "agency", "due_today"]),
])
def test_the_register_is_scoped_to_the_user(client, office, who, expected):
    client.force_login(office[who])
    assert listed(client.get("/loans/register/")) == ids(office, *expected)
    # a filter never widens the scope
    assert listed(client.get("/loans/register/", {"division": office["klang"].pk})) <= ids(office, *expected)


def test_a_signed_in_account_without_a_role_sees_nothing(client, office):
    client.force_login(make_user("norole", division=office["palad"]))
    assert listed(client.get("/loans/register/")) == set()
    assert xlsx(client.get("/loans/register/export.xlsx"))[1:] == []


BAD_INPUT = [
    "date_from=31/02/2568", "date_from=abc", "date_to=%E0%B9%93%E0%B9%91/%E0%B9%90%E0%B9%92/2568",
    "date_from=01/01/1000", "date_from=10/01/2568&date_to=01/01/2568", "division=999999", "division=abc",
    "division=1.5", "page=abc", "page=-1", "page=0", "page=99999", "per_page=abc", "per_page=7", "per_page=100000",
    "status=nonsense", "place=nowhere", "sort=password", "overdue=maybe", "asset=" + "9" * 200, "borrower=%25_%5C",
    "asset=%00", "borrower=%00", "date_from=%00", "month=x",
]


@pytest.mark.parametrize("query", BAD_INPUT)
def test_bad_filter_input_never_fails(client, office, query):
    client.force_login(office["officer"])
    response = client.get(f"/loans/register/?{query}")
    assert response.status_code == 200
    export = client.get(f"/loans/register/export.xlsx?{query}")
    assert export.status_code in (200, 302)
    if export.status_code == 302:  # a filter that does not read: back to the page, which says why
        assert urlparse(export["Location"]).path == "/loans/register/"
        assert not Entry.objects.filter(action="loan.export").exists()


def test_a_bad_date_is_explained_and_the_export_refused(client, office):
    client.force_login(office["officer"])
    page = client.get("/loans/register/", {"date_from": "31/02/2568"}).content.decode()
    assert "ไม่มีวันที่ “31/02/2568” ในปฏิทิน" in page
    page = client.get("/loans/register/", {"date_from": "10/01/2568", "date_to": "01/01/2568"}).content.decode()
    assert "วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มต้น" in page
    response = client.get("/loans/register/export.xlsx", {"date_from": "31/02/2568"}, follow=True)
    assert "ส่งออกไม่ได้" in response.content.decode()
    assert not Entry.objects.filter(action="loan.export").exists()


def _many_loans(office, count: int) -> None:
    assets = [AssetFactory(is_lendable=True, division=office["klang"]) for _ in range(3)]
    loans = Loan.objects.bulk_create([
        Loan(borrower=office["colleague"], requested_by=office["colleague"], division=office["klang"], purpose="งาน",
             place=Loan.Place.INSIDE, starts_on=TODAY - D(days=index % 20), ends_on=TODAY + D(days=index % 5),
             phone="0800000000", status=Loan.Status.OUT if index % 2 else Loan.Status.RETURNED)
        for index in range(count)])
    LoanItem.objects.bulk_create([LoanItem(loan=loan, asset=asset)
                                  for loan in loans for asset in assets[:1 + loan.pk % 3]])


def _queries(client, url, params) -> int:
    client.get(url, params)  # warm: the session, the language
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("params", [{}, {"status": "out", "division": "KLANG", "borrower": "มาลี", "overdue": "",
                                          "asset": "", "date_from": "01/01/2567"}])
def test_same_number_of_queries_at_25_and_100_rows(client, office, params):
    _many_loans(office, 130)
    params = dict(params)
    if "division" in params:
        params["division"] = office["klang"].pk
    client.force_login(office["officer"])
    small = _queries(client, "/loans/register/", {**params, "per_page": 25})
    large = _queries(client, "/loans/register/", {**params, "per_page": 100})
    deep = _queries(client, "/loans/register/", {**params, "per_page": 25, "page": 3})
    assert len(client.get("/loans/register/", {**params, "per_page": 100}).context["rows"]) > 50
    assert small == large == deep
    assert small <= 12


def test_a_staff_member_takes_a_fixed_number_of_queries_too(client, office):
    _many_loans(office, 60)
    client.force_login(office["colleague"])
    assert _queries(client, "/loans/register/", {"per_page": 25}) == _queries(client, "/loans/register/",
                                                                               {"per_page": 100})


# --- the export ---------------------------------------------------------------------------------

EXPECTED_HEADERS = ["เลขที่ใบยืม", "ผู้ยืม", "ผู้ติดต่อของหน่วยงาน", "กองของผู้ยืม", "หมายเลขครุภัณฑ์", "ชื่อครุภัณฑ์",
                    "การใช้งาน", "สถานที่นำไปใช้", "เพื่อใช้ในราชการ (วัตถุประสงค์)", "ตั้งแต่วันที่",
                    "ถึงวันที่ (กำหนดคืน)", "สถานะ", "เกินกำหนดคืน"]


def xlsx(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"] == exports.CONTENT_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row), "a cell is a formula"
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_export_has_thai_headers_be_dates_and_the_filter(client, office):
    client.force_login(office["officer"])
    response = client.get("/loans/register/export.xlsx", {"status": "out", "division": office["klang"].pk})
    assert "ทะเบียนการยืม" in unquote(response["Content-Disposition"]) and ".xlsx" in response["Content-Disposition"]
    rows = xlsx(response)
    assert rows[0] == EXPECTED_HEADERS
    overdue, due_today = office["loans"]["overdue"], office["loans"]["due_today"]
    assert [row[0] for row in rows[1:]] == [due_today.pk, overdue.pk]  # newest first, like the page
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id[overdue.pk] == [
        overdue.pk, "มาลี ศรีสุข", None, "กองคลัง", "418-66-0002", "กล้องถ่ายรูป", "นำออกไปใช้นอกสถานที่ราชการ",
        "ศาลาประชาคม", "ประชุม", be(overdue.starts_on), be(overdue.ends_on), "ส่งมอบแล้ว", "ใช่"]
    assert by_id[due_today.pk][-1] is None  # due today: not overdue yet


def test_the_export_lists_every_item_and_names_the_agency(client, office):
    client.force_login(office["auditor"])  # read-only roles may export what they may read
    rows = xlsx(client.get("/loans/register/export.xlsx", {"place": "agency"}))
    assert len(rows) == 2
    row = rows[1]
    assert row[1] == "โรงเรียนบ้านหงาว"
    assert row[4].split("\n") == ["407-67-0009", "499-65-0001"] and row[5].split("\n") == ["โปรเจคเตอร์", "เต็นท์"]
    assert row[9:12] == ["05/01/2567", "10/01/2567", "คืนครบแล้ว"]


def test_the_export_is_thai_whatever_the_page_language(client, office):
    from django.conf import settings

    client.force_login(office["officer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Loan register" in client.get("/loans/register/").content.decode()
    rows = xlsx(client.get("/loans/register/export.xlsx"))
    assert rows[0] == EXPECTED_HEADERS and "ส่งมอบแล้ว" in {row[11] for row in rows[1:]}


def test_the_export_is_logged_with_its_filters_and_row_count(client, office):
    client.force_login(office["officer"])
    client.get("/loans/register/export.xlsx", {"status": "out", "borrower": "มาลี", "date_from": "๑/๑/๒๕๖๗"})
    entry = Entry.objects.get(action="loan.export")
    assert entry.actor_id == office["officer"].pk and entry.object_type == "loans.loan"
    assert entry.details == {"filters": {"status": "out", "borrower": "มาลี", "date_from": "2024-01-01"}, "rows": 2}
    assert entry.action_label == "ส่งออกทะเบียนการยืม"


def test_a_staff_members_export_holds_only_their_loans(client, office):
    client.force_login(office["staff"])
    rows = xlsx(client.get("/loans/register/export.xlsx"))
    assert [row[0] for row in rows[1:]] == [office["loans"]["requested"].pk]


def test_the_export_reads_in_batches_not_a_query_per_row(client, office, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 50)
    _many_loans(office, 20)
    client.force_login(office["officer"])
    with CaptureQueriesContext(connection) as few:
        xlsx(client.get("/loans/register/export.xlsx"))
    _many_loans(office, 25)  # still one batch
    with CaptureQueriesContext(connection) as more:
        rows = xlsx(client.get("/loans/register/export.xlsx"))
    assert len(rows) == 1 + 4 + 45
    assert len(few) == len(more)


def test_the_export_is_capped_and_says_so(office):
    queryset = Loan.objects.order_by("-id")
    export = exports.loans_export(actor=office["officer"], queryset=queryset, filters={}, limit=3)
    rows = openpyxl.load_workbook(io.BytesIO(export.content)).active.max_row
    assert (export.rows, export.truncated, rows) == (3, True, 4)
    assert Entry.objects.get(action="loan.export").details == {"filters": {}, "rows": 3, "truncated_at": 3}
    export = exports.loans_export(actor=office["officer"], queryset=queryset, limit=4)
    assert (export.rows, export.truncated) == (4, False)


def test_text_that_looks_like_a_formula_is_written_as_text(client, office):
    loan = office["loans"]["requested"]
    Loan.objects.filter(pk=loan.pk).update(purpose="=HYPERLINK(\"http://x\")")
    client.force_login(office["officer"])
    rows = xlsx(client.get("/loans/register/export.xlsx", {"asset": "407-67-0009", "status": "requested"}))
    assert rows[1][8] == "'=HYPERLINK(\"http://x\")"
