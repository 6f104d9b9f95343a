"""The set-up area's spreadsheets (organization.table_io on django-import-export): staff, divisions, locations,
holidays and the register's reference lists come in as published, every refused row says why, nothing is half
written, and importing the same file again changes nothing."""

import pytest
from django.contrib.auth.models import Group

from activity.models import Entry
from assets.models import Category
from common.spreadsheets import ImportRefused, read_table
from organization import roles, table_io
from organization.models import Division, Holiday, Location, User
from organization.resources import parse_roles, split_name
from tests.conftest import make_user
from tests.organization import staff_shapes as shapes

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return make_user("admin", roles.ADMINISTRATOR, division=Division.objects.create(code="00", name="ผู้บริหาร"))


@pytest.fixture
def divisions(db):
    return [Division.objects.create(code=f"{n:02d}", name=name, order=n) for n, name in enumerate(shapes.DIVISIONS, 1)]


def run(key, rows, admin, *, commit=True, name="list.xlsx"):
    data = shapes.xlsx(rows) if name.endswith(".xlsx") else shapes.csv_bytes(rows)
    return table_io.run(table_io.REGISTRY[key], data, name, actor=admin, commit=commit)


def test_names_and_roles_as_people_write_them():
    assert split_name("สิบเอกพรชัย  มั่นคง") == ("สิบเอกพรชัย", "มั่นคง")
    assert split_name("นางสาว กานดา ศรีสุข") == ("นางสาวกานดา", "ศรีสุข")
    assert split_name("ว่าที่ร้อยตรีสมชาย ใจดี") == ("ว่าที่ร้อยตรีสมชาย", "ใจดี")
    assert parse_roles("หัวหน้ากอง, เจ้าหน้าที่") == {roles.DIVISION_HEAD, roles.STAFF}
    assert parse_roles("ผู้อำนวยการกอง และ หัวหน้าหน่วยพัสดุ") == {roles.DIVISION_HEAD, roles.SUPPLY_HEAD}
    with pytest.raises(ValueError, match="“นักการภารโรง”"):
        parse_roles("นักการภารโรง")


def test_the_published_staff_list_comes_in_under_its_division_headings(admin, divisions):
    outcome = run("staff", shapes.staff_as_published(), admin)
    assert outcome.ok and outcome.committed, outcome.problems
    assert outcome.count("new") == 10
    sompong = User.objects.get(first_name="นายสมปอง", last_name="ทองดี")
    assert sompong.division.name == "สำนักปลัดเทศบาล" and sompong.position == "ปลัดเทศบาล"
    assert sompong.phone == "077-800-001"
    assert not sompong.has_usable_password() and sompong.last_login is None
    assert set(sompong.groups.values_list("name", flat=True)) == {roles.STAFF}
    assert User.objects.get(first_name="นางสาวมาลี").division.name == "กองการศึกษา"
    assert len({user.username for user in User.objects.all()}) == User.objects.count()
    kinds = {skipped.kind for skipped in outcome.skipped}
    assert {"section", "signature"} <= kinds
    created = Entry.objects.filter(action="user.create").count()
    assert created == 10

    again = run("staff", shapes.staff_as_published(), admin)
    assert again.ok and again.count("skip") == 10 and again.count("new") == again.count("update") == 0
    assert Entry.objects.filter(action__in=["user.create", "user.update"]).count() == created


def test_a_heading_that_is_no_division_refuses_the_file_naming_the_row_and_the_close_names(admin, divisions):
    outcome = run("staff", shapes.staff_as_published(education_heading="กองการศึกษาและวัฒธรรม"), admin)
    assert not outcome.ok and not outcome.committed
    assert {problem.line for problem in outcome.problems} == {16, 17}
    assert all(problem.column == "กอง" for problem in outcome.problems)
    assert "กองการศึกษาและวัฒธรรม" in outcome.problems[0].message and "กองการศึกษา" in outcome.problems[0].message
    assert User.objects.count() == 1  # nothing of the good rows was written


