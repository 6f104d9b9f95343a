"""Counting by scanning: once per asset, found elsewhere, not in register, on loan, missing, closing, the
report's submission and its acceptance (the only step that changes asset statuses)."""

import datetime as dt
import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from activity.chain import verify
from activity.models import Anchor, Entry
from assets.models import Status as AssetStatus
from audits import services
from audits.models import Condition, Finding, Line, Round, Scan, Sheet
from loans import services as loan_services
from loans.models import Loan
from tests.audits.conftest import sheet_of
from tests.conftest import make_user
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db


def scan(org, sheet, number, who="inspector1", **extra):
    return services.inspection_scan(actor=org["people"][who], sheet=sheet, number=number, **extra)


def line(asset):
    return Line.objects.get(asset=asset)


def test_a_scan_marks_the_line_seen_and_is_logged_with_the_asset(org, counting):
    sheet = sheet_of(counting, org["palad"])
    result = scan(org, sheet, "416-67-0001")
    assert result["outcome"] == "seen" and result["progress"]["found"] == 1 and result["progress"]["expected"] == 3
    seen = line(org["assets"]["p1"])
    assert seen.outcome == Line.Outcome.SEEN and seen.condition == Condition.USABLE
    assert seen.counted_by == org["people"]["inspector1"]
    entry = Entry.objects.filter(action="inspection.count").get()
    assert list(entry.asset_links.values_list("asset_id", flat=True)) == [org["assets"]["p1"].pk]
    assert entry.details["outcome"] == "seen"


def test_a_label_url_and_thai_digits_find_the_same_asset(org, counting):
    sheet = sheet_of(counting, org["palad"])
    assert scan(org, sheet, "https://ngao.go.th/a/416-67-0002")["number"] == "416-67-0002"
    assert scan(org, sheet, "๔๑๖-๖๗-๐๐๐๑")["number"] == "416-67-0001"
    assert services.sheet_progress(sheet)["found"] == 2


def test_scanning_again_updates_the_line_and_never_counts_twice(org, counting):
    sheet = sheet_of(counting, org["palad"])
    scan(org, sheet, "416-67-0001")
    again = scan(org, sheet, "416-67-0001", who="inspector2", condition=Condition.DAMAGED, note="จอแตก")
    assert again["repeat"] and again["progress"]["found"] == 1
    updated = line(org["assets"]["p1"])
    assert updated.condition == Condition.DAMAGED and updated.note == "จอแตก"
    assert updated.counted_by == org["people"]["inspector2"]
    assert Line.objects.filter(asset=org["assets"]["p1"]).count() == 1


def test_the_same_scan_sent_twice_is_recorded_once(org, counting):
    sheet = sheet_of(counting, org["palad"])
    client_id = str(uuid.uuid4())
    first = scan(org, sheet, "416-67-0001", client_id=client_id)
    second = scan(org, sheet, "416-67-0001", client_id=client_id)
    assert not first["duplicate"] and second["duplicate"]
    assert second["message"] == first["message"]
    assert Scan.objects.count() == 1
    assert Entry.objects.filter(action="inspection.count").count() == 1
    with pytest.raises(ValidationError):
        scan(org, sheet, "416-67-0002", who="inspector2", client_id=client_id)


def test_an_asset_seen_at_another_location_of_its_division_is_found_elsewhere(org, counting):
    sheet = sheet_of(counting, org["palad"])
    result = scan(org, sheet, "416-67-0001", location=org["store_p"])
    assert result["outcome"] == "elsewhere"
    assert line(org["assets"]["p1"]).found_elsewhere
    assert scan(org, sheet, "416-67-0002", location=org["room_p"])["outcome"] == "seen"


def test_an_asset_of_another_division_is_found_elsewhere_and_counted_on_its_own_sheet(org, counting):
    palad, klang = sheet_of(counting, org["palad"]), sheet_of(counting, org["klang"])
    result = scan(org, palad, "416-67-0004")
    assert result["outcome"] == "elsewhere" and "กองคลัง" in result["message"]
    found = line(org["assets"]["k1"])
    assert found.sheet == klang and found.seen_on_sheet == palad and found.found_elsewhere
    assert services.sheet_progress(klang)["found"] == 1
    assert services.sheet_progress(palad)["found"] == 0


