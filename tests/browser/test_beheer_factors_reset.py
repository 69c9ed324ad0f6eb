"""A care worker lost their phone: the org admin resets their second factors on the user's page ('Inlogmethoden
herstellen'), the worker's running session ends, and the worker enrols again through the mailed link: a new
password, then a mobile number proven by an SMS code."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import AuditEvent, User
from tests.conftest import browser_login, latest_sms_code, link_in_mail
from tests.orgadmin.browser_steps import assert_accessible, login_to_beheer, open_user_list

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "Zr8$Kp3!Wm6q"


def test_org_admin_resets_a_lost_phone_and_the_user_enrols_again(
    browser, page, live_server, admin_a, user_a, password, sms_outbox, settings
):
    settings.PORTERO_BASE_URL = live_server.url  # links in mails point at the test server
    worker = browser.new_context(locale="nl-NL").new_page()  # the worker, logged in elsewhere
    browser_login(worker, live_server, user_a.username, password, sms_outbox)
    expect(worker.get_by_text("Ingelogd als Bram Jansen")).to_be_visible()

    login_to_beheer(page, live_server, admin_a, password, sms_outbox)
    open_user_list(page)
    expect(page.get_by_role("row", name="gebruikera")).to_contain_text("Sms")
    page.get_by_role("link", name="gebruikera").click()
    page.get_by_role("link", name="Inlogmethoden herstellen").click()
    expect(page.get_by_role("heading", name="Inlogmethoden herstellen")).to_be_visible()
    expect(
        page.get_by_text("Weet u zeker dat u de inlogmethoden van Bram Jansen (gebruikera) wilt herstellen?")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Nee").click()  # back, nothing reset
    expect(page.get_by_role("heading", name="Gebruiker Bram Jansen")).to_be_visible()
    assert User.objects.get(pk=user_a.pk).phonedevice_set.exists()

    page.get_by_role("link", name="Inlogmethoden herstellen").click()
    page.get_by_role("button", name="Ja, herstellen").click()
    expect(
        page.get_by_role("status").filter(has_text="De inlogmethoden van Bram Jansen zijn hersteld.")
    ).to_be_visible()
    assert_accessible(page)
    open_user_list(page)
    expect(page.get_by_role("row", name="gebruikera")).to_contain_text("Geen")
    assert AuditEvent.objects.filter(action="factors_reset", target=user_a, actor=admin_a).count() == 1

    worker.reload()  # the worker's running session is over
    expect(worker.get_by_role("button", name="Log on")).to_be_visible()

    (message,) = mail.outbox
    assert message.to == [user_a.email] and "hersteld" in message.subject
    worker.goto(link_in_mail(message.body))
    expect(worker.get_by_role("heading", name="Wachtwoord instellen")).to_be_visible()
    worker.get_by_label("Nieuw wachtwoord").fill(NEW_PASSWORD)
    worker.get_by_label("Herhaal het nieuwe wachtwoord").fill(NEW_PASSWORD)
    worker.get_by_role("button", name="Opslaan").click()
    worker.get_by_role("link", name="Naar inloggen").click()
    worker.get_by_label("Inlognaam").fill(user_a.username)
    worker.get_by_label("Wachtwoord").fill(NEW_PASSWORD)
    worker.get_by_role("button", name="Log on").click()
    expect(worker.get_by_role("heading", name="Mobiel nummer vastleggen")).to_be_visible()
    assert_accessible(worker)
    worker.get_by_role("button", name="Verder").click()
    worker.get_by_label("Mobiel nummer").fill("06 87654321")
    worker.get_by_role("button", name="Verstuur sms-code").click()
    worker.get_by_label("Code uit de sms").fill(latest_sms_code(sms_outbox))
    worker.get_by_role("button", name="Bevestigen").click()
    expect(worker.get_by_text("Uw mobiele nummer is vastgelegd.")).to_be_visible()
    assert_accessible(worker)
    assert User.objects.get(pk=user_a.pk).mobile.as_e164 == "+31687654321"


def test_the_admin_is_told_they_cannot_reset_their_own(page, live_server, admin_a, password, sms_outbox):
    login_to_beheer(page, live_server, admin_a, password, sms_outbox)
    page.goto(f"{live_server.url}/beheer/gebruiker/{admin_a.username}/inlogmethoden-herstellen/")
    expect(page.get_by_role("alert")).to_contain_text(
        "U kunt de inlogmethoden van uw eigen account niet zelf herstellen."
    )
    expect(page.get_by_role("button", name="Ja, herstellen")).to_have_count(0)
    assert_accessible(page)


def test_ciz_staff_reset_an_org_admin_in_the_admin(page, live_server, staff, admin_a, password, sms_outbox):
    browser_login(page, live_server, staff.username, password, sms_outbox, "?next=/admin/accounts/user/")
    page.locator(f"input.action-select[value='{admin_a.pk}']").check()
    page.locator("select[name=action]").select_option(label="Inlogmethoden herstellen (organisatiebeheerder)")
    page.get_by_role("button", name="Uitvoeren").click()
    expect(page.get_by_role("heading", name="Inlogmethoden herstellen")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, herstellen").click()
    expect(page.get_by_text(f"De inlogmethoden van {admin_a.username} zijn hersteld")).to_be_visible()
    assert_accessible(page)
    assert AuditEvent.objects.get(action="factors_reset", target=admin_a).actor == staff
    assert not User.objects.get(pk=admin_a.pk).phonedevice_set.exists()
