"""Every URL × every role: the answer to a GET, written down in TABLE below, checked against the running app.

The rows are every URL name of config.urls (walked through its includes as tests/test_urls_anonymous.py
does); the columns are the seven roles, each held alone, and a signed-in account with no role. A fixture
builds one of everything (an asset with a photo, a loan, an inspection round being counted, a disposal case,
a procurement, a publication, an annual report with an issued version, finished document jobs), so each
path names a real object. A URL added to the app without a row here fails test_every_url_has_a_row.

The admin site is a table too, by model (ADMIN_MODELS) plus its site pages (ADMIN_SITE): as in the demo data,
property officers and administrators are the staff accounts that may open it at all.

Below the table: object scope, where the role is right but the object is someone else's (another borrower's
loan, another division's, another round's sheet).
"""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone
from PIL import Image

from assets.models import BudgetType, Category, Status
from audits import services as audit_services
from audits.models import Line, Round
from loans import services as loan_services
from loans.models import Loan, LoanExtension
from organization import roles
from procurement import services as procurement_services
from reports import annual
from reports.models import DocumentJob
from reports.tasks import render_labels_job
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory, LocationFactory

pytestmark = pytest.mark.django_db

ROLES = ("staff", "division_head", "property_officer", "supply_head", "agency_head", "auditor", "administrator",
         "no_role")
ADMIN_STAFF = {"property_officer", "administrator"}  # is_staff, as in the demo data (demo/data.py)
TODAY = timezone.localdate()
FISCAL_YEAR = 2567

ALL = lambda code: (code,) * len(ROLES)  # noqa: E731 - a row where every role gets the same answer

