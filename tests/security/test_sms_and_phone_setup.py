"""SMS pumping and rebinding the second factor: every SMS goes through services.sms_code_send, only Dutch
mobile numbers, phone setup only for a first number in the session of the set-password link, and no 500 from
a crafted login POST."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user
from django.core import mail

from accounts import services
from tests.conftest import latest_sms_code, link_in_mail, password_step, sms_count
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("step", ["auth", "token", None])
def test_anonymous_challenge_device_post_is_refused_cleanly(client, step):
    data = {"challenge_device": "x"}
    if step:
        data["portero_login_view-current_step"] = step
    response = client.post("/inloggen/", data)
    assert response.status_code in (200, 400)
    assert not get_user(client).is_authenticated


def test_challenge_device_post_in_a_password_only_session_is_refused_cleanly(client, org_a, password, sms_outbox):
    user = UserFactory(organisation=org_a, mobile="")
    password_step(client, user.username, password)
    response = client.post("/inloggen/", {"challenge_device": "x", "portero_login_view-current_step": "token"})
    assert response.status_code in (200, 302, 400)
    assert sms_count(sms_outbox) == 0


def test_challenge_device_post_at_the_code_step_sends_no_extra_sms(client, user_a, password, sms_outbox):
    password_step(client, user_a.username, password)
    assert sms_count(sms_outbox) == 1
    device = user_a.phonedevice_set.get()
    for value in ("x", device.persistent_id):
        response = client.post("/inloggen/", {"challenge_device": value, "portero_login_view-current_step": "token"})
        assert response.status_code in (200, 400)
    assert sms_count(sms_outbox) == 1


# --- Phone setup (/inloggen/telefoon/) --------------------------------------------------------------------

SETUP = "/inloggen/telefoon/"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
NEW = "Qx7#Bw9!Zt4k"


def setup_post(client, step, **data):
    return client.post(SETUP, {"phone_setup_view-current_step": step, **data})


def number_step(client, number="06 12345678"):
    return setup_post(client, "sms", **{"sms-number": number})


@pytest.fixture
def numberless(org_a):
    return UserFactory(organisation=org_a, mobile="")


def set_password_by_link(client, user, capture):
    """The welcome (or set-password) link used in this browser, then the login right after."""
    with capture(execute=True):
        services.password_link_send(user=user, purpose="welcome")
    response = client.get(link_in_mail(mail.outbox[-1].body), follow=True)
    client.post(response.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    password_step(client, user.username, NEW)


def test_phone_setup_sends_through_the_one_send_function_with_its_cooldown_and_cap(
    client, numberless, sms_outbox, settings, django_capture_on_commit_callbacks
):
    settings.PORTERO_SMS_LIMITS = {**settings.PORTERO_SMS_LIMITS, "per_user": {"limit": 3, "window_seconds": 900}}
    with time_machine.travel(T0, tick=False) as traveller:
        set_password_by_link(client, numberless, django_capture_on_commit_callbacks)
        setup_post(client, "welcome")
        number_step(client)
        page = number_step(client).content.decode()  # again at once: the cooldown
        assert sms_count(sms_outbox) == 1
        assert "minder dan 30 seconden geleden" in page
        for _attempt in range(4):
            traveller.shift(timedelta(seconds=31))
            page = number_step(client).content.decode()
        assert sms_count(sms_outbox) == 3
        assert "te veel codes verstuurd" in page


def test_an_account_with_a_number_cannot_use_phone_setup_at_all(client_as, user_a, sms_outbox):
    client = client_as(user_a)
    device = user_a.phonedevice_set.get()
    for step, data in (("welcome", {}), ("sms", {"sms-number": "06 87654321"})):
        response = setup_post(client, step, **data)
        assert response.status_code == 302
    token = setup_post(client, "validation", **{"validation-token": "123456"})
    assert token.status_code == 302
    assert client.get(SETUP).status_code == 302
    assert sms_count(sms_outbox) == 0
    user_a.refresh_from_db()
    assert user_a.phonedevice_set.get() == device and user_a.mobile == device.number


def test_a_first_number_needs_the_session_of_the_link(client, numberless, password, sms_outbox):
    password_step(client, numberless.username, password)  # the password alone
    page = client.get(SETUP).content.decode()
    assert "organisatiebeheerder" in page
    setup_post(client, "welcome")
    response = number_step(client)
    assert "organisatiebeheerder" in response.content.decode()
    assert sms_count(sms_outbox) == 0
    numberless.refresh_from_db()
    assert not numberless.mobile and not numberless.phonedevice_set.exists()


def test_the_link_used_in_another_browser_does_not_count(
    client, numberless, sms_outbox, django_capture_on_commit_callbacks
):
    from django.test import Client

    set_password_by_link(Client(), numberless, django_capture_on_commit_callbacks)
    password_step(client, numberless.username, NEW)
    setup_post(client, "welcome")
    number_step(client)
    assert sms_count(sms_outbox) == 0


@pytest.mark.parametrize(("after", "allowed"), [(timedelta(hours=8), True), (timedelta(hours=8, seconds=1), False)])
def test_a_first_number_within_the_links_8_hours_to_the_second(
    client, numberless, sms_outbox, django_capture_on_commit_callbacks, after, allowed
):
    with time_machine.travel(T0, tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            services.password_link_send(user=numberless, purpose="welcome")
        traveller.move_to(T0 + timedelta(hours=7, minutes=50))
        response = client.get(link_in_mail(mail.outbox[-1].body), follow=True)
        client.post(response.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
        password_step(client, numberless.username, NEW)
        setup_post(client, "welcome")
        traveller.move_to(T0 + after)
        number_step(client)
        assert sms_count(sms_outbox) == (1 if allowed else 0)
        if allowed:
            response = setup_post(client, "validation", **{"validation-token": latest_sms_code(sms_outbox)})
            assert response.status_code == 302
            numberless.refresh_from_db()
            assert numberless.mobile.as_e164 == "+31612345678"


def test_the_setup_code_cannot_be_guessed(client, numberless, sms_outbox, django_capture_on_commit_callbacks):
    """The device being set up is not saved, so django-otp's throttle does not hold; a cap per account does."""
    set_password_by_link(client, numberless, django_capture_on_commit_callbacks)
    setup_post(client, "welcome")
    number_step(client)
    code = latest_sms_code(sms_outbox)
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(5):
        setup_post(client, "validation", **{"validation-token": wrong})
    page = setup_post(client, "validation", **{"validation-token": code}).content.decode()
    assert "te vaak" in page
    numberless.refresh_from_db()
    assert not numberless.mobile and not numberless.phonedevice_set.exists()
