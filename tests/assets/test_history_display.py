"""The asset page's history shows logged values as staff read them: Thai status labels, ใช่/ไม่ใช่, money with
separators, Buddhist-era dates, places by name, "—" for nothing, and the damage description typed by staff.

Changes go through the services (which write the hash-chained log); the page is read through the test client.
"""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest

from assets import services
from assets.models import BudgetType, Status
from tests.conftest import make_user
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

HISTORY = re.compile(r'<ol class="history">(.*?)</ol>', re.S)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def history(client, user, asset) -> str:
    """The history section of the asset page, as text with single spaces."""
    client.force_login(user)
    response = client.get(f"/assets/{asset.pk}/")
    assert response.status_code == 200
    section = HISTORY.search(response.content.decode()).group(1)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section)).split())


def test_history_shows_status_labels_not_codes(client, officer, asset):
    services.asset_update(actor=officer, asset=asset, status=Status.DAMAGED)
    services.asset_update(actor=officer, asset=asset, status=Status.UNDER_REPAIR)

    text = history(client, officer, asset)

    assert "สถานะ: ใช้งาน → ชำรุด" in text
    assert "สถานะ: ชำรุด → ส่งซ่อม" in text
    for code in ("in_use", "damaged", "under_repair"):
        assert code not in text


def test_history_shows_lendable_as_yes_or_no(client, officer, asset):
    services.asset_update(actor=officer, asset=asset, is_lendable=True)
    services.asset_update(actor=officer, asset=asset, is_lendable=False)

    text = history(client, officer, asset)

    assert "ให้ยืมได้: ไม่ใช่ → ใช่" in text  # False was shown as "—" before
    assert "ให้ยืมได้: ใช่ → ไม่ใช่" in text
    assert "True" not in text and "False" not in text


def test_history_shows_money_with_separators_and_two_decimals(client, officer, asset):
    services.asset_update(actor=officer, asset=asset, unit_price=Decimal("24900"))
    services.asset_update(actor=officer, asset=asset, unit_price=Decimal("25500.5"))

    text = history(client, officer, asset)

    assert "ราคาต่อหน่วย (บาท): 21,000.00 → 24,900.00" in text
    assert "ราคาต่อหน่วย (บาท): 24,900.00 → 25,500.50" in text
    assert "24900" not in text and "25500" not in text


def test_history_shows_location_by_name_when_transferred_or_edited(client, officer, asset, location):
    store = LocationFactory(division=location.division, code="P02", name="ห้องพัสดุ")
    services.asset_transfer(actor=officer, asset=asset, division=location.division, location=store)
    services.asset_update(actor=officer, asset=asset, location=location)
    services.asset_update(actor=officer, asset=asset, location=None)

    text = history(client, officer, asset)

    assert "สถานที่ตั้ง: ห้องสำนักปลัด → ห้องพัสดุ" in text  # the transfer
    assert "สถานที่ตั้ง: ห้องพัสดุ → ห้องสำนักปลัด" in text  # the edits
    assert "สถานที่ตั้ง: ห้องสำนักปลัด → —" in text
    assert not re.search(r"สถานที่ตั้ง: (\d+ →|[^→]*→ \d+\b)", text)  # never an id


def test_history_shows_dates_in_the_buddhist_era(client, officer, asset):
    services.asset_update(actor=officer, asset=asset, acquired_on=dt.date(2024, 10, 1))

    text = history(client, officer, asset)

    assert "วันที่ได้มา: 15 มีนาคม 2567 → 1 ตุลาคม 2567" in text
    assert "2024-" not in text


def test_history_shows_an_empty_value_as_a_dash_and_reference_data_by_name(client, officer, asset):
    budget = BudgetType.objects.order_by("pk").first()
    services.asset_update(actor=officer, asset=asset, budget_type=budget, brand_model="Dell OptiPlex 7010")

    text = history(client, officer, asset)

    assert f"ประเภทเงิน: — → {budget.name}" in text
    assert "ยี่ห้อ/รุ่น/แบบ: — → Dell OptiPlex 7010" in text
    assert "None" not in text


def test_history_shows_the_damage_description(client, officer, asset, division):
    reporter = make_user("reporter", "staff", division=division)
    services.asset_report_damage(actor=reporter, asset=asset, note="จอแตก เปิดไม่ติด")

    text = history(client, officer, asset)

    assert "แจ้งชำรุด" in text
    assert "สถานะ: ใช้งาน → ชำรุด" in text
    assert "หมายเหตุ: จอแตก เปิดไม่ติด" in text


def test_history_without_a_note_shows_no_note_line(client, officer, asset):
    services.asset_send_to_repair(actor=officer, asset=asset)

    text = history(client, officer, asset)

    assert "สถานะ: ใช้งาน → ส่งซ่อม" in text
    assert "หมายเหตุ" not in text
