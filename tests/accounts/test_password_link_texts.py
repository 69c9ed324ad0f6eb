"""The mails with a set-password link say what is true for each case: a welcome mail has no current password to
keep; a renewal mail tells an expired password from one that still works (until when); a reset mail promises the
current password keeps working only while it does. Time rules at their exact boundary (3 months after setting)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core import mail

from accounts.tasks import send_password_link_mail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 1, 15, 9, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
EXPIRES = T0 + relativedelta(months=3)
KEEPS_WORKING = "uw huidige wachtwoord blijft dan gewoon werken"


@pytest.fixture
def person(org_a):
    return UserFactory(organisation=org_a, password_changed_at=T0)


def without_password(org):
    user = UserFactory(organisation=org, password_changed_at=None)
    user.set_unusable_password()  # as accounts.services creates an account: the link sets the first password
    user.save(update_fields=["password"])
    return user


def body(user, purpose):
    mail.outbox.clear()
    send_password_link_mail(user.pk, purpose)
    return mail.outbox[-1].body


def test_welcome_mail_speaks_of_no_current_password(org_a):
    newcomer = without_password(org_a)
    text = body(newcomer, "welcome")
    assert "huidige wachtwoord" not in text
    assert "Verwachtte u deze mail niet? Neem dan contact op met contractbeheer@ciz.nl." in text


def test_renewal_mail_before_the_moment_says_until_when_the_password_works(person):
    with time_machine.travel(EXPIRES - timedelta(seconds=1), tick=False):
        text = body(person, "renew")
    assert "verloopt op 15 april 2026 om 09:30" in text
    assert "uw huidige wachtwoord blijft dan werken tot 15 april 2026 om 09:30" in text
    assert "is verlopen" not in text


def test_renewal_mail_at_the_moment_says_the_password_expired(person):
    with time_machine.travel(EXPIRES, tick=False):
        text = body(person, "renew")
    assert "Uw wachtwoord voor Portero" in text and "is verlopen" in text
    assert "huidige wachtwoord" not in text and "verloopt binnenkort" not in text
    assert "Zonder nieuw wachtwoord kunt u niet inloggen." in text


def test_reset_mail_promises_the_current_password_only_while_it_works(person):
    with time_machine.travel(EXPIRES - timedelta(seconds=1), tick=False):
        assert KEEPS_WORKING in body(person, "reset")
    with time_machine.travel(EXPIRES, tick=False):
        text = body(person, "reset")
        assert "huidige wachtwoord" not in text
        assert "Zonder nieuw wachtwoord kunt u niet inloggen." in text


def test_reset_mail_of_an_account_without_a_password_promises_nothing(org_a):
    newcomer = without_password(org_a)
    text = body(newcomer, "reset")
    assert "huidige wachtwoord" not in text and "Zonder nieuw wachtwoord" not in text


def test_an_expiry_marked_by_the_nightly_job_counts_as_expired(person):
    person.password_expired_at = T0 + timedelta(days=1)
    person.save(update_fields=["password_expired_at"])
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        assert "is verlopen" in body(person, "renew")
