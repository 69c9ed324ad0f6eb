"""The SMS code: sent once, resent only on request within limits, throttled, single use, short-lived;
and the lockout of repeated wrong passwords."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import AuditEvent
from tests.conftest import latest_sms_code, password_step, sms_count

pytestmark = pytest.mark.django_db
STEP_START = datetime(2026, 3, 2, 9, 0, 0, tzinfo=ZoneInfo("UTC"))  # a multiple of the 30-second TOTP step


def token_post(client, data):
    return client.post("/inloggen/", {"portero_login_view-current_step": "token", **data})


def test_showing_the_code_step_again_sends_no_new_sms(client, user_a, password, sms_outbox):
    password_step(client, user_a.username, password)
    assert sms_count(sms_outbox) == 1
    token_post(client, {})  # re-submitted code page without a code
    token_post(client, {"token-otp_token": "12"})
    password_step(client, user_a.username, password)  # the password page re-posted (browser refresh)
    assert sms_count(sms_outbox) == 1


def test_resend_respects_the_cooldown_and_the_cap_per_user(client, user_a, password, sms_outbox):
    with time_machine.travel(STEP_START, tick=False) as traveller:
        password_step(client, user_a.username, password)
        page = token_post(client, {"resend": "1"}).content.decode()
        assert "Er is zojuist al een code verstuurd" in page
        assert sms_count(sms_outbox) == 1
        for expected in (2, 3, 4, 5):
            traveller.shift(timedelta(seconds=31))
            page = token_post(client, {"resend": "1"}).content.decode()
            assert "Er is een nieuwe code verstuurd" in page
            assert sms_count(sms_outbox) == expected
        traveller.shift(timedelta(seconds=31))
        page = token_post(client, {"resend": "1"}).content.decode()
        assert "Er zijn te veel codes verstuurd" in page
        assert sms_count(sms_outbox) == 5


def test_sends_are_capped_per_client_address(client, org_a, password, sms_outbox, settings):
    from tests.factories import UserFactory

    settings.PORTERO_SMS_LIMITS = {**settings.PORTERO_SMS_LIMITS, "per_address": {"limit": 3, "window_seconds": 3600}}
    users = [UserFactory(organisation=org_a) for _ in range(5)]
    for user in users:
        client.cookies.clear()
        password_step(client, user.username, password, REMOTE_ADDR="10.1.2.3")
    assert sms_count(sms_outbox) == 3


def test_a_used_code_cannot_be_used_again(client, user_a, password, sms_outbox):
    with time_machine.travel(STEP_START, tick=False) as traveller:
        password_step(client, user_a.username, password)
        code = latest_sms_code(sms_outbox)
        assert token_post(client, {"token-otp_token": code}).status_code == 302
        client.post("/uitloggen/")
        traveller.shift(timedelta(seconds=5))  # still within the code's lifetime, and within the cooldown
        password_step(client, user_a.username, password)
        response = token_post(client, {"token-otp_token": code})
    assert response.status_code == 200
    assert not get_user(client).is_authenticated


def test_a_code_lives_at_most_3_minutes(client, user_a, password, sms_outbox):
    with time_machine.travel(STEP_START, tick=False) as traveller:
        password_step(client, user_a.username, password)
        code = latest_sms_code(sms_outbox)
        traveller.shift(timedelta(seconds=180))
        assert token_post(client, {"token-otp_token": code}).status_code == 200  # too late
    client.cookies.clear()
    with time_machine.travel(STEP_START + timedelta(minutes=10), tick=False) as traveller:
        password_step(client, user_a.username, password)
        code = latest_sms_code(sms_outbox)
        traveller.shift(timedelta(seconds=179))
        assert token_post(client, {"token-otp_token": code}).status_code == 302
        assert DEVICE_ID_SESSION_KEY in client.session


def test_wrong_codes_are_throttled_with_a_clear_message(client, user_a, password, sms_outbox):
    with time_machine.travel(STEP_START, tick=False):
        password_step(client, user_a.username, password)
        code = latest_sms_code(sms_outbox)
        token_post(client, {"token-otp_token": "000000" if code != "000000" else "111111"})
        page = token_post(client, {"token-otp_token": code}).content.decode()
    assert "Wacht nog 1 seconde" in page and "De code uit de sms blijft geldig" in page
    assert not get_user(client).is_authenticated


def test_repeated_wrong_passwords_lock_the_login_name_with_a_dutch_message(client, user_a, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(client, user_a.username, "Verkeerd#123")
    response = password_step(client, user_a.username, password)
    assert response.status_code == 429
    assert "Inloggen tijdelijk geblokkeerd" in response.content.decode()
    assert AuditEvent.objects.filter(action="locked_out", target=user_a).exists()
    # every refused attempt is in the audit log, the one refused by the lockout included
    assert AuditEvent.objects.filter(action="login_failed", target=user_a).count() == settings.AXES_FAILURE_LIMIT + 1


def test_the_django_admin_needs_staff_and_the_second_factor(client, client_as, staff, user_a):
    client.force_login(staff)
    assert client.get("/admin/").status_code == 302
    client.logout()
    client_as(user_a)  # verified, but not staff
    assert client.get("/admin/").status_code == 302
    client.logout()
    client_as(staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/auditevent/").status_code == 200


def test_logging_in_again_within_30_seconds_says_the_last_code_is_still_valid(client, user_a, password, sms_outbox):
    with time_machine.travel(STEP_START, tick=False) as traveller:
        password_step(client, user_a.username, password)
        first_code = latest_sms_code(sms_outbox)
        client.cookies.clear()
        traveller.shift(timedelta(seconds=29))
        page = password_step(client, user_a.username, password).content.decode()
        assert sms_count(sms_outbox) == 1
        assert "minder dan 30 seconden geleden" in page and "nog geldig" in page
        assert token_post(client, {"token-otp_token": first_code}).status_code == 302  # and it is
    client.post("/uitloggen/")
    client.cookies.clear()
    with time_machine.travel(STEP_START + timedelta(minutes=5), tick=False) as traveller:
        password_step(client, user_a.username, password)
        client.cookies.clear()
        traveller.shift(timedelta(seconds=30))  # the cooldown is over at 30 seconds exactly: a new code
        page = password_step(client, user_a.username, password).content.decode()
        assert sms_count(sms_outbox) == 3
        assert "minder dan 30 seconden geleden" not in page
