"""Art. 21 decisions that expire: the list on the aanvraag site, and the reminder in the 8th week before expiry
that a renewal must be filed in the 7th week, sent once (Wzd art. 22 lid 3 and 5)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from aanvragen import selectors
from aanvragen.models import Aanvraag
from aanvragen.services.aanvraag import aanvraag_status_change, wzd_renewal_reminders_send
from tests.aanvragen.helpers import decided_wzd, submitted_wzd
from tests.factories import OrgAdminFactory, UserFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
BESLUIT_TOT = date(2026, 12, 31)  # last valid day; the decision expires on 1 January 2027
FIRST_DAY_8TH_WEEK = date(2026, 11, 6)  # 1 January 2027 minus 8 weeks
LAST_DAY_7TH_WEEK = date(2026, 11, 19)


def at(day: date, hour=0, minute=0, second=0):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=AMS), tick=False)


@pytest.fixture
def besluit(user_a, staff):
    with at(date(2026, 3, 10), 10):
        return decided_wzd(user_a, staff, BESLUIT_TOT)


@pytest.fixture
def admin_a2(org_a):
    return OrgAdminFactory(organisation=org_a, username="beheerdera2")


def test_the_7th_and_8th_week_before_expiry():
    weeks = selectors.RenewalWeeks(BESLUIT_TOT)
    assert weeks.reminder == (date(2026, 11, 6), date(2026, 11, 12))
    assert weeks.renewal == (date(2026, 11, 13), date(2026, 11, 19))


def test_no_reminder_before_the_8th_week(besluit):
    with at(FIRST_DAY_8TH_WEEK - timedelta(days=1), 23, 59, 59):
        assert wzd_renewal_reminders_send() == 0
    assert not mail.outbox
    assert Aanvraag.objects.get().renewal_reminder_sent_at is None


def test_reminder_on_the_first_day_of_the_8th_week_is_sent_once(besluit, user_a, admin_a, admin_a2, org_b):
    OrgAdminFactory(organisation=org_b)  # another organisation's admin hears nothing
    UserFactory(organisation=besluit.organisation)  # nor does a colleague who did not submit it
    with at(FIRST_DAY_8TH_WEEK):
        assert wzd_renewal_reminders_send() == 1
        assert wzd_renewal_reminders_send() == 0
    with at(FIRST_DAY_8TH_WEEK + timedelta(days=3), 6):
        assert wzd_renewal_reminders_send() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([user_a.email, admin_a.email, admin_a2.email])
    assert besluit.reference in message.subject
    assert "31 december 2026" in message.body
    assert "13 november 2026 tot en met 19 november 2026" in message.body
    assert reverse("aanvragen:besluiten") in message.body
    assert besluit.client_bsn not in message.body and "Smit" not in message.body
    assert Aanvraag.objects.get().renewal_reminder_sent_at is not None


def test_the_task_sends_once_even_when_run_twice(besluit):
    from aanvragen.tasks import send_wzd_renewal_reminder

    with at(FIRST_DAY_8TH_WEEK, 6):
        send_wzd_renewal_reminder(besluit.pk)
        send_wzd_renewal_reminder(besluit.pk)
    assert len(mail.outbox) == 1


def test_a_missed_night_still_reminds_until_the_end_of_the_7th_week_but_not_after(besluit, user_a, staff):
    with at(LAST_DAY_7TH_WEEK + timedelta(days=1)):
        assert wzd_renewal_reminders_send() == 0
    with at(LAST_DAY_7TH_WEEK, 23, 59, 59):
        assert wzd_renewal_reminders_send() == 1
    assert len(mail.outbox) == 1


def test_no_reminder_when_the_renewal_was_already_submitted(besluit, user_a):
    with at(date(2026, 11, 2), 9):
        submitted_wzd(user_a, wzd_verlenging=True, wzd_huidig_besluit_tot=BESLUIT_TOT)
    with at(FIRST_DAY_8TH_WEEK):
        assert wzd_renewal_reminders_send() == 0
    assert not mail.outbox


def test_a_decision_that_was_not_appropriate_gets_no_reminder(user_a, staff):
    with at(date(2026, 3, 10), 10):
        aanvraag = submitted_wzd(user_a)
        aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status="in_behandeling")
        aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status="besluit_genomen", wzd_verklaring="4")
    with at(FIRST_DAY_8TH_WEEK):
        assert wzd_renewal_reminders_send() == 0


def test_the_management_command_calls_the_same_service(besluit):
    from io import StringIO

    out = StringIO()
    with at(FIRST_DAY_8TH_WEEK, 6):
        call_command("send_wzd_renewal_reminders", stdout=out)
        call_command("send_wzd_renewal_reminders", stdout=out)
    assert "1 herinnering(en)" in out.getvalue() and "0 herinnering(en)" in out.getvalue()
    assert len(mail.outbox) == 1


def test_the_beat_job_runs_the_reminders_every_night():
    from portero.celery import app

    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if "wzd_renewal" in entry["task"]]
    assert [entry["task"] for entry in entries] == ["aanvragen.tasks.send_wzd_renewal_reminders"]
    assert entries[0]["task"] in app.tasks
    assert entries[0]["schedule"].hour == {6}


def test_the_database_refuses_a_reminder_mark_without_a_decision(user_a):
    aanvraag = submitted_wzd(user_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Aanvraag.objects.filter(pk=aanvraag.pk).update(renewal_reminder_sent_at=datetime(2026, 1, 1, tzinfo=AMS))


# --- The list on the aanvraag site -----------------------------------------------------------------------


def test_expiring_decisions_are_listed_with_the_renewal_week(besluit, user_a, staff, client_as, org_b):
    with at(date(2026, 3, 10), 10):
        later = decided_wzd(user_a, staff, date(2027, 6, 30))
        type(org_b).objects.filter(pk=org_b.pk).update(contract_start=date(2020, 1, 1))
        decided_wzd(UserFactory(organisation=org_b), staff, BESLUIT_TOT)
    with at(date(2026, 10, 1), 9):
        page = client_as(user_a).get(reverse("aanvragen:besluiten")).content.decode()
    assert besluit.reference in page and later.reference not in page
    assert "13 november 2026 tot en met 19 november 2026" in page
    assert Aanvraag.objects.exclude(organisation=besluit.organisation).get().reference not in page


def test_expired_decisions_are_not_listed(besluit, user_a, client_as):
    with at(BESLUIT_TOT + timedelta(days=1), 9):
        page = client_as(user_a).get(reverse("aanvragen:besluiten")).content.decode()
    assert besluit.reference not in page and "geen artikel 21-besluiten" in page


def test_a_submitted_renewal_shows_in_the_list(besluit, user_a, client_as):
    with at(date(2026, 11, 14), 9):
        submitted_wzd(user_a, wzd_verlenging=True, wzd_huidig_besluit_tot=BESLUIT_TOT)
        page = client_as(user_a).get(reverse("aanvragen:besluiten")).content.decode()
    assert ">ingediend<" in page


def test_expiring_list_query_count_is_bounded(besluit, user_a, staff, client_as, django_assert_max_num_queries):
    with at(date(2026, 3, 10), 10):
        for _ in range(5):
            decided_wzd(user_a, staff, BESLUIT_TOT)
    http = client_as(user_a)
    with at(date(2026, 10, 1), 9), django_assert_max_num_queries(8):
        assert http.get(reverse("aanvragen:besluiten")).status_code == 200


def test_ciz_staff_get_403_on_the_expiring_list(client_as, staff):
    assert client_as(staff).get(reverse("aanvragen:besluiten")).status_code == 403
