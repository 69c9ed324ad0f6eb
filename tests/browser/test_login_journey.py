"""Browser journeys of the walking skeleton: the org admin logs in with password and SMS code."""

import pytest
from playwright.sync_api import expect

from accounts.forms import LOGIN_FAILED_MESSAGE
from tests.conftest import assert_accessible, latest_sms_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_org_admin_logs_in_with_password_and_sms_code_and_lands_on_beheer(
    page, live_server, admin_a, password, sms_outbox
):
    page.goto(f"{live_server.url}/beheer/")
    assert_accessible(page)
    page.get_by_role("link", name="Log in >>").click()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Inlognaam").fill(admin_a.username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Log on").click()
    expect(page.get_by_label("Code uit de sms")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code uit de sms").fill(latest_sms_code(sms_outbox))
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(f"{live_server.url}/beheer/")
    expect(page.get_by_role("heading", name="Gebruikersbeheer", exact=True)).to_be_visible()
    expect(page.get_by_text(f"Ingelogd als {admin_a.get_full_name()}")).to_be_visible()
    assert_accessible(page)


def test_wrong_code_does_not_log_in(page, live_server, user_a, password, sms_outbox):
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_label("Inlognaam").fill(user_a.username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Log on").click()
    code = latest_sms_code(sms_outbox)
    page.get_by_label("Code uit de sms").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_contain_text(str(LOGIN_FAILED_MESSAGE))
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/inloggen/?next=/")
