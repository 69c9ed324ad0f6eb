"""Browser journey 'Nieuwe gebruiker toevoegen' → confirmation → 'Verder', then the new user's first login:
the welcome mail's link, a password, and the SMS code on the mobile number the admin entered."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from tests.conftest import browser_login, link_in_mail
from tests.orgadmin.browser_steps import assert_accessible, listed_login_names, login_to_beheer, open_user_list, search

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "Vlinder#Kade2026x"


def fill_user_form(page, **values):
    labels = {
        "initials": "Voorletters",
        "first_name": "Voornaam",
        "name_prefix": "Tussenvoegsels",
        "last_name": "Achternaam",
        "email": "E-mailadres",
        "mobile": "Mobiel nummer",
        "uzi_number": "UZI-nummer",
    }
    for field, value in values.items():
        page.get_by_label(labels[field]).fill(value)


def test_create_user_then_the_new_user_logs_in_for_the_first_time(
    page, live_server, admin_a, password, sms_outbox, settings
):
    settings.PORTERO_BASE_URL = live_server.url  # links in mails point at the test server
    login_to_beheer(page, live_server, admin_a, password, sms_outbox)
    open_user_list(page)
    page.get_by_role("link", name="Nieuwe gebruiker toevoegen").click()
    expect(page.get_by_role("heading", name="Nieuwe gebruiker toevoegen")).to_be_visible()
    assert_accessible(page)

    # First a generic address: refused next to the field, nothing stored.
    fill_user_form(
        page,
        initials="A.",
        first_name="Ayşe",
        last_name="Çelik-Öztürk",
        email="info@zorg-a.nl",
        mobile="06 23456789",
        uzi_number="123456789",
    )
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(page.locator("#id_email_error")).to_contain_text("Gebruik een persoonlijk werk-e-mailadres")
    expect(page.get_by_label("Voornaam")).to_have_value("Ayşe")
    assert_accessible(page)
    assert not User.objects.filter(last_name="Çelik-Öztürk").exists()

    fill_user_form(page, email="a.celik@zorg-a.nl")
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(page.get_by_role("heading", name="De gegevens zijn opgeslagen")).to_be_visible()
    expect(page.locator("dd.login-name")).to_have_text("acelikozturk")
    expect(page.get_by_text("welkomstmail gestuurd naar a.celik@zorg-a.nl")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Verder").click()
    expect(page.get_by_role("heading", name="Gebruikers", exact=True)).to_be_visible()
    search(page, "celik")
    assert listed_login_names(page) == ["acelikozturk"]

    # The welcome mail: login name, the 8-hour link and the address of the aanvraag site.
    (message,) = mail.outbox
    assert message.to == ["a.celik@zorg-a.nl"]
    assert "acelikozturk" in message.body and "8 uur" in message.body and f"{live_server.url}/" in message.body
    page.get_by_role("button", name="Uitloggen").click()

    page.goto(link_in_mail(message.body))
    expect(page.get_by_role("heading", name="Wachtwoord instellen")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Nieuw wachtwoord").fill(NEW_PASSWORD)
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Wachtwoord opgeslagen")).to_be_visible()
    assert_accessible(page)

    browser_login(page, live_server, "acelikozturk", NEW_PASSWORD, sms_outbox)
    sms = sorted(sms_outbox.glob("*.txt"))[-1].read_text(encoding="utf-8")
    assert sms.startswith("Aan: +31623456789")
    expect(page.get_by_text("Ingelogd als Ayşe Çelik-Öztürk")).to_be_visible()
    page.goto(f"{live_server.url}/beheer/gebruikers/")
    expect(page.get_by_role("heading", name="Geen toegang")).to_be_visible()  # a user, not an org admin
    assert_accessible(page)
