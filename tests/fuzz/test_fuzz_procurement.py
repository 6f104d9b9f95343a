"""Bad input to the procurement pages, with hypothesis: the procurement form with its item lines (new and
edit), each step's form, the e-GP import (the upload page, and procurement.egp's reading and planning), and
the publish forms (a procurement's announcement or result; the plan, a month's สขร.1, the yearly summary)."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import event, given, strategies as st

from activity import chain
from assets.models import BudgetType, Category
from common.spreadsheets import Table, write_xlsx
from organization.models import Organization
from procurement import egp, services
from procurement.models import Method, Procurement, Publication
from tests.conftest import make_user
from tests.factories import DivisionFactory
from tests.fuzz.support import (assert_no_live_markup, assert_not_500, assert_shown_escaped, assert_stored_rows_valid,
                                cell_texts, database_state, date_texts, fitting, forms, fuzz, ids, mostly, number_texts,
                                post_and_judge, reader_texts, rolled_back, texts)

pytestmark = pytest.mark.django_db

THAI_LETTERS = re.compile(r"[\u0E01-\u0E4E]")
TODAY = timezone.localdate()
OURS = "เทศบาลตำบลหงาว"
S = Procurement.Status


def be(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


@pytest.fixture
def office(db):
    Organization.objects.filter(pk=1).update(egp_name=OURS)
    return {"officer": make_user("p_officer", "staff", "property_officer",
                                 division=DivisionFactory(code="KLANG", name="กองคลัง")),
            "division": DivisionFactory(code="EDU", name="กองการศึกษา"),
            "category": Category.objects.get(code="416"), "budget": BudgetType.objects.get(code="BUDGET")}


def shown_texts(procurement: Procurement) -> list[str]:
    """The procurement's text as its page shows it."""
    texts = [procurement.title, procurement.project_type, procurement.need, procurement.justification,
             procurement.budget_line, procurement.reference_source, procurement.egp_number,
             procurement.selection_reason, procurement.contract_number, procurement.acceptance_committee,
             procurement.cancel_reason, procurement.egp_flag]
    if procurement.method == Method.SPECIFIC and procurement.amount > services.specific_limit():
        texts.append(procurement.over_limit_reason)
    for item in procurement.items.all():
        texts += [item.description, item.unit]
    texts += [bid.bidder for bid in procurement.bids.all()] + [d.note for d in procurement.deliveries.all()]
    texts += [publication.where for publication in procurement.publications.all()]
    return texts


def check_procurement_page(client, procurement: Procurement, posted) -> None:
    procurement.refresh_from_db()
    page = client.get(f"/procurement/{procurement.pk}/").content.decode()
    assert_shown_escaped(page, *shown_texts(procurement))
    assert_no_live_markup(page, *posted)


# --- the procurement form with its item lines ---------------------------------------------------------------


def procurement_fields(office):
    return forms({
        "fiscal_year": st.sampled_from(["2568", "๒๕๖๘", "2,568"]),
        "title": fitting(500, required=True, marked=True),
        "project_type": fitting(100),
        "division": st.sampled_from(["", str(office["division"].pk)]),
        "need": fitting(), "justification": fitting(),
        "budget_type": st.sampled_from(["", str(office["budget"].pk)]),
        "budget_line": fitting(300),
        "amount": st.sampled_from(["1,200,000", "๕๐๐๐๐", "0", "600000.50"]),
        "reference_price": st.sampled_from(["", "1150000", "๑๒๐"]),
        "reference_source": fitting(300),
        "method": st.sampled_from(Method.values),
        "over_limit_reason": fitting(required=True, marked=True),
        "planned_month": st.sampled_from(["", "15/10/2567", "๐๑/๐๑/๒๕๖๘"]),
        "egp_number": st.sampled_from(["", "67019012345", "๖๗๐๑๙๐๑๒๓๔๕"]),
    }, {"fiscal_year": number_texts(), "division": ids(), "budget_type": ids(), "amount": number_texts(),
        "reference_price": number_texts(), "method": texts(1), "planned_month": date_texts(),
        "egp_number": st.one_of(number_texts(), texts(1))})


