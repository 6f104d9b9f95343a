"""Twenty approvers at once, each approving a different pending request for the same asset over
overlapping dates: exactly one is approved, the others get the clash message, nothing else is written."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from activity.models import Entry
from loans import services
from loans.models import Loan
from organization.models import Organization
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL")

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_of_one_asset_let_exactly_one_through():
    Organization.objects.filter(pk=1).update(loan_endorsement_required=False)
    division = DivisionFactory()
    admin = make_user("admin_c", "administrator", division=division)
    version = services.manual_publish(actor=admin, title="คู่มือ", body="ใช้เพื่อราชการ")
    asset = AssetFactory(is_lendable=True, division=division)
    today = timezone.localdate()
    loans, approvers = [], []
    for index in range(THREADS):
        borrower = make_user(f"borrower{index}", "staff", division=division)
        services.manual_acknowledge(actor=borrower, version=version)
        loans.append(services.loan_request(
            actor=borrower, assets=[asset], purpose="งานราชการ", place=Loan.Place.INSIDE, phone="0800000000",
            starts_on=today + dt.timedelta(days=1 + index % 3), ends_on=today + dt.timedelta(days=5)))
        approvers.append(make_user(f"supply{index}", "supply_head", division=division))
    entries_before = Entry.objects.count()
    barrier = threading.Barrier(THREADS)
    approved, clashed, other = [], [], []

    def approve(index):
        try:
            barrier.wait(timeout=10)
            services.loan_approve(actor=approvers[index], loan=loans[index])
            approved.append(index)
        except ValidationError as error:
            (clashed if "ถูกยืมไว้แล้ว" in " ".join(error.messages) else other).append(error)
        except Exception as error:  # collected and asserted below
            other.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert other == []
    assert len(approved) == 1 and len(clashed) == THREADS - 1
    assert Loan.objects.filter(status=Loan.Status.APPROVED).count() == 1
    assert Loan.objects.filter(status=Loan.Status.REQUESTED).count() == THREADS - 1
    assert Entry.objects.count() == entries_before + 1  # one approval logged, nothing else written


@pytest.mark.django_db(transaction=True)
def test_concurrent_hand_outs_of_one_asset_let_exactly_one_through():
    Organization.objects.filter(pk=1).update(loan_endorsement_required=False)
    division = DivisionFactory()
    admin = make_user("admin_h", "administrator", division=division)
    version = services.manual_publish(actor=admin, title="คู่มือ", body="ใช้เพื่อราชการ")
    asset = AssetFactory(is_lendable=True, division=division)
    borrower = make_user("borrower_h", "staff", division=division)
    services.manual_acknowledge(actor=borrower, version=version)
    today = timezone.localdate()
    loan = services.loan_request(actor=borrower, assets=[asset], purpose="งานราชการ", place=Loan.Place.INSIDE,
                                 phone="0800000000", starts_on=today, ends_on=today + dt.timedelta(days=2))
    services.loan_approve(actor=make_user("supply_h", "supply_head", division=division), loan=loan)
    officers = [make_user(f"officer{index}", "property_officer", division=division) for index in range(THREADS)]
    entries_before = Entry.objects.count()
    barrier = threading.Barrier(THREADS)
    done, refused, other = [], [], []

    def hand_out(index):
        try:
            barrier.wait(timeout=10)
            services.loan_hand_out(actor=officers[index], loan=loan)
            done.append(index)
        except ValidationError as error:
            refused.append(error)
        except Exception as error:  # collected and asserted below
            other.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hand_out, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert other == [] and len(done) == 1 and len(refused) == THREADS - 1
    loan.refresh_from_db()
    assert loan.status == Loan.Status.OUT
    assert Entry.objects.count() == entries_before + 1
