"""Bad input to the inspection and disposal pages, with hypothesis: the appointment form, the counting
endpoint's JSON, the sheet's actions, the disposal proposal and each of its steps."""

import base64
import datetime as dt
import io
import json

import pytest
from django.contrib.messages import constants
from django.utils import timezone
from hypothesis import event, given, strategies as st
from PIL import Image

from assets.models import Status as AssetStatus
from audits import services
from audits.models import Condition, DisposalCase, Finding, Line, Round, Sheet
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory, LocationFactory
from tests.fuzz.support import (assert_no_live_markup, assert_not_500, assert_shown_escaped, assert_stored_rows_valid,
                                database_state, date_texts, fitting, forms, fuzz, ids, junk_texts, levels, number_texts,
                                post_and_judge, rolled_back, texts)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def be(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


@pytest.fixture
def org(db):
    palad = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล", order=1)
    klang = DivisionFactory(code="KLANG", name="กองคลัง", order=2)
    room = LocationFactory(division=palad, code="P01", name="ห้องสำนักปลัด")
    people = {
        "head": make_user("mayor", "agency_head", division=palad),
        "officer": make_user("officer", "staff", "property_officer", division=klang),
        "inspector1": make_user("insp1", "staff", division=palad),
        "inspector2": make_user("insp2", "staff", division=klang),
        "admin": make_user("admin", "administrator", division=klang),
    }
    assets = [AssetFactory(number=f"416-67-000{n}", name=f"เครื่องคอมพิวเตอร์ {n}", division=palad, location=room)
              for n in (1, 2, 3)]
    return {"palad": palad, "klang": klang, "room": room, "people": people, "assets": assets}


def counting_round(org) -> Round:
    people = org["people"]
    round_ = services.round_appoint(actor=people["admin"], fiscal_year=2567, order_number="123/2567",
                                    order_date=dt.date(2024, 9, 20), appointed_by=people["head"],
                                    inspectors=[people["inspector1"], people["inspector2"]])
    return services.round_start(actor=people["inspector1"], round_=round_, today=round_.starts_on)


def flat(values) -> list:
    return [item for value in values for item in (value if isinstance(value, list) else [value])]


# --- the appointment ----------------------------------------------------------------------------------------


@fuzz()
@given(data=st.data())
def test_the_appointment_form(client, org, data):
    people = org["people"]
    form = data.draw(forms({
        "kind": st.sampled_from(["annual", "spot"]),
        "fiscal_year": st.sampled_from(["2567", "๒๕๖๗", "2,567", "2568"]),
        "division": st.sampled_from(["", str(org["palad"].pk)]),
        "starts_on": st.sampled_from(["", be(TODAY), be(TODAY + dt.timedelta(days=3))]),
        "order_number": fitting(100, required=True, marked=True),
        "order_date": st.sampled_from([be(dt.date(2024, 9, 20)), "๒๐/๐๙/๒๕๖๗", be(TODAY)]),
        "appointed_by": str(people["head"].pk),
        "inspectors": st.sampled_from([[str(people["inspector1"].pk)],
                                       [str(people["inspector1"].pk), str(people["inspector2"].pk)]]),
        "chair": st.sampled_from(["", str(people["inspector1"].pk)]),
    }, {
        "kind": texts(1), "fiscal_year": number_texts(), "division": ids(), "starts_on": date_texts(),
        "order_date": date_texts(), "appointed_by": ids(), "chair": ids(),
        "inspectors": st.lists(st.one_of(ids(), st.just(str(people["officer"].pk))), max_size=3),
    }), label="form")
    with rolled_back():
        client.force_login(people["admin"])
        before = database_state()
        response = client.post("/inspections/new/", form)
        assert_not_500(response)
        event(f"answered {response.status_code}")
        if response.status_code == 302:
            round_ = Round.objects.get()
            assert_stored_rows_valid(before)
            page = client.get(f"/inspections/{round_.pk}/").content.decode()
            assert_shown_escaped(page, round_.order_number)
            assert_no_live_markup(page, *flat(form.values()))
            assert_no_live_markup(client.get("/inspections/").content.decode(), *flat(form.values()))
        else:
            assert response.status_code == 200
            assert database_state() == before
            assert_no_live_markup(response.content.decode(), *flat(form.values()))


# --- the counting endpoint ----------------------------------------------------------------------------------

JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                              st.floats(allow_nan=False), texts(2)),
                    lambda children: st.one_of(st.lists(children, max_size=3),
                                               st.dictionaries(st.text(max_size=8), children, max_size=3)),
                    max_leaves=6)


def _png(size=(4, 3)) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


PHOTOS = st.one_of(st.sampled_from(["", _png(), "data:image/png;base64,!!!", "javascript:alert(1)",
                                    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
                                    "data:image/gif;base64,R0lGODlhAQABAAAAACw="]),
                   st.binary(max_size=300).map(lambda b: "data:image/jpeg;base64," + base64.b64encode(b).decode()))


