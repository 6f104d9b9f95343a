"""Concurrent writers cannot fork the chain (PostgreSQL, real threads and connections)."""

import threading

import pytest
from django.db import connection, connections, transaction

from activity import log
from activity.chain import verify
from activity.models import Entry

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent appends are tested on PostgreSQL")

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain():
    barrier = threading.Barrier(THREADS)
    errors = []

    def append(index):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                log.record("test.concurrent", object_type="test", object_id=str(index), details={"i": index})
                log.record_many([log.Change(action="test.concurrent.bulk", object_type="test", object_id=f"{index}-{n}")
                                 for n in range(3)])
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Entry.objects.count() == THREADS * 4
    assert len(set(Entry.objects.values_list("prev_hash", flat=True))) == THREADS * 4  # no two entries share a parent
    verdict = verify()
    assert verdict.ok, verdict.problem
