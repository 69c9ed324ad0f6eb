"""Browser checks of the pages that ask for the code from an SMS: the number it went to reads as a number (also to
a screen reader), the field is called "Code uit de sms" everywhere, and after a wrong code the message says what is
true: wait a few seconds, the code received is still valid."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login, latest_sms_code
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def user_01(org_a):
    return UserFactory(organisation=org_a, username="eindigt01", mobile="+31612345601")


def password_step(page, live_server, user, password):
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_label("Inlognaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Log on").click()


def test_the_code_page_shows_the_masked_number_readably_and_labels_the_field(
    page, live_server, user_01, password, sms_outbox
):
    password_step(page, live_server, user_01, password)
    number = page.locator("main").get_by_text("06 ** ** ** 01", exact=True)
    expect(number).to_be_visible()
    expect(number).to_have_attribute("aria-hidden", "true")
    expect(page.locator("main")).to_contain_text("nummer eindigend op 0 1")
    expect(page.get_by_label("Code uit de sms", exact=True)).to_be_visible()
    expect(page.get_by_label("Token")).to_have_count(0)
    assert_accessible(page)


def test_the_phone_change_page_labels_the_code_field_the_same(page, live_server, user_01, password, sms_outbox):
    browser_login(page, live_server, user_01.username, password, sms_outbox)
    page.goto(f"{live_server.url}/mobiel/wijzigen/")
    page.get_by_label("Uw wachtwoord").fill(password)
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_label("Code uit de sms", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text("nummer eindigend op 0 1")
    assert_accessible(page)


def test_the_right_code_right_after_a_wrong_one_is_told_to_wait_not_that_it_failed_too_often(
    page, live_server, user_01, password, sms_outbox, settings
):
    # A throttle factor of 30 makes the wait after one wrong code 30 seconds: long enough for a slow machine.
    settings.TWO_FACTOR_PHONE_THROTTLE_FACTOR = 30
    password_step(page, live_server, user_01, password)
    code = latest_sms_code(sms_outbox)
    page.get_by_label("Code uit de sms").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_label("Code uit de sms").fill(code)
    page.get_by_role("button", name="Inloggen").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(re.compile(r"Wacht nog (30|29|28) seconden"))
    expect(alert).to_contain_text("De code uit de sms blijft geldig")
    expect(alert).not_to_contain_text("te vaak")
    assert_accessible(page)
