"""The beheer list search's indexes (accounts/migrations/0001_initial.py): on PostgreSQL the organisation-coded
pieces in their own table (accounts_user_search, orgadmin.models.UserSearch) with a GIN index, kept by triggers, the
two B-tree indexes and the table's fillfactor exist and the planner can use them; on SQLite the search works without
them (tests/orgadmin/test_user_list.py)."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from orgadmin import user_search
from orgadmin.user_search import user_list
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_search_column_is_the_six_fields_lower_cased(admin_a):
    user = User.objects.get(pk=admin_a.pk)
    assert (
        user.search_text
        == " ".join(
            [user.username, user.first_name, user.last_name, user.initials, user.name_prefix, user.email]
        ).lower()
    )


def test_a_word_never_matches_across_two_fields(admin_a):
    # 'dijkstra' + ' ' + 'a.' : a query without a space cannot bridge the separator
    assert user_list(admin=admin_a, query="dijkstraa.").count == 0
    assert user_list(admin=admin_a, query="DIJKSTRA").count == 1


def test_postgresql_has_the_search_indexes_and_fillfactor_and_no_index_the_codes_replace(admin_a):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite searches without these indexes")
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "accounts_user")
        indexes = {name for name, constraint in constraints.items() if constraint["index"]}
        assert {"user_org_name_idx", "user_org_username_idx", "user_org_search_idx"} <= indexes
        search = connection.introspection.get_constraints(cursor, "accounts_user_search")
        assert search["user_search_codes_idx"]["columns"] == ["codes"]
        # Every index fewer is one entry less per deactivated account in the nightly job.
        assert not indexes & {"user_search_trgm_idx", "user_org_active_search_idx"}
        assert not [name for name in indexes if constraints[name]["columns"] == ["organisation_id"]]
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'accounts_user'")
        assert "fillfactor=85" in cursor.fetchone()[0]  # the expiry job's updates stay HOT


def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite searches without the codes")


def pieces(text: str) -> set[str]:
    return {text[i : i + n] for n in (1, 2, 3) for i in range(len(text) - n + 1)} - {""}


def codes_of(organisation_id: int, texts) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT portero_search_code(%s, piece) FROM unnest(%s::text[]) AS piece",
            [organisation_id, sorted(p for p in texts if " " not in p)],
        )
        return {row[0] for row in cursor.fetchall()}


def search_row(user_id: int) -> tuple[set[int], str] | None:
    """The account's codes and the transaction that last wrote them (xmin), or None without a row."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT codes, xmin::text FROM accounts_user_search WHERE user_id = %s", [user_id])
        row = cursor.fetchone()
    return (set(row[0]), row[1]) if row else None


def test_search_codes_are_the_organisations_codes_of_every_piece_and_follow_changes(admin_a, org_b):
    postgresql_only()
    user = UserFactory(organisation=admin_a.organisation, first_name="Özlem", last_name="Çelik", initials="Ö.")
    codes, _written = search_row(user.pk)
    assert codes == codes_of(admin_a.organisation_id, pieces(User.objects.get(pk=user.pk).search_text))
    # the same piece in another organisation has another code
    assert codes_of(admin_a.organisation_id, ["öz"]) != codes_of(admin_a.organisation_id + 1, ["öz"])
    User.objects.filter(pk=user.pk).update(last_name="Qaderi")
    codes, _written = search_row(user.pk)
    assert codes_of(admin_a.organisation_id, ["qad"]) <= codes
    assert not codes_of(admin_a.organisation_id, ["çel"]) <= codes
    User.objects.filter(pk=user.pk).update(organisation=org_b)
    codes, _written = search_row(user.pk)
    assert codes == codes_of(org_b.pk, pieces(User.objects.get(pk=user.pk).search_text))
    User.objects.filter(pk=user.pk).delete()
    assert search_row(user.pk) is None


@pytest.mark.django_db(transaction=True)  # each write its own transaction, so xmin tells who wrote the codes
def test_a_change_outside_the_searched_fields_leaves_the_codes_unwritten(admin_a):
    """The nightly jobs' updates (deactivation, expiry marks) and a save that changes no searched field do not
    compute or write the codes again: at national scale that is hundreds of thousands of accounts a night."""
    postgresql_only()
    user = UserFactory(organisation=admin_a.organisation, last_name="Jansen")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(deactivated_at=timezone.now(), password_expired_at=timezone.now())
        user.refresh_from_db()
        user.deactivation_reason = "Uit dienst"
        user.save()  # Django writes every column, the searched ones unchanged
        with connection.cursor() as cursor:
            cursor.execute("SELECT txid_current()::text")
            (now_writing,) = cursor.fetchone()
        _codes, written = search_row(user.pk)
        assert written != now_writing
        User.objects.filter(pk=user.pk).update(first_name="Pieter")
        _codes, written = search_row(user.pk)
        assert written == now_writing


