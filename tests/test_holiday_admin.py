"""Public holidays are typed and listed in the Buddhist era in the reference-data admin."""

import datetime as dt

import pytest

from organization.models import Holiday
from tests.conftest import make_user
from tests.factories import DivisionFactory

pytestmark = pytest.mark.django_db


def test_a_holiday_typed_in_the_buddhist_era_is_stored_as_that_day(client):
    officer = make_user("officer_h", "staff", "property_officer", division=DivisionFactory())
    officer.is_staff = True
    officer.save()
    client.force_login(officer)
    response = client.post("/admin/organization/holiday/add/", {"date": "31/05/2569", "name": "วันวิสาขบูชา"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Holiday.objects.get(name="วันวิสาขบูชา").date == dt.date(2026, 5, 31)
    page = client.get("/admin/organization/holiday/").content.decode()
    assert "31 พฤษภาคม 2569" in page and "2026" not in page.split("วันวิสาขบูชา")[0].rsplit("<tr", 1)[-1]
    response = client.post("/admin/organization/holiday/add/", {"date": "31/02/2569", "name": "ผิด"})
    assert response.status_code == 200 and not Holiday.objects.filter(name="ผิด").exists()


def test_the_admin_loads_the_thai_font(client):
    admin = make_user("admin_f", "administrator", division=DivisionFactory())
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    page = client.get("/admin/").content.decode()
    assert "css/admin_thai.css" in page and "พัสดุ: ผู้ดูแลข้อมูลอ้างอิง" in page
    from django.contrib.staticfiles import finders

    assert "Sarabun-Regular.ttf" in open(finders.find("css/admin_thai.css"), encoding="utf-8").read()
