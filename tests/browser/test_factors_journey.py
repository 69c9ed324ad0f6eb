"""The pages of 'Inlogmethoden' in Debian's Chromium, each checked with axe: the overview, adding an authenticator
app, the recovery codes, logging in with the app and with a recovery code (the choice among one's own factors), and
an organisation that forbids SMS leading its user to enrol."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from accounts.services import phone_enrolment_mark
from tests.conftest import assert_accessible, browser_login, sms_count

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shown_secret(page) -> str:
    return page.locator("#totp-secret").inner_text().replace(" ", "")


def code_for(secret: str) -> str:
    generator = TOTP(b32decode(secret + "=" * (-len(secret) % 8)), step=30, t0=0, digits=6)
    return f"{generator.token():06d}"


def add_app(page, live_server):
    page.goto(f"{live_server.url}/inlogmethoden/")
    assert_accessible(page)
    page.get_by_role("link", name="Authenticator-app toevoegen").click()
    expect(page.get_by_role("heading", name="Authenticator-app toevoegen")).to_be_visible()
    # The SVG of the server, loaded (wait for it: the image may come after the heading).
    expect(page.locator("img.qr-code")).to_have_js_property("complete", True)
    assert page.locator("img.qr-code").evaluate("img => img.naturalWidth") > 0
    assert_accessible(page)
    secret = shown_secret(page)
    page.get_by_label("Code uit de app").fill("000000" if code_for(secret) != "000000" else "111111")
    page.get_by_role("button", name="App toevoegen").click()
    expect(page.get_by_text("Deze code is niet juist")).to_be_visible()
    assert_accessible(page)  # the page with its error
    page.get_by_label("Code uit de app").fill(code_for(secret))
    page.get_by_role("button", name="App toevoegen").click()
    expect(page.get_by_role("heading", name="Uw herstelcodes")).to_be_visible()
    assert_accessible(page)
    codes = page.locator(".recovery-codes code").all_inner_texts()
    page.get_by_role("link", name="Ik heb de codes bewaard").click()
    expect(page.get_by_role("heading", name="Inlogmethoden")).to_be_visible()
    assert_accessible(page)
    return secret, codes


def test_app_and_recovery_codes_added_then_used_to_log_in_without_sms(page, live_server, user_a, password, sms_outbox):
    browser_login(page, live_server, user_a.username, password, sms_outbox)
    secret, codes = add_app(page, live_server)
    page.get_by_role("button", name="Uitloggen").click()
    sent = sms_count(sms_outbox)

    page.get_by_label("Inlognaam").fill(user_a.username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Log on").click()
    expect(page.get_by_label("Code uit de authenticator-app")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Met een herstelcode").click()
    expect(page.get_by_label("Herstelcode")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Herstelcode").fill(codes[0])
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page.get_by_text(f"Ingelogd als {user_a.get_full_name()}")).to_be_visible()
    page.get_by_role("button", name="Uitloggen").click()

    page.get_by_label("Inlognaam").fill(user_a.username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Log on").click()
    # The code that confirmed the app is used up for its 30-second step (a replay is refused): wait for the next one.
    time.sleep(30 - time.time() % 30 + 0.5)
    page.get_by_label("Code uit de authenticator-app").fill(code_for(secret))
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page.get_by_text(f"Ingelogd als {user_a.get_full_name()}")).to_be_visible()
    assert sms_count(sms_outbox) == sent


def test_an_organisation_without_sms_leads_its_user_to_enrol(page, live_server, user_a, org_a, password, sms_outbox):
    type(org_a).objects.filter(pk=org_a.pk).update(sms_allowed=False)
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_label("Inlognaam").fill(user_a.username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Log on").click()
    expect(page).to_have_url(re.compile(r"/inlogmethoden/instellen/$"))
    expect(page.get_by_role("heading", name="Inlogmethode toevoegen")).to_be_visible()
    expect(page.get_by_text("organisatiebeheerder")).to_be_visible()
    assert_accessible(page)
    assert sms_count(sms_outbox) == 0


def test_the_enrol_page_in_the_session_of_the_link_adds_an_app(page, live_server, user_a, org_a, password):
    from importlib import import_module

    from django.conf import settings

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

    type(org_a).objects.filter(pk=org_a.pk).update(sms_allowed=False)
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_label("Inlognaam").fill(user_a.username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Log on").click()
    expect(page.get_by_role("heading", name="Inlogmethode toevoegen")).to_be_visible()
    # As after the set-password link of the welcome mail (tested end to end for the phone in the login journey).
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    session = SessionStore(session_key=cookie["value"])
    phone_enrolment_mark(session=session, user=user_a)
    session.save()
    page.reload()
    assert_accessible(page)
    page.get_by_role("link", name="Authenticator-app toevoegen").click()
    page.get_by_label("Code uit de app").fill(code_for(shown_secret(page)))
    page.get_by_role("button", name="App toevoegen").click()
    expect(page.get_by_role("heading", name="Uw herstelcodes")).to_be_visible()
    expect(page.get_by_text(f"Ingelogd als {user_a.get_full_name()}")).to_be_visible()