def scan_bodies(org, sheet):
    location = str(org["room"].pk)
    fields = forms({
        "number": st.one_of(st.sampled_from(["416-67-0001", "๔๑๖-๖๗-๐๐๐๒", "https://x.example/a/416-67-0003",
                                             "999-99-9999"]), fitting(200, required=True, marked=True)),
        "condition": st.sampled_from([value for value in Condition.values if value != Condition.LOST]),
        "location": st.sampled_from(["", location, int(location)]),
        "note": fitting(2000, marked=True),
        "photo": st.sampled_from(["", _png()]),
        "client_id": st.one_of(st.none(), st.uuids().map(str)),
        "scanned_at": st.sampled_from(["", timezone.now().isoformat(), "2024-10-01T09:00:00"]),
    }, {name: st.one_of(JSON, junk_texts()) for name in ("number", "condition", "location", "note", "client_id",
                                                         "scanned_at")} | {"photo": PHOTOS}, max_bad=3)
    return st.one_of(fields.map(json.dumps), fields.map(lambda body: json.dumps(body, ensure_ascii=True)),
                     JSON.map(json.dumps), st.binary(max_size=200), texts(2))


@fuzz(40)
@given(data=st.data())
def test_the_counting_endpoint(client, org, data):
    with rolled_back():
        round_ = counting_round(org)
        sheet = round_.sheets.get(division=org["palad"])
        body = data.draw(scan_bodies(org, sheet), label="body")
        content_type = data.draw(st.sampled_from(["application/json", "application/json; charset=utf-8",
                                                  "text/plain", "application/x-www-form-urlencoded"]), label="type")
        inspector = org["people"][data.draw(st.sampled_from(["inspector1", "inspector1", "officer"]), label="who")]
        client.force_login(inspector)
        before = database_state()
        response = client.post(f"/inspections/sheet/{sheet.pk}/scan/", body, content_type=content_type)
        assert_not_500(response)
        event(f"answered {response.status_code}")
        answer = response.json()
        if response.status_code == 200:
            assert_stored_rows_valid(before)
            page = client.get(f"/inspections/sheet/{sheet.pk}/").content.decode()
            notes = list(Line.objects.filter(sheet=sheet).values_list("note", flat=True))
            findings = list(Finding.objects.filter(round=round_).values_list("number", "note"))
            assert_shown_escaped(page, *notes, *(text for pair in findings for text in pair))
            assert_no_live_markup(page, body if isinstance(body, str) else "")
        else:
            assert response.status_code in (400, 403) and answer["error"]
            assert database_state() == before


# --- the sheet's actions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["missing", "on_loan", "close", "reopen"])
@fuzz(12)
@given(data=st.data())
def test_the_sheet_actions(client, org, action, data):
    inspector = org["people"]["inspector1"]
    with rolled_back():
        round_ = counting_round(org)
        sheet = round_.sheets.get(division=org["palad"])
        lines = [str(pk) for pk in Line.objects.filter(sheet=sheet).order_by("pk").values_list("pk", flat=True)]
        if action in ("close", "reopen"):  # every line accounted for: the first found, the others missing
            services.inspection_scan(actor=inspector, sheet=sheet, number="416-67-0001")
            services.lines_declare_missing(actor=inspector, sheet=sheet)
        if action == "reopen":
            services.sheet_close(actor=inspector, sheet=sheet)
        back = f"/inspections/sheet/{sheet.pk}/"
        form = data.draw(forms({
            "line": st.lists(st.sampled_from(lines), min_size=1, max_size=3, unique=True),
            "all": st.sampled_from(["", "1"]),
            "note": fitting(2000, marked=True),
            "loan_line": st.sampled_from(lines),
            "reason": fitting(2000, required=True, marked=True),
            "back": st.sampled_from([back, back + "?show=missing", ""]),
        }, {"line": st.lists(ids(), max_size=3), "all": texts(1), "loan_line": ids(),
            "back": st.one_of(st.sampled_from(["//evil.example/", "https://evil.example/", back + "\r\nX: y"]),
                              texts(1))}, max_bad=3), label="form")
        client.force_login(inspector)
        before = database_state()
        response = client.post(f"/inspections/sheet/{sheet.pk}/{action}/", form)
        assert_not_500(response)
        after = database_state()
        event("accepted" if after != before else f"refused ({response.status_code})")
        if response.status_code == 404:  # a line that is not this sheet's
            assert action == "on_loan" and form["loan_line"] not in lines and after == before
        elif after == before:
            assert response.status_code == 302 and response["Location"].startswith(back)
            assert constants.ERROR in levels(response)
        else:
            assert response.status_code == 302 and response["Location"].startswith(back)
            assert constants.SUCCESS in levels(response)
            assert_stored_rows_valid(before, after)
        page = client.get(back).content.decode()
        assert_shown_escaped(page, *Line.objects.filter(sheet=sheet).values_list("note", flat=True))
        assert_no_live_markup(page, *flat(form.values()))
        sheet.refresh_from_db()
        assert sheet.status in Sheet.Status.values