def item_lines(office):
    line = forms({
        "description": fitting(300, required=True, marked=True),
        "kind": st.sampled_from(["durable", "supplies"]),
        "category": st.sampled_from([str(office["category"].pk), ""]),
        "quantity": st.sampled_from(["1", "3", "๕", "5000"]),
        "unit": fitting(30),
        "unit_price": st.sampled_from(["23000", "๑๒๐", "0", "23,000.50"]),
    }, {"kind": texts(1), "category": ids(), "quantity": number_texts(), "unit_price": number_texts()}, max_bad=1)
    return st.lists(line, max_size=3)


def formset_data(lines: list[dict], total) -> dict:
    data = {"items-TOTAL_FORMS": total, "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000"}
    for index, line in enumerate(lines):
        data.update({f"items-{index}-{name}": value for name, value in line.items()})
    return data


@pytest.mark.parametrize("page", ["new", "edit"])
@fuzz()
@given(data=st.data())
def test_the_procurement_form(client, office, page, data):
    fields = data.draw(procurement_fields(office), label="fields")
    lines = data.draw(item_lines(office), label="items")
    total = data.draw(st.one_of(st.just(str(len(lines))), st.sampled_from(["abc", "-1", "100000", ""])), label="total")
    posted = {**fields, **formset_data(lines, total)}
    with rolled_back():
        url = "/procurement/new/"
        if page == "edit":
            existing = services.procurement_create(
                actor=office["officer"], fiscal_year=2568, title="ซื้อโต๊ะ", amount=Decimal("10000"),
                method=Method.SPECIFIC, items=[{"description": "โต๊ะ", "kind": "durable", "category": office["category"],
                                                "quantity": 2, "unit": "ตัว", "unit_price": Decimal("5000")}])
            url = f"/procurement/{existing.pk}/edit/"
        client.force_login(office["officer"])
        before = database_state()
        response = client.post(url, posted)
        assert_not_500(response)
        event(f"answered {response.status_code}")
        if response.status_code == 302:
            procurement = Procurement.objects.get(pk=int(response["Location"].strip("/").rsplit("/", 1)[-1]))
            assert_stored_rows_valid(before)
            check_procurement_page(client, procurement, posted.values())
            assert_no_live_markup(client.get("/procurement/").content.decode(), *posted.values())
        else:
            assert response.status_code == 200
            assert database_state() == before
            assert_no_live_markup(response.content.decode(), *posted.values())


# --- each step ----------------------------------------------------------------------------------------------


def _procurement(office, upto: str) -> Procurement:
    """A procurement walked through the services up to the state a step needs."""
    officer = office["officer"]
    procurement = services.procurement_create(
        actor=officer, fiscal_year=2568, title="ซื้อเครื่องคอมพิวเตอร์", project_type="ซื้อ", division=office["division"],
        amount=Decimal("1200000"), reference_price=Decimal("1150000"), method=Method.E_BIDDING,
        budget_type=office["budget"],
        items=[{"description": "เครื่องคอมพิวเตอร์", "kind": "durable", "category": office["category"], "quantity": 2,
                "unit": "เครื่อง", "unit_price": Decimal("23000")}])
    order = [S.PLANNED, S.ANNOUNCED, S.BIDS_RECEIVED, S.AWARDED, S.CONTRACTED, S.DELIVERED, S.ACCEPTED]
    steps = order[1:order.index(upto) + 1]
    if S.ANNOUNCED in steps:
        services.procurement_announce(actor=officer, procurement=procurement, announced_on=TODAY - dt.timedelta(days=30))
    if S.BIDS_RECEIVED in steps:
        services.bid_add(actor=officer, procurement=procurement, bidder="บริษัท คอมพ์ไทย จำกัด", price=Decimal("46000"))
        services.bid_add(actor=officer, procurement=procurement, bidder="หจก. ระนองไอที", price=Decimal("47000"))
    if S.AWARDED in steps:
        services.procurement_award(actor=officer, procurement=procurement, winner=procurement.bids.first(),
                                   agreed_price=Decimal("46000"), selection_reason="ราคาต่ำสุด")
    if S.CONTRACTED in steps:
        services.procurement_contract(actor=officer, procurement=procurement, contract_number="15/2568",
                                      contract_date=TODAY - dt.timedelta(days=20), delivery_due=TODAY - dt.timedelta(days=5),
                                      penalty_rate=Decimal("0.2"))
    if S.DELIVERED in steps:
        services.delivery_record(actor=officer, procurement=procurement, delivered_on=TODAY - dt.timedelta(days=3),
                                 value=Decimal("46000"))
    if S.ACCEPTED in steps:
        services.procurement_accept(actor=officer, procurement=procurement, accepted_on=TODAY, committee="นาย ก")
    procurement.refresh_from_db()
    return procurement


