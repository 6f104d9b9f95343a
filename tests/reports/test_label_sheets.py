import pypdfium2 as pdfium
import pytest

from reports.models import DocumentJob, LabelLayout
from tests.factories import AssetFactory


@pytest.fixture
def many(division, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return [AssetFactory(division=division) for _ in range(30)]


def layout(name="A4 3×8"):
    return LabelLayout.objects.get(name__startswith=name)


def test_only_officers_print_labels(client, users_by_role, many):
    for role in ["staff", "auditor", "division_head", "no_role"]:
        client.force_login(users_by_role[role])
        assert client.get("/labels/").status_code == 403
    client.force_login(users_by_role["property_officer"])
    assert client.get("/labels/").status_code == 200


def test_a_small_sheet_comes_back_at_once(client, users_by_role, many, division):
    client.force_login(users_by_role["property_officer"])
    page = client.get("/labels/", {"division": division.pk})
    assert "30 รายการ" in page.content.decode()
    response = client.post("/labels/", {"division": division.pk, "layout": layout().pk, "skip": 20})
    assert response["Content-Type"] == "application/pdf"
    assert len(pdfium.PdfDocument(response.content)) == 3  # 4 on the first sheet, 24 on the second, 2 on the third


def test_a_selection_by_ids(client, users_by_role, many):
    client.force_login(users_by_role["property_officer"])
    ids = ",".join(str(asset.pk) for asset in many[:5])
    response = client.post("/labels/", {"ids": ids, "layout": layout("A4 4×10").pk})
    assert len(pdfium.PdfDocument(response.content)) == 1


@pytest.mark.parametrize("skip", ["24", "-1", "abc"])
def test_bad_skip_is_refused_with_a_message(client, users_by_role, many, skip):
    client.force_login(users_by_role["property_officer"])
    response = client.post("/labels/", {"layout": layout().pk, "skip": skip})
    assert response.status_code == 200
    assert response.context["form"].errors["skip"]


def test_a_large_sheet_becomes_a_background_job(client, users_by_role, many, settings,
                                                django_capture_on_commit_callbacks):
    settings.LABELS_INLINE_MAX = 10
    officer = users_by_role["property_officer"]
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/labels/", {"layout": layout().pk}, follow=False)
    job = DocumentJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/labels/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.DONE and job.done == job.total == 30
    page = client.get(f"/labels/jobs/{job.pk}/").content.decode()
    assert "ดาวน์โหลด PDF" in page
    pdf = client.get(f"/labels/jobs/{job.pk}/file/")
    assert len(pdfium.PdfDocument(pdf.content)) == 2
    client.force_login(users_by_role["staff"])
    assert client.get(f"/labels/jobs/{job.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_renders_a_queued_sheet(client, settings, tmp_path):
    """The real path: the request queues the job in the database; `db_worker` picks it up and renders it."""
    from django.core.management import call_command

    from tests.conftest import make_user
    from tests.factories import DivisionFactory

    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LABELS_INLINE_MAX = 5
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    division = DivisionFactory()
    for _ in range(8):
        AssetFactory(division=division)
    client.force_login(make_user("officer_w", "property_officer", division=division))
    client.post("/labels/", {"layout": layout().pk})
    job = DocumentJob.objects.get()
    assert job.status == DocumentJob.Status.QUEUED
    assert "รอคิว" in client.get(f"/labels/jobs/{job.pk}/").content.decode()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.DONE, job.message
    assert len(pdfium.PdfDocument(client.get(f"/labels/jobs/{job.pk}/file/").content)) == 1


def test_the_register_offers_labels_for_its_filter_to_officers(client, users_by_role, many, division):
    client.force_login(users_by_role["property_officer"])
    html = client.get("/assets/", {"division": division.pk}).content.decode()
    assert f'href="/labels/?division={division.pk}"' in html
    client.force_login(users_by_role["staff"])
    assert "/labels/" not in client.get("/assets/").content.decode()