# The expected status of a GET, by URL name. Columns, in order:
#   staff  division_head  property_officer  supply_head  agency_head  auditor  administrator  no role
# 403: refused by role; 404: the object is not in the user's scope (or the page hides that it exists);
# 405: POST only; 302: a redirect (the login page for a signed-in user, the language switch, a GET of a form's
# confirm step). The loan is the staff member's own, in the division head's division.
TABLE = {
    # the site
    "home":                                  ALL(200),
    "login":                                 ALL(302),  # already signed in: sent on
    "logout":                                ALL(405),  # POST only
    "set_language":                          ALL(302),
    "scan_lookup":                           ALL(302),  # no number typed: back to the scanner
    "scan":                                  ALL(200),  # a label's page: public (tests/assets/test_scan.py)
    "scanner":                               ALL(200),
    "public_procurement":                    ALL(200),
    "public_procurement_file":               ALL(200),
    # the register
    "assets:list":                           (200, 200, 200, 200, 200, 200, 200, 403),
    "assets:create":                         (403, 403, 200, 403, 403, 403, 200, 403),
    "assets:detail":                         (200, 200, 200, 200, 200, 200, 200, 404),
    "assets:edit":                           (403, 403, 200, 403, 403, 403, 200, 403),
    "assets:photo":                          (200, 200, 200, 200, 200, 200, 200, 404),
    "assets:export_xlsx":                    (200, 200, 200, 200, 200, 200, 200, 403),
    "assets:export_csv":                     (200, 200, 200, 200, 200, 200, 200, 403),
    "assets:import":                         (403, 403, 200, 403, 403, 403, 200, 403),
    "reports:register_card":                 (200, 200, 200, 200, 200, 200, 200, 404),
    "reports:register_cards":                (200, 200, 200, 200, 200, 200, 200, 403),
    "reports:label_sheet":                   (403, 403, 200, 403, 403, 403, 200, 403),
    "reports:label_job":                     (404, 404, 404, 404, 404, 404, 200, 404),  # someone else's job
    "reports:label_job_file":                (404, 404, 404, 404, 404, 404, 200, 404),
    # loans
    "loans:mine":                            ALL(200),
    "loans:request":                         (200, 200, 200, 200, 200, 403, 200, 403),
    "loans:inbox":                           ALL(200),
    "loans:desk":                            (403, 403, 200, 403, 403, 403, 200, 403),
    "loans:register":                        ALL(200),  # each sees the loans of their scope (none without a role)
    "loans:register_export":                 ALL(200),
    "loans:manual":                          ALL(200),
    "loans:notifications":                   ALL(200),
    "loans:detail":                          (200, 200, 200, 200, 200, 200, 200, 404),
    "loans:asset":                           (200, 200, 200, 200, 200, 200, 200, 404),
    "reports:loan_form":                     (200, 200, 200, 200, 200, 200, 200, 404),
    # inspection (staff and the division head are not appointed to the round) and disposal
    "audits:rounds":                         ALL(200),
    "audits:round_new":                      (403, 403, 403, 200, 200, 403, 200, 403),
    "audits:round":                          (404, 404, 200, 200, 200, 200, 200, 404),
    "audits:round_progress":                 (404, 404, 200, 200, 200, 200, 200, 404),
    "audits:report_xlsx":                    (404, 404, 200, 200, 200, 200, 200, 404),
    "audits:round_action":                   ALL(405),
    "audits:sheet":                          (404, 404, 200, 200, 200, 200, 200, 404),
    "audits:count":                          (404, 404, 403, 403, 403, 403, 403, 404),  # inspectors only
    "audits:scan":                           ALL(405),
    "audits:sheet_action":                   ALL(405),
    "reports:inspection_report":             (404, 404, 200, 200, 200, 200, 200, 404),
    "audits:disposals":                      (403, 403, 200, 200, 200, 200, 200, 403),
    "audits:disposal_new":                   (403, 403, 200, 200, 403, 403, 200, 403),
    "audits:disposal":                       (404, 404, 200, 200, 200, 200, 200, 404),
    "audits:disposal_action":                ALL(405),
    # procurement and disclosure
    "procurement:register":                  (200, 200, 200, 200, 200, 200, 200, 403),
    "procurement:new":                       (403, 403, 200, 200, 403, 403, 200, 403),
    "procurement:egp_import":                (403, 403, 200, 200, 403, 403, 200, 403),
    "procurement:egp_import_confirm":        (403, 403, 302, 302, 403, 403, 302, 403),
    "procurement:disclosures":               (200, 200, 200, 200, 200, 200, 200, 403),
    "procurement:publish":                   ALL(405),
    "procurement:detail":                    (200, 200, 200, 200, 200, 200, 200, 403),
    "procurement:edit":                      (403, 403, 200, 200, 403, 403, 200, 403),
    "procurement:step":                      ALL(405),
    "procurement:asset":                     (200, 200, 200, 200, 200, 200, 200, 403),
    "reports:sor_khor_1_pdf":                (200, 200, 200, 200, 200, 200, 200, 403),
    "reports:sor_khor_1_xlsx":               (200, 200, 200, 200, 200, 200, 200, 403),
    "reports:procurement_plan_pdf":          (200, 200, 200, 200, 200, 200, 200, 403),
    "reports:procurement_plan_xlsx":         (200, 200, 200, 200, 200, 200, 200, 403),
    "reports:procurement_yearly_pdf":        (200, 200, 200, 200, 200, 200, 200, 403),
    "reports:procurement_yearly_xlsx":       (200, 200, 200, 200, 200, 200, 200, 403),
    "reports:procurement_publish_document":  ALL(405),
    # the usage log and the annual report
    "reports:activity_log":                  (200, 200, 200, 200, 200, 200, 200, 403),
    "reports:annual_list":                   (200, 200, 200, 200, 200, 200, 200, 403),
    "reports:annual":                        (200, 200, 200, 200, 200, 200, 200, 403),
    "reports:annual_draft_pdf":              (200, 200, 200, 200, 200, 200, 200, 403),
    "reports:annual_version_pdf":            (200, 200, 200, 200, 200, 200, 200, 403),
    "reports:annual_action":                 ALL(405),
    "reports:annual_job":                    (404, 404, 200, 200, 404, 404, 200, 404),  # someone else's job
    "reports:annual_job_file":               (404, 404, 200, 200, 404, 404, 200, 404),
    # the set-up area: reference tables for property officers, the profile and staff for administrators
    "first_sign_in":                         ALL(200),  # a link that is no longer valid: the page says so
    "setup:home":                            (403, 403, 200, 403, 403, 403, 200, 403),
    "setup:profile":                         (403, 403, 403, 403, 403, 403, 200, 403),
    "setup:divisions":                       (403, 403, 200, 403, 403, 403, 200, 403),
    "setup:division_create":                 (403, 403, 200, 403, 403, 403, 200, 403),
    "setup:division_edit":                   (403, 403, 200, 403, 403, 403, 200, 403),
    "setup:staff":                           (403, 403, 403, 403, 403, 403, 200, 403),
    "setup:staff_create":                    (403, 403, 403, 403, 403, 403, 200, 403),
    "setup:staff_edit":                      (403, 403, 403, 403, 403, 403, 200, 403),
    "setup:first_sign_in_slips":             (403, 403, 403, 403, 403, 403, 200, 403),
    "setup:first_sign_in_slips_of":          (403, 403, 403, 403, 403, 403, 302, 403),  # has a password: back
    "setup:table_import":                    (403, 403, 200, 403, 403, 403, 200, 403),
    "setup:table_export":                    (403, 403, 200, 403, 403, 403, 200, 403),
}

