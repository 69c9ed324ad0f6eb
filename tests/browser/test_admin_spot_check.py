"""Browser journey in the CIZ admin: draw a spot check of consents, record the findings, suspend the organisation
for misuse; its organisatiebeheerder can then no longer log in."""

import pytest
from playwright.sync_api import expect

from aanvragen.models import SpotCheck
from tests.aanvragen.test_spot_checks import at, declare
from tests.conftest import assert_accessible, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_spot_check_from_sample_to_suspension(page, live_server, staff, org_a, admin_a, user_a, password, sms_outbox):
    declare(user_a, at("2026-03-10"), 3)
    browser_login(page, live_server, staff.username, password, sms_outbox, "?next=/admin/aanvragen/spotcheck/add/")
    expect(page.get_by_role("heading", name="Steekproef toestemmingen trekken")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Organisatie").select_option(label=org_a.name)
    page.get_by_label("Toestemmingen vastgelegd vanaf").fill("2026-03-01")
    page.get_by_label("Toestemmingen vastgelegd tot en met").fill("2026-03-31")
    page.get_by_label("Aantal te trekken toestemmingen").fill("4")
    page.get_by_role("button", name="Steekproef trekken").click()
    expect(
        page.get_by_text("In deze periode zijn 3 toestemmingen vastgelegd; trek er niet meer dan dat.")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Aantal te trekken toestemmingen").fill("2")
    page.get_by_role("button", name="Steekproef trekken").click()
    expect(page.get_by_text("De steekproef is getrokken")).to_be_visible()
    assert_accessible(page)

    page.locator("#items-0").get_by_label("In orde", exact=True).check()
    page.locator("#items-1").get_by_label("Niet in orde", exact=True).check()
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Licht toe wat er niet in orde is.")).to_be_visible()
    assert_accessible(page)

    page.locator("#items-1").get_by_label("Opmerking").fill("Formulier niet ondertekend.")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    spot_check = SpotCheck.objects.get()
    assert spot_check.closed_at is not None
    assert sorted(spot_check.items.values_list("outcome", flat=True)) == ["in_orde", "niet_in_orde"]

    page.goto(f"{live_server.url}/admin/aanvragen/spotcheck/{spot_check.pk}/change/")
    expect(page.get_by_text("1 afgesloten steekproef/steekproeven met 'niet in orde'")).to_be_visible()
    page.goto(f"{live_server.url}/admin/aanvragen/spotcheck/")
    assert_accessible(page)
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option(label="Organisatie opschorten")
    page.get_by_role("button", name="Uitvoeren").click()
    expect(page.get_by_role("heading", name="Sanctie vastleggen")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Soort").select_option(label="Misbruik")
    page.get_by_label("Toelichting").fill("Cliëntgegevens gebruikt voor werving.")
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_text("Het besluit is vastgelegd.")).to_be_visible()
    assert_accessible(page)
    org_a.refresh_from_db()
    assert org_a.is_suspended

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_label("Inlognaam").fill(admin_a.username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Log on").click()
    expect(page.get_by_text("De toegang van uw organisatie tot Portero is door het CIZ opgeschort.")).to_be_visible()
    assert_accessible(page)
