"""The beheer user search's fast path (orgadmin.user_search.user_list, what production runs) returns what its plain
ORM reference (reference_user_list) returns: the same rows with the same values, in the same order, with the same
count and pages, for a word from every searched field, words of 1, 2 and 3+ letters, every sort in both directions
and the deleted filter. On PostgreSQL both ways the fast path takes: a word's codes through the search table, and a
frequent word by walking the organisation's rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orgadmin import user_search
from orgadmin.models import UserSearch
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Every column both ways, and sorts that fall back to the default or are read as naam descending.
SORTS = ["", "onbekend", "-", "--naam", *[s for c in user_search.columns() for s in (c.key, f"-{c.key}")]]

# Per searched field: words of one, two and three or more letters, taken from the people below.
QUERIES = {
    "login name": ["o", "oz", "ozt", "devries1", "y.ij"],
    "voornaam": ["j", "ja", "jan", "özlem", "Öz", "öz", "ijs", "y"],
    "achternaam": ["ij", "rijn", "ÇEL", "ç", "wyk", "vries", "dijkstra"],
    "voorletters": ["ö.", "j.", "i.j."],
    "tussenvoegsels": ["van", "de", "den"],
    "e-mail": ["@", "zorg-a", "j_d", "_", "%", "a.nl"],
    "several words": ["jan de vries", "van ij", "  JAN   vries  ", "de de"],
    "nothing": ["", "qqq", "öztürkk"],
}


@pytest.fixture
def people(org_a, org_b, admin_a):
    """admin_a (Anna Dijkstra) and a dozen more: accents, 'ij' and 'y', equal names, every kind of remark, never
    logged in and equal login times; the same names in another organisation, which must never be listed."""
    now = timezone.now()
    same_time = now - timedelta(days=2)
    for organisation in (org_a, org_b):
        domain = "zorg-a.nl" if organisation == org_a else "zorg-b.nl"
        suffix = "" if organisation == org_a else "b"

        def person(username, first_name, last_name, name_prefix="", initials="J.", **fields):
            return UserFactory(
                organisation=organisation,
                username=f"{username}{suffix}",
                first_name=first_name,
                last_name=last_name,
                name_prefix=name_prefix,
                initials=initials,
                email=fields.pop("email", f"{username}{suffix}@{domain}"),
                last_login=fields.pop("last_login", now - timedelta(hours=len(username))),
                mobile="",  # no SMS device: fewer rows written for each of these tests
                **fields,
            )

        person("ozturk", "Özlem", "Öztürk", initials="Ö.", email=f"ozlem.ozturk{suffix}@{domain}")
        person("ycelik", "Yusuf", "Çelik", initials="Y.", deleted_at=now, deletion_reason="Verhuisd")
        person("ijsvrijn", "IJsbrand", "Rijn", "van", initials="I.J.", deactivated_at=now, deactivation_reason="")
        person("yvwyk", "Yara", "Wyk", "van", initials="Y.", deactivated_at=now, deactivation_reason="Langdurig ziek",
               last_login=None)  # fmt: skip
        person("devries1", "Jan", "Vries", "de", last_login=same_time, email=f"j_devries{suffix}@{domain}")
        person("devries2", "Jan", "Vries", "de", last_login=same_time)
        person("jdevries", "jan", "De Vries", last_login=same_time)
        person("ebijl", "Eline", "Bijl", initials="E.", last_login=None)
        person("y.ij", "Ymke", "IJzerman", "den", initials="Y.", deleted_at=now, deletion_reason="Andere baan",
               last_login=None)  # fmt: skip
        person("pvdberg", "Pieter", "Berg", "van den", initials="P.Q.", deleted_at=now, deletion_reason="uit dienst")
        person("zander", "Zoë", "Aalders", initials="Z.", last_login=now - timedelta(days=400))


def rows_of(found) -> list[dict]:
    return [dict(row) for row in found.users]


def assert_same(admin, query, monkeypatch, per_page=4):
    """The reference and the fast path agree on every sort and both settings of the deleted filter: rows, count,
    the 'more than' flag, and pages 1, 2 and one past the end."""
    monkeypatch.setattr(user_search, "USERS_PER_PAGE", per_page)
    for show_deleted in (False, True):
        for sort in SORTS:
            where = f"query={query!r} sort={sort!r} show_deleted={show_deleted}"
            arguments = {"admin": admin, "query": query, "show_deleted": show_deleted, "sort": sort}
            expected = user_search.reference_user_list(**arguments)
            found = user_search.user_list(**arguments)
            assert rows_of(found) == rows_of(expected), where
            assert (found.count, found.limited) == (expected.count, expected.limited), where
            for number in (1, 2, 99):
                fast_page, _ = user_search.user_list_page(**arguments, page_number=number)
                slow_page, _ = user_search.user_list_page(
                    **arguments, page_number=number, search=user_search.reference_user_list
                )
                assert list(fast_page.object_list) == list(slow_page.object_list), f"{where} page {number}"
                assert (fast_page.number, fast_page.paginator.num_pages) == (
                    slow_page.number,
                    slow_page.paginator.num_pages,
                ), f"{where} page {number}"


# One test per field (its words in a loop), not one per word: each test writes the people again, and on PostgreSQL
# every rolled-back row stays in the table until a vacuum, which shifts the planner's estimates for later tests.
@pytest.mark.parametrize("field", QUERIES)
def test_the_fast_path_lists_what_the_reference_lists(people, admin_a, monkeypatch, field):
    monkeypatch.setattr(user_search, "_frequent_codes", frozenset)  # on PostgreSQL: every word through its codes
    for query in QUERIES[field]:
        assert_same(admin_a, query, monkeypatch)


def test_a_frequent_word_walks_the_rows_and_lists_what_the_reference_lists(people, admin_a, monkeypatch):
    """A word whose pieces are in thousands of an organisation's accounts is not looked up by its codes."""
    for query in ["j", "ij", "vries", "jan de vries", "Öz", "a.nl"]:
        words = query.lower().split()
        frequent = frozenset(c for w in words for c in user_search._word_codes(admin_a.organisation_id, w, frozenset()))
        monkeypatch.setattr(user_search, "_frequent_codes", lambda frequent=frequent: frequent)
        assert_same(admin_a, query, monkeypatch)