# The admin site's own pages (same columns). Accounts that are not staff are sent to its login page.
ADMIN_SITE = {
    "admin:index":                           (302, 302, 200, 302, 302, 302, 200, 302),
    "admin:login":                           (200, 200, 302, 200, 200, 200, 302, 200),  # "not authorised" / on
    "admin:logout":                          (302, 302, 405, 302, 302, 302, 405, 302),
    "admin:password_change":                 (302, 302, 200, 302, 302, 302, 200, 302),
    "admin:password_change_done":            (302, 302, 200, 302, 302, 302, 200, 302),
    "admin:autocomplete":                    (302, 302, 403, 302, 302, 302, 403, 302),  # no field asked for
    "admin:jsi18n":                          (302, 302, 200, 302, 302, 302, 200, 302),
    "admin:view_on_site":                    (302, 302, 302, 302, 302, 302, 302, 302),
    "admin:auth_user_password_change":       (302, 302, 403, 302, 302, 302, 200, 302),  # a person's password
}

# The admin site's models: which staff roles may use each (a role check in the ModelAdmin, or Django's model
# permissions, which no role grants: superusers only), and which of its views stay closed even to them.
REFERENCE = {"property_officer", "administrator"}
ADMINISTRATOR = {"administrator"}
SUPERUSERS_ONLY = set()
ADMIN_MODELS = {
    "organization_organization":             (ADMINISTRATOR, {"add", "delete"}),  # one profile, never deleted
    "organization_user":                     (ADMINISTRATOR, {"delete"}),  # staff are deactivated, never deleted
    "organization_division":                 (REFERENCE, set()),
    "organization_location":                 (REFERENCE, set()),
    "organization_holiday":                  (REFERENCE, set()),
    "assets_category":                       (REFERENCE, set()),
    "assets_budgettype":                     (REFERENCE, set()),
    "assets_acquisitionmethod":              (REFERENCE, set()),
    "auth_group":                            (SUPERUSERS_ONLY, set()),  # roles come from a migration
    "django_tasks_database_dbtaskresult":    (SUPERUSERS_ONLY, set()),
    "axes_accessattempt":                    (SUPERUSERS_ONLY, set()),  # lockouts (login throttling)
    "axes_accesslog":                        (SUPERUSERS_ONLY, set()),
    "axes_accessfailurelog":                 (SUPERUSERS_ONLY, set()),
}
MODEL_VIEWS = ("changelist", "add", "change", "delete", "history")


# --- walking the URLs -----------------------------------------------------------------------------------------

