"""Browser journey: 'Cliënt zoeken' by BSN, with each of the three consents declared separately."""

import pytest
from playwright.sync_api import expect

from aanvragen.demo import seed_demo_clients
from aanvragen.models import AccessLogEntry, ClientConsent
from tests.conftest import assert_accessible, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def declare(page, button_name, given_by="Cliënt", reference="TOE-1"):
    page.get_by_role("link", name=button_name).click()
    assert_accessible(page)
    page.get_by_label("Ik verklaar").check()
    page.get_by_label(given_by, exact=True).check()
    page.get_by_label("Datum van ondertekening").fill("05-01-2026")
    page.get_by_label("Kenmerk in uw eigen archief").fill(reference)
    page.get_by_role("button", name="Toestemming vastleggen").click()


def test_lookup_by_bsn_with_each_consent(page, live_server, user_a, password, sms_outbox):
    seed_demo_clients()
    browser_login(page, live_server, user_a.username, password, sms_outbox)
    assert_accessible(page)
    page.get_by_role("link", name="Cliënt zoeken").first.click()
    expect(page.get_by_role("heading", name="Cliënt zoeken")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("BSN").fill("123456789")
    page.get_by_role("button", name="Zoek").click()
    expect(page.get_by_text("Vul een geldig BSN in: 9 cijfers die voldoen aan de elfproef.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("BSN").fill("100023757")
    page.get_by_role("button", name="Zoek").click()
    expect(page.get_by_role("heading", name="Gegevens van de cliënt")).to_be_visible()
    expect(page.get_by_text("Kastanjelaan")).to_have_count(0)
    assert_accessible(page)

    declare(page, "Toestemming vastleggen voor NAW-gegevens inzien")
    expect(page.get_by_text("G. Smit")).to_be_visible()
    expect(page.get_by_text("5VV beschermd wonen")).to_have_count(0)
    assert_accessible(page)

    declare(page, "Toestemming vastleggen voor indicatie raadplegen", given_by="Wettelijk vertegenwoordiger")
    expect(page.get_by_role("cell", name="5VV beschermd wonen, intensieve dementiezorg")).to_be_visible()
    assert_accessible(page)

    declare(page, "Toestemming vastleggen voor indicatiegegevens overnemen", given_by="Gemachtigde")
    expect(page.get_by_text("U heeft toestemming om de gegevens van deze cliënt over te nemen")).to_be_visible()
    assert_accessible(page)

    assert set(ClientConsent.objects.values_list("kind", flat=True)) == {
        "naw_inzien",
        "indicatie_raadplegen",
        "indicatiegegevens_overnemen",
    }
    actions = list(AccessLogEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[0] == "zoeken"
    assert actions.count("naw_inzien") == 3  # shown after each of the three declarations
    assert actions.count("indicatie_raadplegen") == 2