def test_beyond_the_limit_both_list_the_first_ones_in_order_and_say_more(people, admin_a, monkeypatch):
    monkeypatch.setattr(user_search, "USER_LIST_LIMIT", 3)
    monkeypatch.setattr(user_search, "_frequent_codes", frozenset)
    for query in ["", "j", "v"]:
        expected = user_search.reference_user_list(admin=admin_a, query=query, show_deleted=True, sort="-naam")
        assert expected.limited and expected.count == 3 and len(expected.users) == 3
        assert_same(admin_a, query, monkeypatch, per_page=2)


def test_every_row_holds_the_values_the_list_shows(people, admin_a):
    (row,) = user_search.reference_user_list(admin=admin_a, query="ijsvrijn", show_deleted=True).users
    assert (row.username, row.last_name, row.first_name, row.name_prefix) == ("ijsvrijn", "Rijn", "IJsbrand", "van")
    assert row.last_login is not None
    assert row.remark == "Inactief: 6 maanden niet ingelogd"
    (row,) = user_search.user_list(admin=admin_a, query="ebijl").users
    assert (row.last_name, row.name_prefix, row.last_login, row.remark) == ("Bijl", "", None, "")


def test_on_postgresql_a_rare_word_is_found_through_the_search_table(people, admin_a, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite searches without the codes")
    monkeypatch.setattr(user_search, "_frequent_codes", frozenset)
    with CaptureQueriesContext(connection) as queries:
        user_search.user_list(admin=admin_a, query="rijn", show_deleted=True)
    assert [q for q in queries.captured_queries if UserSearch._meta.db_table in q["sql"]]
    # The unmanaged model reads the same table the triggers keep.
    codes = [user_search.search_code(admin_a.organisation_id, piece) for piece in ("rij", "ijn")]
    found = UserSearch.objects.filter(codes__contains=codes).values_list("user__username", flat=True)
    assert set(found) == {"ijsvrijn"}
