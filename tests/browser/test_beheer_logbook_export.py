"""Browser journeys of 'Logboek' (the filter, whose typed text never reaches the address bar) and of 'Exporteren'
on the user list (the download keeps the list's search). axe on every page."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from orgadmin import services
from tests.factories import UserFactory
from tests.orgadmin.browser_steps import assert_accessible, login_to_beheer, open_user_list, search
from tests.orgadmin.conftest import user_form_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
USER_FIELD = re.compile(r"^Gebruiker")  # its label goes on with "(niet verplicht)"


def test_the_logbook_filters_by_user_action_and_period_without_typed_text_in_the_url(
    page, live_server, admin_a, user_a, password, sms_outbox
):
    services.user_update(admin=admin_a, user=user_a, data=user_form_data(email=user_a.email, last_name="Jansen-Smit"))
    login_to_beheer(page, live_server, admin_a, password, sms_outbox)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Logboek", exact=True).click()
    expect(page.get_by_role("heading", name="Logboek", exact=True)).to_be_visible()
    assert_accessible(page)
    table = page.locator("table.logbook-table")
    expect(table).to_contain_text("account gewijzigd")
    expect(table).to_contain_text("Jansen-Smit")

    page.get_by_label(USER_FIELD).fill("gebruikera")
    page.get_by_label(re.compile(r"^Gebeurtenis")).select_option(label="account gewijzigd")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter", exact=True).click()
    assert "gebruikera" not in page.url and f"gebruiker={user_a.pk}" in page.url and "actie=user_changed" in page.url
    expect(page.get_by_label(USER_FIELD)).to_have_value("gebruikera")
    expect(table.locator("tbody tr")).to_have_count(1)
    assert_accessible(page)

    page.get_by_label(USER_FIELD).fill("123456782")
    page.get_by_role("button", name="Filter", exact=True).click()
    expect(page.get_by_text("Een BSN hoort hier niet.")).to_be_visible()
    assert "123456782" not in page.url
    assert_accessible(page)

    page.get_by_role("link", name="Wis filter").click()
    page.get_by_label(re.compile(r"^Van")).fill("2000-01-01")
    page.get_by_label(re.compile(r"^Tot en met")).fill("2000-01-31")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter", exact=True).click()
    assert "van=2000-01-01&tot=2000-01-31" in page.url
    expect(page.get_by_text("Geen gebeurtenissen gevonden.")).to_be_visible()
    assert_accessible(page)


def test_the_export_link_downloads_the_lists_current_search(page, live_server, admin_a, user_a, password, sms_outbox):
    UserFactory(organisation=admin_a.organisation, username="pvdberg", first_name="Pieter", last_name="Berg")
    login_to_beheer(page, live_server, admin_a, password, sms_outbox)
    open_user_list(page)
    search(page, "berg")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    body = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert [row[0] for row in rows] == ["Inlognaam", "pvdberg"]
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
