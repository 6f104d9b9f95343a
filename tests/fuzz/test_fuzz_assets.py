"""Bad input to the register, with hypothesis: the asset form (register and edit), the import upload and
confirm, the import's reading and planning themselves (assets.imports), and the label page's actions."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import event, given, strategies as st

from activity import chain
from assets.exports import REGISTER_FIELDS, register_headers
from assets.imports import ImportRefused, commit_import, parse_import, plan_import
from assets.models import Asset, Status
from assets.services import MANUAL_STATUSES
from common.spreadsheets import Table, write_xlsx
from tests.factories import AssetFactory
from tests.fuzz.support import (assert_no_live_markup, assert_not_500, assert_shown_escaped, assert_stored_rows_valid,
                                cell_texts, database_state, date_texts, fitting, forms, fuzz, ids, mostly, number_texts,
                                post_and_judge, reader_texts, rolled_back, texts)

pytestmark = pytest.mark.django_db

THAI_LETTERS = re.compile(r"[\u0E01-\u0E4E]")
TEXT_FIELDS = ("specification", "brand_model", "serial_number", "document_number", "vendor_name", "vendor_address",
               "vendor_phone", "notes")


TEXT_LIMITS = {"specification": None, "brand_model": 200, "serial_number": 100, "document_number": 100,
               "vendor_name": 200, "vendor_address": 300, "vendor_phone": 50, "notes": None}


def asset_form(category, division, location, acceptable=None, junk=None):
    """The registration form's fields: hostile text that fits, valid choices, dates and prices; then junk."""
    return forms({
        "number": st.one_of(st.just(""), fitting(60)),
        "name": fitting(300, required=True, marked=True),
        "category": str(category.pk),
        "division": str(division.pk),
        "location": st.sampled_from(["", str(location.pk)]),
        "custodian": "",
        "acquired_on": st.sampled_from(["15/03/2567", "๑๕/๐๓/๒๕๖๗", "2024-03-15", "1/10/2500"]),
        "acquisition_method": "",
        "budget_type": "",
        "unit": fitting(30, required=True),
        "unit_price": st.sampled_from(["21,000.00", "๒๑๐๐๐", "0", "999999999999.99", "0.5"]),
        "useful_life_years": st.sampled_from(["", "5", "๕", "100"]),
        "is_lendable": st.sampled_from(["", "on"]),
        **{name: fitting(limit) for name, limit in TEXT_LIMITS.items()}, **(acceptable or {}),
    }, {
        "category": ids(), "division": ids(), "location": ids(), "custodian": ids(), "acquisition_method": ids(),
        "budget_type": ids(), "acquired_on": date_texts(), "unit_price": number_texts(),
        "useful_life_years": number_texts(), **(junk or {}),
    })


def check_asset_page(client, asset: Asset, posted: dict) -> None:
    page = client.get(f"/assets/{asset.pk}/").content.decode()
    assert_shown_escaped(page, asset.number, asset.name, asset.unit, *(getattr(asset, name) for name in TEXT_FIELDS))
    assert_no_live_markup(page, *posted.values())
    response = client.get(f"/assets/{asset.pk}/edit/")
    assert response.status_code == 200
    assert_no_live_markup(response.content.decode(), *posted.values())


@fuzz()
@given(data=st.data())
def test_the_registration_form(client, officer, computer_category, division, location, data):
    form = data.draw(asset_form(computer_category, division, location), label="form")
    with rolled_back():
        client.force_login(officer)
        before = database_state()
        response = client.post("/assets/new/", form)
        assert_not_500(response)
        event(f"answered {response.status_code}")
        if response.status_code == 302:
            asset = Asset.objects.get(pk=int(response["Location"].strip("/").rsplit("/", 1)[-1]))
            changed = assert_stored_rows_valid(before)
            assert set(changed) >= {"assets.Asset", "activity.Entry"}
            check_asset_page(client, asset, form)
            assert_no_live_markup(client.get("/assets/").content.decode(), *form.values())
        else:
            assert response.status_code == 200
            assert database_state() == before
            assert_no_live_markup(response.content.decode(), *form.values())


