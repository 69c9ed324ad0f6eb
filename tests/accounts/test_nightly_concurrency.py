"""The nightly deactivation and a login of the same idle account at the same moment: the account is
deactivated once, with one audit event, and the login is refused; a login that commits while the job waits for
its row keeps the account active."""

import threading
import time
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from accounts import services
from accounts.models import AuditEvent, User
from tests.conftest import wait_until_someone_waits_for_a_lock
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def retrying(work):
    """SQLite has no row locks: a busy database means 'try again' (PostgreSQL waits for the lock instead)."""
    for _attempt in range(40):
        try:
            return work()
        except OperationalError:
            time.sleep(0.05)
    raise AssertionError("database stayed busy")


def test_job_and_login_at_once_deactivate_the_account_once(org_a):
    user = UserFactory(organisation=org_a, last_login=timezone.now() - relativedelta(months=6) - timedelta(days=1))
    barrier = threading.Barrier(2)
    refusals = []

    def nightly_job():
        try:
            barrier.wait()
            retrying(services.idle_accounts_deactivate)
        finally:
            connection.close()

    def login():
        try:
            barrier.wait()
            account = type(user).objects.get(pk=user.pk)
            refusals.append(retrying(lambda: services.login_refusal(user=account)))
        finally:
            connection.close()

    threads = [threading.Thread(target=nightly_job), threading.Thread(target=login)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert refusals == [services.LoginRefusal.INACTIVE]
    assert AuditEvent.objects.filter(action="user_deactivated", target=user).count() == 1
    user.refresh_from_db()
    assert user.deactivated_at is not None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite has no row locks to wait for")
def test_a_login_that_commits_while_the_job_waits_keeps_the_account_active(org_a):
    """The job's UPDATE re-checks its rule on the row version the login committed: the rule must be the UPDATE's
    own WHERE (an ``id IN (subquery)`` would re-check only the id, and deactivate an account just used)."""
    user = UserFactory(organisation=org_a, last_login=timezone.now() - relativedelta(months=6) - timedelta(days=1))
    changed = []

    def nightly_job():
        try:
            changed.append(services.idle_accounts_deactivate())
        finally:
            connection.close()

    job = threading.Thread(target=nightly_job)
    with transaction.atomic():  # the login: it holds the row until it commits
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        job.start()
        wait_until_someone_waits_for_a_lock("the job never waited for the login's row lock")
    job.join(timeout=30)
    assert changed == [0]
    user.refresh_from_db()
    assert user.is_active
    assert not AuditEvent.objects.filter(target=user).exists()
