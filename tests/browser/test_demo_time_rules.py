"""Browser journey of the local demo's time rules: after `manage.py demo_tijd` a newcomer sees the expiry warning,
the expired password and the idle deactivation by logging in, without editing the database."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from accounts.models import Organisation
from accounts.services.demo import DEMO_PASSWORD
from tests.conftest import assert_accessible, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def with_debug(*args):
    """The demo commands run only with DEBUG, as on `make run`; the live server keeps the URL conf it started with
    (DEBUG on for the whole test would render the postvak link that conf does not have)."""
    with override_settings(DEBUG=True):
        call_command(*args, stdout=StringIO())


@pytest.fixture
def demo():
    with_debug("seed_demo")
    Organisation.objects.update(contract_start=date(2020, 1, 1))


def password_step(page, live_server, username):
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_label("Inlognaam").fill(username)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log on").click()


def test_the_time_rules_show_after_demo_tijd(page, live_server, demo, sms_outbox):
    with_debug("demo_tijd", "bjansen", "--wachtwoord-verloopt-over", "5")
    browser_login(page, live_server, "bjansen", DEMO_PASSWORD, sms_outbox)
    expect(page.get_by_text("Uw wachtwoord verloopt op")).to_be_visible()
    assert_accessible(page)

    with_debug("demo_tijd", "sbakker", "--wachtwoord-verloopt-over", "0")
    page.context.clear_cookies()
    password_step(page, live_server, "sbakker")
    expect(page.get_by_text("Uw wachtwoord is verlopen")).to_be_visible()
    assert_accessible(page)

    with_debug("demo_tijd", "celmaci", "--inactief")
    page.context.clear_cookies()
    password_step(page, live_server, "celmaci")
    expect(page.get_by_text("Uw account is inactief gemaakt")).to_be_visible()
    assert_accessible(page)
