"""Cookies and CSRF (ASVS V3.4, V4.2.2, V13): the production settings mark every cookie Secure, HttpOnly and
SameSite and send HSTS; every POST of every URL pattern without a CSRF token is refused."""

import json

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import get_resolver

from tests.conftest import latest_sms_code, login_client, password_step
from tests.security.test_url_sweep import concrete, walk
from tests.test_settings import run_manage

pytestmark = pytest.mark.django_db


def test_production_settings_make_cookies_secure_httponly_samesite_and_send_hsts(tmp_path):
    probe = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in ["
        "'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_SECURE',"
        "'CSRF_COOKIE_HTTPONLY', 'CSRF_COOKIE_SAMESITE', 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT',"
        "'SESSION_EXPIRE_AT_BROWSER_CLOSE', 'PORTERO_SESSION_IDLE_SECONDS']}))"
    )
    result = run_manage(tmp_path, {}, "shell", "-c", probe)
    assert result.returncode == 0, result.stderr
    production = json.loads(result.stdout.strip().splitlines()[-1])
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_HTTPONLY"] and production["CSRF_COOKIE_HTTPONLY"]
    assert production["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert production["CSRF_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert production["SECURE_HSTS_SECONDS"] >= 31536000 and production["SECURE_SSL_REDIRECT"]
    assert production["SESSION_EXPIRE_AT_BROWSER_CLOSE"] and production["PORTERO_SESSION_IDLE_SECONDS"] == 30 * 60


def test_the_cookies_a_login_sets_carry_those_flags(settings, client, user_a, password, sms_outbox):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client.get("/inloggen/", secure=True)
    password_step(client, user_a.username, password, secure=True)
    response = client.post(
        "/inloggen/",
        {"portero_login_view-current_step": "token", "token-otp_token": latest_sms_code(sms_outbox)},
        secure=True,
    )
    session = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert not session["max-age"] and not session["expires"]  # ends with the browser
    csrf = client.cookies[django_settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["httponly"]


def test_every_post_without_a_csrf_token_is_refused(world_b, admin_a):
    """Every URL pattern, anonymous and logged in: no view is exempt from the CSRF check."""
    accepted = []
    for http in (Client(enforce_csrf_checks=True), login_client(Client(enforce_csrf_checks=True), admin_a)):
        for name, route in walk(get_resolver()):
            response = http.post(concrete(route, world_b), {"username": "x"})
            if response.status_code != 403 or "Formulier verlopen" not in response.content.decode():
                accepted.append((name, response.status_code))
    assert accepted == []  # refused with the Dutch page, nothing stored


def test_a_post_with_a_token_from_another_browser_is_refused(admin_a):
    attacker = Client(enforce_csrf_checks=True)
    attacker.get("/inloggen/")
    stolen = attacker.cookies[django_settings.CSRF_COOKIE_NAME].value
    victim = login_client(Client(enforce_csrf_checks=True), admin_a)
    victim.get("/beheer/gebruikers/nieuw/")  # the victim's browser has its own CSRF cookie
    response = victim.post("/beheer/gebruikers/nieuw/", {"csrfmiddlewaretoken": stolen, "last_name": "Aanvaller"})
    assert response.status_code == 403


COOKIE_SETTINGS = [
    "SESSION_COOKIE_NAME", "SESSION_COOKIE_PATH", "SESSION_COOKIE_DOMAIN", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_NAME", "CSRF_COOKIE_PATH", "CSRF_COOKIE_DOMAIN", "CSRF_COOKIE_SECURE", "MESSAGE_STORAGE",
]  # fmt: skip


def cookie_settings(tmp_path, env) -> dict:
    names = repr(COOKIE_SETTINGS)
    probe = (
        f"import json; from django.conf import settings as s; print(json.dumps({{k: getattr(s, k) for k in {names}}}))"
    )
    result = run_manage(tmp_path, env, "shell", "-c", probe)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookie_names_carry_the_host_prefix(tmp_path):
    """ASVS 3.4.4: `__Host-` makes a browser accept the cookie only if Secure, Path=/ and without Domain, so a
    sibling host or a plain-http page cannot plant or overwrite it. Locally (no HTTPS) the plain names stay: a
    browser refuses a `__Host-` cookie without Secure."""
    production = cookie_settings(tmp_path, {})
    assert (
        production["SESSION_COOKIE_NAME"] == "__Host-sessionid" and production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    )
    for kind in ("SESSION", "CSRF"):
        assert production[f"{kind}_COOKIE_SECURE"] and production[f"{kind}_COOKIE_PATH"] == "/"
        assert production[f"{kind}_COOKIE_DOMAIN"] is None
    local = cookie_settings(tmp_path, {"DJANGO_DEBUG": "1"})
    assert local["SESSION_COOKIE_NAME"] == "sessionid" and not local["SESSION_COOKIE_SECURE"]


def test_every_cookie_a_login_and_a_page_with_a_message_set_is_a_host_cookie(
    tmp_path, settings, client, user_a, password, sms_outbox
):
    """The cookies a browser gets in production (login, CSRF, and the flash message after changing the password)
    all have the `__Host-` prefix and its rules: the production settings applied to this test's process."""
    production = cookie_settings(tmp_path, {})
    for name in COOKIE_SETTINGS:
        setattr(settings, name, production[name])
    seen = {}
    client.get("/inloggen/", secure=True)
    password_step(client, user_a.username, password, secure=True)
    responses = [
        client.post(
            "/inloggen/",
            {"portero_login_view-current_step": "token", "token-otp_token": latest_sms_code(sms_outbox)},
            secure=True,
        )
    ]
    new_password = "Vx8#Qm3!Rt6w"
    responses.append(
        client.post(
            "/wachtwoord/wijzigen/",
            {"old_password": password, "new_password1": new_password, "new_password2": new_password},
            secure=True,
        )
    )
    assert responses[-1].status_code == 302
    for response in responses:
        seen.update(response.cookies)
    seen.update(client.cookies)
    assert {"__Host-sessionid", "__Host-csrftoken", "__Host-messages"} <= set(seen)
    for name, cookie in seen.items():
        assert name.startswith("__Host-"), name
        assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"], name
