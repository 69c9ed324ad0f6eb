"""WCAG 2.1 AA, keyboard only (2.1.1, 2.1.2, 2.4.1, 2.4.3, 2.4.7): login, 'Nieuwe gebruiker toevoegen' and a
complete regular Wlz application, driven with page.keyboard alone. The page is never clicked or filled; the test
only reads state. Every Tab stop must show a visible focus indicator, and each new page starts with the skip link."""

import re
from datetime import date

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from aanvragen.models import Aanvraag
from accounts.models import User
from tests.aanvragen.helpers import PDF
from tests.conftest import assert_accessible, latest_sms_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The focused element as a keyboard user meets it: its accessible name (aria-label, aria-labelledby, <label>,
# the value of an input button, else its text), the legend of its group, and whether the focus can be seen.
FOCUSED_JS = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const text = (s) => (s || '').replace(/\s+/g, ' ').trim();
  let name = el.getAttribute('aria-label');
  const labelledby = el.getAttribute('aria-labelledby');
  if (!name && labelledby) {
    name = labelledby.split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join(' ');
  }
  if (!name && el.labels && el.labels.length) name = Array.from(el.labels).map((l) => l.textContent).join(' ');
  if (!name && el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(el.type)) name = el.value;
  if (!name) name = el.innerText || el.textContent || el.title || '';
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = !!style.boxShadow && style.boxShadow !== 'none';
  const rect = el.getBoundingClientRect();
  const legend = el.closest('fieldset')?.querySelector('legend');
  return {
    name: text(name), tag: el.tagName.toLowerCase(), type: el.getAttribute('type') || '', id: el.id,
    group: legend ? text(legend.textContent) : '', checked: !!el.checked, focusVisible: outline || shadow,
    onScreen: rect.width > 0 && rect.height > 0 && rect.right > 0 && rect.bottom > 0,
  };
}"""


def focused(page):
    return page.evaluate(FOCUSED_JS)


def describe(info):
    if info is None:
        return "<body>"
    kind = f"{info['tag']}[{info['type']}]" if info["type"] else info["tag"]
    group = f" in '{info['group']}'" if info["group"] else ""
    return f"{kind} '{info['name']}'{group}"


def _matches(info, name, group):
    if info is None:
        return False
    if group is not None and group.lower() not in info["group"].lower():
        return False
    if name is None:
        return True
    if isinstance(name, re.Pattern):
        return bool(name.search(info["name"]))
    return info["name"] == name


def tab_to(page, name, *, group=None, limit=80, backwards=False):
    """Press Tab (or Shift+Tab) until the focused element's accessible name is `name` (a string, exact, or a
    compiled pattern) and, with `group`, it sits in a fieldset whose legend contains `group`. Every stop on the
    way must show its focus (WCAG 2.4.7); if the target is never reached, fail with the focus order seen."""
    key = "Shift+Tab" if backwards else "Tab"
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        info = focused(page)
        seen.append(describe(info))
        if info is not None:
            assert info["focusVisible"], f"no visible focus indicator on {describe(info)} (WCAG 2.4.7)"
            assert info["onScreen"], f"focus went to something off screen: {describe(info)}"
        if _matches(info, name, group):
            return info
    wanted = f"{name!r}" + (f" in group {group!r}" if group else "")
    pytest.fail(
        f"{key} never reached {wanted} in {limit} presses on {page.url}; focus order seen:\n  " + "\n  ".join(seen)
    )


def open_file_dialog_by_keyboard(page):
    """The browser's own file dialog, opened from the focused file field with Space (or Enter, which Chromium
    also accepts). On a loaded machine Chromium now and then drops the first key press's user activation, so a
    key is pressed again before the test gives up."""
    for key in ("Space", "Enter", "Space"):
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press(key)
        except PlaywrightTimeoutError:
            continue
        return chooser.value
    pytest.fail("the focused file field opened no file dialog with Space or Enter")


def _skip_link_to_content(page):
    info = focused(page)
    assert info is not None and info["name"] == "Naar de inhoud", (
        f"first Tab stop is {describe(info)}, not the skip link"
    )
    assert info["focusVisible"] and info["onScreen"], "the skip link is not visible when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud", "the skip link did not move focus to the content"


def start_page(page, heading):
    """A new page: it is the one expected and axe passes. The first Tab stop is the skip link, which moves the focus
    to the main content; from there Tab runs through every control to the end of the page (no trap, every stop
    with a visible focus) and wraps round to the skip link again; Enter leaves the focus at the content's start."""
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    assert_accessible(page)
    autofocused = focused(page)
    if autofocused is None:
        page.keyboard.press("Tab")
        _skip_link_to_content(page)
    else:  # a field with autofocus (the SMS code step) must be in the content; the cycle below finds the skip link
        assert page.evaluate("!!document.activeElement.closest('#inhoud')"), f"autofocus on {describe(autofocused)}"
    seen = []
    for _ in range(150):
        page.keyboard.press("Tab")
        info = focused(page)
        seen.append(describe(info))
        if info is None:  # past the last control
            break
        assert info["focusVisible"], f"no visible focus indicator on {describe(info)} (WCAG 2.4.7)"
    else:
        pytest.fail(f"Tab never left {page.url} (a focus trap?); focus order seen:\n  " + "\n  ".join(seen))
    page.keyboard.press("Tab")
    _skip_link_to_content(page)


