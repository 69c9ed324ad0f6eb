"""Every time shown is Europe/Amsterdam time: an object's name (the admin's page title and breadcrumb) formats its
timestamp in local time, on both sides of the switches to and from summer time."""

from datetime import UTC, datetime

import pytest
import time_machine

from aanvragen.choices import AccessAction, AccessOutcome
from aanvragen.models import AccessLogEntry
from accounts.models import AuditEvent, PasswordHistory

pytestmark = pytest.mark.django_db

# (UTC instant, how it reads in Amsterdam): the last minute before and the first after each switch.
INSTANTS = [
    (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "29-03-2026 01:59"),  # still winter time, UTC+1
    (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "29-03-2026 03:00"),  # summer time from here, UTC+2
    (datetime(2026, 10, 25, 0, 59, tzinfo=UTC), "25-10-2026 02:59"),  # last minute of summer time
    (datetime(2026, 10, 25, 1, 0, tzinfo=UTC), "25-10-2026 02:00"),  # winter time again
    (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "01-01-2027 00:30"),  # a new day (and year) in Amsterdam only
]


@pytest.mark.parametrize(("utc", "local"), INSTANTS)
def test_an_access_log_entry_is_named_by_its_amsterdam_time(user_a, utc, local):
    with time_machine.travel(utc, tick=False):
        entry = AccessLogEntry.objects.create(
            user=user_a, client_bsn="999990019", action=AccessAction.ZOEKEN, outcome=AccessOutcome.FOUND
        )
    assert str(entry) == f"{local} Cliënt zoeken op BSN"


@pytest.mark.parametrize(("utc", "local"), INSTANTS)
def test_an_audit_event_is_named_by_its_amsterdam_time(user_a, utc, local):
    event = AuditEvent.objects.create(action=AuditEvent.Action.LOGGED_OUT, target=user_a, created_at=utc)
    assert str(event) == f"{local} uitgelogd"


@pytest.mark.parametrize(("utc", "local"), INSTANTS)
def test_a_password_history_entry_is_named_by_its_amsterdam_date(user_a, utc, local):
    with time_machine.travel(utc, tick=False):
        entry = PasswordHistory.objects.create(user=user_a, password="x")
    assert str(entry) == f"{user_a.pk} {local.split(' ')[0]}"
