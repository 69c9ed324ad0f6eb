"""Browser journey: a combination application, the Wlz part first and then art. 21, signed by family without a
machtiging (the exception for a first Wlz application combined with art. 21)."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from aanvragen.models import Aanvraag
from tests.browser.test_aanvraag_wzd import (
    add_attachment,
    choose,
    fill_aanvrager_contact,
    fill_accommodatie,
    fill_client,
    verder,
)
from tests.conftest import assert_accessible, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TITLE = "Combinatie-aanvraag Wlz en Wzd artikel 21"


def test_combination_application_wlz_part_first_then_art_21(page, live_server, user_a, password, sms_outbox):
    browser_login(page, live_server, user_a.username, password, sms_outbox)
    page.get_by_role("link", name="Nieuwe aanvraag").first.click()
    assert_accessible(page)
    page.get_by_label("Combinatie-aanvraag: Wlz en Wzd-toets artikel 21 in één aanvraag").check()
    verder(page)

    expect(page.get_by_text(f"{TITLE} · Stap 1 van 7")).to_be_visible()
    expect(page.get_by_role("heading", name="Soort aanvraag")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Eerste aanvraag").check()
    verder(page)

    expect(page.get_by_role("heading", name="Cliënt", exact=True)).to_be_visible()
    assert_accessible(page)
    fill_client(page)
    verder(page)

    expect(page.get_by_role("heading", name="Aanvrager en contactpersonen")).to_be_visible()
    assert_accessible(page)
    choose(page, "Verblijft de cliënt al in een accommodatie?", "Nee")
    choose(page, "Heeft de cliënt een zorgplan waarin onvrijwillige zorg staat?", "Nee")
    choose(page, "Heeft de cliënt een wettelijk vertegenwoordiger?", "Nee")
    choose(page, "Wie doet de aanvraag?", "Echtgenoot, geregistreerd partner of levensgezel")
    fill_aanvrager_contact(page)
    verder(page)

    expect(page.get_by_role("heading", name="Zorgvraag")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Psychogeriatrische aandoening").check()
    page.get_by_label("Diagnose", exact=True).fill("Dementie van het Alzheimertype.")
    page.get_by_label("Naam behandelaar die de diagnose stelde").fill("Dr. A. de Wit")
    page.get_by_label("Functie van die behandelaar").fill("Specialist ouderengeneeskunde")
    page.get_by_label("Datum diagnose").fill("01-12-2025")
    page.get_by_label("Ziekteverloop, behandelingen en complicaties").fill("Snel achteruit.")
    page.get_by_label("Zorgwens (voorkeur cliënt)").select_option(label="Verblijf in een instelling")
    choose(
        page,
        "Machtigt de cliënt het CIZ om zo nodig medische informatie op te vragen bij een behandelaar?",
        "Nee",
    )
    verder(page)
    expect(page.get_by_text("Beschrijf de relevante stoornissen en beperkingen.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Beperkingen en psychisch en sociaal functioneren").fill("Desoriëntatie in tijd en plaats.")
    verder(page)

    expect(page.get_by_role("heading", name="Artikel 21: accommodatie en gronden")).to_be_visible()
    expect(page.get_by_text(f"{TITLE} · Stap 5 van 7")).to_be_visible()
    assert_accessible(page)
    fill_accommodatie(page)
    verder(page)

    expect(page.get_by_role("heading", name="Bijlagen")).to_be_visible()
    assert_accessible(page)
    add_attachment(page, "Diagnose van de behandelaar", "diagnose.pdf")
    page.get_by_role("link", name="Verder").click()

    expect(page.get_by_role("heading", name="Controleren en indienen")).to_be_visible()
    expect(page.get_by_text("De aanvraag is nog niet compleet")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Indienen").click()

    expect(page.get_by_role("heading", name="Aanvraag ingediend")).to_be_visible()
    assert_accessible(page)
    aanvraag = Aanvraag.objects.get()
    assert (aanvraag.soort, aanvraag.combinatie, aanvraag.aanvrager_rol) == ("wlz", True, "partner")
    assert aanvraag.reference.startswith("CMB-") and len(mail.outbox) == 1
    page.get_by_role("link", name="Bekijk de aanvraag").click()
    expect(page.get_by_text("met Wzd-toets artikel 21 (combinatie-aanvraag)")).to_be_visible()
    assert_accessible(page)
