"""Browser check of the receipt of a combination application: it names the combination, not only its Wlz part."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from aanvragen.services.aanvraag import aanvraag_create
from tests.aanvragen.helpers import COMBINATIE_STEP_DATA, fill_flow
from tests.conftest import assert_accessible, browser_login, login_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_combination_receipt_says_what_was_submitted(page, live_server, client, user_a, password, sms_outbox):
    combi = aanvraag_create(user=user_a, soort="wlz", combinatie=True)
    http = login_client(client, user_a)
    fill_flow(http, combi, COMBINATIE_STEP_DATA)
    receipt = http.post(reverse("aanvragen:review", args=[combi.pk]))["Location"]
    browser_login(page, live_server, user_a.username, password, sms_outbox, f"?next={receipt}")
    expect(page.get_by_role("heading", name="Aanvraag ingediend")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Het CIZ heeft uw combinatie-aanvraag ontvangen.")
    expect(page.get_by_role("definition").nth(1)).to_have_text(
        "Reguliere Wlz-aanvraag met Wzd-toets artikel 21 (combinatie-aanvraag)"
    )
    assert_accessible(page)