STEPS = {
    # step: (state it is offered in, fields, junk)
    "announce": (S.PLANNED, {"announced_on": st.sampled_from([be(TODAY), "๐๑/๑๐/๒๕๖๗"])}, {"announced_on": date_texts()}),
    "bid": (S.ANNOUNCED, {"bidder": fitting(300, required=True, marked=True), "tax_id": fitting(20),
                          "price": st.sampled_from(["46000", "๔๖,๐๐๐.๕๐", "0"])}, {"price": number_texts()}),
    "award": (S.BIDS_RECEIVED, {"winner": "{bid}", "agreed_price": st.sampled_from(["46000", "๕๐,๐๐๐"]),
                                "selection_reason": fitting(2000, required=True, marked=True)},
              {"winner": ids(), "agreed_price": number_texts()}),
    "contract": (S.AWARDED, {"contract_number": fitting(100, required=True, marked=True),
                             "contract_date": be(TODAY - dt.timedelta(days=10)),
                             "delivery_due": st.sampled_from([be(TODAY + dt.timedelta(days=30)), be(TODAY)]),
                             "penalty_rate": st.sampled_from(["0.20", "๐.๑", "100"])},
                 {"contract_date": date_texts(), "delivery_due": date_texts(), "penalty_rate": number_texts()}),
    "delivery": (S.CONTRACTED, {"delivered_on": be(TODAY), "value": st.sampled_from(["46000", "1000", "๑๐๐"]),
                                "note": fitting(500, marked=True)},
                 {"delivered_on": date_texts(), "value": number_texts()}),
    "accept": (S.DELIVERED, {"accepted_on": be(TODAY), "committee": fitting(2000, required=True, marked=True)},
               {"accepted_on": date_texts()}),
    "close": (S.ACCEPTED, {}, {}),
    "cancel": (S.PLANNED, {"reason": fitting(2000, required=True, marked=True)}, {}),
}


@pytest.mark.parametrize("step", sorted(STEPS))
@fuzz(12)
@given(data=st.data())
def test_the_step_forms(client, office, step, data):
    state, acceptable, junk = STEPS[step]
    with rolled_back():
        procurement = _procurement(office, state)
        bid = procurement.bids.first()
        fields = {name: value.format(bid=bid.pk if bid else "") if isinstance(value, str) else value
                  for name, value in acceptable.items()}
        form = data.draw(forms(fields, junk) if fields else st.just({}), label="form")
        client.force_login(office["officer"])
        post_and_judge(client, f"/procurement/{procurement.pk}/{step}/", {f"{step}-{k}": v for k, v in form.items()})
        check_procurement_page(client, procurement, form.values())


# --- the e-GP import ----------------------------------------------------------------------------------------

EGP_HEADERS = ["ลำดับ", "รหัสโครงการ", "ชื่อโครงการ", "ชื่อประเภทโครงการ", "ชื่อหน่วยงาน", "ชื่อหน่วยงานย่อย",
               "วิธีจัดซื้อฯ", "กลุ่มวิธีจัดซื้อฯ", "วันที่ประกาศ", "งบประมาณ(บาท)", "ราคากลาง(บาท)", "ราคาตกลงซื้อ/จ้าง",
               "ปีงบประมาณ", "วันที่เกิดรายการ", "จังหวัด", "ชื่อผู้ประกอบการ", "เลขประจำตัวผู้เสียภาษี", "เลขที่สัญญา"]
