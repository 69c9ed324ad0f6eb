"""Browser journey: a Wzd-toets artikel 21-aanvraag from 'Nieuwe aanvraag' to the receipt, with the aanvrager
rules shown next to their fields, and the decision that expires listed on the aanvraag site."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from aanvragen.models import Aanvraag
from aanvragen.services.aanvraag import aanvraag_status_change
from tests.aanvragen.helpers import PDF
from tests.conftest import assert_accessible, browser_login, fill_date_of_birth

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def verder(page):
    page.get_by_role("button", name="Verder").click()


def choose(page, question, answer):
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def fill_client(page, born="1940-02-01"):
    page.get_by_label("BSN", exact=True).fill("111222333")
    page.get_by_label("Voorletters").fill("G.")
    page.get_by_label("Achternaam").fill("Smit")
    fill_date_of_birth(page, "Geboortedatum", born)
    page.get_by_label("Vrouw").check()
    page.get_by_label("Straat en huisnummer").fill("Kastanjelaan 4")
    page.get_by_label("Postcode").fill("3511 AB")
    page.get_by_label("Woonplaats").fill("Utrecht")


def fill_aanvrager_contact(page):
    page.get_by_label("Naam aanvrager").fill("J. Smit")
    page.get_by_label("Telefoonnummer aanvrager").fill("06 12345678")
    page.get_by_label("Postadres: straat en huisnummer of postbus").fill("Lindelaan 9")
    page.get_by_label("Postadres: postcode").fill("3512 CD")
    page.get_by_label("Postadres: plaats").fill("Utrecht")


def fill_accommodatie(page):
    choose(page, "Is dit een verlenging van een bestaand artikel 21-besluit?", "Nee")
    page.get_by_label("Naam van de Wzd-accommodatie").fill("De Linde")
    page.get_by_label("Locatie van de accommodatie (adres en plaats)").fill("Lindelaan 1, Utrecht")
    page.get_by_label("AGB-code van de locatie").fill("41001234")
    page.get_by_label("Gronden voor de aanvraag").fill("Kan niet meer thuis wonen; verzet zich niet.")


def add_attachment(page, soort, name="bijlage.pdf"):
    page.get_by_label("Soort bijlage").select_option(label=soort)
    page.get_by_label("Bestand").set_input_files({"name": name, "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name="Bijlage toevoegen").click()
    expect(page.get_by_role("link", name=name)).to_be_visible()


def test_wzd_artikel_21_application_from_nieuwe_aanvraag_to_the_receipt(
    page, live_server, user_a, password, sms_outbox
):
    browser_login(page, live_server, user_a.username, password, sms_outbox)
    page.get_by_role("link", name="Nieuwe aanvraag").first.click()
    expect(page.get_by_role("heading", name="Kies aanvraag")).to_be_visible()
    expect(page.get_by_text("binnenkort")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("Wzd-toets artikel 21-aanvraag").check()
    verder(page)

    expect(page.get_by_role("heading", name="Cliënt", exact=True)).to_be_visible()
    expect(page.get_by_text("Wzd-toets artikel 21-aanvraag · Stap 1 van 5")).to_be_visible()
    assert_accessible(page)
    fill_client(page, born=(date.today() - timedelta(days=365 * 11)).isoformat())
    verder(page)
    expect(page.get_by_text("12 jaar of ouder zijn voor een artikel 21-aanvraag")).to_be_visible()
    assert_accessible(page)
    fill_date_of_birth(page, "Geboortedatum", "1940-02-01")
    verder(page)

    expect(page.get_by_role("heading", name="Aanvrager")).to_be_visible()
    expect(page.get_by_label("De cliënt zelf")).to_have_count(0)
    assert_accessible(page)
    choose(page, "Verblijft de cliënt al in een accommodatie?", "Nee")
    choose(page, "Heeft de cliënt een zorgplan waarin onvrijwillige zorg staat?", "Nee")
    choose(page, "Heeft de cliënt een wettelijk vertegenwoordiger?", "Nee")
    choose(page, "Wie doet de aanvraag?", "De zorgaanbieder (uw organisatie)")
    fill_aanvrager_contact(page)
    verder(page)
    expect(
        page.get_by_text("De zorgaanbieder mag de aanvraag alleen doen als de cliënt al in een accommodatie verblijft.")
    ).to_be_visible()
    assert_accessible(page)
    choose(page, "Wie doet de aanvraag?", "Meerderjarig familielid tot en met de tweede graad")
    verder(page)

    expect(page.get_by_role("heading", name="Accommodatie en gronden")).to_be_visible()
    assert_accessible(page)
    fill_accommodatie(page)
    page.get_by_label("AGB-code van de locatie").fill("4100")
    page.get_by_label("Diagnose", exact=True).fill("Dementie van het Alzheimertype.")
    page.get_by_label("Relevante stoornissen en beperkingen").fill("Desoriëntatie in tijd en plaats.")
    verder(page)
    expect(page.get_by_text("Een AGB-code bestaat uit precies 8 cijfers.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("AGB-code van de locatie").fill("41001234")
    verder(page)

    expect(page.get_by_role("heading", name="Bijlagen")).to_be_visible()
    assert_accessible(page)
    add_attachment(page, "Diagnose van de behandelaar", "diagnose.pdf")
    assert_accessible(page)
    # A family member applies: proof of representation (or a machtiging) goes with it.
    add_attachment(page, "Bewijs van vertegenwoordiging (uitspraak rechter, volmacht of levenstestament)", "bewijs.pdf")
    page.get_by_role("link", name="Verder").click()

    expect(page.get_by_role("heading", name="Controleren en indienen")).to_be_visible()
    expect(page.get_by_text("De aanvraag is nog niet compleet")).to_have_count(0)
    expect(page.get_by_text("De Linde", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Indienen").click()

    expect(page.get_by_role("heading", name="Aanvraag ingediend")).to_be_visible()
    assert_accessible(page)
    aanvraag = Aanvraag.objects.get()
    assert (aanvraag.soort, aanvraag.status, aanvraag.aanvrager_rol) == ("wzd21", "ingediend", "familielid")
    assert aanvraag.reference.startswith("WZD-") and aanvraag.deadline == timezone.localdate(
        aanvraag.submitted_at
    ) + timedelta(weeks=6)
    assert len(mail.outbox) == 1 and aanvraag.reference in mail.outbox[0].subject


def test_a_decision_that_expires_soon_is_listed(page, live_server, user_a, staff, password, sms_outbox):
    from tests.aanvragen.helpers import decided_wzd

    besluit = decided_wzd(user_a, staff, date.today() + timedelta(weeks=8))
    browser_login(page, live_server, user_a.username, password, sms_outbox)
    page.get_by_role("link", name="Artikel 21-besluiten die binnenkort verlopen").click()
    expect(page.get_by_role("heading", name="Artikel 21-besluiten die binnenkort verlopen")).to_be_visible()
    expect(page.get_by_role("link", name=besluit.reference)).to_be_visible()
    expect(page.get_by_role("cell", name="nog niet ingediend")).to_be_visible()
    assert_accessible(page)


def test_ciz_staff_record_the_wzd_verklaring_in_the_admin(page, live_server, user_a, staff, password, sms_outbox):
    from tests.aanvragen.helpers import submitted_wzd

    aanvraag = submitted_wzd(user_a)
    aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status="in_behandeling")
    browser_login(page, live_server, staff.username, password, sms_outbox)
    page.goto(f"{live_server.url}/admin/aanvragen/aanvraag/{aanvraag.pk}/change/")
    page.get_by_role("link", name="Status wijzigen").click()
    assert_accessible(page)
    page.get_by_label("Nieuwe status").select_option(label="Besluit genomen")
    page.get_by_label("Wzd-verklaring (COD127)").select_option(
        label="1 — Opname en verblijf op grond van artikel 21 is aangewezen"
    )
    page.get_by_label("Artikel 21-besluit geldig tot en met").fill((date.today() + timedelta(days=6 * 366)).isoformat())
    page.get_by_role("button", name="Status wijzigen").click()
    expect(page.get_by_text("Een artikel 21-besluit geldt hoogstens 5 jaar.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Artikel 21-besluit geldig tot en met").fill((date.today() + timedelta(days=4 * 365)).isoformat())
    page.get_by_role("button", name="Status wijzigen").click()
    expect(page.get_by_text("De status is gewijzigd.")).to_be_visible()
    aanvraag.refresh_from_db()
    assert (aanvraag.status, aanvraag.wzd_verklaring, aanvraag.besluit) == ("besluit_genomen", "1", "toegekend")
