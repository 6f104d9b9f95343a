"""Bad input to the loan pages, with hypothesis: the request form, the moves posted on a loan's page (reject
with a reason, hand out with conditions, receive with notes, ask for an extension, reject an extension,
record a follow-up), each as the person who may make it, and the manual's publish form."""

import datetime as dt

import pytest
from django.contrib.messages import constants
from django.utils import timezone
from hypothesis import event, given, strategies as st

from loans import services
from loans.models import Loan, LoanExtension
from organization.models import Organization
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory
from tests.fuzz.support import (assert_no_live_markup, assert_not_500, assert_shown_escaped, assert_stored_rows_valid,
                                database_state, date_texts, fitting, forms, fuzz, ids, levels, rolled_back, texts)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def be(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


@pytest.fixture
def office(db):
    Organization.objects.filter(pk=1).update(loan_endorsement_required=False)
    division = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    other = DivisionFactory(code="KLANG", name="กองคลัง")
    people = {
        "staff": make_user("somchai", "staff", division=division),
        "supplyhead": make_user("supply_p", "staff", "supply_head", division=other),
        "officer": make_user("officer_p", "staff", "property_officer", division=other),
        "admin": make_user("admin_p", "administrator", division=other),
    }
    version = services.manual_publish(actor=people["admin"], title="คู่มือการใช้ทรัพย์สิน", body="ใช้เพื่อราชการเท่านั้น")
    services.manual_acknowledge(actor=people["staff"], version=version)
    people["asset"] = AssetFactory(number="407-67-0009", name="โปรเจคเตอร์", is_lendable=True, division=division)
    people["spare"] = AssetFactory(number="407-67-0010", name="ลำโพง", is_lendable=True, division=division)
    return people


def check_loan_page(client, loan: Loan, posted: dict) -> None:
    loan.refresh_from_db()
    page = client.get(f"/loans/{loan.pk}/").content.decode()
    shown = [loan.purpose, loan.where, loan.phone, loan.agency_contact, loan.rejection_reason]
    if loan.place == Loan.Place.AGENCY:
        shown.append(loan.agency_name)
    shown += [extension.reason for extension in loan.extensions.all()]
    shown += [followup.note for followup in loan.followups.all()]
    shown += [item.condition_out for item in loan.items.all()] + [item.note_back for item in loan.items.all()]
    assert_shown_escaped(page, *shown)
    assert_no_live_markup(page, *posted.values())


@fuzz()
@given(data=st.data())
def test_the_request_form(client, office, data):
    form = data.draw(forms({
        "assets": st.sampled_from(["407-67-0009", "๔๐๗-๖๗-๐๐๐๙", " 407-67-0009 \n", "407-67-0009, 407-67-0010"]),
        "place": st.sampled_from(["inside", "outside", "agency"]),
        "where": fitting(300, required=True),
        "purpose": fitting(None, required=True, marked=True),
        "starts_on": st.sampled_from([be(TODAY), be(TODAY + dt.timedelta(days=1))]),
        "ends_on": st.sampled_from([be(TODAY + dt.timedelta(days=2)), be(TODAY + dt.timedelta(days=30))]),
        "phone": fitting(50, required=True),
        "borrower": "",
        "agency_name": fitting(200, required=True),
        "agency_contact": fitting(200),
    }, {"assets": texts(), "place": texts(1), "starts_on": date_texts(), "ends_on": date_texts(), "borrower": ids()}),
        label="form")
    with rolled_back():
        client.force_login(office["staff"])
        before = database_state()
        response = client.post("/loans/new/", form)
        assert_not_500(response)
        event(f"answered {response.status_code}")
        if response.status_code == 302:
            loan = Loan.objects.get(pk=int(response["Location"].strip("/").rsplit("/", 1)[-1]))
            assert_stored_rows_valid(before)
            check_loan_page(client, loan, form)
            for user, url in ((office["staff"], "/loans/"), (office["supplyhead"], "/loans/inbox/"),
                              (office["officer"], "/loans/register/")):
                client.force_login(user)
                assert_no_live_markup(client.get(url).content.decode(), *form.values())
        else:
            assert response.status_code == 200
            assert database_state() == before
            assert_no_live_markup(response.content.decode(), *form.values())


def _loan(office, *, status: str, overdue: bool = False, extension: bool = False) -> Loan:
    """A loan of the office's asset in the given state, made through the services."""
    loan = services.loan_request(actor=office["staff"], assets=[office["asset"]], purpose="ประชุม", phone="0812345678",
                                 place=Loan.Place.INSIDE, starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=3))
    if status == Loan.Status.REQUESTED:
        return loan
    services.loan_approve(actor=office["supplyhead"], loan=loan)
    if status == Loan.Status.OUT:
        services.loan_hand_out(actor=office["officer"], loan=loan)
    if extension:
        services.extension_request(actor=office["staff"], loan=loan, new_ends_on=TODAY + dt.timedelta(days=10),
                                   reason="ยังใช้งานไม่เสร็จ")
    if overdue:
        Loan.objects.filter(pk=loan.pk).update(starts_on=TODAY - dt.timedelta(days=20),
                                               ends_on=TODAY - dt.timedelta(days=10))
    loan.refresh_from_db()
    return loan


