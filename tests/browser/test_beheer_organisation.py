"""Browser journey 'Organisatie' for both profiles: read-only data and 'Actieve rollen'."""

import pytest
from playwright.sync_api import expect

from tests.orgadmin.browser_steps import assert_accessible, login_to_beheer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


BASIS_ROLES = ["Reguliere Wlz-aanvragen", "Wzd-toets artikel 21-aanvragen"]


@pytest.mark.parametrize(
    ("persona", "profile", "labels"),
    [("admin_a", "Basis", BASIS_ROLES), ("admin_b", "Volledig", [*BASIS_ROLES, "Partnerverblijf"])],
)
def test_organisation_page_shows_data_and_active_roles(
    page, live_server, password, sms_outbox, request, persona, profile, labels
):
    admin = request.getfixturevalue(persona)
    organisation = admin.organisation
    login_to_beheer(page, live_server, admin, password, sms_outbox)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Organisatie", exact=True).click()
    expect(page.get_by_role("heading", name="Organisatie", exact=True)).to_be_visible()
    for text in (
        organisation.name,
        organisation.agb_code,
        organisation.kvk_number,
        organisation.email_domains.get().domain,
    ):
        expect(page.locator("dl.data")).to_contain_text(text)
    expect(page.get_by_role("link", name="contractbeheer@ciz.nl").first).to_have_attribute(
        "href", "mailto:contractbeheer@ciz.nl"
    )
    expect(page.get_by_role("heading", name="Actieve rollen")).to_be_visible()
    roles = page.locator("table.roles-table tbody tr")
    expect(roles.locator("td").first).to_have_text(profile)
    expect(roles.locator("li")).to_have_text(labels)
    expect(page.locator("main input, main textarea, main select")).to_have_count(0)
    assert_accessible(page)
