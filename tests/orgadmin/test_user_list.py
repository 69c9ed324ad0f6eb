"""'Gebruikers': search, the deleted filter, sorting, pagination and a constant number of queries."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import User
from orgadmin import user_search
from orgadmin.views import user_detail_url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LIST = reverse("orgadmin:user_list")


def login_names(response) -> list[str]:
    return re.findall(r'<td><a href="/beheer/gebruiker/[^/]+/">([^<]+)</a></td>', response.content.decode())


@pytest.fixture
def people(org_a, admin_a, user_a):
    """admin_a (Anna Dijkstra), user_a (Bram Jansen) and one with every searchable field distinct."""
    return UserFactory(
        organisation=org_a,
        username="pvdberg",
        initials="P.Q.",
        first_name="Pieter",
        name_prefix="van den",
        last_name="Berg",
        email="p.bergje@zorg-a.nl",
    )


@pytest.mark.parametrize(
    "query", ["pvdB", "PIETER", "berg", "p.q.", "VAN DEN", "bergje@", "Pieter van den Berg"], ids=str
)
def test_search_matches_login_name_name_initials_prefix_and_email_case_insensitively(admin_client, people, query):
    names = login_names(admin_client.get(LIST, {"zoeken": query}))
    assert names == ["pvdberg"]


def test_empty_search_shows_all_active_users(admin_client, people):
    assert login_names(admin_client.get(LIST, {"zoeken": ""})) == ["beheerdera", "gebruikera", "pvdberg"]


def test_search_is_scoped_to_own_organisation(admin_client, people, admin_b):
    assert login_names(admin_client.get(LIST, {"zoeken": "beheerder"})) == ["beheerdera"]


def test_only_active_users_by_default(admin_client, user_a, deleted_a, inactive_a):
    assert login_names(admin_client.get(LIST)) == ["beheerdera", "gebruikera"]


def test_show_deleted_adds_deleted_and_inactive_users_with_the_reason(admin_client, user_a, deleted_a, inactive_a):
    response = admin_client.get(LIST, {"verwijderd": "on"})
    assert login_names(response) == ["beheerdera", "gebruikera", "oudgebruiker", "slaper"]
    html = response.content.decode()
    assert "Verwijderd: Uit dienst" in html
    assert "Inactief: 6 maanden niet ingelogd" in html


def test_wis_filter_links_to_the_bare_list(admin_client):
    html = admin_client.get(LIST, {"zoeken": "x", "verwijderd": "on"}).content.decode()
    assert f'<a class="button button-secondary" href="{LIST}">Wis Filter</a>' in html


@pytest.fixture
def sortable(org_a, admin_a):
    now = timezone.now()
    admin_a.last_login = now
    admin_a.save()
    UserFactory(
        organisation=org_a, username="zander", first_name="Zoe", last_name="Aalders", last_login=now - timedelta(days=3)
    )
    UserFactory(organisation=org_a, username="bert", first_name="Bert", last_name="Zwart", last_login=None)
    UserFactory(
        organisation=org_a,
        username="karel",
        first_name="Karel",
        last_name="Mols",
        deleted_at=now,
        deletion_reason="Andere baan",
        last_login=now - timedelta(days=10),
    )
    UserFactory(organisation=org_a, username="inge", first_name="Inge", last_name="Tol", deactivated_at=now)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("inlognaam", ["beheerdera", "bert", "inge", "karel", "zander"]),
        ("-inlognaam", ["zander", "karel", "inge", "bert", "beheerdera"]),
        ("naam", ["zander", "beheerdera", "karel", "inge", "bert"]),
        ("-naam", ["bert", "inge", "karel", "beheerdera", "zander"]),
        ("laatste_inlog", ["bert", "inge", "karel", "zander", "beheerdera"]),
        ("-laatste_inlog", ["beheerdera", "zander", "karel", "inge", "bert"]),
        ("opmerking", ["beheerdera", "bert", "zander", "inge", "karel"]),
        ("-opmerking", ["karel", "inge", "zander", "bert", "beheerdera"]),
    ],
)
def test_sorting_each_column_both_ways(admin_client, sortable, sort, expected):
    response = admin_client.get(LIST, {"verwijderd": "on", "sort": sort})
    assert login_names(response) == expected


def test_sorted_column_has_aria_sort_and_its_link_reverses_the_direction(admin_client, sortable):
    html = admin_client.get(LIST, {"sort": "naam", "zoeken": "a"}).content.decode()
    assert re.search(
        r'<th scope="col" aria-sort="ascending">\s*<a class="sort-link" href="\?sort=-naam&amp;zoeken=a"', html
    ) or re.search(
        r'<th scope="col" aria-sort="ascending">\s*<a class="sort-link" href="\?zoeken=a&amp;sort=-naam"', html
    )
    assert html.count("aria-sort=") == 1
    html = admin_client.get(LIST, {"sort": "-naam"}).content.decode()
    assert 'aria-sort="descending"' in html and "?sort=naam" in html


def test_default_sort_is_login_name_ascending(admin_client, sortable):
    html = admin_client.get(LIST).content.decode()
    assert re.search(r'aria-sort="ascending">\s*<a class="sort-link" href="\?sort=-inlognaam">Inlognaam', html)


def test_unknown_sort_falls_back_to_login_name(admin_client, sortable):
    assert login_names(admin_client.get(LIST, {"sort": "password"}))[0] == "beheerdera"


def test_pagination_keeps_search_filter_and_sort(admin_client, org_a):
    User.objects.bulk_create(
        User(
            username=f"piet{n:02d}",
            organisation=org_a,
            initials="P.",
            first_name="Piet",
            last_name=f"Paal{n:02d}",
            email=f"piet{n:02d}@zorg-a.nl",
            password="!",
        )
        for n in range(30)
    )
    response = admin_client.get(LIST, {"zoeken": "piet", "verwijderd": "on", "sort": "-inlognaam"})
    assert login_names(response)[0] == "piet29" and len(login_names(response)) == 25
    html = response.content.decode()
    next_link = re.search(r'<a href="([^"]+)" rel="next">', html).group(1).replace("&amp;", "&")
    for part in ("zoeken=piet", "verwijderd=on", "sort=-inlognaam", "pagina=2"):
        assert part in next_link
    second = admin_client.get(LIST + next_link)
    assert login_names(second) == ["piet04", "piet03", "piet02", "piet01", "piet00"]


def test_login_name_links_to_the_users_page(admin_client, user_a):
    html = admin_client.get(LIST).content.decode()
    assert f'<a href="{reverse("orgadmin:user_detail", kwargs={"username": "gebruikera"})}">gebruikera</a>' in html


def test_each_row_shows_name_dutch_time_of_the_last_login_and_escapes_every_value(admin_client, org_a):
    summer = datetime(2026, 7, 1, 10, 5, tzinfo=UTC)  # 12:05 in Amsterdam
    UserFactory(
        organisation=org_a,
        username="rij1",
        first_name="<b>Jan</b>",
        name_prefix="de",
        last_name="Vries",
        last_login=summer,
    )
    UserFactory(organisation=org_a, username="rij2", first_name="Els", name_prefix="", last_name="O'Neil & Zn",
                last_login=None)  # fmt: skip
    html = admin_client.get(LIST, {"zoeken": "rij"}).content.decode()
    assert (
        '<tr><td><a href="/beheer/gebruiker/rij1/">rij1</a></td><td>Vries, &lt;b&gt;Jan&lt;/b&gt; de</td>'
        "<td>01-07-2026 12:05</td><td>Sms</td><td></td></tr>"
    ) in html
    assert "<td>O&#x27;Neil &amp; Zn, Els</td><td>Nog niet ingelogd</td>" in html


@pytest.mark.parametrize("username", ["jan.devries", "özlem", "a b", "x%y", "a?b#c", "~:@!$&'()*+,;=", "'\"<>"])
def test_the_rows_link_to_the_same_address_as_reverse(username):
    assert user_detail_url()(username) == reverse("orgadmin:user_detail", kwargs={"username": username})


@pytest.mark.parametrize("username", ["", "a/b"])
def test_a_name_reverse_refuses_is_refused_by_the_rows_too(username):
    with pytest.raises(NoReverseMatch):
        user_detail_url()(username)


def bulk_users(organisation, count, start=0):
    now = timezone.now()
    User.objects.bulk_create(
        User(
            username=f"bulk{n:05d}",
            organisation=organisation,
            initials="B.",
            first_name="Bulk",
            last_name=f"Persoon{n}",
            email=f"bulk{n:05d}@zorg-a.nl",
            password="!",
            last_login=now - timedelta(hours=n),
            deleted_at=now if n % 7 == 0 else None,
            deletion_reason="Uit dienst" if n % 7 == 0 else "",
        )
        for n in range(start, start + count)
    )


@pytest.mark.parametrize("params", [{}, {"verwijderd": "on", "sort": "-opmerking", "zoeken": "bulk", "pagina": "2"}])
def test_list_page_query_count_is_the_same_for_10_and_1000_users(admin_client, org_a, params):
    bulk_users(org_a, 40)
    admin_client.get(LIST, params)  # a session's first request writes its row; the next ones within a minute not
    with CaptureQueriesContext(connection) as small:
        assert admin_client.get(LIST, params).status_code == 200
    bulk_users(org_a, 960, start=40)
    with CaptureQueriesContext(connection) as large:
        response = admin_client.get(LIST, params)
    assert response.status_code == 200 and len(login_names(response)) == 25
    assert len(large) == len(small)


def test_list_page_stays_within_its_query_budget(admin_client, org_a, django_assert_max_num_queries):
    bulk_users(org_a, 1000)
    with django_assert_max_num_queries(10):
        admin_client.get(LIST, {"verwijderd": "on", "sort": "naam"})


def test_list_selector_never_returns_other_organisations(admin_a, admin_b, user_a):
    found = user_search.user_list(admin=admin_a, query="", show_deleted=True, sort="")
    listed = {u.pk for u in found.users}
    assert listed and listed == set(
        User.objects.filter(organisation_id=admin_a.organisation_id).values_list("pk", flat=True)
    )


def test_remark_of_an_inactive_account_without_a_stored_reason_is_the_idle_rule(admin_client, org_a):
    UserFactory(organisation=org_a, username="zonderreden", deactivated_at=timezone.now(), deactivation_reason="")
    html = admin_client.get(LIST, {"verwijderd": "on", "zoeken": "zonderreden"}).content.decode()
    assert "<td>Inactief: 6 maanden niet ingelogd</td>" in html


def test_up_to_the_limit_the_count_is_exact(admin_client, org_a, admin_a, monkeypatch):
    monkeypatch.setattr(user_search, "USER_LIST_LIMIT", 30)
    bulk_users(org_a, 35)  # every 7th is deleted: 30 active accounts match "bulk"
    response = admin_client.get(LIST, {"zoeken": "bulk"})
    assert "30 gebruikers gevonden" in response.content.decode() and "Meer dan" not in response.content.decode()


def test_beyond_the_limit_the_list_says_meer_dan_and_pages_through_the_first_ones_in_order(
    admin_client, org_a, admin_a, monkeypatch
):
    monkeypatch.setattr(user_search, "USER_LIST_LIMIT", 30)
    bulk_users(org_a, 37)  # every 7th is deleted: 31 active accounts match "bulk"
    first = admin_client.get(LIST, {"zoeken": "bulk", "sort": "-inlognaam"})
    html = first.content.decode()
    assert "Meer dan 30 gebruikers gevonden. Alleen de eerste 30 in de gekozen volgorde zijn te zien" in html
    assert login_names(first)[0] == "bulk00036"  # the order of the whole list, not of a sample
    last = admin_client.get(LIST, {"zoeken": "bulk", "sort": "-inlognaam", "pagina": "9"})  # past the end: page 2
    assert login_names(last) == ["bulk00006", "bulk00005", "bulk00004", "bulk00003", "bulk00002"]
    # The 31st in this order is not lost: a longer search word finds it.
    assert login_names(admin_client.get(LIST, {"zoeken": "bulk00001"})) == ["bulk00001"]


def test_beyond_the_limit_the_queries_are_still_two_for_the_list(admin_client, org_a, monkeypatch):
    monkeypatch.setattr(user_search, "USER_LIST_LIMIT", 30)
    bulk_users(org_a, 60)
    # the first search reads the codes' statistics into the cache (PostgreSQL) and writes the session row
    admin_client.get(LIST, {"zoeken": "x"})
    with CaptureQueriesContext(connection) as limited:
        admin_client.get(LIST, {"zoeken": "bulk", "sort": "naam"})
    with CaptureQueriesContext(connection) as counted:
        admin_client.get(LIST, {"zoeken": "bulk0001", "sort": "naam"})
    assert len(limited) == len(counted)


def test_the_search_form_shows_what_was_asked_and_a_search_too_long_is_said_in_dutch(admin_client, user_a):
    html = admin_client.get(LIST, {"zoeken": "jan <b>", "verwijderd": "on"}).content.decode()
    assert '<input type="text" name="zoeken" value="jan &lt;b&gt;" maxlength="100" id="id_zoeken">' in html
    assert '<input type="checkbox" name="verwijderd" id="id_verwijderd" checked>' in html
    assert "id_zoeken_error" not in html
    html = admin_client.get(LIST, {"zoeken": "a" * 101}).content.decode()
    assert 'aria-invalid="true" aria-describedby="id_zoeken_error"' in html
    error = re.search(r'<div class="error-list" id="id_zoeken_error">(.*?)</div>', html).group(1)
    assert "niet meer dan 100 tekens" in error
    assert '<input type="checkbox" name="verwijderd" id="id_verwijderd">' in html
    assert user_a.username in login_names(admin_client.get(LIST, {"zoeken": "a" * 101}))  # the whole list, unfiltered


def test_the_layouts_links_are_reversed_once_per_url_configuration(admin_client, settings):
    from portero import templatetags

    templatetags._NAMED_URLS.clear()
    html = admin_client.get(LIST).content.decode()
    assert f'href="{reverse("orgadmin:organisation")}"' in html
    assert ("portero.urls", "/", "orgadmin:organisation") in templatetags._NAMED_URLS
    settings.ROOT_URLCONF = "portero.urls_beheer"  # another configuration: the links are reversed afresh
    assert not templatetags._NAMED_URLS


def test_a_search_without_matches_says_so_and_reads_no_page(admin_client):
    with CaptureQueriesContext(connection) as queries:
        html = admin_client.get(LIST, {"zoeken": "qqqzzzxx"}).content.decode()
    assert "Geen gebruikers gevonden." in html and "0 gebruikers gevonden" in html
    assert not [q for q in queries.captured_queries if " OFFSET " in q["sql"] and "accounts_user" in q["sql"]]


def test_the_limit_is_written_with_dutch_thousands_grouping():
    from orgadmin.views import _grouped

    assert (_grouped(1000, "nl"), _grouped(1234567, "nl")) == ("1.000", "1.234.567")


def test_the_search_is_posted_and_goes_on_to_the_url_without_a_bsn(admin_client, user_a):
    """A BSN typed into the search box by mistake must not reach a URL (browser history, the proxy's log)."""
    response = admin_client.post(LIST, {"zoeken": "jansen", "verwijderd": "on", "sort": "-naam"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?zoeken=jansen&verwijderd=on&sort=-naam"
    response = admin_client.post(LIST, {"zoeken": "123456782"})
    assert response.status_code == 200  # not redirected: the BSN stays out of every URL
    html = response.content.decode()
    assert "Een BSN hoort hier niet" in html and 'id="id_zoeken_error"' in html and "123456782" not in html
    html = admin_client.get(LIST, {"zoeken": "123 456 782"}).content.decode()
    assert "Een BSN hoort hier niet" in html and "456 782" not in html
    assert user_a.username in html  # the whole list, unfiltered
