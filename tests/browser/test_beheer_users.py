"""Browser journeys of 'Gebruikers': search on each field, the deleted filter, 'Wis Filter', sorting."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import UserFactory
from tests.orgadmin.browser_steps import assert_accessible, listed_login_names, login_to_beheer, open_user_list, search

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def colleagues(org_a, admin_a, user_a):
    now = timezone.now()
    UserFactory(
        organisation=org_a,
        username="pvdberg",
        initials="P.Q.",
        first_name="Pieter",
        name_prefix="van den",
        last_name="Berg",
        email="p.bergje@zorg-a.nl",
        last_login=now - timedelta(days=3),
    )
    UserFactory(organisation=org_a, username="zaalders", first_name="Zoe", last_name="Aalders", last_login=None)
    UserFactory(
        organisation=org_a,
        username="kmols",
        first_name="Karel",
        last_name="Mols",
        deleted_at=now,
        deletion_reason="Uit dienst",
        deleted_by=admin_a,
        last_login=now - timedelta(days=10),
    )
    UserFactory(organisation=org_a, username="itol", first_name="Inge", last_name="Tol", deactivated_at=now)


def test_home_menu_and_button_lead_to_the_user_list(page, live_server, admin_a, password, sms_outbox):
    login_to_beheer(page, live_server, admin_a, password, sms_outbox)
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    expect(nav.get_by_role("link", name="Gebruikers", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Organisatie", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ga naar gebruikers >>").click()
    expect(page.get_by_role("heading", name="Gebruikers", exact=True)).to_be_visible()
    expect(page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Gebruikers")).to_have_attribute(
        "aria-current", "page"
    )


def test_search_on_each_field(page, live_server, admin_a, password, sms_outbox, colleagues):
    login_to_beheer(page, live_server, admin_a, password, sms_outbox)
    open_user_list(page)
    assert_accessible(page)
    assert listed_login_names(page) == ["beheerdera", "gebruikera", "pvdberg", "zaalders"]
    for field, text in [
        ("inlognaam", "PVDB"),
        ("voornaam", "piet"),
        ("achternaam", "BERG"),
        ("voorletters", "p.q."),
        ("tussenvoegsels", "van den"),
        ("e-mail", "bergje@zorg"),
    ]:
        search(page, text)
        assert listed_login_names(page) == ["pvdberg"], field
    expect(page.get_by_label("Zoeken", exact=True)).to_have_value("bergje@zorg")
    assert_accessible(page)
    search(page, "jansen")
    assert listed_login_names(page) == ["gebruikera"]
    search(page, "niemand")
    expect(page.get_by_text("Geen gebruikers gevonden.")).to_be_visible()
    assert_accessible(page)


def test_deleted_filter_and_wis_filter(page, live_server, admin_a, password, sms_outbox, colleagues):
    login_to_beheer(page, live_server, admin_a, password, sms_outbox)
    open_user_list(page)
    search(page, "", show_deleted=True)
    assert listed_login_names(page) == ["beheerdera", "gebruikera", "itol", "kmols", "pvdberg", "zaalders"]
    expect(page.get_by_role("row", name="kmols")).to_contain_text("Verwijderd: Uit dienst")
    expect(page.get_by_role("row", name="itol")).to_contain_text("Inactief: 6 maanden niet ingelogd")
    assert_accessible(page)
    search(page, "mols")
    assert listed_login_names(page) == ["kmols"]
    with page.expect_navigation():
        page.get_by_role("link", name="Wis Filter").click()
    expect(page.get_by_label("Zoeken", exact=True)).to_have_value("")
    expect(page.get_by_label("Toon verwijderde gebruikers")).not_to_be_checked()
    assert listed_login_names(page) == ["beheerdera", "gebruikera", "pvdberg", "zaalders"]
    assert_accessible(page)


def test_sorting_both_ways_on_each_column(page, live_server, admin_a, password, sms_outbox, colleagues):
    login_to_beheer(page, live_server, admin_a, password, sms_outbox)  # admin_a's last login is now
    open_user_list(page)
    search(page, "", show_deleted=True)
    expected = {
        "Inlognaam": ["beheerdera", "gebruikera", "itol", "kmols", "pvdberg", "zaalders"],
        "Naam": ["zaalders", "pvdberg", "beheerdera", "gebruikera", "kmols", "itol"],
        "Laatste inlog": ["gebruikera", "itol", "zaalders", "kmols", "pvdberg", "beheerdera"],
        "Opmerking": ["beheerdera", "gebruikera", "pvdberg", "zaalders", "itol", "kmols"],
    }
    for column, ascending in expected.items():
        title = re.compile(rf"^{column}( |$)")
        header = page.get_by_role("columnheader", name=title)
        for direction, order in (("ascending", ascending), ("descending", ascending[::-1])):
            if column == "Inlognaam" and direction == "ascending":
                pass  # the default order: already ascending by login name
            else:
                with page.expect_navigation():
                    header.get_by_role("link").click()
            expect(page.get_by_role("columnheader", name=title)).to_have_attribute("aria-sort", direction)
            assert listed_login_names(page) == order, (column, direction)
            expect(page.get_by_role("columnheader", name=title)).to_contain_text(
                "▲" if direction == "ascending" else "▼"
            )
            expect(page.get_by_label("Toon verwijderde gebruikers")).to_be_checked()
        assert_accessible(page)