def walk(patterns, prefix="", namespace=None):
    """(route, namespace, qualified name, pattern) for every URL pattern below `patterns`."""
    for entry in patterns:
        route = entry.pattern._regex if isinstance(entry.pattern, RegexPattern) else str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace])) or None
            yield from walk(entry.url_patterns, prefix + route, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + route, namespace, name, entry


def _is_admin(namespace) -> bool:
    return bool(namespace) and namespace.split(":")[0] == "admin"


PATTERNS = list(walk(get_resolver().url_patterns))
APP_NAMES = {name for _route, namespace, name, _entry in PATTERNS if not _is_admin(namespace)}
# The admin's regex patterns (app_list, the catch-all) are left out, as in test_urls_anonymous.
ADMIN_ROUTES = [(route, name) for route, namespace, name, entry in PATTERNS
                if _is_admin(namespace) and isinstance(entry.pattern, RoutePattern)]


def _admin_model_view(name: str) -> tuple[str, str] | None:
    """admin:assets_category_change → ("assets_category", "change"), for the models of ADMIN_MODELS."""
    for model in ADMIN_MODELS:
        for view in MODEL_VIEWS:
            if name == f"admin:{model}_{view}":
                return model, view
    return None


def _admin_object_redirect(route: str) -> str | None:
    """The unnamed admin/<app>/<model>/<id>/ pattern (a redirect to the change page) → its model."""
    parts = route.split("/")
    if len(parts) == 5 and parts[0] == "admin" and parts[3] == "<path:object_id>" and parts[4] == "":
        model = f"{parts[1]}_{parts[2]}"
        return model if model in ADMIN_MODELS else None
    return None


def expected_admin(route: str, name: str | None) -> tuple[int, ...] | None:
    if name in ADMIN_SITE:
        return ADMIN_SITE[name]
    if name is None:
        return ALL(302) if _admin_object_redirect(route) else None
    found = _admin_model_view(name)
    if found is None:
        return None
    model, view = found
    allowed, closed = ADMIN_MODELS[model]
    row = []
    for role in ROLES:
        if role not in ADMIN_STAFF:
            row.append(302)  # not staff: the admin's login page
        elif role in allowed and view not in closed:
            row.append(200)
        else:
            row.append(403)
    return tuple(row)


# --- the world the table is checked in -------------------------------------------------------------------------

def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def world(db):
    """One of everything, each owned so that the table's columns differ where scope matters."""
    palad = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    klang = DivisionFactory(code="KLANG", name="กองคลัง")
    room = LocationFactory(division=palad, code="P01", name="ห้องสำนักปลัด")
    users = {role: make_user(f"u_{role}", role, division=palad, is_staff=role in ADMIN_STAFF)
             for role in ROLES if role != "no_role"}
    users["no_role"] = make_user("u_norole", division=palad)
    # People outside the table: the round's inspector and whoever asked for the document jobs.
    inspector = make_user("inspector", "staff", division=klang)
    requester = make_user("requester", "staff", division=klang)

    asset = AssetFactory(number="407-67-0001", name="โปรเจคเตอร์", division=palad, location=room, is_lendable=True)
    asset.photo.save("projector.jpg", ContentFile(_jpeg()), save=True)
    AssetFactory(number="416-67-0002", name="เครื่องคอมพิวเตอร์", division=klang)
    broken = AssetFactory(number="416-60-0003", name="เครื่องพิมพ์ชำรุด", division=palad, status=Status.DAMAGED)

    # The staff member's loan, endorsed by their division head and approved by the supply head.
    version = loan_services.manual_publish(actor=users["administrator"], title="คู่มือ", body="ใช้เพื่อราชการ")
    loan_services.manual_acknowledge(actor=users["staff"], version=version)
    loan = loan_services.loan_request(actor=users["staff"], assets=[asset], purpose="ประชุม", place="inside",
                                      starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=2), phone="0812345678")
    loan_services.loan_endorse(actor=users["division_head"], loan=loan)
    loan_services.loan_approve(actor=users["supply_head"], loan=loan)
    loan.refresh_from_db()

    # An annual round being counted by one inspector (not one of the table's users).
    round_ = audit_services.round_appoint(
        actor=users["administrator"], kind=Round.Kind.ANNUAL, fiscal_year=FISCAL_YEAR, order_number="1/2567",
        order_date=dt.date(2024, 9, 20), appointed_by=users["agency_head"], inspectors=[inspector])
    round_ = audit_services.round_start(actor=inspector, round_=round_, today=round_.starts_on)
    sheet = round_.sheets.get(division=palad)

    case = audit_services.disposal_propose(actor=users["property_officer"], assets=[broken], title="จำหน่ายเครื่องพิมพ์",
                                           reason="ชำรุด ซ่อมไม่คุ้ม", path="direct", method="sale")

    procurement = procurement_services.procurement_create(
        actor=users["property_officer"], fiscal_year=FISCAL_YEAR, title="ซื้อโปรเจคเตอร์", project_type="ซื้อ",
        division=palad, amount=Decimal("30000"), reference_price=Decimal("30000"), reference_source="สืบราคา",
        method="specific", budget_type=BudgetType.objects.get(code="BUDGET"),
        items=[{"description": "โปรเจคเตอร์", "kind": "durable", "category": Category.objects.get(code="416"),
                "quantity": 1, "unit": "เครื่อง", "unit_price": Decimal("30000")}])
    publication = procurement_services.publication_record(
        actor=users["property_officer"], kind="plan", fiscal_year=FISCAL_YEAR, published_on=TODAY,
        where="บอร์ดประชาสัมพันธ์", content=b"%PDF-1.7 plan", file_name="plan.pdf")

    report = annual.report_create(actor=users["administrator"], year=FISCAL_YEAR)
    report_version = annual.report_issue(actor=users["administrator"], report=report)

    jobs = {}
    for kind in ("labels", "annual_attachments"):
        job = DocumentJob.objects.create(kind=kind, requested_by=requester, status=DocumentJob.Status.DONE,
                                         params={"fiscal_year": FISCAL_YEAR})
        job.file.save(f"{kind}.bin", ContentFile(b"%PDF-1.7 job"), save=True)
        jobs[kind] = job
    # A row for each admin model that would otherwise be empty (a missing object's admin page just redirects).
    render_labels_job.enqueue(jobs["labels"].pk)  # a task result (django-tasks' database backend)
    seen = {"username": "someone", "ip_address": "192.0.2.1", "user_agent": "test", "http_accept": "*/*",
            "path_info": "/accounts/login/"}
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**seen, locked_out=False)

    kwargs = {
        "scan": {"number": asset.number},
        "assets:detail": {"pk": asset.pk}, "assets:edit": {"pk": asset.pk}, "assets:photo": {"pk": asset.pk},
        "reports:register_card": {"pk": asset.pk},
        "reports:label_job": {"pk": jobs["labels"].pk}, "reports:label_job_file": {"pk": jobs["labels"].pk},
        "loans:detail": {"pk": loan.pk}, "loans:asset": {"pk": asset.pk}, "reports:loan_form": {"pk": loan.pk},
        "audits:round": {"pk": round_.pk}, "audits:round_progress": {"pk": round_.pk},
        "audits:report_xlsx": {"pk": round_.pk}, "audits:round_action": {"pk": round_.pk, "action": "submit"},
        "audits:sheet": {"pk": sheet.pk}, "audits:count": {"pk": sheet.pk}, "audits:scan": {"pk": sheet.pk},
        "audits:sheet_action": {"pk": sheet.pk, "action": "close"},
        "reports:inspection_report": {"pk": round_.pk},
        "audits:disposal": {"pk": case.pk}, "audits:disposal_action": {"pk": case.pk, "step": "approve"},
        "procurement:detail": {"pk": procurement.pk}, "procurement:edit": {"pk": procurement.pk},
        "procurement:step": {"pk": procurement.pk, "step": "announce"}, "procurement:asset": {"pk": asset.pk},
        "public_procurement_file": {"pk": publication.pk},
        "reports:sor_khor_1_pdf": {"year": FISCAL_YEAR, "month": 10},
        "reports:sor_khor_1_xlsx": {"year": FISCAL_YEAR, "month": 10},
        "reports:procurement_plan_pdf": {"fiscal_year": FISCAL_YEAR},
        "reports:procurement_plan_xlsx": {"fiscal_year": FISCAL_YEAR},
        "reports:procurement_yearly_pdf": {"fiscal_year": FISCAL_YEAR},
        "reports:procurement_yearly_xlsx": {"fiscal_year": FISCAL_YEAR},
        "reports:annual": {"year": FISCAL_YEAR}, "reports:annual_draft_pdf": {"year": FISCAL_YEAR},
        "reports:annual_version_pdf": {"year": FISCAL_YEAR, "number": report_version.number},
        "reports:annual_action": {"year": FISCAL_YEAR, "action": "refresh"},
        "reports:annual_job": {"pk": jobs["annual_attachments"].pk},
        "reports:annual_job_file": {"pk": jobs["annual_attachments"].pk},
        "first_sign_in": {"uidb64": "MQ", "token": "abc-def"},
        "setup:division_edit": {"pk": palad.pk}, "setup:staff_edit": {"pk": users["staff"].pk},
        "setup:first_sign_in_slips_of": {"pk": users["staff"].pk},
        "setup:table_import": {"key": "divisions"}, "setup:table_export": {"key": "divisions"},
    }
    return {"users": users, "kwargs": kwargs, "asset": asset, "loan": loan, "round": round_, "sheet": sheet,
            "palad": palad, "klang": klang, "inspector": inspector, "version": version}


