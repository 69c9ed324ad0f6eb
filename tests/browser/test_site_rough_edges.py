"""Browser tests of the rough edges on the two sites: resuming a concept where it stopped, the BSN kept across a
consent, dates of birth as dag/maand/jaar, 'Kies …' in choice lists, the review page's widths, tables at 390 px and
the 403 page with the person's own menu."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aanvragen.demo import seed_demo_clients
from aanvragen.services.aanvraag import aanvraag_concept_save, aanvraag_create, bijlage_add
from tests.aanvragen.helpers import COMPLETE_VALUES, pdf_upload, submitted_aanvraag
from tests.conftest import assert_accessible, browser_login
from tests.factories import UserFactory
from tests.orgadmin.browser_steps import login_to_beheer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
STEP_1_AND_2 = ("wlz_type", "client_bsn", "client_initials", "client_last_name", "client_date_of_birth", "client_sex")


def concept(user, names=()):
    aanvraag = aanvraag_create(user=user, soort="wlz")
    values = {name: COMPLETE_VALUES[name] for name in names}
    values |= {name: COMPLETE_VALUES[name] for name in ("client_street", "client_postcode", "client_city") if names}
    return aanvraag_concept_save(aanvraag=aanvraag, values=values)


def assert_no_page_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px wide at {PHONE['width']}px"


# --- 'Verder met concept' ---------------------------------------------------------------------------------


def test_verder_met_concept_opens_the_first_step_that_is_not_complete(page, live_server, user_a, password, sms_outbox):
    aanvraag = concept(user_a, STEP_1_AND_2)  # 'Soort aanvraag' and 'Cliënt' complete, 'Aanvrager' not
    browser_login(page, live_server, user_a.username, password, sms_outbox)
    page.goto(f"{live_server.url}/aanvragen/{aanvraag.pk}/")
    page.get_by_role("link", name="Verder met concept").click()
    expect(page.get_by_role("heading", name="Aanvrager en contactpersonen")).to_be_visible()
    expect(page.get_by_text("Stap 3 van 6")).to_be_visible()
    assert_accessible(page)


def test_verder_met_concept_opens_controleren_when_nothing_is_missing(page, live_server, user_a, password, sms_outbox):
    aanvraag = concept(user_a, COMPLETE_VALUES)
    bijlage_add(aanvraag=aanvraag, user=user_a, soort="diagnose", upload=pdf_upload())
    browser_login(page, live_server, user_a.username, password, sms_outbox)
    page.goto(f"{live_server.url}/aanvragen/{aanvraag.pk}/")
    page.get_by_role("link", name="Verder met concept").click()
    expect(page.get_by_role("heading", name="Controleren en indienen")).to_be_visible()


# --- The BSN kept across a consent ------------------------------------------------------------------------


def test_the_bsn_typed_on_a_step_is_kept_after_recording_a_consent(page, live_server, user_a, password, sms_outbox):
    seed_demo_clients()
    aanvraag = concept(user_a, ("wlz_type",))
    browser_login(page, live_server, user_a.username, password, sms_outbox)
    page.goto(f"{live_server.url}/aanvragen/{aanvraag.pk}/stap/client/")
    page.get_by_label("BSN", exact=True).fill("100023757")
    page.get_by_role("button", name="Gegevens overnemen uit het CIZ-register").click()
    expect(page.get_by_role("heading", name="Toestemming: Indicatiegegevens overnemen")).to_be_visible()
    page.get_by_label("Ik verklaar").check()
    page.get_by_label("Cliënt", exact=True).check()
    page.get_by_label("Datum van ondertekening").fill(timezone.localdate().strftime("%d-%m-%Y"))
    page.get_by_label("Kenmerk in uw eigen archief").fill("TOE-1")
    page.get_by_role("button", name="Toestemming vastleggen").click()

    expect(page.get_by_role("heading", name="Cliënt", exact=True)).to_be_visible()
    expect(page.get_by_label("BSN", exact=True)).to_have_value("100023757")
    page.get_by_role("button", name="Gegevens overnemen uit het CIZ-register").click()
    expect(page.get_by_text("De gegevens van de cliënt zijn overgenomen uit het CIZ-register.")).to_be_visible()
    # Another application's step does not get this BSN.
    other = concept(user_a, ("wlz_type",))
    page.goto(f"{live_server.url}/aanvragen/{other.pk}/stap/client/")
    expect(page.get_by_label("BSN", exact=True)).to_have_value("")


# --- Dates ------------------------------------------------------------------------------------------------


def test_date_of_birth_is_three_fields_with_one_dutch_message(page, live_server, user_a, password, sms_outbox):
    aanvraag = concept(user_a, ("wlz_type",))
    browser_login(page, live_server, user_a.username, password, sms_outbox)
    page.goto(f"{live_server.url}/aanvragen/{aanvraag.pk}/stap/client/")
    group = page.get_by_role("group", name="Geboortedatum")
    expect(group.get_by_text("Bijvoorbeeld 15 3 1940")).to_be_visible()
    for label in ("Dag", "Maand", "Jaar"):
        box = group.get_by_label(label, exact=True)
        expect(box).to_have_attribute("inputmode", "numeric")
        # The client's date of birth, not the user's own: the browser must not fill in the user's birthday.
        expect(box).to_have_attribute("autocomplete", "off")
    assert page.locator("input[type=date]").count() == 0
    assert_accessible(page)

    page.get_by_label("BSN", exact=True).fill("111222333")
    page.get_by_label("Voorletters").fill("G.")
    page.get_by_label("Achternaam").fill("Smit")
    page.get_by_label("Vrouw").check()
    for dag, maand, jaar, message in (
        ("31", "2", "2020", "Deze datum bestaat niet. Controleer de dag, de maand en het jaar."),
        ("1", "1", str(timezone.localdate().year + 1), "Deze datum mag niet in de toekomst liggen."),
    ):
        group.get_by_label("Dag", exact=True).fill(dag)
        group.get_by_label("Maand", exact=True).fill(maand)
        group.get_by_label("Jaar", exact=True).fill(jaar)
        page.get_by_role("button", name="Opslaan als concept").click()
        group = page.get_by_role("group", name="Geboortedatum")
        expect(group.locator(".error")).to_have_text([f"Fout: {message}"])
        expect(group.get_by_label("Dag", exact=True)).to_have_value(dag)  # what was typed stays
        assert_accessible(page)
        aanvraag.refresh_from_db()
        assert aanvraag.client_date_of_birth is None  # stored nothing

    group.get_by_label("Dag", exact=True).fill("1")
    group.get_by_label("Maand", exact=True).fill("2")
    group.get_by_label("Jaar", exact=True).fill("1940")
    page.get_by_role("button", name="Opslaan als concept").click()
    expect(page.get_by_text("Het concept is opgeslagen.")).to_be_visible()
    aanvraag.refresh_from_db()
    assert aanvraag.client_date_of_birth.isoformat() == "1940-02-01"
    page.goto(f"{live_server.url}/aanvragen/{aanvraag.pk}/stap/client/")
    group = page.get_by_role("group", name="Geboortedatum")
    expect(group.get_by_label("Jaar", exact=True)).to_have_value("1940")


def test_other_dates_take_dd_mm_jjjj_with_a_dutch_hint(page, live_server, user_a, password, sms_outbox):
    aanvraag = concept(user_a, STEP_1_AND_2)
    browser_login(page, live_server, user_a.username, password, sms_outbox)
    page.goto(f"{live_server.url}/aanvragen/{aanvraag.pk}/stap/zorgvraag/")
    datum = page.get_by_label("Datum diagnose")
    expect(datum).to_have_attribute("type", "text")
    expect(page.get_by_text("dd-mm-jjjj, bijvoorbeeld 15-03-2025")).to_have_count(2)  # diagnose and opname
    datum.fill("01-12-2025")
    page.get_by_role("button", name="Opslaan als concept").click()
    expect(page.get_by_text("Het concept is opgeslagen.")).to_be_visible()
    aanvraag.refresh_from_db()
    assert aanvraag.diagnose_datum.isoformat() == "2025-12-01"
    page.goto(f"{live_server.url}/aanvragen/{aanvraag.pk}/stap/zorgvraag/")
    expect(page.get_by_label("Datum diagnose")).to_have_value("01-12-2025")
    page.get_by_label("Datum diagnose").fill("31-02-2025")
    page.get_by_role("button", name="Opslaan als concept").click()
    expect(page.get_by_text("Vul een datum in als dd-mm-jjjj, bijvoorbeeld 15-03-2025.")).to_be_visible()
    assert_accessible(page)


# --- 'Kies …' ---------------------------------------------------------------------------------------------


def test_choice_lists_start_with_kies(page, live_server, user_a, password, sms_outbox):
    aanvraag = concept(user_a, STEP_1_AND_2)
    browser_login(page, live_server, user_a.username, password, sms_outbox)
    for step, select in (
        ("aanvraag", "Huidig zorgprofiel (niet verplicht)"),
        ("aanvrager", "Relatie tot de cliënt (niet verplicht)"),
        ("zorgvraag", "Zorgwens (voorkeur cliënt)"),
    ):
        page.goto(f"{live_server.url}/aanvragen/{aanvraag.pk}/stap/{step}/")
        expect(page.get_by_label(select).first.locator("option").first).to_have_text("Kies …")
        assert page.locator("option", has_text="---------").count() == 0, step


# --- The review page --------------------------------------------------------------------------------------


def test_review_zorgvraag_gives_labels_and_answers_each_a_sensible_width(
    page, live_server, user_a, password, sms_outbox
):
    aanvraag = concept(user_a, COMPLETE_VALUES)
    browser_login(page, live_server, user_a.username, password, sms_outbox)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/aanvragen/{aanvraag.pk}/controleren/")
    block = page.get_by_role("region", name="Zorgvraag").locator("dl")
    total = block.bounding_box()["width"]
    labels = [box["width"] for box in (dt.bounding_box() for dt in block.locator("dt").all())]
    answers = [box["width"] for box in (dd.bounding_box() for dd in block.locator("dd").all())]
    assert max(labels) <= 0.4 * total, (max(labels), total)
    assert min(answers) >= 0.5 * total, (min(answers), total)
    assert_accessible(page)


# --- Tables at 390 px -------------------------------------------------------------------------------------


def test_aanvragen_list_works_at_390_px(page, live_server, user_a, password, sms_outbox):
    for number in range(8):
        submitted_aanvraag(user_a, urgent=True, urgent_reason="Spoed", client_last_name=f"Verylonglastname{number}")
    concept(user_a, ("wlz_type",))
    browser_login(page, live_server, user_a.username, password, sms_outbox)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/aanvragen/")
    expect(page.get_by_role("heading", name="Aanvragen", exact=True)).to_be_visible()
    expect(page.get_by_role("table")).to_be_visible()
    assert_no_page_scroll(page)
    region = page.get_by_role("region", name="Aanvragen van uw organisatie")
    expect(region.get_by_role("table")).to_be_visible()
    expect(region).to_have_attribute("tabindex", "0")
    assert_accessible(page)


def test_beheer_user_list_works_at_390_px(page, live_server, admin_a, password, sms_outbox, org_a):
    for number in range(12):
        UserFactory(
            organisation=org_a,
            username=f"medewerker-met-een-lange-inlognaam-{number}",
            first_name="Maximiliaan-Alexander",
            name_prefix="van der",
            last_name=f"Oudshoorn-Verschuerenbergh{number}",
            deactivated_at=timezone.now() - timedelta(days=number) if number % 3 == 0 else None,
        )
    login_to_beheer(page, live_server, admin_a, password, sms_outbox)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/beheer/gebruikers/")
    expect(page.get_by_role("table")).to_be_visible()
    assert_no_page_scroll(page)
    region = page.get_by_role("region", name="Gebruikers van uw organisatie")
    expect(region.get_by_role("table")).to_be_visible()
    expect(region).to_have_attribute("tabindex", "0")
    assert_accessible(page)


# --- The 403 page -----------------------------------------------------------------------------------------


def test_the_403_page_keeps_the_aanvraag_menu_for_a_user_on_a_beheer_url(
    page, live_server, user_a, password, sms_outbox
):
    browser_login(page, live_server, user_a.username, password, sms_outbox)
    response = page.goto(f"{live_server.url}/beheer/gebruikers/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Geen toegang")).to_be_visible()
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    for link in ("Start", "Cliënt zoeken", "Nieuwe aanvraag", "Aanvragen"):
        expect(nav.get_by_role("link", name=link, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Gebruikersbeheer")).to_have_count(0)
    assert_accessible(page)
