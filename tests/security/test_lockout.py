"""Lockout and limits that fit organisations behind one address (a NAT, a Citrix or VDI farm): a login name is
locked only together with an address, the login name alone gets a progressive delay, an address gets a cap on
failures sized for the largest organisation's morning peak, and SMS budgets per organisation and for the site
protect the cost. The arithmetic behind the numbers is in docs/SECURITY.md. Time rules at their boundaries."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user
from django.core import mail
from django.test import Client

from accounts import services
from accounts.models import AuditEvent
from tests.conftest import latest_sms_code, password_step, sms_count
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
WRONG = "Verkeerd#Wachtwoord1"
# 08:15 on a Monday (UTC): the start of a 15-minute window and of the morning peak
PEAK = datetime(2026, 3, 2, 8, 15, 0, tzinfo=ZoneInfo("UTC"))


def page(response) -> str:
    return response.content.decode()


def guess(name, address):
    return page(password_step(Client(), name, WRONG, REMOTE_ADDR=address))


def code_step_reached(response) -> bool:
    return response.status_code == 200 and "Code uit de sms" in page(response)


def full_login(username, password, outbox, address):
    http = Client()
    assert code_step_reached(password_step(http, username, password, REMOTE_ADDR=address))
    http.post(
        "/inloggen/",
        {"portero_login_view-current_step": "token", "token-otp_token": latest_sms_code(outbox)},
        REMOTE_ADDR=address,
    )
    return http


# --- The login name ---------------------------------------------------------------------------------------


def test_wrong_passwords_from_five_addresses_do_not_lock_out_the_owner(user_a, password, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        password_step(Client(), user_a.username, WRONG, REMOTE_ADDR=f"10.0.0.{n + 1}")
    assert code_step_reached(password_step(Client(), user_a.username, password, REMOTE_ADDR="10.9.0.1"))


def test_a_distributed_guesser_is_slowed_and_the_owner_from_a_clean_address_gets_in(user_a, password, settings):
    per_name = settings.PORTERO_LOGIN_LIMITS["per_login_name"]
    addresses = (f"10.1.{n // 250}.{n % 250 + 1}" for n in range(10_000))  # a new address for every guess
    with time_machine.travel(PEAK, tick=False) as traveller:
        for _ in range(per_name["free"]):  # the free failures, from anywhere, all checked
            assert "niet juist" in guess(user_a.username, next(addresses))
        # then 1, 2, 4 … seconds after each failure, to the second; up to the cap
        delays = []
        while not delays or delays[-1] < per_name["max_seconds"]:
            delay = min(2 ** len(delays), per_name["max_seconds"])
            delays.append(delay)
            traveller.shift(timedelta(seconds=delay - 1))
            text = guess(user_a.username, next(addresses))
            assert "Wacht nog 1 seconde " in text and "niet juist" not in text, delay
            traveller.shift(timedelta(seconds=1))
            assert "niet juist" in guess(user_a.username, next(addresses)), delay
        assert delays == [1, 2, 4, 8, 16, 32, 60]
        # the guesser now gets one guess a minute; a second guess in that turn is refused, however many addresses
        traveller.shift(timedelta(seconds=30))
        assert "Wacht nog 30 seconden" in guess(user_a.username, next(addresses))
        # the owner from a clean address waits at most that minute, then gets in with the right password
        response = password_step(Client(), user_a.username, password, REMOTE_ADDR="10.200.0.1")
        assert "Wacht nog 30 seconden" in page(response) and "Code uit de sms" not in page(response)
        traveller.shift(timedelta(seconds=30))
        assert code_step_reached(password_step(Client(), user_a.username, password, REMOTE_ADDR="10.200.0.1"))
    refused = AuditEvent.objects.filter(action="login_failed", target=user_a, detail__refused="login_name_delay")
    assert refused.count() == len(delays) + 2  # every refusal is in the audit log


def test_the_owner_from_an_address_they_logged_in_from_is_not_delayed(user_a, password, settings, sms_outbox):
    per_name = settings.PORTERO_LOGIN_LIMITS["per_login_name"]
    with time_machine.travel(PEAK, tick=False):
        full_login(user_a.username, password, sms_outbox, "10.20.0.1")
        for n in range(per_name["free"] + 6):
            guess(user_a.username, f"10.30.0.{n + 1}")
        assert "Wacht nog 1 seconde" in guess(user_a.username, "10.40.0.1")
        assert code_step_reached(password_step(Client(), user_a.username, password, REMOTE_ADDR="10.20.0.1"))


def test_the_delay_is_the_same_for_every_kind_of_login_name(user_a, settings):
    """No enumeration through the delay: an unknown name is slowed exactly like an existing one."""
    per_name = settings.PORTERO_LOGIN_LIMITS["per_login_name"]
    answers = {}
    for name in (user_a.username, "bestaatniet"):
        with time_machine.travel(PEAK, tick=False):
            for n in range(per_name["free"]):
                guess(name, f"10.50.0.{n + 1}")
            answers[name] = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", guess(name, "10.60.0.1")).replace(
                f'value="{name}"', ""
            )
    assert "Wacht nog 1 seconde" in answers[user_a.username]
    assert answers[user_a.username] == answers["bestaatniet"]


# --- One address, many people --------------------------------------------------------------------------------


def test_200_colleagues_behind_one_address_log_in_within_10_minutes(
    org_a, password, sms_outbox, django_capture_on_commit_callbacks
):
    colleagues = [UserFactory(organisation=org_a) for _ in range(200)]
    nat = "192.0.2.10"
    with time_machine.travel(PEAK, tick=False) as traveller:
        for n, colleague in enumerate(colleagues):
            if n % 10 == 0:  # one in ten mistypes their password first, some twice
                for _ in range(1 + n % 20 // 10):
                    assert "niet juist" in guess(colleague.username, nat)
            http = full_login(colleague.username, password, sms_outbox, nat)
            assert get_user(http).is_authenticated, n
            traveller.shift(timedelta(seconds=3))  # 200 logins in 600 seconds
        # and forgotten passwords from the same address that morning get their links
        with django_capture_on_commit_callbacks(execute=True):
            for colleague in colleagues[:40]:
                Client().post("/wachtwoord/aanvragen/", {"username": colleague.username}, REMOTE_ADDR=nat)
    assert sms_count(sms_outbox) == 200
    assert len(mail.outbox) == 40


def test_a_guesser_trying_1000_names_from_one_address_is_stopped(org_a, user_a, password, settings):
    cap = settings.PORTERO_LOGIN_LIMITS["per_address"][0]
    assert cap == {"limit": 750, "window_seconds": 15 * 60}
    with time_machine.travel(PEAK, tick=False) as traveller:
        answers = [guess(f"naam{n}", "198.51.100.66") for n in range(1000)]
        checked = [n for n, text in enumerate(answers) if "niet juist" in text]
        stopped = [n for n, text in enumerate(answers) if "Vanaf dit netwerkadres" in text]
        assert checked == list(range(cap["limit"])) and stopped == list(range(cap["limit"], 1000))
        assert "Probeer het over 15 minuten opnieuw" in answers[cap["limit"]]
        # the right password from that address waits too; from any other address the owner gets in
        assert "Vanaf dit netwerkadres" in page(
            password_step(Client(), user_a.username, password, REMOTE_ADDR="198.51.100.66")
        )
        assert code_step_reached(password_step(Client(), user_a.username, password, REMOTE_ADDR="198.51.100.67"))
        # until the end of the window, to the second
        traveller.shift(timedelta(seconds=cap["window_seconds"] - 1))
        assert "Probeer het over 1 minuut opnieuw" in guess("naam1000", "198.51.100.66")
        traveller.shift(timedelta(seconds=1))
        assert "niet juist" in guess("naam1001", "198.51.100.66")


# --- SMS budgets: the cost ---------------------------------------------------------------------------------


def sms_send(user, address="10.70.0.1"):
    from django.test import RequestFactory

    return services.sms_code_send(
        device=user.phonedevice_set.get(), request=RequestFactory().post("/", REMOTE_ADDR=address)
    )


def test_each_organisation_has_a_daily_sms_budget_per_account(org_a, org_b, settings):
    budget = {"per_account": 2, "minimum": 3, "window_seconds": 24 * 60 * 60}
    settings.PORTERO_SMS_LIMITS = {**settings.PORTERO_SMS_LIMITS, "per_organisation": budget}
    users = [UserFactory(organisation=org_a) for _ in range(4)]  # 4 accounts × 2 = 8 codes a day
    other = UserFactory(organisation=org_b)
    day = datetime(2026, 3, 2, 0, 0, 0, tzinfo=ZoneInfo("UTC"))
    with time_machine.travel(day, tick=False) as traveller:
        results = []
        for n in range(10):
            results.append(sms_send(users[n % 4]))
            traveller.shift(timedelta(minutes=20))
        assert results == [services.CodeSend.SENT] * 8 + [services.CodeSend.BUDGET] * 2
        assert sms_send(other) == services.CodeSend.SENT  # a budget of its own (its minimum: 3 codes)
        traveller.move_to(day + timedelta(days=1, seconds=-1))
        assert sms_send(users[0]) == services.CodeSend.BUDGET
        traveller.move_to(day + timedelta(days=1))
        assert sms_send(users[0]) == services.CodeSend.SENT


def test_the_site_has_an_hourly_sms_budget(org_a, org_b, settings):
    settings.PORTERO_SMS_LIMITS = {**settings.PORTERO_SMS_LIMITS, "site": {"limit": 3, "window_seconds": 3600}}
    users = [UserFactory(organisation=org) for org in (org_a, org_b, org_a, org_b)]
    hour = datetime(2026, 3, 2, 8, 0, 0, tzinfo=ZoneInfo("UTC"))
    with time_machine.travel(hour, tick=False) as traveller:
        assert [sms_send(user, f"10.80.0.{n}") for n, user in enumerate(users)] == [services.CodeSend.SENT] * 3 + [
            services.CodeSend.BUDGET
        ]
        traveller.move_to(hour + timedelta(seconds=3599))
        assert sms_send(users[3]) == services.CodeSend.BUDGET
        traveller.move_to(hour + timedelta(hours=1))
        assert sms_send(users[3]) == services.CodeSend.SENT


def test_a_used_up_budget_is_told_in_dutch_at_login(user_a, password, settings, sms_outbox):
    settings.PORTERO_SMS_LIMITS = {**settings.PORTERO_SMS_LIMITS, "site": {"limit": 0, "window_seconds": 3600}}
    response = password_step(Client(), user_a.username, password)
    assert "het maximum aantal codes voor uw organisatie of voor Portero is bereikt" in page(response)
    assert sms_count(sms_outbox) == 0