def type_into(page, name, text, **kwargs):
    tab_to(page, name, **kwargs)
    page.keyboard.press("Control+A")  # replace what is there, as a user correcting a field would
    page.keyboard.type(text)


def type_date_of_birth(page, legend, value: date):
    """A date of birth: dag, maand and jaar, three text boxes in the fieldset `legend`."""
    for part, text in (("Dag", value.day), ("Maand", value.month), ("Jaar", value.year)):
        type_into(page, part, str(text), group=legend)


def press(page, name, key="Enter", **kwargs):
    tab_to(page, name, **kwargs)
    page.keyboard.press(key)


def choose_radio(page, group, label):
    """Tab into the radio group (one Tab stop), then arrow keys move and select; Space selects the first."""
    info = tab_to(page, None, group=group)
    assert info["type"] == "radio", f"first stop in '{group}' is {describe(info)}, not a radio"
    for _ in range(20):
        if info["name"] == label:
            if not info["checked"]:
                page.keyboard.press("Space")
            break
        page.keyboard.press("ArrowDown")
        info = focused(page)
        assert info["focusVisible"], f"no visible focus indicator on {describe(info)} (WCAG 2.4.7)"
    else:
        pytest.fail(f"arrow keys in '{group}' never reached '{label}'")
    assert focused(page)["checked"], f"'{label}' was not selected"


def check_box(page, name, **kwargs):
    info = tab_to(page, name, **kwargs)
    if not info["checked"]:
        page.keyboard.press("Space")
    assert focused(page)["checked"], f"Space did not check '{name}'"


def choose_option(page, name, option, **kwargs):
    """A closed native select: arrow keys change the selected option."""
    tab_to(page, name, **kwargs)
    labels = page.evaluate("Array.from(document.activeElement.options, (o) => o.text.trim())")
    assert option in labels, f"'{option}' is not an option of '{name}': {labels}"
    steps = labels.index(option) - page.evaluate("document.activeElement.selectedIndex")
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    assert page.evaluate("document.activeElement.selectedOptions[0].text.trim()") == option


def keyboard_login(page, live_server, username, password, outbox, next_path=""):
    page.goto(f"{live_server.url}/inloggen/{next_path}")
    start_page(page, "Inloggen")
    type_into(page, "Inlognaam", username)
    type_into(page, "Wachtwoord", password)
    tab_to(page, "Inlognaam", backwards=True)  # Shift+Tab goes back through the same order
    press(page, "Log on", "Enter")
    expect(page.get_by_label("Code uit de sms")).to_be_visible()
    start_page(page, "Inloggen")
    type_into(page, "Code uit de sms", latest_sms_code(outbox))
    press(page, "Inloggen", "Space")


