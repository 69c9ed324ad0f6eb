"""Browser journey: Partnerverblijf for a Volledig organisation, with the relation rules, the client's indication
checked under the 'Indicatie raadplegen' consent, and the partner's signed form."""

from datetime import date

import pytest
from django.core import mail
from playwright.sync_api import expect

from aanvragen.demo import seed_demo_clients
from aanvragen.models import Aanvraag, AccessLogEntry
from tests.browser.test_aanvraag_lookup import declare
from tests.browser.test_aanvraag_wzd import add_attachment, choose, verder
from tests.conftest import assert_accessible, browser_login, fill_date_of_birth
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def user_b(org_b):
    type(org_b).objects.filter(pk=org_b.pk).update(contract_start=date(2020, 1, 1))
    return UserFactory(organisation=org_b, username="gebruikerb")


def test_partnerverblijf_from_nieuwe_aanvraag_to_the_receipt(page, live_server, user_b, password, sms_outbox):
    seed_demo_clients()
    browser_login(page, live_server, user_b.username, password, sms_outbox)
    page.get_by_role("link", name="Nieuwe aanvraag").first.click()
    assert_accessible(page)
    page.get_by_label("Partnerverblijf").check()
    verder(page)

    expect(page.get_by_role("heading", name="Partner", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("BSN partner").fill("123456782")
    page.get_by_label("Voorletters partner").fill("H.")
    page.get_by_label("Achternaam partner").fill("Smit")
    fill_date_of_birth(page, "Geboortedatum partner", "1939-05-05")
    page.get_by_label("Straat en huisnummer partner").fill("Kastanjelaan 4")
    page.get_by_label("Postcode partner").fill("3511 AB")
    page.get_by_label("Woonplaats partner").fill("Utrecht")
    choose(page, "Relatie van de partner tot de cliënt", "Gedeelde huishouding (ongehuwd samenwonend)")
    verder(page)
    expect(page.get_by_text("Bij een gedeelde huishouding verklaart u dat beiden meerderjarig")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Ik verklaar dat de partner en de cliënt allebei meerderjarig en ongehuwd zijn").check()
    verder(page)

    expect(page.get_by_role("heading", name="Cliënt", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("BSN van de cliënt").fill("100023757")
    verder(page)
    expect(page.get_by_text("toestemming 'Indicatie raadplegen' nodig. Leg die eerst vast.")).to_be_visible()
    assert_accessible(page)
    declare(page, "Toestemming vastleggen voor indicatie raadplegen")

    expect(page.get_by_role("heading", name="Cliënt", exact=True)).to_be_visible()
    assert_accessible(page)
    # Nothing of the step was stored before the consent, but the BSN typed before is shown again.
    expect(page.get_by_label("BSN van de cliënt")).to_have_value("100023757")
    verder(page)

    expect(page.get_by_role("heading", name="Instelling en ingangsdatum")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Naam van de instelling waar de cliënt verblijft").fill("De Linde")
    page.get_by_label("Locatie (adres en plaats)").fill("Lindelaan 1, Utrecht")
    page.get_by_label("AGB-code van de locatie").fill("41001234")
    page.get_by_label("Ingangsdatum partnerverblijf").fill("01-12-2026")
    verder(page)

    expect(page.get_by_role("heading", name="Bijlagen")).to_be_visible()
    expect(page.get_by_text("Voeg het formulier toe dat de partner heeft ondertekend.")).to_be_visible()
    assert_accessible(page)
    add_attachment(page, "Door de partner ondertekend formulier", "partner.pdf")
    page.get_by_role("link", name="Verder").click()

    expect(page.get_by_role("heading", name="Controleren en indienen")).to_be_visible()
    expect(page.get_by_text("De aanvraag is nog niet compleet")).to_have_count(0)
    expect(page.get_by_text("5VV beschermd wonen, intensieve dementiezorg")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Indienen").click()

    expect(page.get_by_role("heading", name="Aanvraag ingediend")).to_be_visible()
    assert_accessible(page)
    aanvraag = Aanvraag.objects.get()
    assert (aanvraag.soort, aanvraag.status, aanvraag.partner_relatie, aanvraag.partner_verklaring) == (
        "partnerverblijf",
        "ingediend",
        "gedeelde_huishouding",
        True,
    )
    assert aanvraag.reference.startswith("PV-") and len(mail.outbox) == 1
    assert AccessLogEntry.objects.filter(action="indicatie_raadplegen", client_bsn="100023757").exists()