# --- disposal -----------------------------------------------------------------------------------------------


@fuzz()
@given(data=st.data())
def test_the_disposal_proposal(client, org, data):
    officer = org["people"]["officer"]
    form = data.draw(forms({
        "title": fitting(300, required=True, marked=True),
        "assets": st.sampled_from(["416-67-0001", "416-67-0001\n๔๑๖-๖๗-๐๐๐๒", "416-67-0001, 416-67-0002"]),
        "reason": fitting(2000, required=True, marked=True),
        "path": st.sampled_from(DisposalCase.Path.values),
        "method": st.sampled_from([value for value in DisposalCase.Method.values if value != "write_off"]),
        "round": "",
    }, {"assets": texts(), "path": texts(1), "method": texts(1), "round": ids()}), label="form")
    with rolled_back():
        for asset in org["assets"]:
            asset.__class__.objects.filter(pk=asset.pk).update(status=AssetStatus.DAMAGED)
        client.force_login(officer)
        before = database_state()
        response = client.post("/inspections/disposals/new/", form)
        assert_not_500(response)
        event(f"answered {response.status_code}")
        if response.status_code == 302:
            case = DisposalCase.objects.get()
            assert_stored_rows_valid(before)
            page = client.get(f"/inspections/disposals/{case.pk}/").content.decode()
            assert_shown_escaped(page, case.title, case.reason)
            assert_no_live_markup(page, *form.values())
            assert_no_live_markup(client.get("/inspections/disposals/").content.decode(), *form.values())
        else:
            assert response.status_code == 200
            assert database_state() == before
            assert_no_live_markup(response.content.decode(), *form.values())


STEPS = {
    # step: (path, the moves before it, who, fields, junk)
    "fact_finding": ("fact_finding", [], "officer",
                     {"committee_order": fitting(100, required=True, marked=True),
                      "committee_members": fitting(2000, required=True, marked=True)}, {}),
    "facts": ("fact_finding", ["fact_finding"], "officer",
              {"facts": fitting(2000, required=True, marked=True), "facts_on": be(TODAY)}, {"facts_on": date_texts()}),
    "approve": ("direct", [], "head",
                {"order_number": fitting(100, required=True, marked=True),
                 "ordered_on": st.sampled_from([be(TODAY), "๐๑/๑๐/๒๕๖๗"])}, {"ordered_on": date_texts()}),
    "complete": ("direct", ["approve"], "officer",
                 {"completed_on": be(TODAY), "recipient": fitting(300, required=True, marked=True),
                  "proceeds": st.sampled_from(["1500", "๑,๕๐๐.๕๐", "0"])},
                 {"completed_on": date_texts(), "proceeds": number_texts()}),
    "report_sao": ("direct", ["approve", "complete"], "officer",
                   {"notified_on": be(TODAY), "reference": fitting(100, required=True, marked=True)},
                   {"notified_on": date_texts()}),
    "cancel": ("direct", [], "officer", {"reason": fitting(2000, required=True, marked=True)}, {}),
}


def _case(org, path: str, moves: list[str]) -> DisposalCase:
    people = org["people"]
    for asset in org["assets"][:2]:
        asset.__class__.objects.filter(pk=asset.pk).update(status=AssetStatus.DAMAGED)
    case = services.disposal_propose(actor=people["officer"], assets=org["assets"][:2], title="จำหน่ายคอมพิวเตอร์ชำรุด",
                                     reason="ชำรุด ซ่อมไม่คุ้ม", path=path, method=DisposalCase.Method.SALE)
    for move in moves:
        if move == "fact_finding":
            services.disposal_start_fact_finding(actor=people["officer"], case=case, committee_order="1/2568",
                                                 committee_members="นาย ก")
        elif move == "approve":
            services.disposal_approve(actor=people["head"], case=case, order_number="5/2568",
                                      ordered_on=TODAY - dt.timedelta(days=3))
        elif move == "complete":
            services.disposal_complete(actor=people["officer"], case=case, completed_on=TODAY - dt.timedelta(days=1),
                                       recipient="นายประมูล", proceeds=1500)
        case.refresh_from_db()
    return case


@pytest.mark.parametrize("step", sorted(STEPS))
@fuzz(12)
@given(data=st.data())
def test_the_disposal_steps(client, org, step, data):
    path, moves, who, acceptable, junk = STEPS[step]
    form = data.draw(forms(acceptable, junk), label="form")
    with rolled_back():
        case = _case(org, path, moves)
        client.force_login(org["people"][who])
        post_and_judge(client, f"/inspections/disposals/{case.pk}/{step}/", {f"{step}-{k}": v for k, v in form.items()})
        case.refresh_from_db()
        page = client.get(f"/inspections/disposals/{case.pk}/").content.decode()
        assert_shown_escaped(page, case.committee_order, case.committee_members, case.facts, case.order_number,
                             case.recipient, case.sao_reference, case.cancel_reason)
        assert_no_live_markup(page, *form.values())