@pytest.mark.django_db(transaction=True)  # TRUNCATE waits for no deferred foreign-key check
def test_every_account_has_its_codes_after_a_bulk_insert_and_none_after_truncate(admin_a):
    postgresql_only()
    users = UserFactory.build_batch(3, organisation=admin_a.organisation)
    created = User.objects.bulk_create(users)
    for user in created:
        codes, _written = search_row(user.pk)
        assert codes == codes_of(admin_a.organisation_id, pieces(User.objects.get(pk=user.pk).search_text))
    with connection.cursor() as cursor:  # as Django's flush between transactional tests does
        cursor.execute("TRUNCATE accounts_user CASCADE")
        cursor.execute("SELECT count(*) FROM accounts_user_search")
        assert cursor.fetchone()[0] == 0


@pytest.mark.parametrize("word", ["a", "q", "ö", "zl", "ÇE", "@z", ".", "1", "de", "xx", "vri", "eman1", "dijkstra"])
def test_every_word_finds_exactly_what_contains_finds(admin_a, word):
    for n, (first, last) in enumerate([("Özlem", "Çelik"), ("Quinten", "de Vries"), ("Anna", "Zeeman1")]):
        UserFactory(organisation=admin_a.organisation, username=f"kort{n}", first_name=first, last_name=last)
    found = user_list(admin=admin_a, query=word, show_deleted=True)
    expected = {u.pk for u in User.objects.filter(organisation=admin_a.organisation) if word.lower() in u.search_text}
    if connection.vendor == "postgresql":  # SQLite's lower() folds ASCII only: 'Ö' stays 'Ö' there
        assert expected or word == "xx"
    assert {u.pk for u in found.users} == expected and found.count == len(expected)


def test_postgresql_finds_a_rare_word_through_the_codes_index(admin_a):
    postgresql_only()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT user_id FROM accounts_user_search WHERE codes @> ARRAY[portero_search_code(1, 'qz')]"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "user_search_codes_idx" in plan


def test_python_computes_the_same_codes_as_postgresql(admin_a):
    postgresql_only()
    examples = ["a", "zl", "öz", "ç", "@z", "1", "vri", "eul"]
    for organisation_id in (admin_a.organisation_id, 987654321):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT piece, portero_search_code(%s, piece) FROM unnest(%s::text[]) AS piece",
                [organisation_id, examples],
            )
            assert dict(cursor.fetchall()) == {p: user_search.search_code(organisation_id, p) for p in examples}


@pytest.mark.parametrize("word", ["de", "vries", "q"])
def test_a_word_frequent_in_the_organisation_is_searched_without_the_codes_and_finds_the_same(
    admin_a, word, monkeypatch
):
    for n, (first, last) in enumerate([("Quinten", "de Vries"), ("Anna", "de Boer"), ("Piet", "Jansen")]):
        UserFactory(organisation=admin_a.organisation, username=f"freq{n}", first_name=first, last_name=last)
    with CaptureQueriesContext(connection) as rare_queries:
        rare = user_list(admin=admin_a, query=word, show_deleted=True)
        rare_pks = {u.pk for u in rare.users}
    pieces = {word[i : i + 3] for i in range(len(word) - 2)} | {word}
    frequent_codes = frozenset(user_search.search_code(admin_a.organisation_id, piece) for piece in pieces)
    monkeypatch.setattr(user_search, "_frequent_codes", lambda: frequent_codes)  # as if in thousands of accounts each
    with CaptureQueriesContext(connection) as frequent_queries:
        frequent = user_list(admin=admin_a, query=word, show_deleted=True)
        frequent_pks = {u.pk for u in frequent.users}
    assert frequent_pks == rare_pks and frequent.count == rare.count
    assert not [q for q in frequent_queries.captured_queries if "accounts_user_search" in q["sql"]]
    if connection.vendor == "postgresql":
        # the rare word: the codes find the ids once, and the page reads those accounts by id (a first search in
        # this process may also read the codes' statistics)
        list_queries = [q["sql"] for q in rare_queries.captured_queries if "pg_stats" not in q["sql"]]
        assert ["accounts_user_search" in sql for sql in list_queries] == [True, False]


def test_the_statistics_of_the_codes_are_read_after_analyze(admin_a, monkeypatch):
    postgresql_only()
    UserFactory.create_batch(30, organisation=admin_a.organisation, first_name="Anna")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_user_search")
    a_code = user_search.search_code(admin_a.organisation_id, "a")
    for threshold, frequent in [(30, True), (1000, False)]:  # 'a' is in the 30 Anna's (and maybe a few more)
        monkeypatch.setattr(user_search, "FREQUENT_PIECE_ACCOUNTS", threshold)
        user_search.forget_frequent_codes()  # read before the ANALYZE, kept for ten minutes
        assert (a_code in user_search._frequent_codes()) is frequent