def test_the_hr_export_with_titles_roles_and_e_mail(admin, divisions):
    outcome = run("staff", shapes.STAFF_HR_EXPORT, admin, name="hr.csv")
    assert outcome.ok, outcome.problems
    wilai = User.objects.get(last_name="รักษ์ดี")
    assert wilai.first_name == "นางวิไล" and wilai.division.name == "กองคลัง"
    assert set(wilai.groups.values_list("name", flat=True)) == {roles.DIVISION_HEAD, roles.SUPPLY_HEAD}
    arunee = User.objects.get(email="arunee@ngao.go.th")
    assert arunee.username == "arunee" and arunee.is_staff  # a property officer opens the reference admin
    assert "เลขที่ตำแหน่ง" in outcome.ignored and "ประเภทตำแหน่ง" in outcome.ignored

    changed = [row[:] for row in shapes.STAFF_HR_EXPORT]
    changed[3][8] = "หัวหน้ากอง"
    changed[2][6] = "นักวิชาการพัสดุชำนาญการ"
    again = run("staff", changed, admin, name="hr.csv")
    assert again.ok and again.count("update") == 2 and again.count("skip") == 1
    assert set(User.objects.get(pk=wilai.pk).groups.values_list("name", flat=True)) == {roles.DIVISION_HEAD}
    entry = Entry.objects.filter(action="user.update", object_id=str(wilai.pk)).get()
    assert entry.details["changes"]["roles"] == [[roles.DIVISION_HEAD, roles.SUPPLY_HEAD], [roles.DIVISION_HEAD]]


def test_every_reason_of_every_row_at_once(admin, divisions):
    rows = [["ชื่อ-สกุล", "กอง", "บทบาท", "อีเมล", "ใช้งาน"],
            ["นายหนึ่ง ดี", "กองคลัง", "หัวหน้า", "ไม่ใช่อีเมล", "ใช้งาน"],
            ["", "กองช่าง", "เจ้าหน้าที่", "nobody@ngao.go.th", ""],
            ["นายสาม ดี", "กองคลัง", "", "", "บางที"]]
    outcome = run("staff", rows, admin)
    found = {(problem.line, problem.column) for problem in outcome.problems}
    assert {(2, "บทบาท"), (2, "อีเมล"), (3, "ชื่อ-สกุล"), (4, "ใช้งาน")} <= found
    assert all(problem.message for problem in outcome.problems)
    assert User.objects.count() == 1


def test_the_administrator_cannot_lock_themselves_out_by_file(admin, divisions):
    rows = [["ชื่อผู้ใช้", "ชื่อ", "นามสกุล", "บทบาท", "ใช้งาน"], ["ADMIN", "ผู้ดูแล", "ระบบ", "เจ้าหน้าที่", "ไม่ใช้งาน"]]
    outcome = run("staff", rows, admin)
    assert {problem.column for problem in outcome.problems} == {"บทบาท", "ใช้งาน"}
    admin.refresh_from_db()
    assert admin.is_active and admin.groups.filter(name=roles.ADMINISTRATOR).exists()


def test_a_file_without_names_is_refused_whole(admin):
    with pytest.raises(ImportRefused, match="ชื่อ-สกุล"):
        run("staff", [["ลำดับ", "ตำแหน่ง", "เบอร์โทร"], [1, "ปลัด", ""]], admin)


def test_the_staff_import_is_the_administrators(db, divisions):
    officer = make_user("po", roles.PROPERTY_OFFICER, division=divisions[1])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run("staff", shapes.STAFF_HR_EXPORT, officer)
    assert table_io.REGISTRY["divisions"] in table_io.specs_for(officer)
    assert table_io.REGISTRY["staff"] not in table_io.specs_for(officer)


def test_divisions_without_codes_then_locations_under_headings(admin):
    outcome = run("divisions", [["ที่", "ส่วนราชการ"]] + [[n, name] for n, name in enumerate(shapes.DIVISIONS, 1)],
                  admin)
    assert outcome.ok and outcome.count("new") == 5
    assert list(Division.objects.order_by("order").values_list("code", "name"))[1:3] == [
        ("01", "สำนักปลัดเทศบาล"), ("02", "กองคลัง")]
    assert run("divisions", [["ที่", "ส่วนราชการ"]] + [[n, name] for n, name in enumerate(shapes.DIVISIONS, 1)],
               admin).count("skip") == 5
    places = run("locations", [["ทะเบียนสถานที่เก็บรักษาพัสดุ"], ["ลำดับ", "รหัส", "ชื่อห้อง", "อาคาร"], ["กองคลัง"],
                               [1, "", "ห้องพัสดุ", "อาคารสำนักงาน"], [2, "", "ห้องการเงิน", "อาคารสำนักงาน"],
                               ["กองช่าง"], [3, "C1", "โรงเก็บเครื่องจักร", ""]], admin)
    assert places.ok, places.problems
    assert list(Location.objects.filter(division__name="กองคลัง").values_list("code", flat=True)) == ["L001", "L002"]
    assert Location.objects.get(code="C1").division.name == "กองช่าง"