def _admin_path(route: str, name: str | None) -> str:
    """The admin route with its parameters filled by real objects (the first row of the page's model)."""
    path = "/" + route
    if "<path:content_type_id>" in route:  # view_on_site: an asset, which has a page of its own
        from assets.models import Asset

        path = path.replace("<path:content_type_id>", str(ContentType.objects.get_for_model(Asset).pk))
        return path.replace("<path:object_id>", str(Asset.objects.order_by("pk").first().pk))
    if name == "admin:auth_user_password_change":
        model = "organization_user"
    elif name is None:
        model = _admin_object_redirect(route)
    else:
        model = (_admin_model_view(name) or (None,))[0]
    if model is not None:
        models = {f"{cls._meta.app_label}_{cls._meta.model_name}": cls for cls in apps.get_models()}
        object_id = str(models[model].objects.order_by("pk").values_list("pk", flat=True).first())
        path = path.replace("<path:object_id>", object_id).replace("<id>", object_id)
    return path


# --- the table, checked -------------------------------------------------------------------------------------------

def test_every_url_has_a_row():
    missing = sorted(APP_NAMES - set(TABLE))
    assert not missing, f"URLs with no row in TABLE (add one, with the answer for every role): {missing}"
    stale = sorted(set(TABLE) - APP_NAMES)
    assert not stale, f"TABLE has rows for URLs that no longer exist: {stale}"
    unlisted = [name or route for route, name in ADMIN_ROUTES if expected_admin(route, name) is None]
    assert not unlisted, f"admin URLs with no entry in ADMIN_SITE or ADMIN_MODELS: {unlisted}"
    assert all(len(row) == len(ROLES) for row in [*TABLE.values(), *ADMIN_SITE.values()])


