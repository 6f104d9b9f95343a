import datetime as dt

import pytest

from audits import services
from audits.models import Round
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory, LocationFactory



@pytest.fixture
def org(db):
    palad = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล", order=1)
    klang = DivisionFactory(code="KLANG", name="กองคลัง", order=2)
    room_p = LocationFactory(division=palad, code="P01", name="ห้องสำนักปลัด")
    store_p = LocationFactory(division=palad, code="P02", name="ห้องเก็บของสำนักปลัด")
    room_k = LocationFactory(division=klang, code="K01", name="ห้องกองคลัง")
    people = {
        "head": make_user("mayor", "agency_head", division=palad, first_name="นายก", last_name="เทศมนตรี"),
        "supplyhead": make_user("supplyhead", "staff", "supply_head", division=klang),
        "officer": make_user("officer", "staff", "property_officer", division=klang),
        "inspector1": make_user("insp1", "staff", division=palad, first_name="สมศรี", last_name="ตรวจดี"),
        "inspector2": make_user("insp2", "staff", division=klang, first_name="สมชาย", last_name="นับถูก"),
        "staff": make_user("staff", "staff", division=palad),
        "auditor": make_user("auditor", "auditor", division=klang),
        "admin": make_user("admin", "administrator", division=klang),
    }
    assets = {
        "p1": AssetFactory(number="416-67-0001", name="เครื่องคอมพิวเตอร์", division=palad, location=room_p),
        "p2": AssetFactory(number="416-67-0002", name="เครื่องพิมพ์", division=palad, location=room_p),
        "p3": AssetFactory(number="407-67-0003", name="โปรเจคเตอร์", division=palad, location=store_p,
                           is_lendable=True),
        "k1": AssetFactory(number="416-67-0004", name="โต๊ะทำงาน", division=klang, location=room_k),
        "k2": AssetFactory(number="416-67-0005", name="ตู้เหล็ก", division=klang, location=room_k),
    }
    return {"palad": palad, "klang": klang, "room_p": room_p, "store_p": store_p, "room_k": room_k,
            "people": people, "assets": assets}


def appoint(org, *, year=2567, kind=Round.Kind.ANNUAL, **extra):
    people = org["people"]
    fields = dict(actor=people["admin"], kind=kind, fiscal_year=year, order_number="123/2567",
                  order_date=dt.date(2024, 9, 20), appointed_by=people["head"],
                  inspectors=[people["inspector1"], people["inspector2"]])
    fields.update(extra)
    return services.round_appoint(**fields)


@pytest.fixture
def counting(org):
    """An annual round (FY 2567, started 1 Oct 2024) counting both divisions."""
    round_ = appoint(org)
    return services.round_start(actor=org["people"]["inspector1"], round_=round_, today=round_.starts_on)


def sheet_of(round_, division):
    return round_.sheets.get(division=division)
