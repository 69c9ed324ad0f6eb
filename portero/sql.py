"""Small pieces of hand-written SQL that several modules share."""

from collections.abc import Iterable

from django.db import connection


def ids_condition(column: str, ids: Iterable[int]) -> tuple[str, list]:
    """`column` is one of `ids`, as SQL and its parameters. On PostgreSQL one array literal ('{1,2,3}', cast to
    bigint[]): psycopg2 writes a list as ARRAY[1, 2, 3] or an IN list as 1, 2, 3, which PostgreSQL parses value by
    value, for a page of 25 accounts in four tables (the beheer list's login methods) 0.26 ms against 0.12 ms, and
    more for the up to 1,001 accounts a search found through its codes. Elsewhere an IN list."""
    ids = [int(value) for value in ids]
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", ["{" + ",".join(map(str, ids)) + "}"]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids
