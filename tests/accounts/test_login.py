import pytest
from django.contrib.auth import get_user
from django.core import mail
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.forms import LOGIN_FAILED_MESSAGE
from accounts.models import AuditEvent
from tests.conftest import latest_sms_code, link_in_mail, password_step, sms_count, two_factor_login

pytestmark = pytest.mark.django_db


def test_password_then_sms_code_logs_in_and_verifies(client, user_a, password, sms_outbox):
    response = two_factor_login(client, user_a.username, password, sms_outbox)
    assert response.status_code == 302
    assert response["Location"] == "/"
    user = get_user(client)
    assert user == user_a
    assert DEVICE_ID_SESSION_KEY in client.session
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="login_succeeded", target=user_a).exists()


def test_sms_contains_one_six_digit_code_for_the_users_number(client, user_a, password, sms_outbox):
    password_step(client, user_a.username, password)
    text = next(sms_outbox.glob("*.txt")).read_text()
    assert text.startswith(f"Aan: {user_a.mobile.as_e164}")
    assert latest_sms_code(sms_outbox) in text


def test_wrong_password_and_unknown_name_get_the_same_generic_message(client, user_a, sms_outbox):
    wrong_password = password_step(client, user_a.username, "Verkeerd#123")
    unknown_name = password_step(client, "bestaatniet", "Verkeerd#123")
    for response in (wrong_password, unknown_name):
        assert response.status_code == 200
        assert str(LOGIN_FAILED_MESSAGE) in response.content.decode()
    assert not get_user(client).is_authenticated
    assert sms_count(sms_outbox) == 0


def test_wrong_code_does_not_log_in_and_shows_the_same_message(client, user_a, password, sms_outbox):
    password_step(client, user_a.username, password)
    code = latest_sms_code(sms_outbox)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post("/inloggen/", {"portero_login_view-current_step": "token", "token-otp_token": wrong})
    assert response.status_code == 200
    assert str(LOGIN_FAILED_MESSAGE) in response.content.decode()
    assert not get_user(client).is_authenticated
    assert AuditEvent.objects.filter(action="code_failed", target=user_a).exists()


def test_malformed_code_gets_a_dutch_message_next_to_the_field(client, user_a, password):
    password_step(client, user_a.username, password)
    response = client.post("/inloggen/", {"portero_login_view-current_step": "token", "token-otp_token": "12ab"})
    assert "De code bestaat uit 6 cijfers." in response.content.decode()


def test_the_login_page_puts_no_focus_in_the_form_and_the_code_step_does(client, user_a, password):
    """Arriving at the login page, the first Tab stop is the skip link (tests/browser/test_keyboard_only.py walks
    it); once the password is accepted, the focus waits in the code field of the same form."""
    page = client.get("/inloggen/").content.decode()
    assert 'name="auth-username"' in page and "autofocus" not in page
    code_step = password_step(client, user_a.username, password).content.decode()
    assert 'name="token-otp_token"' in code_step and "autofocus" in code_step


def test_a_page_without_login_redirects_to_the_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/inloggen/?next=/")


def test_next_never_leads_off_site(client, user_a, password, sms_outbox):
    client.post(
        "/inloggen/?next=https://evil.example/",
        {"portero_login_view-current_step": "auth", "auth-username": user_a.username, "auth-password": password},
    )
    response = client.post(
        "/inloggen/?next=https://evil.example/",
        {"portero_login_view-current_step": "token", "token-otp_token": latest_sms_code(sms_outbox)},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_logout_is_a_post_and_ends_the_session(client, client_as, user_a):
    client_as(user_a)
    assert client.get("/uitloggen/").status_code == 405
    response = client.post("/uitloggen/")
    assert response.status_code == 302
    assert not get_user(client).is_authenticated


def test_user_without_mobile_must_register_and_verify_a_number(
    client, org_a, sms_outbox, django_capture_on_commit_callbacks
):
    from accounts import services
    from tests.factories import UserFactory

    user = UserFactory(organisation=org_a, mobile="")
    # A first number is registered only in the browser session that used the set-password link.
    with django_capture_on_commit_callbacks(execute=True):
        services.password_link_send(user=user, purpose="welcome")
    link = client.get(link_in_mail(mail.outbox[-1].body), follow=True).redirect_chain[-1][0]
    client.post(link, {"new_password1": "Qx7#Bw9!Zt4k", "new_password2": "Qx7#Bw9!Zt4k"})
    response = password_step(client, user.username, "Qx7#Bw9!Zt4k")
    assert response.status_code == 302  # no code step: password-only session, confined to phone setup
    assert client.get("/").url == "/inloggen/telefoon/"
    assert client.get("/beheer/").url == "/inloggen/telefoon/"
    assert sms_count(sms_outbox) == 0
    client.post("/inloggen/telefoon/", {"phone_setup_view-current_step": "welcome"})
    client.post("/inloggen/telefoon/", {"phone_setup_view-current_step": "sms", "sms-number": "06 12345678"})
    code = latest_sms_code(sms_outbox)
    response = client.post(
        "/inloggen/telefoon/", {"phone_setup_view-current_step": "validation", "validation-token": code}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.mobile.as_e164 == "+31612345678"
    assert DEVICE_ID_SESSION_KEY in client.session
    assert client.get("/").status_code == 200