def test_holidays_from_the_bank_of_thailand_shape(admin):
    Holiday.objects.all().delete()  # the list seeded by migration
    outcome = run("holidays", shapes.holidays_bot(2570), admin, name="holidays.csv")
    assert outcome.ok, outcome.problems
    assert Holiday.objects.count() == 4 and Holiday.objects.filter(name="วันจักรี").exists()
    assert "HolidayWeekDayThai" in outcome.ignored
    bad = run("holidays", [["วันที่", "ชื่อวันหยุด"], ["31/02/2570", "วันผิด"], ["วันจันทร์ที่ 13 เม.ย. 2570", "สงกรานต์"]],
              admin)
    assert [(problem.line, problem.column) for problem in bad.problems] == [(2, "วันที่")]
    assert Holiday.objects.count() == 4


def test_categories_export_and_import_round_trip(admin):
    spec = table_io.REGISTRY["categories"]
    before = Category.objects.count()
    assert before  # seeded by migration
    data = table_io.export_xlsx(spec, actor=admin)
    table = read_table(data, "categories.xlsx")
    assert table.headers == ["รหัสประเภท", "ชื่อประเภท", "อายุการใช้งาน (ปี)", "ใช้งาน"]
    outcome = table_io.run(spec, data, "categories.xlsx", actor=admin, commit=True)
    assert outcome.ok and outcome.count("skip") == before
    code, name = Category.objects.values_list("code", "name").first()
    changed = table_io.run(spec, shapes.xlsx([["รหัส", "ประเภท", "อายุการใช้งาน"], [code, name, "๑๒ ปี"]]),
                           "c.xlsx", actor=admin, commit=True)
    assert changed.ok and Category.objects.get(code=code).useful_life_years == 12


def test_staff_export_reads_back_unchanged(admin, divisions):
    run("staff", shapes.STAFF_HR_EXPORT, admin, name="hr.csv")
    data = table_io.export_xlsx(table_io.REGISTRY["staff"], actor=admin)
    headers = read_table(data, "staff.xlsx").headers
    assert headers == ["ชื่อผู้ใช้", "ชื่อ", "นามสกุล", "ตำแหน่ง", "กอง", "บทบาท", "อีเมล", "โทรศัพท์", "ใช้งาน"]
    outcome = table_io.run(table_io.REGISTRY["staff"], data, "staff.xlsx", actor=admin, commit=True)
    assert outcome.ok and outcome.count("skip") == User.objects.count(), outcome.problems
    assert Group.objects.get(name=roles.ADMINISTRATOR).user_set.get() == admin


def test_two_people_of_the_same_name_need_a_username_column(admin, divisions):
    for username in ("somchai1", "somchai2"):
        make_user(username, roles.STAFF, division=divisions[0], first_name="นายสมชาย", last_name="ใจดี")
    outcome = run("staff", [["ชื่อ - สกุล", "ตำแหน่ง", "กอง"], ["นายสมชาย ใจดี", "ปลัดเทศบาล", "สำนักปลัดเทศบาล"]], admin)
    assert [(problem.line, problem.column) for problem in outcome.problems] == [(2, "ชื่อ-สกุล")]
    assert "ชื่อผู้ใช้" in outcome.problems[0].message
    assert User.objects.filter(last_name="ใจดี").count() == 2


def test_an_export_made_in_english_reads_back(admin, divisions):
    from django.utils import translation

    run("staff", shapes.STAFF_HR_EXPORT, admin, name="hr.csv")
    with translation.override("en"):
        data = table_io.export_xlsx(table_io.REGISTRY["staff"], actor=admin)
        outcome = table_io.run(table_io.REGISTRY["staff"], data, "staff.xlsx", actor=admin, commit=True)
    assert outcome.ok and outcome.count("skip") == User.objects.count(), outcome.problems
