"""Backups: a register built through the services (assets with a photo, a loan out and back, an inspection round
counted, submitted and accepted, a procurement accepted into new assets, a published file, an issued annual report)
is backed up, the database flushed back to what a fresh migrate leaves, and restored: every table's rows (primary
keys included) are identical, the media files byte for byte, and the activity log's chain verifies. Refusals: a
non-empty database (nothing changes), a truncated or corrupted archive, a file that is not a backup, a missing
file, another migration state."""

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.utils import timezone
from PIL import Image

from activity.guards import remove_triggers
from activity.models import Anchor, Entry
from assets import services as asset_services
from assets.models import BudgetType, Category
from audits import services as audit_services
from loans import services as loan_services
from loans.models import Loan
from organization.models import Holiday, Organization, User
from procurement import services as procurement_services
from procurement.models import Method
from reports import annual
from tests.conftest import _seed_reference_data, make_user
from tests.factories import AssetFactory, DivisionFactory, LocationFactory

D = dt.date
TODAY = timezone.localdate()


def jpeg(color: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), color).save(buffer, format="JPEG")
    return SimpleUploadedFile(f"{color}.jpg", buffer.getvalue(), content_type="image/jpeg")


def every_table() -> dict[str, list[tuple]]:
    """Every row of every table (sessions aside, which backups leave out), as values, primary keys included."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower == "sessions.session":
            continue
        names = [field.attname for field in meta.concrete_fields]
        rows[meta.label_lower] = list(model._base_manager.order_by("pk").values_list(*names))
    return rows


def media_files() -> dict[str, bytes]:
    """Every file a row names, with its content."""
    found = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                for name in model._base_manager.exclude(**{field.attname: ""}).values_list(field.attname, flat=True):
                    with default_storage.open(name, "rb") as handle:
                        found[name] = handle.read()
    return found


def build_register() -> dict:
    """A small municipality's year, every write through its service."""
    palad = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล", order=1)
    klang = DivisionFactory(code="KLANG", name="กองคลัง", order=2)
    room = LocationFactory(division=palad, code="P01", name="ห้องสำนักปลัด")
    people = {
        "admin": make_user("admin", "administrator", division=klang),
        "officer": make_user("officer", "staff", "property_officer", division=klang),
        "head": make_user("mayor", "agency_head", division=palad, first_name="นายก", last_name="เทศมนตรี"),
        "supplyhead": make_user("supplyhead", "staff", "supply_head", division=klang),
        "divhead": make_user("divhead", "staff", "division_head", division=palad),
        "borrower": make_user("somying", "staff", division=palad, first_name="สมหญิง", last_name="ยืมไป"),
        "inspector": make_user("insp", "staff", division=palad, first_name="สมศรี", last_name="ตรวจดี"),
    }
    # Reference data edited as an administrator would: a seeded holiday removed (a gap in its keys), a category added.
    Holiday.objects.order_by("date").first().delete()
    Category.objects.create(code="499", name="ครุภัณฑ์ทดสอบการสำรอง", useful_life_years=4)
    Organization.objects.filter(pk=1).update(name="เทศบาลตำบลหงาว", egp_name="เทศบาลตำบลหงาว")

    officer = people["officer"]
    computers = Category.objects.get(code="416")
    fields = dict(category=computers, division=palad, location=room, acquired_on=D(2024, 3, 15),
                  unit_price=Decimal("21000.00"), budget_type=BudgetType.objects.get(code="BUDGET"))
    projector = asset_services.asset_register(actor=officer, name="โปรเจคเตอร์ \"ห้องประชุม\" 😀", is_lendable=True,
                                              photo=jpeg("red"), **fields)
    printer = asset_services.asset_register(actor=officer, name="เครื่องพิมพ์เลเซอร์", number="๔๑๖-๖๗-๐๐๙๙",
                                            photo=jpeg("blue"), **fields)
    for n in range(3):
        asset_services.asset_register(actor=officer, name=f"เครื่องคอมพิวเตอร์ {n}", **{**fields, "division": klang,
                                                                                     "location": None})

    # A loan requested, endorsed, approved, handed out and returned.
    version = loan_services.manual_publish(actor=people["admin"], title="คู่มือการใช้ทรัพย์สิน", body="ใช้ในราชการ")
    loan_services.manual_acknowledge(actor=people["borrower"], version=version)
    loan = loan_services.loan_request(actor=people["borrower"], assets=[projector], purpose="ประชุมประชาคม",
                                      place=Loan.Place.INSIDE, starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=2),
                                      phone="0812345678")
    loan_services.loan_endorse(actor=people["divhead"], loan=loan)
    loan_services.loan_approve(actor=people["supplyhead"], loan=loan)
    loan_services.loan_hand_out(actor=officer, loan=loan, conditions={projector.pk: "มีรอยขีดข่วน"})
    loan = loan_services.loan_receive(actor=officer, loan=loan, returns={projector.pk: ("good", "")})
    assert loan.status == Loan.Status.RETURNED

    # The annual inspection: appointed, counted (one scan with a photo), submitted (an anchor) and accepted.
    round_ = audit_services.round_appoint(actor=people["admin"], fiscal_year=2567, order_number="12/2567",
                                          order_date=D(2024, 9, 20), appointed_by=people["head"],
                                          inspectors=[people["inspector"]])
    round_ = audit_services.round_start(actor=people["inspector"], round_=round_, today=round_.starts_on)
    for sheet in round_.sheets.all():
        for line in sheet.lines.select_related("asset"):
            condition = "damaged" if line.asset_id == printer.pk else "usable"
            audit_services.inspection_scan(actor=people["inspector"], sheet=sheet, number=line.asset.number,
                                           condition=condition, note="ตรวจแล้ว",
                                           photo=jpeg("green") if line.asset_id == printer.pk else None)
        audit_services.sheet_close(actor=people["inspector"], sheet=sheet)
    round_ = audit_services.round_submit(actor=people["inspector"], round_=round_)
    audit_services.round_accept(actor=people["head"], round_=round_, note="รับทราบ")

    # A procurement taken to acceptance, which registers its durable goods.
    procurement = procurement_services.procurement_create(
        actor=officer, fiscal_year=2568, title="ซื้อเครื่องคอมพิวเตอร์สำหรับศูนย์พัฒนาเด็กเล็ก", project_type="ซื้อ",
        division=palad, amount=Decimal("80000"), reference_price=Decimal("78000"), reference_source="ราคามาตรฐาน",
        method=Method.SPECIFIC, budget_type=BudgetType.objects.get(code="BUDGET"),
        items=[{"description": "เครื่องคอมพิวเตอร์ All In One", "kind": "durable", "category": computers,
                "quantity": 3, "unit": "เครื่อง", "unit_price": Decimal("23000")}])
    bid = procurement_services.bid_add(actor=officer, procurement=procurement, bidder="บริษัท คอมพ์ไทย จำกัด",
                                       price=Decimal("69000"))
    procurement, _warnings = procurement_services.procurement_award(
        actor=officer, procurement=procurement, winner=bid, agreed_price=Decimal("69000"), selection_reason="ราคาต่ำสุด")
    procurement = procurement_services.procurement_contract(
        actor=officer, procurement=procurement, contract_number="15/2568", contract_date=D(2024, 12, 20),
        delivery_due=D(2025, 1, 31), penalty_rate=Decimal("0.2"))
    procurement_services.delivery_record(actor=officer, procurement=procurement, delivered_on=D(2025, 1, 30),
                                         value=Decimal("69000"))
    bought = procurement_services.procurement_accept(actor=officer, procurement=procurement, accepted_on=D(2025, 2, 3),
                                                     committee="นายก ประธาน")
    assert len(bought) == 3

    # A published file and an issued annual report (HTML and PDF frozen, an anchor).
    procurement_services.publication_record(actor=officer, kind="plan", fiscal_year=2568, published_on=TODAY,
                                            where="บอร์ดประชาสัมพันธ์", content=b"%PDF-1.7 plan", file_name="plan.pdf")
    report = annual.report_create(actor=officer, year=2568)
    annual.report_issue(actor=officer, report=report)
    return people


