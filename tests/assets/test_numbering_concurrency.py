"""Two officers registering at the same moment never get the same number (PostgreSQL, real threads)."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from assets import services
from assets.models import Asset, Category
from tests.conftest import make_user
from tests.factories import DivisionFactory, LocationFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL")

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_numbers():
    division = DivisionFactory()
    location = LocationFactory(division=division)
    officer = make_user("officer_c", "property_officer", division=division)
    category = Category.objects.get(code="416")
    barrier = threading.Barrier(THREADS)
    numbers, errors = [], []

    def register(index):
        try:
            barrier.wait(timeout=10)
            asset = services.asset_register(
                actor=officer, name=f"เครื่องที่ {index}", category=category, division=division, location=location,
                acquired_on=dt.date(2024, 5, 1), unit_price=Decimal("1000"))
            numbers.append(asset.number)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [f"416-67-{n:04d}" for n in range(1, THREADS + 1)]
    assert Asset.objects.count() == THREADS
