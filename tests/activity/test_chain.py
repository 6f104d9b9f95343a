"""The log auditors can trust: refused changes, and a verifier that names the first bad entry."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from activity import log
from activity.chain import anchor_record, current_head, verify
from activity.guards import install_triggers, remove_triggers
from activity.log import entry_payload
from activity.models import AppendOnlyError, Entry, EntryAsset


@pytest.fixture
def chain(db):
    """Ten entries, two of them about assets 7 and 8."""
    ids = [log.record("test.event", object_type="test", object_id=str(n), object_repr=f"รายการ {n}",
                      assets=[7, 8] if n in (3, 4) else [], details={"n": n, "price": Decimal("10.50")})
           for n in range(10)]
    return ids


@pytest.fixture
def owner_access(db):
    """Play someone with the database owner's rights: the triggers are out of the way, then back."""
    remove_triggers(connection)
    yield connection
    install_triggers(connection)


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_intact_chain_verifies(chain):
    verdict = verify()
    assert verdict.ok, verdict.problem
    assert verdict.count == 10
    assert verdict.head.entry_id == chain[-1]
    assert verdict.head.hash == Entry.objects.get(pk=chain[-1]).hash


def test_orm_update_and_delete_are_refused(chain):
    entry = Entry.objects.get(pk=chain[0])
    entry.action = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        Entry.objects.filter(pk=chain[0]).update(action="changed")
    with pytest.raises(AppendOnlyError):
        Entry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        EntryAsset.objects.all().delete()
    assert verify().ok


@pytest.mark.parametrize("sql", [
    "UPDATE activity_entry SET action = 'changed'",
    "DELETE FROM activity_entry",
    "UPDATE activity_entryasset SET asset_id = 99",
    "DELETE FROM activity_entryasset",
])
def test_raw_update_and_delete_are_refused_by_the_database(chain, sql):
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            raw(sql)
    assert Entry.objects.count() == 10
    assert verify().ok


def test_an_edited_entry_is_named(chain, owner_access):
    raw("UPDATE activity_entry SET details_json = %s WHERE id = %s", ['{"n":5,"price":"99.00"}', chain[5]])
    verdict = verify()
    assert not verdict.ok
    assert verdict.bad_entry_id == chain[5]
    assert "ถูกแก้ไข" in verdict.problem


def test_an_edited_asset_link_is_named(chain, owner_access):
    raw("UPDATE activity_entryasset SET asset_id = 99 WHERE entry_id = %s AND asset_id = 8", [chain[3]])
    verdict = verify()
    assert verdict.bad_entry_id == chain[3]


def test_a_deleted_entry_is_caught_at_the_next_one(chain, owner_access):
    raw("DELETE FROM activity_entry WHERE id = %s", [chain[6]])
    verdict = verify()
    assert not verdict.ok
    assert verdict.bad_entry_id == chain[7]
    assert str(chain[5]) in verdict.problem  # the gap is after the last good entry


def test_an_inserted_entry_is_named(chain, owner_access):
    last = Entry.objects.get(pk=chain[-1])
    raw("INSERT INTO activity_entry (created_at, actor_name, action, object_type, object_id, object_repr, "
        "details_json, prev_hash, hash) VALUES (%s, 'ปลอม', 'test.event', 'test', 'x', 'x', '{}', %s, %s)",
        [last.created_at, "f" * 64, "e" * 64])
    forged = Entry.objects.order_by("-id").first()
    verdict = verify()
    assert verdict.bad_entry_id == forged.pk


def test_a_rehashed_insert_in_the_middle_breaks_the_link_after_it(chain, owner_access):
    """An attacker who computes a valid hash for an extra entry still cannot make the next entry follow it."""
    raw("DELETE FROM activity_entry WHERE id = %s", [chain[2]])  # make room at a known id, then forge into it
    after_one = Entry.objects.get(pk=chain[1])
    values = {"created_at": after_one.created_at, "actor_id": None, "actor_name": "ปลอม", "action": "test.event",
              "object_type": "test", "object_id": "2", "object_repr": "ปลอม", "division_id": None,
              "details_json": "{}", "prev_hash": after_one.hash}
    forged_hash = log.entry_hash(values, [])
    raw("INSERT INTO activity_entry (id, created_at, actor_name, action, object_type, object_id, object_repr, "
        "details_json, prev_hash, hash) SELECT %s, created_at, 'ปลอม', 'test.event', 'test', '2', 'ปลอม', '{}', %s, %s "
        "FROM activity_entry WHERE id = %s", [chain[2], after_one.hash, forged_hash, chain[1]])
    assert verify().bad_entry_id != chain[2]  # the forged entry itself hashes correctly
    verdict = verify()
    assert verdict.bad_entry_id == chain[3]


