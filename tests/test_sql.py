"""portero/sql.py: a condition on a list of ids, the same rows on every database, one parameter on PostgreSQL."""

import pytest
from django.db import connection

from accounts.models import User
from portero.sql import ids_condition
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("wanted", [[], [0], [0, 2], [0, 1, 2]])
def test_the_condition_finds_exactly_the_ids_asked_for(wanted):
    users = UserFactory.create_batch(3)
    ids = [users[i].pk for i in wanted] + [10**12]  # and one that is nobody's
    condition, params = ids_condition("id", ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {User._meta.db_table} WHERE {condition} ORDER BY id", params)  # noqa: S608
        assert [row[0] for row in cursor.fetchall()] == sorted(users[i].pk for i in wanted)


def test_on_postgresql_the_ids_are_one_array_literal_not_a_value_each():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: elsewhere the condition is an IN list")
    assert ids_condition("user_id", [3, 1, 2]) == ("user_id = ANY(%s::bigint[])", ["{3,1,2}"])
