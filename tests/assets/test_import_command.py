"""`manage.py import_assets FILE [--dry-run] [--actor USERNAME]`: the summary, every bad row, exit non-zero and
nothing written on any bad row or refused file."""

import io
import random

import pytest
from django.core.management import CommandError, call_command
from django.test.utils import override_settings

from activity.models import Entry
from assets.exports import render_register
from assets.models import Asset
from tests.assets.test_import import good_row, make_file, state
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_assets", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, data: bytes, name: str):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refused(*args) -> str:
    before = state()
    with pytest.raises(CommandError) as error:
        run(*args)
    assert state() == before
    return str(error.value)


def test_imports_and_prints_the_summary(tmp_path, officer, location):
    path = write(tmp_path, make_file([good_row(), good_row(name="เครื่องพิมพ์")]), "register.xlsx")
    out, err = run(path)
    assert "2 แถว · ลงทะเบียนใหม่ 2 · แก้ไข 0 · ไม่เปลี่ยนแปลง 0 · ไม่ถูกต้อง 0" in out
    assert "นำเข้าแล้ว: ลงทะเบียนใหม่ 2 รายการ" in out and err == ""
    assert Asset.objects.count() == 2
    assert set(Entry.objects.filter(action="asset.register").values_list("actor", flat=True)) == {officer.pk}


def test_dry_run_writes_nothing(tmp_path, officer, location):
    path = write(tmp_path, make_file([good_row()], "csv"), "register.csv")
    before = state()
    out, _ = run(path, "--dry-run")
    assert "ลงทะเบียนใหม่ 1" in out and "--dry-run" in out
    assert state() == before


def test_a_bad_row_prints_every_bad_row_and_writes_nothing(tmp_path, officer, location):
    rows = [good_row(), good_row(category="999"), good_row(), good_row(acquired_on="xx")]
    path = write(tmp_path, make_file(rows), "register.xlsx")
    before = state()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="ไม่ถูกต้อง 2 แถว"):
        call_command("import_assets", str(path), stdout=out, stderr=err)
    assert "ไม่ถูกต้อง 2" in out.getvalue()
    assert "แถว 3: ประเภท: ไม่พบประเภท" in err.getvalue() and "แถว 5: วันที่ได้มา" in err.getvalue()
    assert state() == before


def test_a_round_trip_through_the_commands_changes_nothing(tmp_path, officer, asset):
    target = tmp_path / "register.xlsx"
    call_command("export_assets", "-o", str(target), stdout=io.StringIO())
    before = state()
    out, _ = run(target)
    assert "ไม่เปลี่ยนแปลง 1" in out
    assert state() == before


def test_verbose_prints_the_changes(tmp_path, officer, asset):
    content = render_register(Asset.objects.all(), "csv").content.decode("utf-8-sig").replace("21000.00", "22000.00")
    path = write(tmp_path, content.encode("utf-8"), "register.csv")
    out, _ = run(path, "--verbosity", "2")
    assert f"แถว 2: {asset.number} ราคาต่อหน่วย (บาท): 21000.00 → 22000.00" in out


@pytest.mark.parametrize("name, data", [
    ("garbage.xlsx", random.Random(1).randbytes(5 * 1024 * 1024)),
    ("garbage.csv", random.Random(2).randbytes(5 * 1024 * 1024)),
    ("utf16.csv", "name,category\r\nเครื่องพิมพ์,416\r\n".encode("utf-16-le")),
    ("cp874-invalid.csv", b"name,category\r\n\xdb\xdc\xfc\xfd,416\r\n"),
])
def test_files_that_are_not_registers_are_refused(tmp_path, officer, asset, name, data):
    message = refused(write(tmp_path, data, name))
    assert "ไม่" in message


def test_a_missing_required_column_is_refused(tmp_path, officer, asset):
    path = write(tmp_path, make_file([good_row()], columns=["name", "category", "division", "acquired_on"]), "x.xlsx")
    assert "ไม่มีคอลัมน์ที่จำเป็น: ราคาต่อหน่วย (บาท)" in refused(path)


@override_settings(IMPORT_MAX_ROWS=5)
def test_a_file_over_the_row_cap_is_refused(tmp_path, officer, asset):
    assert "เกิน 5 แถว" in refused(write(tmp_path, make_file([good_row()] * 6), "x.xlsx"))


@override_settings(IMPORT_MAX_BYTES=100)
def test_a_file_over_the_size_cap_is_refused_before_reading(tmp_path, officer, asset):
    assert "เกินขนาดสูงสุด" in refused(write(tmp_path, make_file([good_row()]), "x.xlsx"))


def test_a_missing_file(tmp_path, officer):
    assert "ไม่พบไฟล์" in refused(tmp_path / "nope.xlsx")


def test_the_actor(tmp_path, officer, staff_user, location):
    path = write(tmp_path, make_file([good_row()]), "x.xlsx")
    assert "ไม่มีสิทธิ์" in refused(path, "--actor", staff_user.username)
    assert "ไม่พบผู้ใช้" in refused(path, "--actor", "nobody")
    admin = make_user("Admin2", "administrator", division=location.division)
    run(path, "--actor", "admin2")
    assert Entry.objects.filter(action="asset.register").get().actor == admin


def test_without_an_officer_or_administrator_the_actor_must_be_named(tmp_path, staff_user, location):
    path = write(tmp_path, make_file([good_row()]), "x.xlsx")
    assert "--actor" in refused(path)
