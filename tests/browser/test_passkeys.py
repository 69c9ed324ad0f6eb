"""Browser journey in Chromium with a virtual authenticator (Chrome DevTools' WebAuthn domain): the person adds a
passkey, logs out, logs in with password and passkey without any SMS being sent, and removes the key again with
the password; a second browser without the key is offered the SMS code instead."""

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from accounts.audit import Action, AuditEvent
from tests.conftest import assert_accessible, browser_login, latest_sms_code, sms_count

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_virtual_authenticator(page):
    """A platform authenticator (a laptop's passkey): CTAP2 over the internal transport, with resident keys and
    user verification that always succeeds."""
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable", {"enableUI": False})
    found = session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return session, found["authenticatorId"]


def password_step(page, live_server, username, password):
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_label("Inlognaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Log on").click()


def console_errors(page) -> list[str]:
    """Messages the browser logs as errors, a refused script or connection of the CSP among them."""
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


def test_passkey_added_used_at_login_without_sms_and_removed(browser, page, live_server, user_a, password, sms_outbox):
    session, authenticator = add_virtual_authenticator(page)
    errors = console_errors(page)
    browser_login(page, live_server, user_a.username, password, sms_outbox)
    expect(page.get_by_text(f"Ingelogd als {user_a.get_full_name()}")).to_be_visible()
    page.goto(f"{live_server.url}/inlogmethoden/sleutels/")
    expect(page.get_by_role("heading", name="Passkeys en beveiligingssleutels")).to_be_visible()
    expect(page.get_by_text("U heeft nog geen passkey of beveiligingssleutel toegevoegd.")).to_be_visible()
    assert_accessible(page)

    # Adding: a name first, then the browser's dialog (here the virtual authenticator answers at once).
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_text("Geef de sleutel een naam.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Naam van de sleutel").fill("Laptop")
    page.get_by_role("button", name="Verder").click()
    register = page.get_by_role("button", name="Sleutel 'Laptop' registreren")
    expect(register).to_be_visible()
    assert_accessible(page)
    register.click()
    # A first strong factor: on to the ten recovery codes, shown once, with the key's confirmation.
    expect(page.get_by_role("heading", name="Uw herstelcodes")).to_be_visible()
    expect(page.get_by_text("De sleutel 'Laptop' is toegevoegd.")).to_be_visible()
    expect(page.get_by_role("list", name="Herstelcodes").get_by_role("listitem")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("link", name="Ik heb de codes bewaard").click()
    page.goto(f"{live_server.url}/inlogmethoden/sleutels/")
    expect(page.get_by_role("cell", name="Laptop", exact=True)).to_be_visible()
    assert_accessible(page)
    assert len(session.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1
    assert AuditEvent.objects.filter(action=Action.PASSKEY_ADDED, target=user_a).count() == 1

    page.get_by_role("button", name="Uitloggen").click()
    sent_before = sms_count(sms_outbox)

    # Logging in: the password, then the key instead of the SMS code.
    password_step(page, live_server, user_a.username, password)
    expect(page.get_by_role("heading", name="Inloggen met uw sleutel")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Inloggen met mijn sleutel").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text(f"Ingelogd als {user_a.get_full_name()}")).to_be_visible()
    assert sms_count(sms_outbox) == sent_before
    assert AuditEvent.objects.filter(action=Action.PASSKEY_USED, target=user_a).count() == 1
    assert errors == []  # nothing refused by the CSP, no script failed

    # A second browser without the key: the same account is offered the SMS code.
    other = browser.new_context(locale="nl-NL")
    try:
        other_page = other.new_page()
        password_step(other_page, live_server, user_a.username, password)
        expect(other_page.get_by_role("heading", name="Inloggen met uw sleutel")).to_be_visible()
        other_page.get_by_role("button", name="Liever een sms-code").click()
        expect(other_page.get_by_label("Code uit de sms")).to_be_visible()
        assert sms_count(sms_outbox) == sent_before + 1
        assert_accessible(other_page)
        other_page.get_by_label("Code uit de sms").fill(latest_sms_code(sms_outbox))
        other_page.get_by_role("button", name="Inloggen").click()
        expect(other_page.get_by_text(f"Ingelogd als {user_a.get_full_name()}")).to_be_visible()
    finally:
        other.close()

    # Removing: only with the password. This session was logged in with the key, so it ends too.
    page.goto(f"{live_server.url}/inlogmethoden/sleutels/")
    page.get_by_role("link", name="Wijzigen of verwijderen Laptop").click()
    expect(page.get_by_role("heading", name="Sleutel 'Laptop'")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sleutel verwijderen").click()
    expect(page.get_by_text("Vul uw wachtwoord in om de sleutel te verwijderen.")).to_be_visible()
    assert_accessible(page)
    assert WebAuthnCredential.objects.filter(user=user_a).count() == 1
    page.get_by_label("Uw wachtwoord").fill(password)
    page.get_by_role("button", name="Sleutel verwijderen").click()
    expect(page.get_by_text("De sleutel is verwijderd. U was ermee ingelogd: log opnieuw in.")).to_be_visible()
    assert WebAuthnCredential.objects.filter(user=user_a).count() == 0
    assert AuditEvent.objects.filter(action=Action.PASSKEY_REMOVED, target=user_a).count() == 1

    # Without a key the login asks for the SMS code again.
    password_step(page, live_server, user_a.username, password)
    expect(page.get_by_label("Code uit de sms")).to_be_visible()


def test_a_browser_without_webauthn_is_told_what_to_do(page, live_server, user_a, password, sms_outbox):
    """No WebAuthn in the browser (an old or locked-down one): both pages say so and point to the SMS code."""
    page.add_init_script("Object.defineProperty(window, 'PublicKeyCredential', {value: undefined});")
    browser_login(page, live_server, user_a.username, password, sms_outbox)
    page.goto(f"{live_server.url}/inlogmethoden/sleutels/")
    page.get_by_label("Naam van de sleutel").fill("Laptop")
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_text("Deze browser kan geen passkeys of beveiligingssleutels gebruiken")).to_be_visible()
    expect(page.get_by_role("button", name="Sleutel 'Laptop' registreren")).to_have_count(0)
    assert_accessible(page)

    WebAuthnCredential.objects.create(
        user=user_a, name="Elders", credential_id=b"elders", public_key=b"-", aaguid="0" * 36, transports=[]
    )
    page.get_by_role("button", name="Uitloggen").click()
    password_step(page, live_server, user_a.username, password)
    expect(page.get_by_text("Deze browser kan geen passkeys of beveiligingssleutels gebruiken")).to_be_visible()
    expect(page.get_by_role("button", name="Inloggen met mijn sleutel")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Liever een sms-code").click()
    expect(page.get_by_label("Code uit de sms")).to_be_visible()


def test_an_organisation_without_sms_its_user_enrols_a_key_in_the_session_of_the_link(
    page, live_server, user_a, org_a, password, sms_outbox
):
    from importlib import import_module

    from django.conf import settings

    from accounts.services import phone_enrolment_mark

    type(org_a).objects.filter(pk=org_a.pk).update(sms_allowed=False)
    add_virtual_authenticator(page)
    password_step(page, live_server, user_a.username, password)
    expect(page.get_by_role("heading", name="Inlogmethode toevoegen")).to_be_visible()  # a 403: not yet the link's
    errors = console_errors(page)
    # As after the set-password link of the welcome mail (the link itself: tests/browser/test_beheer_factors_reset.py).
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"])
    phone_enrolment_mark(session=session, user=user_a)
    session.save()
    page.reload()
    page.get_by_role("link", name="Een passkey of beveiligingssleutel toevoegen").click()
    expect(page.get_by_role("heading", name="Passkeys en beveiligingssleutels")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Naam van de sleutel").fill("Afdelingssleutel")
    page.get_by_role("button", name="Verder").click()
    page.get_by_role("button", name="Sleutel 'Afdelingssleutel' registreren").click()
    expect(page.get_by_role("heading", name="Uw herstelcodes")).to_be_visible()
    expect(page.get_by_text(f"Ingelogd als {user_a.get_full_name()}")).to_be_visible()
    assert_accessible(page)
    assert WebAuthnCredential.objects.get(user=user_a).name == "Afdelingssleutel"
    assert sms_count(sms_outbox) == 0
    assert errors == []