@fuzz()
@given(data=st.data())
def test_the_edit_form(client, officer, computer_category, division, location, data):
    form = data.draw(asset_form(computer_category, division, location,
                                {"status": st.sampled_from(sorted(MANUAL_STATUSES) + [""]),
                                 "remove_photo": st.sampled_from(["", "1"])},
                                {"status": st.one_of(st.sampled_from(Status.values), texts(1))}), label="form")
    with rolled_back():
        asset = AssetFactory(division=division, location=location, category=computer_category, name="โต๊ะทำงาน")
        client.force_login(officer)
        before = database_state()
        response = client.post(f"/assets/{asset.pk}/edit/", form)
        assert_not_500(response)
        event(f"answered {response.status_code}")
        if response.status_code == 302:
            asset.refresh_from_db()
            assert_stored_rows_valid(before)
            assert asset.status in MANUAL_STATUSES
            check_asset_page(client, asset, form)
        else:
            assert response.status_code == 200
            assert database_state() == before
            assert_no_live_markup(response.content.decode(), *form.values())


# --- the import ---------------------------------------------------------------------------------------------

HEADER_NAMES = list(REGISTER_FIELDS) + register_headers()
REQUIRED = ["number", "name", "category", "division", "location", "acquired_on", "unit_price"]
VALID_CELLS = {"number": "", "name": "เครื่องคอมพิวเตอร์", "category": "416", "division": "PALAD", "location": "P01",
               "acquired_on": "15/03/2567", "unit_price": "21000"}


