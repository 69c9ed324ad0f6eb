"""The CIZ werkplek (the Django admin) as CIZ staff use it: adding an organisation is the complete form, a
suspension is lifted only through an audited action with a reason, every time is Amsterdam time, and every page
staff use is Dutch and passes axe."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from playwright.sync_api import expect

from aanvragen.audit import Action as SpotCheckAction
from aanvragen.choices import AccessAction, AccessOutcome
from aanvragen.models import AccessLogEntry, SpotCheck
from aanvragen.services.steekproeven import organisation_suspend, organisation_warn, spot_check_draw
from accounts.models import AuditEvent, Organisation, User
from tests.conftest import assert_accessible, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_organisation_form(page, **overrides):
    values = {
        "Naam organisatie": "Zorggroep Het Anker",
        "AGB-code": "41001234",
        "KvK-nummer": "23456789",
        "E-maildomeinen": "hetanker.nl",
        "Voorletters beheerder": "P.",
        "Voornaam beheerder": "Petra",
        "Achternaam beheerder": "Meer",
        "E-mailadres beheerder": "p.meer@hetanker.nl",
        "Mobiel nummer beheerder": "06 12345678",
        **overrides,
    }
    for label, value in values.items():
        page.get_by_label(label).fill(value)


def test_adding_an_organisation_from_the_list_creates_its_admin_and_sends_the_welcome_mail(
    page, live_server, staff, password, sms_outbox
):
    browser_login(page, live_server, staff.username, password, sms_outbox, "?next=/admin/accounts/organisation/")
    expect(page.get_by_role("heading", name="Selecteer organisatie om te wijzigen")).to_be_visible()
    page.get_by_role("link", name="Organisatie toevoegen").click()
    expect(page.get_by_role("heading", name="Organisatie met eerste organisatiebeheerder toevoegen")).to_be_visible()
    assert_accessible(page)

    fill_organisation_form(page, **{"AGB-code": "4100123"})
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".form-row.errors").filter(has=page.get_by_label("AGB-code"))).to_contain_text(
        "AGB-code bestaat uit precies 8 cijfers"
    )
    assert_accessible(page)
    assert not Organisation.objects.exists() and not User.objects.filter(is_org_admin=True).exists()
    assert mail.outbox == []

    page.get_by_label("AGB-code").fill("41001234")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Organisatie Zorggroep Het Anker aangemaakt")).to_be_visible()
    organisation = Organisation.objects.get(kvk_number="23456789")
    org_admin = User.objects.get(organisation=organisation)
    assert org_admin.is_org_admin and org_admin.email == "p.meer@hetanker.nl"
    (welcome,) = mail.outbox
    assert welcome.to == ["p.meer@hetanker.nl"] and org_admin.username in welcome.body

    # The index's "Toevoegen" leads to the same complete form.
    page.goto(f"{live_server.url}/admin/")
    page.locator("tr.model-organisation").get_by_role("link", name="Toevoegen").click()
    expect(page.get_by_role("heading", name="Organisatie met eerste organisatiebeheerder toevoegen")).to_be_visible()


def test_a_suspension_is_not_a_tick_box_and_is_lifted_only_through_the_action_with_a_reason(
    page, live_server, staff, org_a, admin_a, password, sms_outbox
):
    organisation_suspend(
        user=staff, organisation_id=org_a.pk, kind="misbruik", note="Cliëntgegevens gebruikt voor werving."
    )
    browser_login(
        page,
        live_server,
        staff.username,
        password,
        sms_outbox,
        f"?next=/admin/accounts/organisation/{org_a.pk}/change/",
    )
    expect(page.get_by_role("heading", name="Zorggroep A")).to_be_visible()
    assert page.locator("[name=is_suspended]").count() == 0
    field = page.locator(".field-access_state")
    expect(field).to_contain_text("Opgeschort")
    expect(field).to_contain_text("actie 'Opschorting opheffen' in de lijst Organisaties")
    assert_accessible(page)

    page.goto(f"{live_server.url}/admin/accounts/organisation/")
    actions = page.locator("select[name=action] option").all_inner_texts()
    assert "Organisatie opschorten" in actions and "Opschorting opheffen" in actions
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option(label="Opschorting opheffen")
    page.get_by_role("button", name="Uitvoeren").click()
    expect(page.get_by_role("heading", name="Opschorting opheffen")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Opschorting opheffen").click()
    expect(page.locator(".form-row.errors")).to_contain_text("Leg vast waarom de opschorting wordt opgeheven.")
    assert_accessible(page)
    org_a.refresh_from_db()
    assert org_a.is_suspended

    page.get_by_label("Reden").fill("Na gesprek met de bestuurder; werkwijze aangepast.")
    page.get_by_role("button", name="Opschorting opheffen").click()
    expect(page.get_by_text("De opschorting van Zorggroep A is opgeheven.")).to_be_visible()
    org_a.refresh_from_db()
    assert not org_a.is_suspended
    lifted = AuditEvent.objects.get(action=AuditEvent.Action.ORGANISATION_SUSPENSION_LIFTED)
    assert lifted.actor == staff and lifted.organisation == org_a
    assert lifted.detail["note"] == "Na gesprek met de bestuurder; werkwijze aangepast."
    assert lifted.detail["before"] == {"is_suspended": True} and lifted.detail["after"] == {"is_suspended": False}

    # Suspending from the organisation list goes to the sanction decision (kind and reason asked there).
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option(label="Organisatie opschorten")
    page.get_by_role("button", name="Uitvoeren").click()
    expect(page.get_by_role("heading", name="Sanctie vastleggen")).to_be_visible()
    expect(page.get_by_label("Organisatie")).to_have_value(str(org_a.pk))


@pytest.mark.parametrize(
    ("utc", "local"),
    [
        (datetime(2026, 7, 15, 20, 28, tzinfo=UTC), "15-07-2026 22:28"),  # summer time, UTC+2
        (datetime(2026, 1, 15, 21, 28, tzinfo=UTC), "15-01-2026 22:28"),  # winter time, UTC+1
    ],
)
def test_an_access_log_entry_shows_amsterdam_time_in_its_title_as_in_the_list(
    page, live_server, staff, user_a, password, sms_outbox, utc, local
):
    with time_machine.travel(utc, tick=False):
        entry = AccessLogEntry.objects.create(
            user=user_a,
            organisation=user_a.organisation,
            client_bsn="999990019",
            action=AccessAction.ZOEKEN,
            outcome=AccessOutcome.FOUND,
        )
    browser_login(
        page,
        live_server,
        staff.username,
        password,
        sms_outbox,
        f"?next=/admin/aanvragen/accesslogentry/{entry.pk}/change/",
    )
    expect(page.locator("#content h2")).to_contain_text(local)
    expect(page).to_have_title(re.compile(re.escape(local)))
    assert utc.strftime("%H:%M") not in page.locator("#content").inner_text()
    page.goto(f"{live_server.url}/admin/aanvragen/accesslogentry/")
    expect(page.locator("#result_list")).to_contain_text(local.split(" ")[1])


# Stock English labels of Django and the third-party apps that showed in the CIZ admin.
ENGLISH = re.compile(
    r"get full name|\buser\b|\borganisation\b|\btoken\b|\baxes\b|access attempt|access log|access failure|"
    r"two factor|phone method|phone device|otp_static|otp_totp|static device|totp device|django|"
    r"\bcan (?:add|change|delete|view)\b",
    re.IGNORECASE,
)


def assert_dutch(page):
    text = page.locator("body").inner_text() + "\n".join(page.locator("option").all_text_contents())
    title = page.title()
    found = ENGLISH.findall(f"{title}\n{text}")
    assert not found, f"{page.url}: {found}"
    # Django's boolean icons are read out by their alt text, the English "True" / "False".
    alts = page.locator("img[alt]").evaluate_all("images => images.map(i => i.alt)")
    assert not {"True", "False", "None"} & set(alts), f"{page.url}: {alts}"


def test_every_admin_page_staff_use_is_dutch_and_accessible(
    page, live_server, staff, org_a, admin_a, user_a, password, sms_outbox
):
    from tests.aanvragen.test_spot_checks import at, declare

    declare(user_a, at("2026-03-10"), 2)
    spot_check = spot_check_draw(
        user=staff, organisation=org_a, period_from=at("2026-03-01").date(), period_to=at("2026-03-31").date(),
        sample_size=1,
    )  # fmt: skip
    sanction = organisation_warn(
        user=staff,
        organisation_id=org_a.pk,
        kind="onzorgvuldig",
        note="Gebeld met de beheerder.",
        spot_check=spot_check,
    )
    entry = AccessLogEntry.objects.create(
        user=user_a, organisation=org_a, client_bsn="999990019", action=AccessAction.ZOEKEN, outcome=AccessOutcome.FOUND
    )
    event = AuditEvent.objects.filter(action=SpotCheckAction.ORGANISATION_WARNED).get()
    group = Group.objects.create(name="Contractbeheer")
    browser_login(page, live_server, staff.username, password, sms_outbox, "?next=/admin/")
    expect(page.get_by_role("link", name=re.compile("Portero"))).to_be_visible()
    assert_dutch(page)
    assert_accessible(page)
    models = page.locator("#content-main th[scope=row] a").all_inner_texts()
    assert models, "the index lists the models"

    pages = [
        "/admin/accounts/organisation/",
        f"/admin/accounts/organisation/{org_a.pk}/change/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{admin_a.pk}/change/",
        "/admin/accounts/auditevent/",
        f"/admin/accounts/auditevent/{event.pk}/change/",
        "/admin/aanvragen/accesslogentry/",
        f"/admin/aanvragen/accesslogentry/{entry.pk}/change/",
        "/admin/aanvragen/spotcheck/",
        f"/admin/aanvragen/spotcheck/{spot_check.pk}/change/",
        "/admin/aanvragen/organisationsanction/",
        f"/admin/aanvragen/organisationsanction/{sanction.pk}/change/",
        "/admin/aanvragen/clientconsent/",
        "/admin/auth/group/",
        f"/admin/auth/group/{group.pk}/change/",
    ]
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        assert page.locator("#content").count() == 1, path
        assert_dutch(page)
        assert_accessible(page)
    assert SpotCheck.objects.count() == 1

    # Nothing of the third-party apps staff have no use for is reachable.
    for path in [
        "/admin/axes/accessattempt/",
        "/admin/axes/accesslog/",
        "/admin/axes/accessfailurelog/",
        "/admin/otp_static/staticdevice/",
        "/admin/otp_totp/totpdevice/",
        "/admin/phonenumber/phonedevice/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 404, path


def test_the_admin_wears_the_portero_look(page, live_server, staff, password, sms_outbox):
    browser_login(page, live_server, staff.username, password, sms_outbox, "?next=/admin/")
    expect(page).to_have_title(re.compile(r"Portero"))
    header = page.locator("#header")
    expect(header).to_contain_text("Portero")
    site_css = page.evaluate(
        """() => [...document.styleSheets].map(s => s.href || "").filter(h => h.includes("/static/css/"))"""
    )
    assert any("admin.css" in href for href in site_css)
    body_font = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    portero_font = page.evaluate("() => getComputedStyle(document.documentElement).getPropertyValue('--font').trim()")
    assert portero_font and body_font.replace('"', "").startswith(portero_font.replace('"', "").split(",")[0])
    primary = page.evaluate(
        "() => { const e = document.createElement('div'); e.style.color = "
        "getComputedStyle(document.documentElement).getPropertyValue('--color-primary'); document.body.append(e);"
        " const c = getComputedStyle(e).color; e.remove(); return c; }"
    )
    expect(header).to_have_css("background-color", primary)  # waits for the style sheet under load
    page.keyboard.press("Tab")
    focus = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineColor]; }"
    )
    assert focus == ["solid", "rgb(255, 191, 71)"]  # the sites' focus ring (--focus, #ffbf47)
