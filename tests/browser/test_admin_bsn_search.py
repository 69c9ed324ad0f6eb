"""Browser journey in the CIZ admin: search the client register by BSN. The search box is POSTed, so the BSN
never shows in the address bar; the list says it is filtered (masked BSN) and the filter is cleared with a
button. An invalid BSN gets the 11-proef message under the box; a name still searches through ?q=."""

from datetime import date

import pytest
from playwright.sync_api import expect

from aanvragen.models import Client
from tests.conftest import assert_accessible, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def client(bsn, last_name):
    return Client.objects.create(
        bsn=bsn, initials="G.", last_name=last_name, date_of_birth=date(1940, 1, 1), sex="V",
        street="Laan 1", postcode="1234 AB", city="Utrecht",
    )  # fmt: skip


def test_search_the_client_register_by_bsn_without_the_bsn_in_the_address_bar(
    page, live_server, staff, password, sms_outbox
):
    client("123456782", "Quaadvliet")
    client("111222333", "Smit")
    browser_login(page, live_server, staff.username, password, sms_outbox, "?next=/admin/aanvragen/client/")
    expect(page.get_by_role("link", name="123456782")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("textbox", name="Zoeken").fill("123456789")
    page.get_by_role("button", name="Zoeken", exact=True).click()
    expect(page.get_by_text("Vul een geldig BSN in: 9 cijfers die voldoen aan de elfproef.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("textbox", name="Zoeken").fill("123456782")
    page.get_by_role("button", name="Zoeken", exact=True).click()
    expect(page.get_by_text("Gefilterd op BSN ******782.")).to_be_visible()
    expect(page.get_by_role("link", name="123456782")).to_be_visible()
    expect(page.get_by_role("link", name="111222333")).to_have_count(0)
    assert "123456782" not in page.url
    assert_accessible(page)

    page.get_by_role("button", name="Wis BSN-filter").click()
    expect(page.get_by_role("link", name="111222333")).to_be_visible()
    expect(page.get_by_text("Gefilterd op BSN")).to_have_count(0)

    page.get_by_role("textbox", name="Zoeken").fill("Smit")
    page.get_by_role("button", name="Zoeken", exact=True).click()
    expect(page.get_by_role("link", name="111222333")).to_be_visible()
    expect(page.get_by_role("link", name="123456782")).to_have_count(0)
    assert "q=Smit" in page.url
