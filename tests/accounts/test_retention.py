"""Retention of account data: audit events after 5 years, deleted or deactivated accounts pseudonymised after
1 year, failed-login records after 30 days; one day before kept, on the day gone; the query budget; the dry run."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from dateutil.relativedelta import relativedelta
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from two_factor.plugins.phonenumber.models import PhoneDevice

from accounts.models import AuditEvent, User
from accounts.services.retention import accounts_retention_apply
from tests.factories import UserFactory

T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def run(at, **kwargs):
    with time_machine.travel(at, tick=False):
        return accounts_retention_apply(**kwargs)


def event(at, **fields):
    with time_machine.travel(at, tick=False):
        return AuditEvent.objects.create(action="login_failed", **fields)


@pytest.mark.parametrize(("offset", "gone"), [(-1, False), (0, True), (1, True)])
def test_audit_events_are_deleted_after_5_years(user_a, offset, gone):
    old = event(T0, target=user_a)
    young = event(T0 + timedelta(days=2), target=user_a)
    counts = run(T0 + relativedelta(years=5) + timedelta(days=offset))
    assert AuditEvent.objects.filter(pk=old.pk).exists() is not gone
    assert AuditEvent.objects.filter(pk=young.pk).exists()
    assert counts["audit_events"] == (1 if gone else 0)


def test_an_ordinary_update_or_delete_of_the_audit_log_is_still_refused_after_a_run(user_a):
    old = event(T0, target=user_a)
    run(T0 + relativedelta(years=1))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=old.pk).update(action="logged_out")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=old.pk).delete()
    assert AuditEvent.objects.filter(pk=old.pk).exists()


@pytest.mark.parametrize("field", ["deleted_at", "deactivated_at"])
@pytest.mark.parametrize(("offset", "gone"), [(-1, False), (0, True), (1, True)])
def test_a_deleted_or_deactivated_account_is_pseudonymised_after_a_year(org_a, field, offset, gone):
    user = UserFactory(organisation=org_a, uzi_number="")
    User.objects.filter(pk=user.pk).update(**{field: T0}, uzi_number="123456782")
    logged = event(T0, target=user)
    run(T0 + relativedelta(years=1) + timedelta(days=offset))
    after = User.objects.get(pk=user.pk)
    if gone:
        assert after.username == f"verwijderd-{user.pk}"
        assert after.email == f"verwijderd-{user.pk}@pseudoniem.invalid"
        assert (after.first_name, after.initials, str(after.mobile), after.uzi_number) == ("", "", "", "")
        assert after.pseudonymised_at is not None
        assert not PhoneDevice.objects.filter(user=user).exists()
    else:
        assert (after.username, after.email) == (user.username, user.email)
    # The row stays, and with it the log's reference.
    assert AuditEvent.objects.get(pk=logged.pk).target_id == user.pk


def test_an_active_account_is_never_pseudonymised(user_a):
    run(T0 + relativedelta(years=3))
    assert User.objects.get(pk=user_a.pk).username == user_a.username


@pytest.mark.parametrize(("days", "gone"), [(29, False), (30, True), (31, True)])
def test_failed_login_records_are_deleted_after_30_days(db, days, gone):
    with time_machine.travel(T0, tick=False):
        AccessAttempt.objects.create(username="x", ip_address="203.0.113.9", failures_since_start=1)
        AccessFailureLog.objects.create(username="x", ip_address="203.0.113.9")
    counts = run(T0 + timedelta(days=days))
    assert AccessAttempt.objects.exists() is not gone
    assert AccessFailureLog.objects.exists() is not gone
    assert counts["login_attempts"] == counts["login_failures"] == (1 if gone else 0)


def test_one_audit_event_per_run_and_the_dry_run_changes_nothing(user_a):
    event(T0, target=user_a)
    at = T0 + relativedelta(years=5, days=1)
    assert run(at, dry_run=True)["audit_events"] == 1
    assert AuditEvent.objects.count() == 1
    first = run(at)
    second = run(at)
    runs = AuditEvent.objects.filter(action="accounts_retention_applied").order_by("pk")
    assert [e.detail["counts"] for e in runs] == [first, second]
    assert first["audit_events"] == 1 and second["audit_events"] == 0


def test_the_queries_do_not_grow_with_the_number_of_rows(org_a, settings):
    settings.PORTERO_RETENTION_BATCH = 100

    def queries_for(rows: int, year: int) -> int:
        at = T0 + relativedelta(years=year)
        for _ in range(rows):
            user = UserFactory(organisation=org_a)
            User.objects.filter(pk=user.pk).update(deleted_at=at)
            event(at, target=user)
        with CaptureQueriesContext(connection) as queries:
            counts = run(at + relativedelta(years=5, days=1))
        # The second also deletes the first run's own audit event, by then 5 years old.
        assert counts["audit_events"] >= rows and counts["accounts_pseudonymised"] == rows
        return len(queries)

    assert queries_for(3, 0) == queries_for(12, 10)


def test_no_rate_limit_key_outlives_the_failed_login_retention(settings):
    """Rate-limit keys live in the cache with a timeout; none is longer than the failed-login records' period."""
    longest = timedelta(days=settings.PORTERO_RETENTION_LOGIN_FAILURE_DAYS).total_seconds()
    periods = []

    def walk(value, name=""):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, key)
        elif isinstance(value, list):
            for item in value:
                walk(item, name)
        elif name.endswith("_seconds"):
            periods.append(value)
        elif name.endswith("_days"):
            periods.append(value * 24 * 60 * 60)

    for limits in (
        settings.PORTERO_LOGIN_LIMITS,
        settings.PORTERO_PASSWORD_REQUEST_LIMITS,
        settings.PORTERO_SMS_LIMITS,
    ):
        walk(limits)
    assert periods and max(periods) <= longest