def test_a_number_not_in_the_register_is_listed_for_follow_up_once(org, counting):
    sheet = sheet_of(counting, org["palad"])
    result = scan(org, sheet, "416-50-0777", note="ป้ายเก่า")
    assert result["outcome"] == "unregistered"
    scan(org, sheet, "๔๑๖-๕๐-๐๗๗๗")
    finding = Finding.objects.get()
    assert finding.kind == Finding.Kind.UNREGISTERED and finding.number == "๔๑๖-๕๐-๐๗๗๗"
    assert finding.note == "ป้ายเก่า"
    assert not Line.objects.exclude(outcome=Line.Outcome.PENDING).exists()


def test_an_asset_no_sheet_expected_is_found_elsewhere(org, counting):
    late = AssetFactory(number="416-68-0001", name="เครื่องสำรองไฟ", division=org["palad"])
    result = scan(org, sheet_of(counting, org["palad"]), late.number)
    assert result["outcome"] == "unexpected"
    assert Finding.objects.get().asset == late


def test_bad_input_changes_nothing(org, counting):
    sheet = sheet_of(counting, org["palad"])
    for number, message in (("", "กรุณาสแกน"), ("x" * 300, "อ่านไม่ได้")):
        with pytest.raises(ValidationError, match=message):
            scan(org, sheet, number)
    with pytest.raises(ValidationError, match="สภาพ"):
        scan(org, sheet, "416-67-0001", condition=Condition.LOST)
    with pytest.raises(ValidationError, match="สภาพ"):
        scan(org, sheet, "416-67-0001", condition="broken")
    with pytest.raises(ValidationError):
        scan(org, sheet, "416-67-0001", client_id="not-a-uuid")
    bad_photo = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="รูปภาพ"):
        scan(org, sheet, "416-67-0001", photo=bad_photo)
    assert not Line.objects.exclude(outcome=Line.Outcome.PENDING).exists()
    assert not Finding.objects.exists() and not Entry.objects.filter(action="inspection.count").exists()