MOVES = {
    # action: (loan state, who posts, fields a person would send (asset-keyed names use {asset}), junk)
    "reject": ({"status": Loan.Status.REQUESTED}, "supplyhead",
               {"reason": fitting(None, required=True, marked=True)}, {}),
    "hand_out": ({"status": Loan.Status.APPROVED}, "officer",
                 {"condition_out_{asset}": fitting(None, marked=True)}, {}),
    "receive": ({"status": Loan.Status.OUT}, "officer",
                {"return_{asset}": "1", "condition_{asset}": st.sampled_from(["good", "damaged", "lost"]),
                 "note_{asset}": fitting(None, marked=True)},
                {"condition_{asset}": texts(1), "return_{asset}": texts(1)}),
    "extend": ({"status": Loan.Status.OUT}, "staff",
               {"new_ends_on": st.sampled_from([be(TODAY + dt.timedelta(days=5)), be(TODAY + dt.timedelta(days=60))]),
                "reason": fitting(None, required=True, marked=True)},
               {"new_ends_on": date_texts()}),
    "extension_reject": ({"status": Loan.Status.OUT, "extension": True}, "supplyhead",
                         {"extension": "{extension}", "reason": fitting(None, required=True, marked=True)},
                         {"extension": ids()}),
    "followup": ({"status": Loan.Status.OUT, "overdue": True}, "supplyhead",
                 {"how": st.sampled_from(["phone", "letter", "in_person"]),
                  "note": fitting(None, required=True, marked=True)},
                 {"how": texts(1)}),
}


@pytest.mark.parametrize("action", sorted(MOVES))
@fuzz(15)
@given(data=st.data())
def test_the_moves_on_a_loan(client, office, action, data):
    state, who, acceptable, junk = MOVES[action]
    with rolled_back():
        loan = _loan(office, **state)
        extension = loan.extensions.filter(status=LoanExtension.Status.REQUESTED).first()
        names = {"asset": office["asset"].pk, "extension": extension.pk if extension else ""}
        form = data.draw(forms({name.format(**names): value.format(**names) if isinstance(value, str) else value
                                for name, value in acceptable.items()},
                               {name.format(**names): value for name, value in junk.items()}), label="form")
        form["action"] = data.draw(st.one_of(st.just(action), texts(1)), label="action")
        client.force_login(office[who])
        before = database_state()
        response = client.post(f"/loans/{loan.pk}/", form)
        assert_not_500(response)
        assert response.status_code == 302
        after = database_state()
        outcome = levels(response)
        event("accepted" if after != before else "refused")
        if after == before:
            assert constants.ERROR in outcome and constants.SUCCESS not in outcome  # refused: said so, nothing kept
        else:
            assert constants.SUCCESS in outcome and form["action"] == action
            assert_stored_rows_valid(before, after)
        check_loan_page(client, loan, form)


@fuzz()
@given(data=st.data())
def test_the_manual_form(client, office, data):
    form = data.draw(forms({"action": "publish", "title": fitting(300, required=True, marked=True),
                            "body": fitting(required=True, marked=True)}, {"action": texts(1)}), label="form")
    with rolled_back():
        client.force_login(office["admin"])
        before = database_state()
        response = client.post("/loans/manual/", form)
        assert_not_500(response)
        assert response.status_code == 302
        after = database_state()
        event("accepted" if after != before else "refused")
        if after != before:
            assert_stored_rows_valid(before, after)
        version = services.current_manual()
        page = client.get("/loans/manual/").content.decode()
        assert_shown_escaped(page, version.body)
        assert_no_live_markup(page, *form.values())
