"""The pager's and the export buttons' links, followed as a person clicks them (not typed as ?page=2)."""

import re
from html import unescape

import pytest

from activity import log
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory

pytestmark = pytest.mark.django_db


def _link(page: str, label: str) -> str:
    match = re.search(rf'<a (?:class="[^"]*" )?href="([^"]*)">[^<]*{label}', page)
    assert match, f"no link {label!r}"
    return unescape(match.group(1))


@pytest.mark.parametrize("path", ["/assets/", "/assets/?q=เครื่อง&sort=number"])
def test_next_and_last_page_of_the_register(client, path):
    division = DivisionFactory()
    for n in range(60):
        AssetFactory(number=f"416-67-{n:04d}", name="เครื่องคอมพิวเตอร์", division=division)
    client.force_login(make_user("officer_p", "staff", "property_officer", division=division))
    first = client.get(path).content.decode()
    assert "หน้า 1 จาก 3" in first
    following = _link(first, "ถัดไป")
    assert re.fullmatch(r"\?(.*&)?page=2(&.*)?", following), following
    assert "หน้า 2 จาก 3" in client.get(path.split("?")[0] + following).content.decode()
    assert "หน้า 3 จาก 3" in client.get(path.split("?")[0] + _link(first, "สุดท้าย")).content.decode()


def test_next_page_and_export_of_the_activity_log(client):
    auditor = make_user("auditor_p", "auditor", division=DivisionFactory())
    for n in range(60):
        log.record("asset.view", actor=auditor, details={"n": n})
    client.force_login(auditor)
    first = client.get("/log/").content.decode()
    following = _link(first, "ถัดไป")
    assert "page=2" in following
    assert "หน้า 2 จาก" in client.get("/log/" + following).content.decode()
    export = _link(first, "ส่งออก CSV")
    assert "export=csv" in export
    assert client.get("/log/" + export)["Content-Type"].startswith("text/csv")
