"""Browser journeys of the way in: the CIZ admin reached through the one login, every `next` followed after the
second factor, and a person already logged in with both factors sent on from the login page."""

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login, latest_sms_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_on_the_shown_form(page, username, password, outbox):
    page.get_by_label("Inlognaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Log on").click()
    page.get_by_label("Code uit de sms").fill(latest_sms_code(outbox))
    page.get_by_role("button", name="Inloggen").click()


def test_staff_opening_the_admin_logs_in_and_lands_in_the_admin(page, live_server, staff, password, sms_outbox):
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    log_in_on_the_shown_form(page, staff.username, password, sms_outbox)
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.get_by_label("Inlognaam")).to_have_count(0)
    assert_accessible(page)


def test_a_nested_next_leads_to_the_page_asked_for(page, live_server, staff, password, sms_outbox):
    page.goto(f"{live_server.url}/inloggen/?next=/admin/login/%3Fnext%3D/admin/aanvragen/aanvraag/")
    log_in_on_the_shown_form(page, staff.username, password, sms_outbox)
    expect(page).to_have_url(f"{live_server.url}/admin/aanvragen/aanvraag/")
    assert_accessible(page)


def test_an_already_verified_person_opening_the_login_is_sent_on(
    page, live_server, admin_a, staff, password, sms_outbox
):
    browser_login(page, live_server, admin_a.username, password, sms_outbox)
    page.goto(f"{live_server.url}/inloggen/")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_label("Inlognaam")).to_have_count(0)
    page.goto(f"{live_server.url}/inloggen/?next=/beheer/")
    expect(page).to_have_url(f"{live_server.url}/beheer/")
    expect(page.get_by_role("heading", name="Gebruikersbeheer", exact=True)).to_be_visible()
    assert_accessible(page)
