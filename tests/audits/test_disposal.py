"""Disposal (DOMAIN.md section 5): eligible assets, the two paths, the methods, 60 and 30 days, striking off."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from activity.models import Entry
from assets.models import Asset, Status as AssetStatus
from audits import services
from audits.models import DisposalCase
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db
Path, Method, Status = DisposalCase.Path, DisposalCase.Method, DisposalCase.Status


@pytest.fixture
def broken(org):
    return [AssetFactory(number=f"416-60-000{n}", division=org["palad"], status=AssetStatus.DAMAGED) for n in (1, 2)]


def propose(org, assets, *, path=Path.DIRECT, method=Method.SALE, who="officer"):
    return services.disposal_propose(actor=org["people"][who], assets=assets, title="จำหน่ายคอมพิวเตอร์ชำรุด",
                                     reason="ชำรุดจากการใช้งานตามปกติ ซ่อมไม่คุ้ม", path=path, method=method)


def test_only_damaged_deteriorated_lost_or_not_needed_assets_are_proposed(org, broken):
    with pytest.raises(ValidationError, match="จำหน่ายได้เฉพาะ"):
        propose(org, [org["assets"]["p1"]])
    case = propose(org, broken)
    assert case.items.count() == 2 and case.status == Status.DRAFT
    assert all(item.book_value >= 0 for item in case.items.all())
    with pytest.raises(ValidationError, match="อยู่ในเรื่องการจำหน่ายที่"):
        propose(org, broken[:1])
    for who in ("staff", "inspector1", "auditor", "head"):
        with pytest.raises(PermissionDenied):
            propose(org, broken, who=who)


def test_lost_assets_are_written_off_and_only_they_are(org, broken):
    lost = AssetFactory(number="416-60-0009", division=org["palad"], status=AssetStatus.LOST)
    with pytest.raises(ValidationError, match="จำหน่ายเป็นสูญ"):
        propose(org, [lost], method=Method.SALE)
    with pytest.raises(ValidationError, match="จำหน่ายเป็นสูญ"):
        propose(org, broken, method=Method.WRITE_OFF)
    assert propose(org, [lost], method=Method.WRITE_OFF, path=Path.FACT_FINDING).method == Method.WRITE_OFF


def test_direct_path_order_complete_and_report_to_the_state_audit_office(org, broken):
    people = org["people"]
    case = propose(org, broken)
    with pytest.raises(PermissionDenied):
        services.disposal_approve(actor=people["officer"], case=case, order_number="5/2568", ordered_on=dt.date(2025, 1, 6))
    with pytest.raises(ValidationError, match="ทำรายการนี้ไม่ได้"):
        services.disposal_complete(actor=people["officer"], case=case, completed_on=dt.date(2025, 1, 6),
                                   recipient="นายประมูล", proceeds=1500)
    case = services.disposal_approve(actor=people["head"], case=case, order_number="5/2568", ordered_on=dt.date(2025, 1, 6))
    assert services.completion_due(case) == dt.date(2025, 3, 7)
    with pytest.raises(ValidationError, match="ผู้ซื้อ"):
        services.disposal_complete(actor=people["officer"], case=case, completed_on=dt.date(2025, 2, 1))
    with pytest.raises(ValidationError, match="ไม่ก่อนวันที่สั่ง"):
        services.disposal_complete(actor=people["officer"], case=case, completed_on=dt.date(2025, 1, 5),
                                   recipient="นายประมูล", proceeds=1500)
    for asset in broken:
        asset.refresh_from_db()
        assert asset.status == AssetStatus.DAMAGED
    case = services.disposal_complete(actor=people["officer"], case=case, completed_on=dt.date(2025, 3, 10),
                                      recipient="นายประมูล ราคาดี", proceeds=1500)
    for asset in broken:
        asset.refresh_from_db()
        assert asset.status == AssetStatus.DISPOSED
    assert Asset.objects.filter(pk__in=[asset.pk for asset in broken]).count() == 2  # kept in history
    assert Entry.objects.get(action="disposal.complete").details["late"]  # 63 days after the order
    assert services.sao_due(case) == dt.date(2025, 4, 9)
    with pytest.raises(ValidationError, match="ไม่ก่อนวันที่จำหน่ายเสร็จ"):
        services.disposal_report_sao(actor=people["officer"], case=case, notified_on=dt.date(2025, 3, 1), reference="x")
    case = services.disposal_report_sao(actor=people["officer"], case=case, notified_on=dt.date(2025, 4, 1),
                                        reference="รน 52001/123")
    assert case.status == Status.REPORTED
    assert not Entry.objects.get(action="disposal.report_sao").details["late"]
    entry = Entry.objects.get(action="disposal.complete")
    assert set(entry.asset_links.values_list("asset_id", flat=True)) == {asset.pk for asset in broken}


def test_the_fact_finding_path_must_find_the_facts_before_the_order(org, broken):
    people = org["people"]
    case = propose(org, broken, path=Path.FACT_FINDING)
    with pytest.raises(ValidationError, match="สอบหาข้อเท็จจริง"):
        services.disposal_approve(actor=people["head"], case=case, order_number="6/2568", ordered_on=dt.date(2025, 1, 6))
    with pytest.raises(ValidationError, match="ทำรายการนี้ไม่ได้"):
        services.disposal_record_facts(actor=people["officer"], case=case, facts="x", facts_on=dt.date(2025, 1, 1))
    case = services.disposal_start_fact_finding(actor=people["officer"], case=case, committee_order="7/2568",
                                                committee_members="นายก ข\nนางค ง")
    case = services.disposal_record_facts(actor=people["officer"], case=case, facts="ชำรุดจากอุบัติเหตุ ไม่มีผู้ต้องรับผิด",
                                          facts_on=dt.date(2025, 1, 20))
    case = services.disposal_approve(actor=people["head"], case=case, order_number="8/2568", ordered_on=dt.date(2025, 1, 25))
    assert case.status == Status.APPROVED
    direct = propose(org, [AssetFactory(number="416-60-0050", division=org["palad"], status=AssetStatus.DAMAGED)])
    with pytest.raises(ValidationError, match="โดยตรง"):
        services.disposal_start_fact_finding(actor=people["officer"], case=direct, committee_order="1", committee_members="x")


def test_cancel_before_completion_and_the_asset_can_be_proposed_again(org, broken):
    people = org["people"]
    case = propose(org, broken)
    services.disposal_approve(actor=people["head"], case=case, order_number="5/2568", ordered_on=dt.date(2025, 1, 6))
    with pytest.raises(PermissionDenied):
        services.disposal_cancel(actor=people["officer"], case=case, reason="ซ่อมได้")
    case = services.disposal_cancel(actor=people["head"], case=case, reason="ซ่อมได้")
    assert case.status == Status.CANCELLED
    assert propose(org, broken).status == Status.DRAFT
    actions = list(Entry.objects.filter(action__startswith="disposal.").order_by("id").values_list("action", flat=True))
    assert actions == ["disposal.propose", "disposal.approve", "disposal.cancel", "disposal.propose"]