EGP_VALID = ["1", st.sampled_from(["67119012345", "๖๗๑๑๙๐๑๒๓๔๖", "6711"]), None, "ซื้อ", "กรมส่งเสริมการปกครองท้องถิ่น",
             st.sampled_from([OURS, OURS, OURS, "องค์การบริหารส่วนตำบลบางริ้น", "-"]),
             st.sampled_from(["เฉพาะเจาะจง", "ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)", "e-market"]), "-",
             st.sampled_from(["-", "15 ต.ค. 67", "01/10/2567"]), st.sampled_from(["12,500.00", "๒,๕๐๐,๐๐๐.๐๐", "0"]),
             st.sampled_from(["12,500.00", "-"]), st.sampled_from(["12,000.00", "-"]), st.sampled_from(["2568", "๒๕๖๘"]),
             st.sampled_from(["29 พ.ย. 67", "-"]), "ระนอง", st.one_of(st.just("-"), st.just("บริษัท ก จำกัด")),
             st.sampled_from(["0105558000000", "-"]), st.sampled_from(["15/2568", "-"])]


def _cell_or_junk(valid):
    """A cell as e-GP writes it (the title: hostile text), now and then anything."""
    if valid is None:
        return mostly(cell_texts(500, required=True, marked=True), texts(2), ratio=8)
    return mostly(valid, st.one_of(texts(2), number_texts(), date_texts()), ratio=25)


def _egp_csv(headers, rows, encoding) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


def egp_files():
    good_rows = st.lists(st.tuples(*[_cell_or_junk(valid) for valid in EGP_VALID]), min_size=1, max_size=4)
    headers = st.lists(st.one_of(st.sampled_from(EGP_HEADERS + ["project_id", "dept_name"]), texts(1)), max_size=10)
    random_rows = st.lists(st.lists(st.one_of(texts(2), number_texts(), date_texts()), max_size=10), max_size=4)
    encodings = st.sampled_from(["utf-8", "utf-8-sig", "cp874", "utf-16", "latin-1"])
    readable = st.sampled_from(["utf-8", "utf-8-sig", "cp874"])
    good_csv = st.builds(lambda rows, enc: ("egp.csv", _egp_csv(EGP_HEADERS, rows, enc)), good_rows, readable)
    good_xlsx = st.builds(lambda rows: ("egp.xlsx", write_xlsx(EGP_HEADERS, rows)), good_rows)
    return st.one_of(
        good_csv, good_xlsx, good_csv, good_xlsx,
        st.builds(lambda rows, enc: ("egp.csv", _egp_csv(EGP_HEADERS, rows, enc)), good_rows, encodings),
        st.builds(lambda h, r, enc: ("random.csv", _egp_csv(h, r, enc)), headers, random_rows, encodings),
        st.tuples(st.sampled_from(["junk.csv", "junk.xlsx", "junk.pdf", "junk"]),
                  st.one_of(st.binary(max_size=2000), st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b))),
    )


@fuzz()
@given(upload=egp_files())
def test_the_egp_import_page(client, office, upload):
    filename, content = upload
    with rolled_back():
        client.force_login(office["officer"])
        before = database_state()
        response = client.post("/procurement/import/", {"file": SimpleUploadedFile(filename, content)})
        assert_not_500(response)
        assert response.status_code == 200
        assert database_state() == before
        page = response.content.decode()
        assert_no_live_markup(page)
        token = re.search(r'name="token" value="([0-9a-f]+)"', page)
        event("previewed with a confirm button" if token else "refused or nothing to import")
        if token is None:
            return
        response = client.post("/procurement/import/confirm/", {"token": token.group(1)})
        assert_not_500(response)
        event(f"confirm answered {response.status_code}")
        if response.status_code == 302:
            changed = assert_stored_rows_valid(before)
            for pk in changed.get("procurement.Procurement", ()):
                check_procurement_page(client, Procurement.objects.get(pk=pk), [])
            assert chain.verify().ok
        else:
            assert database_state() == before