def test_a_piece_in_2500_of_the_organisations_accounts_is_walked_not_counted_through_the_codes(admin_a):
    """Counting to 1,001 through the codes reads all of a piece's accounts; walking the count index reads about
    1,001 × N / C entries of it, each a tenth of the cost: from about 2,000 accounts on the walk is cheaper
    (orgadmin/user_search.py, FREQUENT_PIECE_ACCOUNTS). At 5,000 'y', 'na' and 'ij' took the dearer way."""
    postgresql_only()
    organisation = admin_a.organisation
    User.objects.bulk_create(
        User(organisation=organisation, username=f"wkt{i}", initials="W.", first_name="Wietske", last_name=f"Q{i}",
             email=f"wkt{i}@example.nl")
        for i in range(2500)
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_user_search")
    user_search.forget_frequent_codes()
    assert user_search.search_code(organisation.id, "wie") in user_search._frequent_codes()
    with CaptureQueriesContext(connection) as queries:
        found = user_list(admin=admin_a, query="wie", sort="naam")
        assert found.limited and len(found.users[0:25]) == 25
    assert not [q for q in queries.captured_queries if "accounts_user_search" in q["sql"]]


def test_the_audit_log_has_one_index_for_its_target_not_two(admin_a):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "accounts_auditevent")
    by_target = [c["columns"] for c in constraints.values() if c["index"] and c["columns"][:1] == ["target_id"]]
    assert by_target == [["target_id", "created_at"]]


def test_postgresql_connections_plan_without_parallel_workers(admin_a):
    """A parallel plan's start-up cost more than the list's count it split (portero/settings.py)."""
    postgresql_only()
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


@pytest.mark.parametrize("query, show_deleted", [("", False), ("", True), ("a", False), ("a", True)])
def test_the_lists_count_can_be_read_from_an_index_alone(admin_a, monkeypatch, query, show_deleted):
    """At 1,000,000 accounts an organisation's accounts lie all over the table: a count that tests them through the
    table reads a page per account (3 ms of the list). With plain index and table scans switched off, PostgreSQL
    still finds a plan for the list's count: an index-only scan of user_org_search_idx (accounts.models.User)."""
    postgresql_only()
    UserFactory.create_batch(5, organisation=admin_a.organisation)
    monkeypatch.setattr(
        user_search, "_frequent_codes", lambda: frozenset([user_search.search_code(admin_a.organisation_id, "a")])
    )
    with CaptureQueriesContext(connection) as queries:
        found = user_list(admin=admin_a, query=query, show_deleted=show_deleted)
    assert found.count >= 5
    (count_sql,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_indexscan", "enable_bitmapscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        # Every index path is then as disabled as the rest, so on a few rows and stale statistics the planner may
        # take another index of the organisation (or the active accounts' e-mail); those are dropped for the plan,
        # in the test's transaction, which rolls back.
        cursor.execute("DROP INDEX user_org_username_idx, user_org_name_idx, user_unique_email_among_active")
        cursor.execute("EXPLAIN " + count_sql)
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using user_org_search_idx" in plan, plan


def test_a_search_of_several_words_reads_the_frequent_codes_once(admin_a, monkeypatch):
    postgresql_only()
    reads = []
    monkeypatch.setattr(user_search, "_frequent_codes", lambda: reads.append(1) or frozenset())
    user_list(admin=admin_a, query="jan de vries van", show_deleted=True)
    user_list(admin=admin_a, query="", show_deleted=True)  # no words: nothing to decide
    assert len(reads) == 1


def test_each_process_keeps_the_statistics_it_read_for_a_minute_then_reads_the_shared_cache_again(admin_a, monkeypatch):
    """The shared cache's round trip was a tenth of a search's own time; a minute-old copy chooses the same path."""
    postgresql_only()
    clock = [1000.0]
    monkeypatch.setattr(user_search.time, "monotonic", lambda: clock[0])
    reads = []
    real = cache.get_or_set
    monkeypatch.setattr(user_search.cache, "get_or_set", lambda *args: reads.append(1) or real(*args))
    for seconds in (0, 59.9):  # read once, then kept
        clock[0] = 1000.0 + seconds
        user_list(admin=admin_a, query="jan")
    assert len(reads) == 1
    clock[0] = 1000.0 + user_search.FREQUENT_CODES_LOCAL_SECONDS
    user_list(admin=admin_a, query="jan")
    assert len(reads) == 2
    user_search.forget_frequent_codes()
    user_list(admin=admin_a, query="jan")
    assert len(reads) == 3


def test_a_word_found_through_its_codes_never_joins_the_accounts_to_the_codes(admin_a, monkeypatch):
    """The codes' matches are computed once, as an array, before any account is read; the accounts are then read by
    id. As a join (`id IN (subquery)`) the planner misjudged mid-frequent words ('no', 'y', 'na') on a table where
    every organisation's accounts lie all over it, and scanned every account: 40 ms at 100,000 accounts."""
    postgresql_only()
    UserFactory.create_batch(5, organisation=admin_a.organisation, last_name="Noordam")
    monkeypatch.setattr(user_search, "_frequent_codes", frozenset)
    with CaptureQueriesContext(connection) as queries:
        found = user_list(admin=admin_a, query="no")
    assert found.count == 5
    (ids_sql,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT id FROM accounts_user")]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + ids_sql)
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "InitPlan" in plan
    assert not any(join in plan for join in ("Nested Loop", "Hash Join", "Merge Join", "Semi Join"))
