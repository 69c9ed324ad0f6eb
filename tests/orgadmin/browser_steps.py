"""Shared steps of the beheer browser journeys."""

from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login


def login_to_beheer(page, live_server, admin, password, outbox):
    browser_login(page, live_server, admin.username, password, outbox, next_path="?next=/beheer/")
    expect(page).to_have_url(f"{live_server.url}/beheer/")


def open_user_list(page):
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Gebruikers", exact=True).click()
    expect(page.get_by_role("heading", name="Gebruikers", exact=True)).to_be_visible()


def listed_login_names(page) -> list[str]:
    return page.locator("table.user-table tbody tr td:first-child").all_inner_texts()


def search(page, text, show_deleted=None):
    page.get_by_label("Zoeken", exact=True).fill(text)
    if show_deleted is not None:
        page.get_by_label("Toon verwijderde gebruikers").set_checked(show_deleted)
    with page.expect_navigation():  # read the table of the new page, not the old one
        page.get_by_role("button", name="Zoek", exact=True).click()


__all__ = ["assert_accessible", "listed_login_names", "login_to_beheer", "open_user_list", "search"]