def _xlsx(headers, rows) -> bytes:
    """An .xlsx of these rows (write_xlsx cleans cells; headers are the caller's, so they are cleaned here)."""
    return write_xlsx([re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", header) for header in headers], rows)


def _csv(headers, rows, encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


def _cells():
    return st.one_of(texts(2), date_texts(), number_texts(), st.sampled_from(["416", "PALAD", "P01", "", "ใช่", "-"]))


def _good_rows():
    """Rows of the columns an import needs, each cell mostly valid and sometimes anything."""
    row = st.tuples(*[mostly(cell_texts(300, required=True, marked=True), texts(), ratio=6) if name == "name" else
                      mostly(VALID_CELLS[name], _cells(), ratio=15) for name in REQUIRED])
    return st.lists(row, min_size=1, max_size=4)


def register_files():
    """(file name, bytes): a plausible register with hostile cells, random tables, and junk."""
    headers = st.lists(st.one_of(st.sampled_from(HEADER_NAMES), texts(1)), max_size=8)
    rows = st.lists(st.lists(_cells(), max_size=8), max_size=5)
    encodings = st.sampled_from(["utf-8", "utf-8-sig", "cp874", "utf-16", "latin-1"])
    readable = st.sampled_from(["utf-8", "utf-8-sig", "cp874"])
    good_csv = st.builds(lambda rows, enc: ("register.csv", _csv(REQUIRED, rows, enc)), _good_rows(), readable)
    good_xlsx = st.builds(lambda rows: ("register.xlsx", write_xlsx(REQUIRED, rows)), _good_rows())
    return st.one_of(
        good_csv, good_xlsx, good_csv, good_xlsx,
        st.builds(lambda rows, enc: ("register.csv", _csv(REQUIRED, rows, enc)), _good_rows(), encodings),
        st.builds(lambda h, r, enc: ("random.csv", _csv(h, r, enc)), headers, rows, encodings),
        st.builds(lambda h, r: ("random.xlsx", _xlsx(h, r)), headers, rows),
        st.tuples(st.sampled_from(["junk.csv", "junk.xlsx", "junk.txt", "junk", ".csv", "a.CSV", "a.XLSX"]),
                  st.one_of(st.binary(max_size=3000), st.binary(max_size=500).map(lambda b: b"PK\x03\x04" + b))),
        st.tuples(st.text(st.characters(exclude_categories=["Cc", "Cs"], exclude_characters='"\\'), max_size=40)
                  .map(lambda name: name + ".csv"), st.builds(_csv, headers, rows, encodings)),
    )


@fuzz()
@given(upload=register_files())
def test_the_import_page(client, officer, location, upload):
    filename, content = upload
    with rolled_back():
        client.force_login(officer)
        before = database_state()
        response = client.post("/assets/import/", {"file": SimpleUploadedFile(filename, content)})
        assert_not_500(response)
        assert response.status_code == 200
        assert database_state() == before  # a preview writes nothing
        page = response.content.decode()
        assert_no_live_markup(page, filename)
        token = re.search(r'name="token" value="([0-9a-f]+)"', page)
        event("previewed with a confirm button" if token else "refused or nothing to import")
        if token is None:
            return
        response = client.post("/assets/import/", {"confirm": "1", "token": token.group(1)})
        assert_not_500(response)
        event(f"confirm answered {response.status_code}")
        if response.status_code == 302:
            changed = assert_stored_rows_valid(before)
            for pk in changed.get("assets.Asset", ()):
                asset = Asset.objects.get(pk=pk)
                page = client.get(f"/assets/{pk}/").content.decode()
                assert_shown_escaped(page, asset.number, asset.name)
            assert chain.verify().ok
        else:
            assert database_state() == before


def _typed_cells():
    """Cells as an XLSX reader hands them over: text, numbers (also NaN and infinities), booleans, dates, times."""
    return st.one_of(st.none(), reader_texts(), st.integers(min_value=-10**20, max_value=10**20), st.floats(),
                     st.booleans(), st.dates(), st.datetimes(), st.decimals(allow_nan=False, allow_infinity=False),
                     st.sampled_from(["416", "PALAD", "P01", "ใช่", "-"]))


@fuzz()
@given(data=st.data())
def test_parse_plan_and_commit(officer, location, data):
    """Reading and planning raise nothing but the module's own Thai refusal; a plan with bad rows commits
    nothing; a plan without commits rows that pass full_clean."""
    source = data.draw(st.sampled_from(["file", "table"]), label="source")
    with rolled_back():
        AssetFactory(number="416-67-0001", division=location.division, location=location)
        before = database_state()
        try:
            if source == "file":
                filename, content = data.draw(register_files(), label="file")
                plan = parse_import(content, filename, actor=officer)
            else:
                headers = data.draw(st.one_of(st.just(REQUIRED), st.lists(
                    st.one_of(st.sampled_from(HEADER_NAMES), texts(1)), max_size=8)), label="headers")
                rows = data.draw(st.lists(st.lists(_typed_cells(), max_size=len(headers) + 1), max_size=5), label="rows")
                plan = plan_import(Table(headers=list(headers), rows=list(enumerate(rows, start=2))), filename="x.xlsx")
        except ImportRefused as refusal:
            event("file refused")
            assert refusal.messages and all(THAI_LETTERS.search(message) for message in refusal.messages)
            assert database_state() == before
            return
        for error in plan.errors:
            assert error.messages and all(THAI_LETTERS.search(message) for message in error.messages), error
        event("plan with bad rows" if plan.errors else "valid plan")
        if not plan.is_valid:
            with pytest.raises(ImportRefused):
                commit_import(plan, actor=officer)
            assert database_state() == before
            return
        try:
            commit_import(plan, actor=officer)
        except ImportRefused as refusal:  # the register changed since the plan: allowed, but then nothing is written
            assert all(THAI_LETTERS.search(message) for message in refusal.messages)
            assert database_state() == before
            return
        assert_stored_rows_valid(before)
        assert chain.verify().ok


def test_an_escaped_nul_in_an_xlsx_cell_never_reaches_the_database(officer, location):
    """Excel escapes control characters in cells as _xHHHH_; the readers decode "_x0000_" to a NUL, which
    PostgreSQL cannot store (nor even compare): the reader drops it."""
    data = write_xlsx(REQUIRED, [["416-67-_x0000_0009", "โต๊ะ_x0000_ทำงาน", "416", "PALAD", "P01", "15/03/2567", "2500"]])
    plan = parse_import(data, "register.xlsx", actor=officer)
    assert plan.is_valid, plan.errors
    commit_import(plan, actor=officer)
    assert Asset.objects.get().name == "โต๊ะทำงาน" and Asset.objects.get().number == "416-67-0009"


# --- the label page's actions (report damage, repair, transfer) --------------------------------------------


@pytest.mark.parametrize("action", ["damage", "repair", "repaired", "transfer"])
@fuzz(12)
@given(data=st.data())
def test_the_label_page_actions(client, officer, computer_category, division, location, action, data):
    form = data.draw(forms({
        "action": action,
        "note": fitting(1000, required=action == "damage", marked=True),
        "repaired": st.sampled_from(["1", "0"]),
        "division": str(division.pk),
        "location": st.sampled_from(["", str(location.pk)]),
        "custodian": st.sampled_from(["", str(officer.pk)]),
    }, {"action": texts(1), "division": ids(), "location": ids(), "custodian": ids(), "repaired": texts(1)}),
        label="form")
    with rolled_back():
        asset = AssetFactory(number="416-67-0042", division=division, location=location, category=computer_category,
                             status=Status.UNDER_REPAIR if action == "repaired" else Status.IN_USE)
        client.force_login(officer)
        post_and_judge(client, f"/a/{asset.number}", form)
        for url in (f"/a/{asset.number}", f"/assets/{asset.pk}/", "/log/"):
            page = client.get(url)
            assert_not_500(page)
            assert_no_live_markup(page.content.decode(), *form.values())