@fuzz()
@given(data=st.data())
def test_egp_parse_plan_and_commit(office, data):
    """Reading and planning raise nothing but the module's own Thai refusal; a plan with bad rows commits
    nothing; a plan without commits procurements that pass full_clean."""
    source = data.draw(st.sampled_from(["file", "table"]), label="source")
    with rolled_back():
        before = database_state()
        try:
            if source == "file":
                filename, content = data.draw(egp_files(), label="file")
                plan = egp.parse_egp(content, filename, actor=office["officer"])
            else:
                headers = data.draw(st.one_of(st.just(EGP_HEADERS), st.lists(st.sampled_from(EGP_HEADERS), max_size=8)),
                                    label="headers")
                cells = st.one_of(st.none(), reader_texts(), st.integers(min_value=-10**20, max_value=10**20), st.floats(),
                                  st.booleans(), st.dates(), st.datetimes(), st.sampled_from([OURS, "-", "2568"]))
                rows = data.draw(st.lists(st.lists(cells, max_size=len(headers) + 1), max_size=4), label="rows")
                plan = egp.plan_egp(Table(headers=list(headers), rows=list(enumerate(rows, start=2))), agency=OURS,
                                    filename="x.xlsx")
        except egp.ImportRefused as refusal:
            event("file refused")
            assert refusal.messages and all(THAI_LETTERS.search(message) for message in refusal.messages)
            assert database_state() == before
            return
        for error in plan.errors:
            assert error.messages and all(THAI_LETTERS.search(message) for message in error.messages), error
        event("plan with bad rows" if plan.errors else "valid plan")
        if not plan.is_valid:
            with pytest.raises(egp.ImportRefused):
                egp.commit_egp(plan, actor=office["officer"])
            assert database_state() == before
            return
        try:
            egp.commit_egp(plan, actor=office["officer"])
        except egp.ImportRefused as refusal:
            assert all(THAI_LETTERS.search(message) for message in refusal.messages)
            assert database_state() == before
            return
        assert_stored_rows_valid(before)
        assert chain.verify().ok


# --- the publish forms --------------------------------------------------------------------------------------


def publish_form(procurement):
    return forms({
        "kind": st.sampled_from(["announcement", "result", "plan", "monthly", "yearly"]),
        "procurement": str(procurement.pk),
        "fiscal_year": st.sampled_from(["2568", "๒๕๖๘"]),
        "year": st.sampled_from([str(TODAY.year + 543), "2567"]),
        "month": st.sampled_from([str(TODAY.month), "10", "๑๐"]),
        "published_on": st.sampled_from([be(TODAY), "๐๑/๑๐/๒๕๖๗"]),
        "channel": st.sampled_from(["web", "board"]),
        "url": st.sampled_from(["https://www.example.go.th/news/1", "http://x.example/a?b=<script>"]),
        "board": fitting(marked=True),
        "digits": st.sampled_from(["", "thai"]),
        "next": st.sampled_from(["", "/procurement/disclosures/?year=2568"]),
    }, {"kind": texts(1), "procurement": ids(), "fiscal_year": number_texts(), "year": number_texts(),
        "month": number_texts(), "published_on": date_texts(),
        "url": st.one_of(texts(), st.sampled_from(["javascript:alert(1)", "ftp://x", "https://" + "a" * 600])),
        "next": st.sampled_from(["https://evil.example/", "//evil.example", "javascript:alert(1)"])}, max_bad=3)


PDF_FILES = st.sampled_from([None, b"%PDF-1.4\n% signed\n", b"<script>alert(1)</script>", b""])


@pytest.mark.parametrize("action", ["/procurement/disclosures/publish/", "/procurement/disclosures/publish-document/"])
@fuzz()
@given(data=st.data())
def test_the_publish_forms(client, office, action, data, monkeypatch):
    # The documents' own PDF renderer is not what is tested here (test_pdf_escaping.py is): a stand-in PDF.
    monkeypatch.setattr("reports.procurement_docs.document_pdf", lambda *args, **kwargs: b"%PDF-1.4 stand-in")
    with rolled_back():
        procurement = _procurement(office, S.AWARDED)
        form = data.draw(publish_form(procurement), label="form")
        upload = data.draw(PDF_FILES, label="file")
        if upload is not None:
            form["file"] = SimpleUploadedFile("signed.pdf", upload)
        client.force_login(office["officer"])
        response, accepted = post_and_judge(client, action, form)
        assert not response["Location"].startswith(("http", "//", "javascript"))
        texts = [value for value in form.values() if isinstance(value, str)]
        if accepted:
            publication = Publication.objects.get()
            page = client.get(f"/procurement/disclosures/?year={publication.fiscal_year}").content.decode()
            assert_shown_escaped(page, publication.where)
            assert_no_live_markup(page, *texts)
        check_procurement_page(client, procurement, texts)