def empty_the_database(backed_up_categories: list) -> None:
    """What a freshly migrated database holds: flushed, then the reference data migrations seed put back. The
    categories are seeded over again until their keys are past the backup's (a restore must bring the backup's)."""
    if connection.vendor == "sqlite":
        remove_triggers(connection)  # flush DELETEs on SQLite; its post_migrate reinstalls the triggers
    call_command("flush", interactive=False, verbosity=0)
    _seed_reference_data()
    highest = max(row[0] for row in backed_up_categories)
    while Category.objects.order_by("pk").first().pk <= highest:
        Category.objects.all().delete()
        _seed_reference_data()


def nothing_but_reference_data() -> bool:
    from backups.archive import occupied_tables

    return not occupied_tables()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_identical_and_verified(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    build_register()
    assert Anchor.objects.count() == 2 and Entry.objects.count() > 30
    before, files = every_table(), media_files()
    assert len(files) == 5  # two asset photos, an inspection photo, the published plan, the issued report's PDF
    archive = tmp_path / "phatsadu.zip"
    out = io.StringIO()
    call_command("backup", "-o", str(archive), stdout=out)
    assert "สำรองข้อมูลแล้ว" in out.getvalue()
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
    assert manifest["format"] == "phatsadu-backup" and manifest["app_version"]
    assert {entry["label"]: entry["rows"] for entry in manifest["tables"]} == {
        label: len(rows) for label, rows in before.items()}
    last = Entry.objects.order_by("-id").first()
    assert manifest["activity_head"] == {"count": Entry.objects.count(), "entry_id": last.pk, "hash": last.hash}

    empty_the_database(before["assets.category"])
    settings.MEDIA_ROOT = str(tmp_path / "restored-media")
    assert nothing_but_reference_data()
    assert Category.objects.order_by("pk").first().pk != before["assets.category"][0][0]

    # A truncated copy and a copy with one byte changed are refused; the database stays as it was.
    data = archive.read_bytes()
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(CommandError, match="เสียหายหรือไม่ครบ"):
        call_command("restore", str(truncated))
    corrupted = tmp_path / "corrupted.zip"
    with zipfile.ZipFile(archive) as opened:
        info = opened.getinfo("data/assets.asset.jsonl")
    header = info.header_offset  # the local header: 30 bytes, then the name and the extra field
    start = header + 30 + int.from_bytes(data[header + 26:header + 28], "little") + int.from_bytes(
        data[header + 28:header + 30], "little")
    spoiled = bytearray(data)
    spoiled[start + info.compress_size // 2] ^= 0xFF
    corrupted.write_bytes(bytes(spoiled))
    with pytest.raises(CommandError, match="ไฟล์สำรองข้อมูลเสียหาย: data/assets.asset.jsonl"):
        call_command("restore", str(corrupted))
    assert nothing_but_reference_data() and not Path(settings.MEDIA_ROOT).exists()

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "กู้คืนแล้ว" in out.getvalue() and "บันทึกการใช้งานครบถ้วน" in out.getvalue()

    after = every_table()
    assert after.keys() == before.keys()
    for label, rows in before.items():
        assert after[label] == rows, label
    restored = media_files()
    assert restored == files
    assert all((Path(settings.MEDIA_ROOT) / name).read_bytes() == content for name, content in files.items())
    verified = io.StringIO()
    call_command("verify_activity_log", stdout=verified)
    assert f"{Entry.objects.count():,} รายการ" in verified.getvalue()

    # The restored register takes new work: keys continue after the restored ones (PostgreSQL's sequences reset).
    officer = User.objects.get(username="officer")
    added = asset_services.asset_register(actor=officer, name="เครื่องสแกนเอกสาร", category=Category.objects.get(code="416"),
                                          division=officer.division, acquired_on=D(2025, 5, 1), unit_price=Decimal("9000"))
    assert added.pk > max(row[0] for row in before["assets.asset"])
    assert Entry.objects.order_by("-id").first().pk == last.pk + 1
    call_command("verify_activity_log", stdout=io.StringIO())


@pytest.mark.django_db
def test_restore_into_a_database_with_data_is_refused_and_changes_nothing(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    officer = make_user("officer", "staff", "property_officer", division=DivisionFactory(code="PALAD"))
    asset_services.asset_register(actor=officer, name="โต๊ะทำงาน", category=Category.objects.get(code="401"),
                                  division=officer.division, acquired_on=D(2024, 1, 5), unit_price=Decimal("3500"),
                                  photo=jpeg("red"))
    archive = tmp_path / "backup.zip"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    AssetFactory(number="401-67-0777", division=officer.division)
    before, files = every_table(), sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*"))
    with pytest.raises(CommandError, match="ฐานข้อมูลปลายทางมีข้อมูลอยู่แล้ว") as refused:
        call_command("restore", str(archive))
    assert "organization_user" in str(refused.value) and "ครุภัณฑ์ (assets_asset)" in str(refused.value)
    assert every_table() == before
    assert sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*")) == files


@pytest.mark.django_db
def test_a_backup_never_overwrites_a_file_unless_told(tmp_path):
    archive = tmp_path / "backup.zip"
    archive.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="มีไฟล์.*อยู่แล้ว"):
        call_command("backup", "-o", str(archive), stdout=io.StringIO())
    assert archive.read_bytes() == b"an older backup"
    call_command("backup", "-o", str(archive), "--force", stdout=io.StringIO())
    assert zipfile.is_zipfile(archive)
    assert not [p for p in tmp_path.iterdir() if p.name != "backup.zip"]  # no partial file left behind
    with pytest.raises(CommandError, match="ไม่พบโฟลเดอร์"):
        call_command("backup", "-o", str(tmp_path / "missing" / "backup.zip"), stdout=io.StringIO())


@pytest.mark.django_db
def test_files_that_are_not_backups_are_refused_with_a_message(tmp_path):
    with pytest.raises(CommandError, match="ไม่พบไฟล์สำรองข้อมูล"):
        call_command("restore", str(tmp_path / "nowhere.zip"))
    text = tmp_path / "notes.txt"
    text.write_text("ทะเบียนครุภัณฑ์", encoding="utf-8")
    with pytest.raises(CommandError, match="ไม่ใช่ไฟล์สำรองข้อมูลของ Phatsadu"):
        call_command("restore", str(text))
    other_zip = tmp_path / "photos.zip"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8")
    with pytest.raises(CommandError, match="ไม่ใช่ไฟล์สำรองข้อมูลของ Phatsadu"):
        call_command("restore", str(other_zip))
    odd_manifest = tmp_path / "odd.zip"
    with zipfile.ZipFile(odd_manifest, "w") as archive:
        archive.writestr("manifest.json", "{not json")
    with pytest.raises(CommandError, match="manifest.json"):
        call_command("restore", str(odd_manifest))


def _rewritten(source: Path, target: Path, change) -> Path:
    """A copy of the archive with its manifest changed."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
            new.writestr(info, data)
    return target


@pytest.mark.django_db
def test_another_migration_state_or_a_manifest_naming_a_file_outside_media_is_refused(tmp_path):
    archive = tmp_path / "backup.zip"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    newer = _rewritten(archive, tmp_path / "newer.zip",
                       lambda manifest: manifest["migrations"].append(["assets", "0099_future"]))
    with pytest.raises(CommandError, match="โครงสร้างฐานข้อมูล \\(migrations\\) ไม่ตรงกับไฟล์สำรองข้อมูล") as refused:
        call_command("restore", str(newer))
    assert "assets.0099_future" in str(refused.value)
    escaping = _rewritten(archive, tmp_path / "escaping.zip", lambda manifest: manifest["media"].append(
        {"name": "../../etc/cron.d/x", "member": "manifest.json", "size": 1, "sha256": "0" * 64}))
    with pytest.raises(CommandError, match="เสียหาย"):
        call_command("restore", str(escaping))
    future = _rewritten(archive, tmp_path / "future.zip", lambda manifest: manifest.update(format_version=99))
    with pytest.raises(CommandError, match="รูปแบบรุ่น 99"):
        call_command("restore", str(future))


@pytest.mark.django_db
def test_a_file_the_database_names_but_storage_lacks_is_reported_not_fatal(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    officer = make_user("officer", "staff", "property_officer", division=DivisionFactory(code="PALAD"))
    asset = asset_services.asset_register(actor=officer, name="โต๊ะทำงาน", category=Category.objects.get(code="401"),
                                          division=officer.division, acquired_on=D(2024, 1, 5),
                                          unit_price=Decimal("3500"), photo=jpeg("red"))
    default_storage.delete(asset.photo.name)
    archive, err = tmp_path / "backup.zip", io.StringIO()
    call_command("backup", "-o", str(archive), stdout=io.StringIO(), stderr=err)
    assert f"ไม่พบไฟล์ {asset.photo.name} (อ้างถึงในตาราง assets.asset)" in err.getvalue()
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
    assert manifest["media"] == [] and manifest["missing_media"] == [{"name": asset.photo.name, "table": "assets.asset"}]
