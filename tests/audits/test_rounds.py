"""Appointment, the working-day due date, the snapshot and who may act (DOMAIN.md section 5)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from activity.models import Entry
from assets.models import Status as AssetStatus
from audits import services
from audits.models import Line, Round
from organization.models import Holiday
from tests.audits.conftest import appoint, sheet_of
from tests.factories import AssetFactory
from thai import workdays

pytestmark = pytest.mark.django_db


def test_fiscal_2567_round_starts_on_1_october_2024_and_is_due_on_the_30th_working_day():
    # FY 2567's property is inspected from the first working day of FY 2568: Tuesday 1 October 2024.
    # Holidays seeded: 14 Oct (substitute for 13 Oct, a Sunday) and 23 Oct (Chulalongkorn Day).
    assert Holiday.objects.filter(date=dt.date(2024, 10, 14)).exists()
    dates = services.annual_dates(2567)
    assert dates["period_start"] == dt.date(2023, 10, 1)
    assert dates["period_end"] == dt.date(2024, 9, 30)
    assert dates["starts_on"] == dt.date(2024, 10, 1)
    assert dates["due_on"] == dt.date(2024, 11, 13)


def test_without_holidays_the_30th_working_day_is_two_days_earlier():
    assert workdays.nth_working_day(dt.date(2024, 10, 1), 30) == dt.date(2024, 11, 11)
    holidays = {dt.date(2024, 10, 14), dt.date(2024, 10, 23)}
    assert workdays.nth_working_day(dt.date(2024, 10, 1), 30, holidays) == dt.date(2024, 11, 13)
    assert workdays.nth_working_day(dt.date(2024, 10, 1), 1, holidays) == dt.date(2024, 10, 1)


def test_an_added_holiday_moves_the_due_date():
    Holiday.objects.create(date=dt.date(2024, 11, 4), name="วันหยุดพิเศษ")
    assert services.annual_dates(2567)["due_on"] == dt.date(2024, 11, 14)


def test_start_moves_to_the_first_working_day_when_1_october_is_a_weekend():
    # 1 October 2022 was a Saturday: FY 2565's round starts on Monday 3 October 2022.
    assert services.annual_dates(2565)["starts_on"] == dt.date(2022, 10, 3)
    assert workdays.first_working_day(dt.date(2022, 10, 1)) == dt.date(2022, 10, 3)


def test_appointment_is_logged_with_its_dates(org):
    round_ = appoint(org)
    assert round_.status == Round.Status.PLANNED
    assert round_.starts_on == dt.date(2024, 10, 1) and round_.due_on == dt.date(2024, 11, 13)
    entry = Entry.objects.get(action="inspection.appoint")
    assert entry.details["due_on"] == "2024-11-13"
    assert entry.details["inspectors"] == ["สมศรี ตรวจดี", "สมชาย นับถูก"]


def test_a_property_officer_cannot_be_an_inspector(org):
    with pytest.raises(ValidationError, match="เจ้าหน้าที่พัสดุ"):
        appoint(org, inspectors=[org["people"]["inspector1"], org["people"]["officer"]])
    assert not Round.objects.exists()


def test_the_head_of_the_supply_unit_cannot_be_an_inspector_either(org):
    # The Act's supply staff (เจ้าหน้าที่) are the property officers and their head: neither inspects their own work.
    with pytest.raises(ValidationError, match="หัวหน้าเจ้าหน้าที่"):
        appoint(org, appointed_by=org["people"]["head"],
                inspectors=[org["people"]["inspector1"], org["people"]["supplyhead"]])
    assert not Round.objects.exists()


def test_an_order_dated_in_the_future_or_before_its_fiscal_year_is_refused(org):
    from django.utils import timezone

    with pytest.raises(ValidationError, match="อนาคต"):
        appoint(org, order_date=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="ก่อนปีงบประมาณนั้นเริ่ม"):
        appoint(org, order_date=dt.date(2023, 9, 30))  # FY 2567 began on 1 October 2023
    assert not Round.objects.exists()


@pytest.mark.parametrize("order_date, in_time", [
    (dt.date(2024, 9, 1), True), (dt.date(2024, 9, 30), True), (dt.date(2024, 8, 31), False),
    (dt.date(2024, 10, 2), False)])
def test_an_order_outside_the_last_month_of_the_year_is_kept_and_marked(client, org, order_date, in_time):
    round_ = appoint(org, order_date=order_date)
    assert services.appointed_in_time(round_) is in_time
    client.force_login(org["people"]["supplyhead"])
    page = client.get(f"/inspections/{round_.pk}/").content.decode()
    assert ('data-testid="appointed-out-of-time"' in page) is not in_time


def test_only_the_head_of_agency_or_supply_unit_appoints(org):
    with pytest.raises(ValidationError, match="ผู้แต่งตั้ง"):
        appoint(org, appointed_by=org["people"]["staff"])
    round_ = appoint(org, appointed_by=org["people"]["supplyhead"])
    assert round_.appointed_by == org["people"]["supplyhead"]


def test_who_may_record_an_appointment(org):
    for who in ("staff", "officer", "auditor", "inspector1"):
        with pytest.raises(PermissionDenied):
            appoint(org, actor=org["people"][who])


def test_one_annual_round_a_year(org):
    appoint(org)
    with pytest.raises(ValidationError, match="2567"):
        appoint(org)


def test_a_spot_check_covers_one_division_from_the_next_working_day(org):
    saturday = dt.date(2025, 3, 8)
    round_ = appoint(org, kind=Round.Kind.SPOT, fiscal_year=None, division=org["klang"], starts_on=saturday)
    assert round_.starts_on == dt.date(2025, 3, 10)
    assert round_.fiscal_year == 2568
    assert round_.due_on == workdays.nth_working_day(dt.date(2025, 3, 10), 30,
                                                     set(Holiday.objects.values_list("date", flat=True)))
    started = services.round_start(actor=org["people"]["inspector1"], round_=round_, today=round_.starts_on)
    assert [sheet.division for sheet in started.sheets.all()] == [org["klang"]]
    assert started.sheets.get().expected_count == 2


def test_a_round_does_not_start_before_its_first_day(org):
    round_ = appoint(org)
    with pytest.raises(ValidationError, match="เริ่มตรวจนับได้ตั้งแต่"):
        services.round_start(actor=org["people"]["inspector1"], round_=round_, today=dt.date(2024, 9, 30))


def test_start_snapshots_each_division_and_later_moves_change_nothing(org, counting):
    palad, klang = sheet_of(counting, org["palad"]), sheet_of(counting, org["klang"])
    assert palad.expected_count == 3 and klang.expected_count == 2
    assert set(palad.lines.values_list("number", flat=True)) == {"416-67-0001", "416-67-0002", "407-67-0003"}
    # A move after the start, and an asset registered after it, do not change what was expected.
    moved = org["assets"]["p1"]
    moved.division = org["klang"]
    moved.save()
    AssetFactory(number="416-67-0099", division=org["palad"])
    assert palad.lines.count() == 3 and klang.lines.count() == 2
    assert Line.objects.get(asset=moved).sheet == palad
    assert Entry.objects.get(action="inspection.start").details["total"] == 5


def test_disposed_assets_are_not_expected(org):
    AssetFactory(number="416-60-0001", division=org["palad"], status=AssetStatus.DISPOSED)
    round_ = services.round_start(actor=org["people"]["inspector1"], round_=appoint(org), today=dt.date(2024, 10, 1))
    assert sheet_of(round_, org["palad"]).expected_count == 3


def test_only_its_inspectors_count_a_round_and_the_auditor_role_stays_read_only(org, counting):
    sheet = sheet_of(counting, org["palad"])
    for who in ("staff", "auditor", "officer", "head", "admin"):
        with pytest.raises(PermissionDenied):
            services.inspection_scan(actor=org["people"][who], sheet=sheet, number="416-67-0001")
    assert not Line.objects.exclude(outcome=Line.Outcome.PENDING).exists()


def test_an_inspector_who_becomes_a_property_officer_can_no_longer_count(org, counting):
    from django.contrib.auth.models import Group

    inspector = org["people"]["inspector1"]
    inspector.groups.add(Group.objects.get(name="property_officer"))
    inspector = type(inspector).objects.get(pk=inspector.pk)
    with pytest.raises(PermissionDenied, match="เจ้าหน้าที่พัสดุ"):
        services.inspection_scan(actor=inspector, sheet=sheet_of(counting, org["palad"]), number="416-67-0001")


def test_due_state_warns_in_the_last_five_working_days(org):
    round_ = appoint(org)
    assert not services.due_state(round_, dt.date(2024, 10, 1))["warn"]
    near = services.due_state(round_, dt.date(2024, 11, 7))
    assert near["warn"] and near["days_left"] == 5 and not near["late"]
    late = services.due_state(round_, dt.date(2024, 11, 14))
    assert late["late"] and late["warn"]


def test_a_round_whose_years_have_no_holidays_listed_says_so(client, org):
    round_ = appoint(org)  # FY 2567: counted from October 2024, whose holidays are seeded
    client.force_login(org["people"]["head"])
    assert 'data-testid="no-holidays"' not in client.get(f"/inspections/{round_.pk}/").content.decode()
    Holiday.objects.filter(date__year=2024).delete()
    page = client.get(f"/inspections/{round_.pk}/").content.decode()
    assert 'data-testid="no-holidays"' in page and "พ.ศ. 2567" in page


def test_a_holiday_added_or_removed_moves_the_due_date_of_rounds_not_yet_reported(org):
    planned = appoint(org)  # FY 2567: starts Tue 1 Oct 2024, due Wed 13 Nov 2024
    spot = appoint(org, kind=Round.Kind.SPOT, year=None, division=org["klang"], starts_on=dt.date(2024, 10, 1),
                   order_number="8/2568", order_date=dt.date(2024, 9, 25))
    services.round_start(actor=org["people"]["inspector1"], round_=spot, today=spot.starts_on)
    assert planned.due_on == dt.date(2024, 11, 13)

    special = Holiday.objects.create(date=dt.date(2024, 11, 4), name="วันหยุดพิเศษ (มติคณะรัฐมนตรี)")
    planned.refresh_from_db()
    spot.refresh_from_db()
    assert planned.due_on == dt.date(2024, 11, 14) and planned.starts_on == dt.date(2024, 10, 1)
    assert spot.due_on == dt.date(2024, 11, 14) and spot.status == Round.Status.COUNTING
    moves = Entry.objects.filter(action="inspection.reschedule")
    assert moves.count() == 2
    assert {entry.details["after"]["due_on"] for entry in moves} == {"2024-11-14"}

    Holiday.objects.create(date=dt.date(2024, 10, 1), name="วันหยุดพิเศษ")  # the annual start itself moves
    planned.refresh_from_db()
    spot.refresh_from_db()
    assert planned.starts_on == dt.date(2024, 10, 2) and spot.starts_on == dt.date(2024, 10, 1)  # started: kept

    Round.objects.filter(pk=planned.pk).update(status=Round.Status.SUBMITTED, submitted_on=dt.date(2024, 11, 1))
    special.delete()
    planned.refresh_from_db()
    spot.refresh_from_db()
    assert planned.due_on == dt.date(2024, 11, 15)  # reported: kept as it was
    assert spot.due_on == dt.date(2024, 11, 14)  # 1 October, now a holiday, no longer counts