# --- 1. Login -----------------------------------------------------------------------------------------------


def test_login_with_password_and_sms_code_by_keyboard_only(page, live_server, user_a, password, sms_outbox):
    keyboard_login(page, live_server, user_a.username, password, sms_outbox)
    expect(page.get_by_text(f"Ingelogd als {user_a.get_full_name()}")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"^{live_server.url}/(#inhoud)?$"))  # the skip link's fragment stays
    assert_accessible(page)
    # The signed-in header (menu, 'Uitloggen') is reachable and keeps a visible focus as well.
    tab_to(page, "Uitloggen")


# --- 2. 'Nieuwe gebruiker toevoegen' ---------------------------------------------------------------------------


def test_org_admin_adds_a_user_by_keyboard_only_correcting_a_refused_address(
    page, live_server, admin_a, password, sms_outbox
):
    keyboard_login(page, live_server, admin_a.username, password, sms_outbox, next_path="?next=/beheer/")
    expect(page).to_have_url(re.compile(rf"^{live_server.url}/beheer/(#inhoud)?$"))
    start_page(page, "Gebruikersbeheer")
    tab_to(page, "Gebruikers", backwards=True)  # the menu is above the content
    page.keyboard.press("Enter")

    start_page(page, "Gebruikers")
    press(page, "Nieuwe gebruiker toevoegen")

    start_page(page, "Nieuwe gebruiker toevoegen")
    type_into(page, "Voorletters", "A.")
    type_into(page, "Voornaam", "Ayşe")
    type_into(page, "Achternaam", "Çelik-Öztürk")
    type_into(page, "E-mailadres", "info@zorg-a.nl")
    type_into(page, "Mobiel nummer (niet verplicht)", "06 23456789")
    type_into(page, "UZI-nummer (niet verplicht)", "123456789")
    press(page, "Wijzigingen opslaan")

    start_page(page, "Nieuwe gebruiker toevoegen")
    expect(page.locator("#id_email_error")).to_contain_text("Gebruik een persoonlijk werk-e-mailadres")
    assert not User.objects.filter(last_name="Çelik-Öztürk").exists()
    type_into(page, "E-mailadres", "a.celik@zorg-a.nl")
    press(page, "Wijzigingen opslaan", "Space")

    start_page(page, "De gegevens zijn opgeslagen")
    expect(page.locator("dd.login-name")).to_have_text("acelikozturk")
    assert User.objects.get(username="acelikozturk").email == "a.celik@zorg-a.nl"
    press(page, "Verder")
    start_page(page, "Gebruikers")


# --- 3. A regular Wlz application -------------------------------------------------------------------------------