def test_a_photo_is_kept_without_metadata(org, counting, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG")
    scan(org, sheet_of(counting, org["palad"]), "416-67-0001",
         photo=SimpleUploadedFile("a.jpg", buffer.getvalue(), content_type="image/jpeg"))
    assert line(org["assets"]["p1"]).photo.name.startswith("inspections/")


def _lend(org, asset):
    people = org["people"]
    admin = people["admin"]
    version = loan_services.manual_publish(actor=admin, title="คู่มือ", body="ใช้ในราชการ")
    borrower = make_user("borrower", "staff", division=org["palad"], first_name="สมหญิง", last_name="ยืมไป")
    loan_services.manual_acknowledge(actor=borrower, version=version)
    loan = loan_services.loan_request(actor=borrower, assets=[asset], purpose="ประชุม", place=Loan.Place.INSIDE,
                                      starts_on=timezone.localdate(), ends_on=timezone.localdate() + dt.timedelta(days=3),
                                      phone="0800000000")
    divhead = make_user("divhead", "staff", "division_head", division=org["palad"])
    loan_services.loan_endorse(actor=divhead, loan=loan)
    loan_services.loan_approve(actor=people["supplyhead"], loan=loan)
    return loan_services.loan_hand_out(actor=people["officer"], loan=loan)


def test_an_asset_on_loan_is_confirmed_with_its_borrower(org, counting):
    projector = org["assets"]["p3"]
    loan = _lend(org, projector)
    confirmed = services.line_confirm_on_loan(actor=org["people"]["inspector1"], line=line(projector))
    assert confirmed.outcome == Line.Outcome.ON_LOAN and "สมหญิง ยืมไป" in confirmed.note
    assert str(loan.pk) in confirmed.note
    assert Entry.objects.get(action="inspection.confirm_on_loan").details["loan"] == loan.pk
    with pytest.raises(ValidationError, match="ไม่ได้ถูกยืม"):
        services.line_confirm_on_loan(actor=org["people"]["inspector1"], line=line(org["assets"]["p1"]))


def test_a_sheet_closes_only_when_every_expected_asset_is_accounted_for(org, counting):
    projector = org["assets"]["p3"]
    _lend(org, projector)
    sheet = sheet_of(counting, org["palad"])
    inspector = org["people"]["inspector1"]
    scan(org, sheet, "416-67-0001")
    with pytest.raises(ValidationError, match="2 รายการ"):
        services.sheet_close(actor=inspector, sheet=sheet)
    services.line_confirm_on_loan(actor=inspector, line=line(projector))
    with pytest.raises(ValidationError, match="1 รายการ"):
        services.sheet_close(actor=inspector, sheet=sheet)
    assert services.lines_declare_missing(actor=inspector, sheet=sheet, note="ค้นทุกห้องแล้วไม่พบ") == 1
    missing = line(org["assets"]["p2"])
    assert missing.outcome == Line.Outcome.MISSING and missing.condition == Condition.LOST
    counts = services.recount(sheet)
    progress = services.sheet_progress(sheet)
    assert (progress["found"], progress["missing"], progress["pending"]) == (
        counts["seen"] + counts["on_loan"], counts["missing"], counts["pending"]) == (2, 1, 0)
    closed = services.sheet_close(actor=inspector, sheet=sheet)
    assert closed.status == Sheet.Status.CLOSED
    with pytest.raises(ValidationError, match="ปิดแล้ว"):
        scan(org, sheet, "416-67-0001")
    assert Entry.objects.filter(action="inspection.close_sheet").get().details["missing"] == 1


def test_declaring_missing_takes_only_uncounted_lines_and_a_later_scan_still_finds_them(org, counting):
    sheet = sheet_of(counting, org["palad"])
    scan(org, sheet, "416-67-0001")
    ids = list(sheet.lines.values_list("pk", flat=True))
    assert services.lines_declare_missing(actor=org["people"]["inspector1"], sheet=sheet, line_ids=ids) == 2
    assert line(org["assets"]["p1"]).outcome == Line.Outcome.SEEN
    scan(org, sheet, "416-67-0002")
    assert line(org["assets"]["p2"]).outcome == Line.Outcome.SEEN
    progress = services.sheet_progress(sheet)
    assert (progress["found"], progress["missing"], progress["pending"]) == (2, 1, 0)
    assert services.recount(sheet) == {"pending": 0, "seen": 2, "on_loan": 0, "missing": 1}
    with pytest.raises(ValidationError, match="ไม่มีรายการ"):
        services.lines_declare_missing(actor=org["people"]["inspector1"], sheet=sheet, line_ids=[ids[0]])


def _finish(org, round_):
    inspector = org["people"]["inspector1"]
    for sheet in round_.sheets.all():
        if sheet.lines.filter(outcome=Line.Outcome.PENDING).exists():
            services.lines_declare_missing(actor=inspector, sheet=sheet)
        services.sheet_close(actor=inspector, sheet=sheet)


def test_statuses_change_only_when_the_head_of_agency_accepts(org, counting):
    palad = sheet_of(counting, org["palad"])
    scan(org, palad, "416-67-0001", condition=Condition.DAMAGED)
    scan(org, palad, "407-67-0003", condition=Condition.NOT_NEEDED)
    scan(org, sheet_of(counting, org["klang"]), "416-67-0004", condition=Condition.DETERIORATED)
    _finish(org, counting)
    assets = org["assets"]
    for asset in assets.values():
        asset.refresh_from_db()
        assert asset.status == AssetStatus.IN_USE
    with pytest.raises(ValidationError, match="การตรวจสอบนี้มีสถานะ"):
        services.round_accept(actor=org["people"]["head"], round_=counting)
    with pytest.raises(PermissionDenied):
        services.round_submit(actor=org["people"]["staff"], round_=counting)
    submitted = services.round_submit(actor=org["people"]["inspector2"], round_=counting, today=dt.date(2024, 11, 12))
    assert submitted.status == Round.Status.SUBMITTED and submitted.submitted_on == dt.date(2024, 11, 12)
    anchor = Anchor.objects.get(document_type="inspection_report")
    assert submitted.report_anchor == anchor and anchor.head_hash == Entry.objects.order_by("-id").first().hash
    assert not Entry.objects.get(action="inspection.submit").details["late"]
    for asset in assets.values():
        asset.refresh_from_db()
        assert asset.status == AssetStatus.IN_USE
    for who in ("supplyhead", "admin", "auditor", "inspector1"):
        with pytest.raises(PermissionDenied):
            services.round_accept(actor=org["people"][who], round_=submitted)
    changed = services.round_accept(actor=org["people"]["head"], round_=submitted, note="ให้จำหน่ายตามระเบียบ")
    expected = {"p1": AssetStatus.DAMAGED, "p2": AssetStatus.LOST, "p3": AssetStatus.NOT_NEEDED,
                "k1": AssetStatus.DETERIORATED, "k2": AssetStatus.LOST}
    for key, status in expected.items():
        assets[key].refresh_from_db()
        assert assets[key].status == status, key
    assert sum(changed.values()) == 5
    entry = Entry.objects.get(action="inspection.accept")
    assert set(entry.asset_links.values_list("asset_id", flat=True)) == {asset.pk for asset in assets.values()}
    assert verify().ok


def test_the_report_cannot_go_while_a_sheet_is_open_and_a_late_one_is_flagged(org, counting):
    inspector = org["people"]["inspector1"]
    with pytest.raises(ValidationError, match="ยังไม่ปิด"):
        services.round_submit(actor=inspector, round_=counting)
    _finish(org, counting)
    services.round_submit(actor=inspector, round_=counting, today=dt.date(2024, 11, 14))
    assert Entry.objects.get(action="inspection.submit").details["late"]


def test_a_reopened_sheet_counts_again_and_the_reason_is_logged(org, counting):
    inspector = org["people"]["inspector1"]
    sheet = sheet_of(counting, org["palad"])
    services.lines_declare_missing(actor=inspector, sheet=sheet)
    services.sheet_close(actor=inspector, sheet=sheet)
    with pytest.raises(ValidationError, match="เหตุผล"):
        services.sheet_reopen(actor=inspector, sheet=sheet, reason=" ")
    services.sheet_reopen(actor=inspector, sheet=sheet, reason="พบเครื่องพิมพ์ในห้องประชุม")
    scan(org, sheet, "416-67-0002")
    assert line(org["assets"]["p2"]).outcome == Line.Outcome.SEEN


def test_an_asset_declared_missing_then_found_after_its_sheet_closed_is_not_set_lost(org, counting):
    inspector = org["people"]["inspector1"]
    palad, klang = sheet_of(counting, org["palad"]), sheet_of(counting, org["klang"])
    services.lines_declare_missing(actor=inspector, sheet=klang)
    services.sheet_close(actor=inspector, sheet=klang)
    assert scan(org, palad, "416-67-0004")["outcome"] == "unexpected"  # its own sheet is closed: a finding
    services.lines_declare_missing(actor=inspector, sheet=palad)
    services.sheet_close(actor=inspector, sheet=palad)
    services.round_submit(actor=inspector, round_=counting, today=dt.date(2024, 11, 1))
    services.round_accept(actor=org["people"]["head"], round_=counting)
    found, gone = org["assets"]["k1"], org["assets"]["k2"]
    found.refresh_from_db()
    gone.refresh_from_db()
    assert found.status == AssetStatus.IN_USE and gone.status == AssetStatus.LOST


def test_the_auditor_role_cannot_be_appointed_to_count(org):
    from tests.audits.conftest import appoint

    with pytest.raises(ValidationError, match="อ่านอย่างเดียว"):
        appoint(org, inspectors=[org["people"]["auditor"]])
