"""Attacks on authentication and sessions (ASVS V2/V3): enumeration, brute force, session fixation, sessions
that outlive a logout or a password change, half-finished logins, and set-password links used the wrong way.

Attacks proven elsewhere and not repeated here (docs/SECURITY.md lists them all): the SMS-code throttle,
resend limits and the lockout of a login name (tests/accounts/test_second_factor.py), the delay per login name,
the cap per address and the SMS budgets (tests/security/test_lockout.py), link expiry, single use
and newer-link invalidation (tests/accounts/test_lifecycle.py), the 30-minute idle session
(tests/accounts/test_session.py)."""

import re
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user
from django.core import mail
from django.test import Client
from django.utils import timezone

import portero.settings as production_settings
from accounts import services
from accounts.models import AuditEvent, User
from tests.conftest import (
    latest_sms_code,
    login_client,
    password_step,
    request_password_link,
    two_factor_login,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
WRONG = "Verkeerd#Wachtwoord1"
NEW = "Qx7#Bw9!Zt4k"


@pytest.fixture
def login_names(org_a, user_a):
    """One login name per kind of account an attacker might probe, plus one that does not exist."""
    inactive = UserFactory(organisation=org_a, username="inactiefa")
    services.user_deactivate_idle(user=inactive)
    deleted = UserFactory(organisation=org_a, username="verwijderda", deleted_at=timezone.now())
    return {"existing": user_a.username, "inactive": inactive.username, "deleted": deleted.username, "unknown": "nooit"}


def answer(response, name):
    """What a person sees, without the per-request CSRF token and the login name they typed themselves."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return response.status_code, response.get("Location"), text.replace(f'value="{name}"', 'value="…"')


# --- No user enumeration -------------------------------------------------------------------------------


def test_login_answers_the_same_for_existing_inactive_deleted_and_unknown_names(client, login_names):
    answers = {kind: answer(password_step(Client(), name, WRONG), name) for kind, name in login_names.items()}
    assert answers["existing"] == answers["inactive"] == answers["deleted"] == answers["unknown"]


def test_password_request_answers_the_same_for_every_kind_of_name(login_names, django_capture_on_commit_callbacks):
    answers = {}
    for kind, name in login_names.items():
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post("/wachtwoord/aanvragen/", {"username": name}, follow=True)
        answers[kind] = (response.redirect_chain, answer(response, name))
    assert answers["existing"] == answers["inactive"] == answers["deleted"] == answers["unknown"]
    assert len(mail.outbox) == 1  # only the active account gets a mail, and only in its own mailbox


def test_login_costs_one_password_hash_and_the_same_time_for_every_kind_of_name(settings, login_names, monkeypatch):
    """With the production hasher, the unknown name costs a hash too: no timing oracle. The count of hash
    computations is exact; the time (the fastest of several tries, robust to a busy machine) is compared too."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    settings.AXES_FAILURE_LIMIT = 1000  # measured here: the login itself, not the lockout page
    for user in User.objects.filter(username__in=login_names.values()):
        user.set_password(WRONG + "x")
        user.save(update_fields=["password"])
    hashes = []
    for method in ("encode", "verify"):
        original = getattr(Argon2PasswordHasher, method)
        monkeypatch.setattr(
            Argon2PasswordHasher, method, lambda self, *a, _o=original, **k: hashes.append(1) or _o(self, *a, **k)
        )
    # The kinds take turns, round after round: a burst of load on a busy machine then slows every kind alike
    # instead of all the tries of one kind.
    timings = {kind: [] for kind in login_names}
    for _ in range(7):
        for kind, name in login_names.items():
            hashes.clear()
            started = time.perf_counter()
            password_step(Client(), name, WRONG)
            timings[kind].append(time.perf_counter() - started)
            assert len(hashes) == 1, (kind, len(hashes))
    fastest = {kind: min(times) for kind, times in timings.items()}
    quickest, slowest = min(fastest.values()), max(fastest.values())
    assert slowest - quickest < max(0.5 * quickest, 0.02), fastest


# --- Brute force ---------------------------------------------------------------------------------------


def test_wrong_passwords_lock_the_login_name_at_that_address_only(client, org_a, user_a, password):
    """One address is often a whole organisation: the lock is on login name + address together. The rest of the
    rules for many addresses and many names: tests/security/test_lockout.py."""
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        password_step(Client(), user_a.username, WRONG, REMOTE_ADDR="10.6.6.6")
    response = password_step(Client(), user_a.username, password, REMOTE_ADDR="10.6.6.6")
    assert response.status_code == 429
    assert "Inloggen tijdelijk geblokkeerd" in response.content.decode()
    # the same name from another address, and a colleague from the same address, are not locked out
    assert password_step(Client(), user_a.username, password, REMOTE_ADDR="10.7.7.7").status_code == 200
    colleague = UserFactory(organisation=org_a)
    assert password_step(Client(), colleague.username, password, REMOTE_ADDR="10.6.6.6").status_code == 200


# --- Sessions --------------------------------------------------------------------------------------------


def test_the_session_id_changes_at_login(client, user_a, password, sms_outbox):
    client.get("/inloggen/")
    password_step(client, user_a.username, password)
    before = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    client.post(
        "/inloggen/",
        {"portero_login_view-current_step": "token", "token-otp_token": latest_sms_code(sms_outbox)},
    )
    assert get_user(client).is_authenticated
    assert client.cookies[django_settings.SESSION_COOKIE_NAME].value != before


def two_sessions(user, password, outbox):
    """The user logged in twice: in a browser at the office (the real login) and in one at home."""
    first = Client()
    two_factor_login(first, user.username, password, outbox)
    second = login_client(Client(), user)
    for http in (first, second):
        assert http.get("/aanvragen/").status_code == 200
    return first, second


def test_logout_ends_every_session_of_the_user(user_a, password, sms_outbox):
    first, second = two_sessions(user_a, password, sms_outbox)
    first.post("/uitloggen/")
    response = second.get("/aanvragen/")
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")


def test_password_change_ends_every_other_session_and_keeps_this_one(user_a, password, sms_outbox):
    first, second = two_sessions(user_a, password, sms_outbox)
    response = first.post(
        "/wachtwoord/wijzigen/", {"old_password": password, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    assert first.get("/aanvragen/").status_code == 200
    assert second.get("/aanvragen/").status_code == 302


def test_setting_a_password_by_link_ends_every_session(
    client, user_a, password, sms_outbox, django_capture_on_commit_callbacks
):
    logged_in = login_client(Client(), user_a)
    link = request_password_link(client, user_a.username, django_capture_on_commit_callbacks)
    form_page = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_page, {"new_password1": NEW, "new_password2": NEW})
    assert logged_in.get("/aanvragen/").status_code == 302


def test_a_half_finished_login_grants_nothing(client, user_a, password):
    """Password right, no code yet: no page of the portal, and no session of a logged-in user."""
    password_step(client, user_a.username, password)
    assert not get_user(client).is_authenticated
    for url in ("/", "/aanvragen/", "/beheer/gebruikers/", "/admin/", "/wachtwoord/wijzigen/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(("/inloggen/", "/admin/login/"))


# --- Set-password links ----------------------------------------------------------------------------------


def test_a_link_cannot_be_used_for_another_account(client, user_a, org_a, django_capture_on_commit_callbacks):
    other = UserFactory(organisation=org_a)
    link = request_password_link(client, user_a.username, django_capture_on_commit_callbacks)
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    own_uid = urlsafe_base64_encode(force_bytes(user_a.pk))
    forged = link.replace(f"/{own_uid}/", f"/{urlsafe_base64_encode(force_bytes(other.pk))}/")
    assert forged != link
    response = client.get(forged, follow=True)
    assert "Deze link werkt niet meer" in response.content.decode()
    assert client.post(response.redirect_chain[-1][0] if response.redirect_chain else forged, {
        "new_password1": NEW, "new_password2": NEW,
    }).status_code in (200, 302)  # fmt: skip
    other.refresh_from_db()
    assert not other.check_password(NEW)
    assert not AuditEvent.objects.filter(target=other, action="password_set").exists()


def test_rate_limit_keys_hold_a_hash_of_what_was_typed_never_the_text(client, monkeypatch):
    """Whatever is typed as a login name (here HTML and spaces) is counted under a key without that text in it."""
    from accounts import ratelimit

    keys = []
    real_add = ratelimit.cache.add
    monkeypatch.setattr(ratelimit.cache, "add", lambda key, *a, **k: keys.append(key) or real_add(key, *a, **k))
    name = "<x> " + "n" * 36  # as long as the form allows
    client.post("/wachtwoord/aanvragen/", {"username": name})
    assert keys and all(len(key) < 200 and "<x>" not in key for key in keys), keys