def test_truncating_the_tail_after_an_anchor_is_caught(chain, owner_access):
    anchor = anchor_record(document_type="inspection_report", document_id="2568")
    log.record("test.later", object_type="test", object_id="later")
    assert verify().ok
    raw("DELETE FROM activity_entryasset WHERE entry_id >= %s", [chain[8]])
    raw("DELETE FROM activity_entry WHERE id >= %s", [chain[8]])
    verdict = verify()
    assert not verdict.ok
    assert verdict.bad_entry_id == anchor.head_id == chain[-1]
    assert "inspection_report 2568" in verdict.problem


def test_a_wholly_rewritten_chain_is_caught_by_the_anchor(chain, owner_access):
    anchor_record(document_type="annual_report", document_id="2567")
    rows = list(Entry.objects.order_by("id").values())
    prev = log.GENESIS_HASH
    for row in rows:  # rewrite every entry consistently, as someone with full access could
        values = dict(row, prev_hash=prev, details_json=row["details_json"].replace("10.50", "1.00"))
        links = list(EntryAsset.objects.filter(entry_id=row["id"]).values_list("asset_id", flat=True))
        new_hash = log.entry_hash(values, links)
        raw("UPDATE activity_entry SET details_json = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [values["details_json"], prev, new_hash, row["id"]])
        prev = new_hash
    verdict = verify()
    assert not verdict.ok
    assert "annual_report 2567" in verdict.problem


def test_payload_is_the_sorted_compact_json_of_the_content(db):
    values = {"created_at": dt.datetime(2024, 10, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc), "actor_id": 3,
              "actor_name": 'ชื่อ "มี" อัญประกาศ\\ และ\nบรรทัดใหม่ ,"division_id":', "action": "asset.update",
              "object_type": "assets.asset", "object_id": "12", "object_repr": "๔๑๖-๖๗-๐๐๐๑ 😀 <b>",
              "division_id": None, "details_json": log._dumps({"z": 1, "a": ["ข", None, "1.50"]}),
              "prev_hash": "0" * 64}
    expected = json.dumps({**{k: v for k, v in values.items() if k != "details_json"},
                           "created_at": "2024-10-01T02:03:04.000005+00:00", "asset_ids": [2, 5, 9],
                           "details": json.loads(values["details_json"])},
                          sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert entry_payload(values, [9, 2, 5]) == expected


FIXED = dt.datetime(2024, 10, 1, 1, 2, 3, 456789, tzinfo=dt.timezone.utc)
# sha256 of json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")) for this entry,
# computed outside the code under test; CI runs this on SQLite and on PostgreSQL: both must give it.
EXPECTED_HASH = "f6d9fcf3b10676dabc84ee2fc5ea57f012fafd84a25e122e4203651bbf4fd962"


def test_the_hash_is_the_same_on_every_database(db, monkeypatch):
    monkeypatch.setattr(log.timezone, "now", lambda: FIXED)
    entry_id = log.record("asset.update", object_type="assets.asset", object_id="1", object_repr="416-67-0001 โน้ตบุ๊ก",
                          assets=[1], details={"changes": {"unit_price": [Decimal("21000.00"), Decimal("20500.5")],
                                                           "acquired_on": [dt.date(2024, 3, 15), None]}})
    stored = Entry.objects.get(pk=entry_id)
    assert stored.details == {"changes": {"acquired_on": ["2024-03-15", None], "unit_price": ["21000.00", "20500.5"]}}
    assert stored.hash == EXPECTED_HASH
    assert verify().ok


def test_every_asset_service_leaves_exactly_one_entry(officer, location, computer_category):
    from assets import services

    asset = services.asset_register(actor=officer, name="กล้องถ่ายภาพ", category=computer_category,
                                    division=location.division, location=location,
                                    acquired_on=dt.date(2024, 3, 1), unit_price=Decimal("15000"))
    assert EntryAsset.objects.filter(asset_id=asset.pk).count() == 1
    services.asset_update(actor=officer, asset=asset, name="กล้องถ่ายภาพดิจิทัล")
    assert EntryAsset.objects.filter(asset_id=asset.pk).count() == 2
    assert verify().ok


def test_the_command_reports_an_intact_chain_and_the_head(chain, capsys):
    call_command("verify_activity_log")
    out = capsys.readouterr().out
    assert "10 รายการ" in out
    call_command("verify_activity_log", "--head")
    head = current_head()
    assert capsys.readouterr().out.strip() == f"{head.count} {head.entry_id} {head.hash}"


def test_the_command_fails_naming_the_entry(chain, owner_access):
    raw("UPDATE activity_entry SET object_repr = 'แก้' WHERE id = %s", [chain[4]])
    with pytest.raises(CommandError, match=f"รายการที่ {chain[4]} ถูกแก้ไข"):
        call_command("verify_activity_log")


def test_a_time_on_the_whole_second_verifies(db, monkeypatch):
    monkeypatch.setattr(log.timezone, "now", lambda: dt.datetime(2024, 10, 1, 1, 2, 3, tzinfo=dt.timezone.utc))
    log.record("test.event", object_type="test", object_id="1")
    assert verify().ok
