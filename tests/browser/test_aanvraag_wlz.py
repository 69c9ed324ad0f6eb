"""Browser journeys: a complete Wlz application from 'Nieuwe aanvraag' to the receipt mail, resuming a concept,
the list and detail, and a CIZ status change that the organisation sees."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from aanvragen.models import Aanvraag
from tests.aanvragen.helpers import PDF, submitted_aanvraag
from tests.conftest import assert_accessible, browser_login, fill_date_of_birth

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def verder(page):
    page.get_by_role("button", name="Verder").click()


def test_complete_wlz_application_from_nieuwe_aanvraag_to_the_receipt_mail(
    page, live_server, user_a, password, sms_outbox
):
    browser_login(page, live_server, user_a.username, password, sms_outbox)
    page.get_by_role("link", name="Nieuwe aanvraag").first.click()
    expect(page.get_by_role("heading", name="Kies aanvraag")).to_be_visible()
    expect(page.get_by_text("Bij bijzondere omstandigheden beslist het CIZ binnen 2 weken")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reguliere Wlz-aanvraag").check()
    verder(page)

    expect(page.get_by_role("heading", name="Soort aanvraag")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Eerste aanvraag").check()
    page.get_by_label("Aanvraag onder bijzondere omstandigheden").check()
    verder(page)
    expect(page.get_by_text("Licht toe welke bijzondere omstandigheden er zijn.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Toelichting bijzondere omstandigheden").fill("De mantelzorger is plotseling opgenomen.")
    verder(page)

    expect(page.get_by_role("heading", name="Cliënt", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("BSN", exact=True).fill("11122233")  # 8 digits: not the 11-proef once padded
    page.get_by_label("Voorletters").fill("G.")
    page.get_by_label("Achternaam").fill("Smit")
    fill_date_of_birth(page, "Geboortedatum", "1940-02-01")
    page.get_by_label("Vrouw").check()
    page.get_by_label("Straat en huisnummer").fill("Kastanjelaan 4")
    page.get_by_label("Postcode").fill("3511ab")
    page.get_by_label("Woonplaats").fill("Utrecht")
    verder(page)
    expect(page.get_by_text("Vul een geldig BSN in: 9 cijfers die voldoen aan de elfproef.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("BSN", exact=True).fill("111222333")
    verder(page)

    expect(page.get_by_role("heading", name="Aanvrager en contactpersonen")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("group", name="Heeft de cliënt een wettelijk vertegenwoordiger?").get_by_label("Nee").check()
    page.get_by_label("De cliënt zelf").check()
    page.get_by_label("Naam aanvrager").fill("G. Smit")
    page.get_by_label("Telefoonnummer aanvrager").fill("030 123 4567")
    page.get_by_label("Postadres: straat en huisnummer of postbus").fill("Kastanjelaan 4")
    page.get_by_label("Postadres: postcode").fill("3511 AB")
    page.get_by_label("Postadres: plaats").fill("Utrecht")
    page.get_by_label("Naam contactpersoon (niet verplicht)", exact=True).fill("J. Smit")
    page.get_by_label("Relatie tot de cliënt (niet verplicht)", exact=True).select_option(label="Zoon of dochter")
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
    page.get_by_label("Ja", exact=True).check()
    verder(page)
    expect(page.get_by_text("Vul de naam van de behandelaar in: de cliënt geeft een machtiging.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Naam behandelaar (niet verplicht)", exact=True).fill("Dr. A. de Wit")
    page.get_by_label("Functie behandelaar (niet verplicht)", exact=True).fill("Specialist ouderengeneeskunde")
    verder(page)

    expect(page.get_by_role("heading", name="Bijlagen")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Soort bijlage").select_option(label="Diagnose van de behandelaar")
    page.get_by_label("Bestand").set_input_files(
        {"name": "brief.pdf", "mimeType": "application/pdf", "buffer": b"not really a pdf"}
    )
    page.get_by_role("button", name="Bijlage toevoegen").click()
    expect(page.get_by_text("Voeg een PDF-, PNG- of JPEG-bestand toe.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Soort bijlage").select_option(label="Diagnose van de behandelaar")
    page.get_by_label("Bestand").set_input_files({"name": "diagnose.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name="Bijlage toevoegen").click()
    expect(page.get_by_role("link", name="diagnose.pdf")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Verder").click()

    expect(page.get_by_role("heading", name="Controleren en indienen")).to_be_visible()
    expect(page.get_by_text("De aanvraag is nog niet compleet")).to_have_count(0)
    expect(page.get_by_text("Dementie van het Alzheimertype.")).to_be_visible()
    assert_accessible(page)
    second_tab = page.context.new_page()
    second_tab.goto(page.url)
    page.get_by_role("button", name="Indienen").click()

    expect(page.get_by_role("heading", name="Aanvraag ingediend")).to_be_visible()
    assert_accessible(page)
    aanvraag = Aanvraag.objects.get()
    assert aanvraag.status == "ingediend" and aanvraag.urgent
    expect(page.get_by_text(f"Het kenmerk is {aanvraag.reference}.")).to_be_visible()
    assert len(mail.outbox) == 1
    assert aanvraag.reference in mail.outbox[0].body and "111222333" not in mail.outbox[0].body

    second_tab.get_by_role("button", name="Indienen").click()  # the same concept, submitted in another tab
    expect(second_tab.get_by_role("heading", name="Aanvraag ingediend")).to_be_visible()
    expect(second_tab.get_by_text(f"Het kenmerk is {aanvraag.reference}.")).to_be_visible()
    assert Aanvraag.objects.count() == 1 and len(mail.outbox) == 1


def test_concept_is_saved_and_resumed_from_the_list(page, live_server, user_a, password, sms_outbox):
    browser_login(page, live_server, user_a.username, password, sms_outbox)
    page.get_by_role("link", name="Nieuwe aanvraag").first.click()
    page.get_by_label("Reguliere Wlz-aanvraag").check()
    verder(page)
    page.get_by_label("Herindicatie (de zorgvraag is veranderd)").check()
    page.get_by_role("button", name="Opslaan als concept").click()

    expect(page.get_by_text("Het concept is opgeslagen.")).to_be_visible()
    expect(page.get_by_role("heading", name="Aanvragen")).to_be_visible()
    assert_accessible(page)
    aanvraag = Aanvraag.objects.get()
    page.get_by_role("link", name=f"Concept {aanvraag.pk}").click()
    expect(
        page.get_by_role("cell", name="Concept", exact=True).or_(page.get_by_text("Concept", exact=True))
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Verder met concept").click()
    expect(page.get_by_label("Herindicatie (de zorgvraag is veranderd)")).to_be_checked()
    assert_accessible(page)


def test_list_detail_and_a_ciz_status_change_seen_by_the_organisation(
    page, browser, live_server, user_a, staff, password, sms_outbox
):
    first = submitted_aanvraag(user_a)
    second = submitted_aanvraag(user_a, client_bsn="123456782")

    staff_page = browser.new_page(locale="nl-NL")
    browser_login(staff_page, live_server, staff.username, password, sms_outbox)
    staff_page.goto(f"{live_server.url}/admin/aanvragen/aanvraag/{first.pk}/change/")
    staff_page.get_by_role("link", name="Status wijzigen").click()
    assert_accessible(staff_page)
    staff_page.get_by_label("Nieuwe status").select_option(label="Onvolledig (termijn opgeschort)")
    staff_page.get_by_label("Toelichting").fill("Het ondertekende formulier ontbreekt.")
    staff_page.get_by_role("button", name="Status wijzigen").click()
    expect(staff_page.get_by_text("De status is gewijzigd.")).to_be_visible()
    staff_page.close()

    browser_login(page, live_server, user_a.username, password, sms_outbox)
    page.get_by_role("link", name="Aanvragen", exact=True).first.click()
    expect(page.get_by_role("link", name=first.reference)).to_be_visible()
    expect(page.get_by_role("link", name=second.reference)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Status").select_option(label="Onvolledig (termijn opgeschort)")
    page.get_by_role("button", name="Zoek").click()
    expect(page.get_by_role("link", name=first.reference)).to_be_visible()
    expect(page.get_by_role("link", name=second.reference)).to_have_count(0)
    assert_accessible(page)

    # The filter is POSTed: the BSN is kept in the session and never shows in the address bar.
    page.get_by_role("button", name="Wis Filter").click()
    page.get_by_label("Kenmerk of BSN").fill("123456782")
    page.get_by_role("button", name="Zoek").click()
    expect(page.get_by_role("link", name=second.reference)).to_be_visible()
    expect(page.get_by_role("link", name=first.reference)).to_have_count(0)
    expect(page.get_by_text("Gefilterd op BSN ******782.")).to_be_visible()
    assert "123456782" not in page.url
    assert_accessible(page)

    page.get_by_role("button", name="Wis Filter").click()
    expect(page.get_by_role("link", name=first.reference)).to_be_visible()
    page.get_by_role("link", name=first.reference).click()
    expect(page.get_by_role("heading", name=f"Aanvraag {first.reference}")).to_be_visible()
    expect(page.get_by_role("cell", name="Het ondertekende formulier ontbreekt.")).to_be_visible()
    expect(page.get_by_text("de termijn is opgeschort sinds")).to_be_visible()
    assert_accessible(page)
