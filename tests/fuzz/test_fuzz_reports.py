"""Bad input to the annual integrity report's edit form (the title, the digit switch and every column of every
measure), with hypothesis; what is accepted is stored valid and shown escaped, in the page and in the
document the PDF is made of."""

import pytest
from django.contrib.messages import constants
from hypothesis import event, given, strategies as st

from reports import annual
from reports.models import AnnualReport
from tests.conftest import make_user
from tests.factories import DivisionFactory
from tests.fuzz.support import (assert_no_live_markup, assert_not_500, assert_shown_escaped, assert_stored_rows_valid,
                                database_state, fitting, forms, fuzz, levels, rolled_back, texts)

pytestmark = pytest.mark.django_db

YEAR = 2568
LIMITS = {"name": 300, "steps": None, "responsible": 300, "period": 300, "summary": None, "outcome": None}


@pytest.fixture
def officer(db):
    return make_user("annual_officer", "staff", "property_officer", division=DivisionFactory(code="KLANG"))


def edit_form():
    fields = {"title": fitting(300, required=True, marked=True), "thai_digits": st.sampled_from(["", "on"])}
    for number in (1, 4, 7):
        for name, limit in LIMITS.items():
            fields[f"m{number}-{name}"] = fitting(limit, required=name == "name", marked=True)
    return forms(fields, {"thai_digits": texts(1)}, max_bad=3)


@fuzz()
@given(data=st.data())
def test_the_edit_form(client, officer, data):
    form = data.draw(edit_form(), label="form")
    with rolled_back():
        report = annual.report_create(actor=officer, year=YEAR)
        client.force_login(officer)
        before = database_state()
        response = client.post(f"/annual/{YEAR}/edit/", form)
        assert_not_500(response)
        assert response.status_code in (302, 400)  # 400: refused, the form shown again as typed
        after = database_state()
        if response.status_code == 400:
            assert after == before
            assert_no_live_markup(response.content.decode(), *form.values())
        event("accepted" if after != before else "refused")
        if after == before:
            assert constants.ERROR in levels(response) or form["title"].strip() == report.title
        else:
            assert constants.SUCCESS in levels(response)
            assert_stored_rows_valid(before, after)
        report = AnnualReport.objects.get(pk=report.pk)
        measures = list(report.measures.all())
        shown = [report.title] + [getattr(measure, name) for measure in measures for name in LIMITS]
        page = client.get(f"/annual/{YEAR}/").content.decode()
        assert_shown_escaped(page, *shown)
        assert_no_live_markup(page, *form.values())
        document = annual.document_html(report)
        assert_no_live_markup(document, *form.values())
        if not report.thai_digits:  # with Thai digits the document's text (not the form's) has other digits
            assert_shown_escaped(document, *shown)