def test_complete_regular_wlz_application_by_keyboard_only(page, live_server, user_a, password, sms_outbox):
    keyboard_login(page, live_server, user_a.username, password, sms_outbox)
    start_page(page, f"Welkom, {user_a.first_name}")
    press(page, "Nieuwe aanvraag")

    start_page(page, "Kies aanvraag")
    choose_radio(page, "Welke aanvraag wilt u doen?", "Reguliere Wlz-aanvraag")
    press(page, "Verder")

    start_page(page, "Soort aanvraag")
    choose_radio(page, "Soort Wlz-aanvraag", "Eerste aanvraag")
    press(page, "Verder")

    start_page(page, "Cliënt")
    type_into(page, "BSN", "111222333")
    type_into(page, "Voorletters", "G.")
    type_into(page, "Achternaam", "Smit")
    type_date_of_birth(page, "Geboortedatum", date(1940, 2, 1))
    choose_radio(page, "Geslacht", "Vrouw")
    type_into(page, "Straat en huisnummer", "Kastanjelaan 4")
    type_into(page, "Postcode", "3511ab")
    type_into(page, "Woonplaats", "Utrecht")
    press(page, "Verder")

    start_page(page, "Aanvrager en contactpersonen")
    choose_radio(page, "Heeft de cliënt een wettelijk vertegenwoordiger?", "Nee")
    choose_radio(page, "Wie ondertekent", "De cliënt zelf")
    type_into(page, "Naam aanvrager", "G. Smit")
    type_into(page, "Telefoonnummer aanvrager", "030 123 4567")
    type_into(page, "Postadres: straat en huisnummer of postbus", "Kastanjelaan 4")
    type_into(page, "Postadres: postcode", "3511 AB")
    type_into(page, "Postadres: plaats", "Utrecht")
    type_into(page, "Naam contactpersoon (niet verplicht)", "J. Smit")
    choose_option(page, "Relatie tot de cliënt (niet verplicht)", "Zoon of dochter")
    press(page, "Verder")

    start_page(page, "Zorgvraag")
    check_box(page, "Psychogeriatrische aandoening")
    type_into(page, "Diagnose", "Dementie van het Alzheimertype.")
    type_into(page, "Naam behandelaar die de diagnose stelde", "Dr. A. de Wit")
    type_into(page, "Functie van die behandelaar", "Specialist ouderengeneeskunde")
    type_into(page, "Datum diagnose", "01-12-2025")  # dd-mm-jjjj, a text field
    type_into(page, "Ziekteverloop, behandelingen en complicaties", "Snel achteruit.")
    choose_option(page, "Zorgwens (voorkeur cliënt)", "Verblijf in een instelling")
    choose_radio(page, "Machtigt de cliënt", "Nee")
    press(page, "Verder")

    start_page(page, "Bijlagen")
    choose_option(page, "Soort bijlage", "Diagnose van de behandelaar")
    tab_to(page, "Bestand")
    open_file_dialog_by_keyboard(page).set_files({"name": "diagnose.pdf", "mimeType": "application/pdf", "buffer": PDF})
    press(page, "Bijlage toevoegen")
    expect(page.get_by_role("link", name="diagnose.pdf")).to_be_visible()
    start_page(page, "Bijlagen")
    press(page, "Verder")

    start_page(page, "Controleren en indienen")
    expect(page.get_by_text("De aanvraag is nog niet compleet")).to_have_count(0)
    press(page, "Indienen")

    start_page(page, "Aanvraag ingediend")
    aanvraag = Aanvraag.objects.get()
    assert aanvraag.status == "ingediend" and aanvraag.client_bsn == "111222333"
    assert aanvraag.contactpersoon_relatie == "kind" and aanvraag.grondslagen == ["02"]
    assert aanvraag.client_date_of_birth == date(1940, 2, 1) and aanvraag.bijlagen.count() == 1
    expect(page.get_by_text(f"Het kenmerk is {aanvraag.reference}.")).to_be_visible()


# --- 4. 'Authenticator-app toevoegen' ---------------------------------------------------------------------------


def test_adding_an_authenticator_app_by_keyboard_only(page, live_server, user_a, password, sms_outbox):
    from base64 import b32decode

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    keyboard_login(page, live_server, user_a.username, password, sms_outbox)
    expect(page.get_by_text(f"Ingelogd als {user_a.get_full_name()}")).to_be_visible()
    tab_to(page, "Inlogmethoden")  # in the user menu of the header
    page.keyboard.press("Enter")

    start_page(page, "Inlogmethoden")
    press(page, "Authenticator-app toevoegen")

    start_page(page, "Authenticator-app toevoegen")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")  # what the person types into the app
    generator = TOTP(b32decode(secret + "=" * (-len(secret) % 8)), step=30, t0=0, digits=6)
    type_into(page, "Code uit de app", f"{generator.token():06d}")
    type_into(page, "Naam van de app of het apparaat (niet verplicht)", "Telefoon werk")
    press(page, "App toevoegen")

    start_page(page, "Uw herstelcodes")
    assert page.locator(".recovery-codes li").count() == 10
    press(page, "Ik heb de codes bewaard")

    start_page(page, "Inlogmethoden")
    expect(page.get_by_role("heading", name="Telefoon werk")).to_be_visible()
    assert TOTPDevice.objects.filter(user=user_a, confirmed=True, name="Telefoon werk").exists()
