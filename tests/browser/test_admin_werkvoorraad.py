"""Browser: a CIZ staff member's day in the admin. Log in, open the werkvoorraad (the start page), open the
overdue application on top, set it to 'Onvolledig', take it back in behandeling, record a besluit. axe at 0
violations on every page staff use here, at 1280 px wide, and the status and deadline columns in view beside the
filter panel (no horizontal scrolling)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aanvragen.models import Aanvraag
from tests.aanvragen.helpers import submitted_aanvraag
from tests.conftest import assert_accessible, browser_login, latest_sms_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 1280


def with_deadline(aanvraag, deadline):
    Aanvraag.objects.filter(pk=aanvraag.pk).update(deadline=deadline)
    return Aanvraag.objects.get(pk=aanvraag.pk)


def assert_columns_beside_the_filter(page, *columns):
    """Each column header is fully inside the 1280 px window, left of the filter panel, and the page does not
    scroll sideways."""
    panel = page.locator("#changelist-filter").bounding_box()
    assert panel is not None and panel["x"] + panel["width"] <= WIDTH, panel
    for selector in columns:
        header = page.locator(f"#result_list thead {selector}")
        expect(header).to_be_visible()
        box = header.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= panel["x"], (selector, box, panel)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    # Nor does the table hide columns in a region of its own that scrolls.
    assert page.evaluate("(el) => el.scrollWidth <= el.clientWidth", page.locator("#result_list").element_handle())
    assert (
        page.locator("#result_list").bounding_box()["x"] + page.locator("#result_list").bounding_box()["width"]
        <= panel["x"]
    )


def test_a_ciz_staff_members_day(page, live_server, staff, user_a, password, sms_outbox):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    today = timezone.localdate()
    later = with_deadline(submitted_aanvraag(user_a), today + timedelta(days=30))
    overdue = with_deadline(submitted_aanvraag(user_a, client_bsn="123456782"), today - timedelta(days=3))
    due_today = with_deadline(submitted_aanvraag(user_a), today)

    # The day starts where staff start it: /admin/, then password and SMS code on the login it leads to.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Inlognaam").fill(staff.username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Log on").click()
    page.get_by_label("Code uit de sms").fill(latest_sms_code(sms_outbox))
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="Werkvoorraad", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="1 te laat")).to_be_visible()
    references = page.locator("#result_list tbody th a").all_inner_texts()
    assert references == [overdue.reference, due_today.reference, later.reference]
    expect(page.locator("#result_list tbody tr").first.get_by_text("te laat")).to_be_visible()
    assert_columns_beside_the_filter(page, ".column-status", ".column-deadline")
    assert_accessible(page)

    page.get_by_label("Uiterste beslisdatum").select_option(label="Te laat")
    page.get_by_role("button", name="Filter toepassen").click()
    assert page.locator("#result_list tbody th a").all_inner_texts() == [overdue.reference]
    assert_accessible(page)

    page.get_by_role("link", name=overdue.reference).click()
    expect(page.get_by_role("heading", name="Stap 4: Zorgvraag")).to_be_visible()
    expect(page.get_by_text("Psychogeriatrische aandoening")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Toelichting bij de statuswijziging").fill("Het ondertekende formulier ontbreekt.")
    page.get_by_role("button", name="Zet op ‘Onvolledig (termijn opgeschort)’").click()
    expect(page.get_by_text("Nieuwe status: Onvolledig (termijn opgeschort).")).to_be_visible()
    expect(page.get_by_role("cell", name="Het ondertekende formulier ontbreekt.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Zet op ‘In behandeling’").click()
    expect(page.get_by_text("Nieuwe status: In behandeling.")).to_be_visible()
    page.get_by_role("link", name="Besluit vastleggen").click()
    expect(page.get_by_role("heading", name=f"Besluit vastleggen voor {overdue.reference}")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Uitkomst besluit").select_option(label="Toegekend")
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_text("Kies het toegekende zorgprofiel.")).to_be_visible()
    assert Aanvraag.objects.get(pk=overdue.pk).status == "in_behandeling"
    assert_accessible(page)
    page.get_by_label("Toegekend zorgprofiel").select_option(label="5VV beschermd wonen, intensieve dementiezorg")
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_text("Het besluit is vastgelegd.")).to_be_visible()
    expect(page.get_by_text("5VV beschermd wonen, intensieve dementiezorg")).to_be_visible()
    assert_accessible(page)
    decided = Aanvraag.objects.get(pk=overdue.pk)
    assert (decided.status, decided.besluit, decided.besluit_zorgprofiel) == ("besluit_genomen", "toegekend", "754")

    # Back on the start page nothing is late any more; the decided application waits at the end for 'afgesloten'.
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("link", name="0 te laat")).to_be_visible()
    assert page.locator("#result_list tbody th a").all_inner_texts() == [
        due_today.reference,
        later.reference,
        overdue.reference,
    ]


def test_the_application_list_shows_status_and_deadline_beside_the_filter(
    page, live_server, staff, user_a, password, sms_outbox
):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    submitted_aanvraag(user_a)
    browser_login(page, live_server, staff.username, password, sms_outbox)
    page.goto(f"{live_server.url}/admin/aanvragen/aanvraag/")
    assert_columns_beside_the_filter(page, ".column-status", ".column-beslisdatum")
    assert_accessible(page)
