"""Browser journeys of the password and account lifecycle (issue: accounts)."""

from datetime import timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts import services
from tests.conftest import assert_accessible, browser_login, latest_sms_code, link_in_mail
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW = "Qx7#Bw9!Zt4k"


def wait_for_mail(count):
    for _ in range(50):
        if len(mail.outbox) >= count:
            return mail.outbox[count - 1]
        import time

        time.sleep(0.1)
    raise AssertionError("no mail arrived")


def test_request_password_then_mail_then_set_then_log_in_with_sms(page, live_server, user_a, sms_outbox, settings):
    settings.PORTERO_BASE_URL = live_server.url
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_role("link", name="Wachtwoord vergeten of verlopen? Wachtwoord aanvragen").click()
    assert_accessible(page)
    page.get_by_label("Inlognaam").fill(user_a.username)
    page.get_by_role("button", name="Wachtwoord aanvragen").click()
    expect(page.get_by_role("heading", name="Aanvraag ontvangen")).to_be_visible()
    assert_accessible(page)
    message = wait_for_mail(1)
    assert user_a.username in message.body
    page.goto(link_in_mail(message.body))
    expect(page.get_by_role("heading", name="Wachtwoord instellen")).to_be_visible()
    expect(page.get_by_text("tekens uit minimaal 3 van deze 4 groepen")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Nieuw wachtwoord").fill("kort")
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill("kort")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("te kort")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Nieuw wachtwoord").fill(NEW)
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill(NEW)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Wachtwoord opgeslagen")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Naar inloggen").click()
    page.get_by_label("Inlognaam").fill(user_a.username)
    page.get_by_label("Wachtwoord").fill(NEW)
    page.get_by_role("button", name="Log on").click()
    page.get_by_label("Code uit de sms").fill(latest_sms_code(sms_outbox))
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name=f"Welkom, {user_a.first_name}")).to_be_visible()


def test_an_expired_link_says_so_and_offers_a_new_one(page, live_server, user_a, settings):
    settings.PORTERO_BASE_URL = live_server.url
    services.password_link_send(user=user_a, purpose="reset")
    link = link_in_mail(wait_for_mail(1).body)
    services.password_link_send(user=user_a, purpose="reset")  # a newer link makes this one invalid
    page.goto(link)
    expect(page.get_by_role("heading", name="Deze link werkt niet meer")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Nieuwe link aanvragen").click()
    expect(page.get_by_role("heading", name="Wachtwoord aanvragen")).to_be_visible()


def test_expiry_warning_after_login_sends_a_renewal_link(page, live_server, org_a, password, sms_outbox):
    user = UserFactory(
        organisation=org_a, password_changed_at=timezone.now() - relativedelta(months=3) + timedelta(days=5)
    )
    browser_login(page, live_server, user.username, password, sms_outbox)
    warning = page.get_by_role("status").filter(has_text="Uw wachtwoord verloopt op")
    expect(warning).to_be_visible()
    assert_accessible(page)
    warning.get_by_role("button", name="Stuur mij een link voor een nieuw wachtwoord").click()
    expect(page.get_by_role("heading", name="Link verstuurd")).to_be_visible()
    assert wait_for_mail(1).subject == "Portero: vernieuw uw wachtwoord"


def test_expired_password_stops_the_login_and_offers_the_link(page, live_server, org_a, password):
    user = UserFactory(organisation=org_a, password_changed_at=timezone.now() - relativedelta(months=3, days=1))
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_label("Inlognaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Log on").click()
    expect(page.get_by_role("alert")).to_contain_text("Uw wachtwoord is verlopen")
    expect(page.get_by_label("Code uit de sms")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Stuur mij een link voor een nieuw wachtwoord").click()
    expect(page.get_by_role("heading", name="Link verstuurd")).to_be_visible()
    assert wait_for_mail(1).to == [user.email]


def test_inactive_account_is_told_to_contact_the_org_admin(page, live_server, org_a, password):
    with time_machine.travel(timezone.now() - relativedelta(months=7)):
        user = UserFactory(organisation=org_a, last_login=timezone.now())
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_label("Inlognaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Log on").click()
    expect(page.get_by_role("alert")).to_contain_text("Vraag de organisatiebeheerder van uw organisatie")
    assert_accessible(page)
