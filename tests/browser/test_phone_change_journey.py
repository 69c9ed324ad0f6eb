"""Browser journey: the person changes their own mobile number ('Mobiel nummer wijzigen'): password, a code to
the old number, the new number, a code to the new number; then a mail and an SMS to the old number."""

import time

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login, latest_sms_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for_phone_mail():
    for _ in range(50):
        found = [m for m in mail.outbox if "mobiele nummer" in m.subject]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError("no mail arrived")


def test_user_changes_their_own_mobile_number(page, live_server, user_a, password, sms_outbox):
    old = user_a.mobile.as_e164
    browser_login(page, live_server, user_a.username, password, sms_outbox)
    page.get_by_role("link", name="Mobiel nummer wijzigen").click()
    expect(page.get_by_role("heading", name="Mobiel nummer wijzigen")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Uw wachtwoord").fill("Verkeerd#123")
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_text("Het wachtwoord is niet juist.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Uw wachtwoord").fill(password)
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_role("heading", name="Stap 2 van 4: code naar uw huidige nummer")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code uit de sms").fill(latest_sms_code(sms_outbox))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", name="Stap 3 van 4: uw nieuwe nummer")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Nieuw mobiel nummer").fill("+447911123456")
    page.get_by_role("button", name="Verstuur sms-code").click()
    expect(page.get_by_text("Vul een Nederlands mobiel nummer in")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Nieuw mobiel nummer").fill("06 87654321")
    page.get_by_role("button", name="Verstuur sms-code").click()
    expect(page.get_by_role("heading", name="Stap 4 van 4: code naar uw nieuwe nummer")).to_be_visible()
    assert_accessible(page)
    new_sms = sorted(sms_outbox.glob("*.txt"))[-1].read_text(encoding="utf-8")
    assert new_sms.startswith("Aan: +31687654321")
    page.get_by_label("Code uit de sms").fill(latest_sms_code(sms_outbox))
    page.get_by_role("button", name="Nummer wijzigen").click()
    expect(page.get_by_text("Uw mobiele nummer is gewijzigd.")).to_be_visible()
    assert_accessible(page)
    user_a.refresh_from_db()
    assert user_a.mobile.as_e164 == "+31687654321"
    assert wait_for_phone_mail().to == [user_a.email]
    notice = sorted(sms_outbox.glob("*.txt"))[-1].read_text(encoding="utf-8")
    assert notice.startswith(f"Aan: {old}") and "gewijzigd" in notice


def test_a_new_user_registers_a_first_number_right_after_the_welcome_link(
    page, live_server, org_a, sms_outbox, settings, django_capture_on_commit_callbacks
):
    from accounts import services
    from tests.conftest import link_in_mail
    from tests.factories import UserFactory

    settings.PORTERO_BASE_URL = live_server.url
    user = UserFactory(organisation=org_a, mobile="")
    new_password = "Qx7#Bw9!Zt4k"
    with django_capture_on_commit_callbacks(execute=True):
        services.password_link_send(user=user, purpose="welcome")
    # Without the link, in another browser session, the password alone does not let anyone register a number.
    services.password_set(user=user, raw_password=new_password)
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_label("Inlognaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill(new_password)
    page.get_by_role("button", name="Log on").click()
    expect(page.get_by_text("Vraag de organisatiebeheerder van uw organisatie")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Uitloggen").click()
    page.context.clear_cookies()
    with django_capture_on_commit_callbacks(execute=True):
        services.password_link_send(user=user, purpose="reset")
    page.goto(link_in_mail(mail.outbox[-1].body))
    page.get_by_label("Nieuw wachtwoord").fill("Zr8$Kp3!Wm6q")
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill("Zr8$Kp3!Wm6q")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("link", name="Naar inloggen").click()
    page.get_by_label("Inlognaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill("Zr8$Kp3!Wm6q")
    page.get_by_role("button", name="Log on").click()
    expect(page.get_by_role("heading", name="Mobiel nummer vastleggen")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Verder").click()
    page.get_by_label("Mobiel nummer").fill("06 12345678")
    page.get_by_role("button", name="Verstuur sms-code").click()
    assert_accessible(page)
    page.get_by_label("Code uit de sms").fill(latest_sms_code(sms_outbox))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_text("Uw mobiele nummer is vastgelegd.")).to_be_visible()
    assert_accessible(page)
