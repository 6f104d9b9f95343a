"""The set-up area in the browser's terms: the readiness page, the profile, divisions with heads, staff with
roles, a spreadsheet previewed then imported, first-sign-in slips and the one-time link."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from activity.models import Entry
from organization import first_sign_in, readiness, roles
from organization.models import Division, Holiday, Organization, User
from tests.conftest import make_user
from tests.organization import staff_shapes as shapes

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return make_user("admin", roles.ADMINISTRATOR, division=Division.objects.create(code="00", name="ผู้บริหาร"))


@pytest.fixture
def signed_in(client, admin):
    client.force_login(admin)
    return client


def test_readiness_names_what_stops_the_system_and_links_to_the_fix(signed_in, admin):
    division = Division.objects.create(code="01", name="กองคลัง")
    make_user("clerk", roles.STAFF, division=division)
    page = signed_in.get(reverse("setup:home")).content.decode()
    assert "กองคลัง ยังไม่มีหัวหน้ากอง" in page
    assert reverse("setup:division_edit", kwargs={"pk": division.pk}) in page
    assert "ยังไม่มีหัวหน้าหน่วยงาน" in page and "ยังไม่มีเจ้าหน้าที่พัสดุ" in page
    Holiday.objects.all().delete()
    assert any("วันหยุดราชการ" in problem.message for problem in readiness.problems())
    make_user("head", roles.DIVISION_HEAD, division=division)
    assert not any("กองคลัง" in problem.message for problem in readiness.problems())


@override_settings(DEBUG=False, SITE_URL="http://127.0.0.1:8000")
def test_labels_are_refused_while_site_url_is_the_default_in_production(client, db):
    officer = make_user("po", roles.PROPERTY_OFFICER)
    client.force_login(officer)
    assert readiness.site_url_problem()
    response = client.post(reverse("reports:label_sheet"), {"layout": 1, "skip": 0})
    assert response.status_code == 200 and "SITE_URL" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    with override_settings(SITE_URL="https://phatsadu.ngao.go.th"):
        assert readiness.site_url_problem() is None


def test_profile_edit_is_logged(signed_in):
    response = signed_in.post(reverse("setup:profile"), {
        "name": "เทศบาลตำบลหงาว", "egp_name": "เทศบาลตำบลหงาว", "district": "เมืองระนอง", "province": "ระนอง",
        "address": "หมู่ 1 ตำบลหงาว", "phone": "077-800-000", "head_title": "นายกเทศมนตรี",
        "asset_number_pattern": "{category}-{year}-{run:04d}", "loan_endorsement_required": "on"})
    assert response.status_code == 302
    assert Organization.objects.get(pk=1).phone == "077-800-000"
    assert Entry.objects.filter(action="organization.update").exists()


def test_a_division_and_its_head(signed_in, admin):
    person = make_user("wilai", roles.STAFF, division=Division.objects.get(code="00"))
    response = signed_in.post(reverse("setup:division_create"), {"code": "02", "name": "กองช่าง", "order": 2,
                                                                  "is_active": "on", "head": person.pk})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.division.name == "กองช่าง" and person.groups.filter(name=roles.DIVISION_HEAD).exists()
    page = signed_in.get(reverse("setup:divisions")).content.decode()
    assert "กองช่าง" in page and str(person) in page
    clash = signed_in.post(reverse("setup:division_create"), {"code": "02", "name": "กองอื่น", "order": 3})
    assert clash.status_code == 200 and "มีอยู่แล้ว" in clash.content.decode()


def test_staff_added_by_hand_gets_a_slip_and_sets_a_password_with_it(signed_in, client, admin):
    division = Division.objects.create(code="01", name="กองคลัง")
    response = signed_in.post(reverse("setup:staff_create"), {
        "username": "arunee", "first_name": "นางสาวอรุณี", "last_name": "ใจงาม", "division": division.pk,
        "position": "นักวิชาการพัสดุปฏิบัติการ", "role_set": [roles.STAFF, roles.PROPERTY_OFFICER], "is_active": "on"})
    arunee = User.objects.get(username="arunee")
    assert response.status_code == 302 and response["Location"] == reverse("setup:first_sign_in_slips_of",
                                                                           kwargs={"pk": arunee.pk})
    assert arunee.is_staff and not arunee.has_usable_password()
    slip = signed_in.get(response["Location"]).content.decode()
    link = re.search(r"https?://[^\s<]+/accounts/first/[^\s<]+/", slip)[0]
    assert "arunee" in slip
    path = link.split("://", 1)[1].partition("/")[2]
    client.logout()
    opened = client.get("/" + path, follow=True)
    assert "ตั้งรหัสผ่านเพื่อเข้าระบบครั้งแรก" in opened.content.decode()
    form_url = opened.redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": "Phatsadu-2569!", "new_password2": "Phatsadu-2569!"})
    assert done.status_code == 302
    arunee.refresh_from_db()
    assert arunee.check_password("Phatsadu-2569!")
    assert client.get(reverse("home")).status_code == 200  # signed in
    client.logout()
    again = client.get("/" + path, follow=True).content.decode()
    assert "ลิงก์นี้ใช้ไม่ได้แล้ว" in again
    assert Entry.objects.filter(action="user.first_sign_in", object_id=str(arunee.pk)).exists()


def test_a_reissued_link_kills_the_old_one(signed_in, admin):
    person = make_user("lost", roles.STAFF)
    person.set_unusable_password()
    person.save()
    old = first_sign_in.link_for(person)
    signed_in.post(reverse("setup:staff_edit", kwargs={"pk": person.pk}), {"reissue": "1"})
    person.refresh_from_db()
    assert first_sign_in.link_for(person) != old
    uid, token = old.rstrip("/").split("/")[-2:]
    assert not first_sign_in.tokens.check_token(person, token)


def test_the_staff_file_previewed_then_imported_in_the_browser(signed_in, admin):
    for n, name in enumerate(shapes.DIVISIONS, 1):
        Division.objects.create(code=f"{n:02d}", name=name, order=n)
    url = reverse("setup:table_import", kwargs={"key": "staff"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("staff.xlsx", shapes.xlsx(shapes.staff_as_published()))
    preview = signed_in.post(url, {"file": upload})
    page = preview.content.decode()
    assert preview.status_code == 200 and "ยืนยันนำเข้า" in page and User.objects.count() == 1
    token = re.search(r'name="token" value="([0-9a-f]+)"', page)[1]
    done = signed_in.post(url, {"confirm": "1", "token": token})
    assert done.status_code == 302 and done["Location"] == reverse("setup:first_sign_in_slips")
    assert User.objects.count() == 11
    slips = signed_in.get(done["Location"]).content.decode()
    assert slips.count('class="slip"') == 10
    listed = signed_in.get(reverse("setup:staff"), {"division": Division.objects.get(name="กองคลัง").pk})
    assert "นางสาวอรุณี ใจงาม" in listed.content.decode()


def test_a_refused_file_is_shown_with_its_rows_and_nothing_is_written(signed_in, admin):
    url = reverse("setup:table_import", kwargs={"key": "staff"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = signed_in.post(url, {"file": SimpleUploadedFile("staff.xlsx", shapes.xlsx(shapes.staff_as_published()))})
    text = page.content.decode()
    assert "ไม่พบกอง “สำนักปลัดเทศบาล”" in text and "ยืนยันนำเข้า" not in text
    broken = signed_in.post(url, {"file": SimpleUploadedFile("staff.xlsx", b"not a spreadsheet")})
    assert broken.status_code == 200 and "นำเข้าไฟล์นี้ไม่ได้" in broken.content.decode()
    assert User.objects.count() == 1