def test_the_table_knows_every_role():
    assert set(ROLES) - {"no_role"} == set(roles.ROLE_LABELS)


def test_app_urls_are_plain_routes():
    regex = [route for route, namespace, name, entry in PATTERNS
             if not _is_admin(namespace) and not isinstance(entry.pattern, RoutePattern)]
    assert regex == [], "a regex URL cannot be filled in here: extend the walker"


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_the_table_says(client, world, role):
    client.force_login(world["users"][role])
    column = ROLES.index(role)
    wrong = []
    for name in sorted(APP_NAMES & set(TABLE)):  # a URL without a row fails test_every_url_has_a_row
        path = reverse(name, kwargs=world["kwargs"].get(name))
        status = client.get(path).status_code
        if status != TABLE[name][column]:
            wrong.append(f"  {name} ({path}): {status}, the table says {TABLE[name][column]}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_url_answers_each_role_as_the_table_says(client, world, role):
    client.force_login(world["users"][role])
    column = ROLES.index(role)
    wrong = []
    for route, name in ADMIN_ROUTES:
        if expected_admin(route, name) is None:
            continue  # fails test_every_url_has_a_row
        path = _admin_path(route, name)
        expected = expected_admin(route, name)[column]
        status = client.get(path).status_code
        if status != expected:
            wrong.append(f"  {name or route} ({path}): {status}, the table says {expected}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


# --- object scope ----------------------------------------------------------------------------------------------

@pytest.fixture
def other_borrower(world):
    """A member of staff of another division, who has read the manual and may borrow."""
    person = make_user("somsri", "staff", division=world["klang"])
    loan_services.manual_acknowledge(actor=person, version=world["version"])
    return person


def test_a_borrower_cannot_see_another_borrowers_loan_by_its_id(client, world, other_borrower):
    loan = world["loan"]
    client.force_login(other_borrower)
    assert client.get(f"/loans/{loan.pk}/").status_code == 404
    assert client.get(f"/loans/{loan.pk}/form.pdf").status_code == 404
    assert loan.pk not in {row.pk for row in client.get("/loans/register/").context["rows"]}
    calendar = client.get(f"/loans/asset/{world['asset'].pk}/").content.decode()
    assert f'href="/loans/{loan.pk}/"' not in calendar  # the days show as taken, without a link


def test_a_borrower_cannot_cancel_or_extend_another_borrowers_loan(client, world, other_borrower):
    loan = world["loan"]
    assert loan.status == Loan.Status.APPROVED  # cancelling and asking for more time are both open to its borrower
    client.force_login(other_borrower)
    assert client.post(f"/loans/{loan.pk}/", {"action": "cancel"}).status_code == 404
    later = TODAY + dt.timedelta(days=9)
    response = client.post(f"/loans/{loan.pk}/", {"action": "extend", "reason": "ยังใช้อยู่",
                                                  "new_ends_on": f"{later.day:02d}/{later.month:02d}/{later.year + 543}"})
    assert response.status_code == 404
    loan.refresh_from_db()
    assert loan.status == Loan.Status.APPROVED
    assert not LoanExtension.objects.exists()

    # The same posts by the borrower work: the refusal above is the scope, not a broken form.
    client.force_login(world["users"]["staff"])
    client.post(f"/loans/{loan.pk}/", {"action": "extend", "reason": "ยังใช้อยู่",
                                       "new_ends_on": f"{later.day:02d}/{later.month:02d}/{later.year + 543}"})
    assert LoanExtension.objects.filter(loan=loan, requested_by=world["users"]["staff"]).count() == 1
    client.post(f"/loans/{loan.pk}/", {"action": "cancel"})
    loan.refresh_from_db()
    assert loan.status == Loan.Status.CANCELLED


def test_a_division_head_sees_their_staffs_loan_but_cannot_cancel_or_extend_it(client, world):
    """The division head sees their staff's loan, but cancelling or extending is the borrower's."""
    loan = world["loan"]
    client.force_login(world["users"]["division_head"])
    assert client.get(f"/loans/{loan.pk}/").status_code == 200
    client.post(f"/loans/{loan.pk}/", {"action": "cancel"})
    client.post(f"/loans/{loan.pk}/", {"action": "extend", "reason": "x", "new_ends_on": "01/01/2600"})
    loan.refresh_from_db()
    assert loan.status == Loan.Status.APPROVED
    assert not LoanExtension.objects.exists()


def test_a_division_head_cannot_see_another_divisions_loan(client, world, other_borrower):
    klang_head = make_user("klang_head", "staff", "division_head", division=world["klang"])
    palad_loan = world["loan"]
    klang_loan = loan_services.loan_request(actor=other_borrower, assets=[AssetFactory(
        number="407-67-0009", division=world["klang"], is_lendable=True)], purpose="อบรม", place="inside",
        starts_on=TODAY, ends_on=TODAY, phone="0800000000")
    client.force_login(klang_head)
    assert client.get(f"/loans/{klang_loan.pk}/").status_code == 200  # their own division's
    assert client.get(f"/loans/{palad_loan.pk}/").status_code == 404
    assert client.get(f"/loans/{palad_loan.pk}/form.pdf").status_code == 404
    assert client.post(f"/loans/{palad_loan.pk}/", {"action": "endorse"}).status_code == 404
    listed = {loan.pk for loan in client.get("/loans/register/").context["rows"]}
    assert listed == {klang_loan.pk}
    assert {loan.pk for loan in client.get("/loans/inbox/").context["rows"]} == {klang_loan.pk}


def _scan(client, sheet, number):
    return client.post(f"/inspections/sheet/{sheet.pk}/scan/", json.dumps({"number": number, "condition": "usable"}),
                       content_type="application/json")


def test_an_inspector_cannot_count_another_rounds_sheet(client, world):
    """Two rounds, each with its own inspector: the first one's inspector cannot see or count the second's sheet
    (not even by posting to its scan address), and a head who sees every round still counts only their own."""
    first_sheet = world["sheet"]
    klang = world["klang"]
    users = world["users"]
    spot_inspector = make_user("spot", "staff", division=klang)
    head = make_user("deputy_inspector", "agency_head", division=klang)  # a deputy mayor, who sees every round
    spot = audit_services.round_appoint(
        actor=users["administrator"], kind=Round.Kind.SPOT, fiscal_year=FISCAL_YEAR, division=klang,
        starts_on=TODAY, order_number="9/2567", order_date=TODAY, appointed_by=users["agency_head"],
        inspectors=[spot_inspector, head])
    # A spot check appointed today starts on the first working day from today (the next Monday on a weekend).
    spot = audit_services.round_start(actor=spot_inspector, round_=spot, today=spot.starts_on)
    spot_sheet = spot.sheets.get()
    number = spot_sheet.lines.first().number

    client.force_login(world["inspector"])  # the annual round's inspector
    assert _scan(client, spot_sheet, number).status_code == 404
    assert client.get(f"/inspections/sheet/{spot_sheet.pk}/count/").status_code == 404
    assert client.get(f"/inspections/sheet/{spot_sheet.pk}/").status_code == 404
    assert client.post(f"/inspections/sheet/{spot_sheet.pk}/missing/", {"all": "1"}).status_code == 404
    assert _scan(client, first_sheet, world["asset"].number).status_code == 200  # their own round: counted

    client.force_login(head)  # sees every round (a head of agency), appointed to the spot check only
    assert client.get(f"/inspections/sheet/{first_sheet.pk}/").status_code == 200
    refused = _scan(client, first_sheet, world["asset"].number)
    assert refused.status_code == 403 and "ผู้ตรวจสอบที่ได้รับแต่งตั้ง" in refused.json()["error"]
    assert client.get(f"/inspections/sheet/{first_sheet.pk}/count/").status_code == 403

    assert not Line.objects.filter(sheet=spot_sheet).exclude(outcome=Line.Outcome.PENDING).exists()
    assert list(Line.objects.filter(sheet=first_sheet, outcome=Line.Outcome.SEEN).values_list("number", flat=True)) \
        == [world["asset"].number]  # the inspector's own scan only


def test_staff_cannot_see_a_round_they_are_not_appointed_to(client, world):
    round_, sheet = world["round"], world["sheet"]
    client.force_login(world["users"]["staff"])
    assert round_.pk not in {row.pk for row in client.get("/inspections/").context["rows"]}
    for path in (f"/inspections/{round_.pk}/", f"/inspections/{round_.pk}/progress/",
                 f"/inspections/{round_.pk}/report.xlsx", f"/inspections/{round_.pk}/report.pdf",
                 f"/inspections/sheet/{sheet.pk}/", f"/inspections/sheet/{sheet.pk}/count/"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/inspections/{round_.pk}/submit/").status_code == 404
    assert _scan(client, sheet, world["asset"].number).status_code == 404

    client.force_login(world["inspector"])  # appointed: the same pages open
    assert round_.pk in {row.pk for row in client.get("/inspections/").context["rows"]}
    assert client.get(f"/inspections/{round_.pk}/").status_code == 200
    assert client.get(f"/inspections/sheet/{sheet.pk}/count/").status_code == 200
