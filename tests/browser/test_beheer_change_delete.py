"""Browser journeys on the user's page: change the data, and delete with a reason ('Nee', then 'Ja')."""

import pytest
from playwright.sync_api import expect

from accounts.models import AuditEvent, User
from tests.orgadmin.browser_steps import assert_accessible, listed_login_names, login_to_beheer, open_user_list, search

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_change_a_user(page, live_server, admin_a, user_a, password, sms_outbox):
    login_to_beheer(page, live_server, admin_a, password, sms_outbox)
    open_user_list(page)
    page.get_by_role("link", name="gebruikera").click()
    expect(page.get_by_role("heading", name="Gebruiker Bram Jansen")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Voornaam").fill("Bart")
    page.get_by_label("E-mailadres").fill(admin_a.email)  # the admin's own address: a clash in the own organisation
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(page.locator("#id_email_error")).to_contain_text("al in gebruik bij gebruiker beheerdera")
    assert_accessible(page)
    page.get_by_label("E-mailadres").fill("bart.jansen@zorg-a.nl")
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(page.get_by_role("status").filter(has_text="De wijzigingen zijn opgeslagen.")).to_be_visible()
    expect(page.get_by_label("Voornaam")).to_have_value("Bart")
    assert_accessible(page)
    user = User.objects.get(pk=user_a.pk)
    assert (user.first_name, user.email) == ("Bart", "bart.jansen@zorg-a.nl")
    changes = AuditEvent.objects.get(action="user_changed", target=user).detail["changes"]
    assert changes["first_name"] == {"before": "Bram", "after": "Bart"}


def test_delete_a_user_with_a_reason(page, live_server, admin_a, user_a, password, sms_outbox):
    login_to_beheer(page, live_server, admin_a, password, sms_outbox)
    open_user_list(page)
    page.get_by_role("link", name="gebruikera").click()
    page.get_by_role("link", name="Gebruiker verwijderen").click()
    expect(page.get_by_role("heading", name="Gebruiker verwijderen")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Nee").click()  # back to the user page, nothing deleted
    expect(page.get_by_role("heading", name="Gebruiker Bram Jansen")).to_be_visible()
    assert User.objects.get(pk=user_a.pk).is_active

    page.get_by_role("link", name="Gebruiker verwijderen").click()
    page.get_by_role("button", name="Ja").click()  # without a reason
    expect(page.locator("#id_deletion_reason_error")).to_contain_text("Vul de reden van verwijderen in.")
    assert_accessible(page)
    page.get_by_label("Reden van verwijderen").fill("Uit dienst per 1 december")
    page.get_by_role("button", name="Ja").click()
    expect(page.get_by_role("heading", name="Gebruiker verwijderd")).to_be_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Terug naar overzicht").click()
    assert listed_login_names(page) == ["beheerdera"]
    search(page, "", show_deleted=True)
    expect(page.get_by_role("row", name="gebruikera")).to_contain_text("Verwijderd: Uit dienst per 1 december")
    page.get_by_role("link", name="gebruikera").click()
    expect(page.get_by_text("Reden van verwijderen: Uit dienst per 1 december")).to_be_visible()
    expect(page.get_by_role("button", name="Wijzigingen opslaan")).to_have_count(0)
    assert_accessible(page)
    assert not User.objects.get(pk=user_a.pk).is_active


def test_admin_cannot_delete_own_account(page, live_server, admin_a, password, sms_outbox):
    login_to_beheer(page, live_server, admin_a, password, sms_outbox)
    open_user_list(page)
    page.get_by_role("link", name="beheerdera").click()
    expect(page.get_by_text("U kunt uw eigen account hier niet verwijderen.")).to_be_visible()
    expect(page.get_by_role("link", name="Gebruiker verwijderen")).to_have_count(0)
    assert_accessible(page)
