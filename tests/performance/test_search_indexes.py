"""The beheer list search's indexes (accounts migration 0004): on PostgreSQL the pg_trgm GIN index on the search
column, the two B-tree indexes and the table's fillfactor exist and the planner can use the trigram index; on SQLite
the search works without them (tests/orgadmin/test_user_list.py)."""

import pytest
from django.db import connection

from accounts.models import User
from orgadmin.selectors import users_for_admin_list

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
    assert not users_for_admin_list(admin=admin_a, query="dijkstraa.").exists()
    assert users_for_admin_list(admin=admin_a, query="DIJKSTRA").exists()


def test_postgresql_has_the_indexes_and_fillfactor_and_uses_the_trigram_index(admin_a):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite searches without these indexes")
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "accounts_user")
        assert {"user_search_trgm_idx", "user_org_name_idx", "user_org_active_search_idx"} <= set(indexes)
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'accounts_user'")
        assert "fillfactor=85" in cursor.fetchone()[0]  # the nightly jobs' updates stay HOT
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM accounts_user WHERE search_text LIKE '%dijks%'")
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "user_search_trgm_idx" in plan
