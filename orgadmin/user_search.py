"""'Gebruikers', the beheer user list: search, the deleted filter, sort and pages, in one module.

`columns()` declares the list's columns: the sort key in the URL, the header, the ordering and the values a row
shows. `user_list_page` is the entry point the view calls. The search is written twice over one declaration:

- `reference_user_list`: the plain ORM queryset, the readable definition of what the list shows;
- `user_list`: the fast path that production runs (count capped at USER_LIST_LIMIT + 1, on PostgreSQL the
  organisation-coded pieces of `UserSearch`, two SQL statements per page).

tests/orgadmin/test_user_search_equivalence.py proves both give the same rows in the same order for every field,
word length, sort and deleted filter.

Search: every word of the query must occur (case-insensitive, anywhere) in the login name, voornaam, achternaam,
voorletters, tussenvoegsels or e-mail (User.search_text holds those six lower-cased and space-separated), so
'jan de vries' finds Jan de Vries. Without "toon verwijderde" only active accounts are listed.
"""

import functools
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, F, OrderBy, Value, When
from django.db.models.functions import Concat, Lower
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import active_users, login_methods_by_user
from orgadmin.models import UserSearch
from portero.sql import ids_condition

USERS_PER_PAGE = 25
# The list counts matches up to this many (40 pages). Counting every match of one letter in an organisation of
# 50,000 accounts means testing all 50,000 on every page view; beyond this the list says "meer dan 1.000".
USER_LIST_LIMIT = 1000
DEFAULT_SORT = "inlognaam"


@dataclass(frozen=True)
class Column:
    """One column of 'Gebruikers'. The ordering is the ascending one and ends with the unique login name, so pages
    are stable; descending is its exact reverse. `values` are what a row shows of it (the template reads
    row.<name>): a model field's name or an ORM expression.

    A column without an ordering is not sortable, and its header is no link. Its value may come from `page_values`
    instead: a function of the ids of the page's rows (at most USERS_PER_PAGE) to the value of each, stored in the
    row under the column's key. It is read once per page, after the search, on both paths."""

    key: str
    label: Any
    ordering: tuple[OrderBy, ...]
    values: dict[str, Any]
    page_values: Callable[[list[int]], dict[int, Any]] | None = None

    @property
    def sortable(self) -> bool:
        return bool(self.ordering)


def user_remark_expression():
    """'Opmerking': why an account is no longer active (deletion reason, or the 6-month inactivity rule)."""
    return Case(
        When(deleted_at__isnull=False, then=Concat(Value(_("Verwijderd: ")), F("deletion_reason"))),
        When(
            deactivated_at__isnull=False,
            then=Concat(
                Value(_("Inactief: ")),
                Case(
                    When(deactivation_reason="", then=Value(_("6 maanden niet ingelogd"))),
                    default=F("deactivation_reason"),
                ),
            ),
        ),
        default=Value(""),
    )


@functools.lru_cache(maxsize=8)
def columns(language: str | None = None) -> tuple[Column, ...]:
    """The columns, left to right, with the remark texts in `language` (the current one when built)."""
    login_name = F("username").asc()
    return (
        Column("inlognaam", gettext_lazy("Inlognaam"), (login_name,), {"username": "username"}),
        Column(
            "naam",
            gettext_lazy("Naam"),
            # The order of the index user_org_name_idx (accounts.models.User), which walks an organisation's accounts
            # in this order: page 1 of a frequent word is read without a sort.
            (Lower("last_name").asc(), Lower("first_name").asc(), Lower("name_prefix").asc(), login_name),
            # shown as 'achternaam, voornaam tussenvoegsels' by the template: composed in SQL, the text would be
            # computed for every match before the sort, not for the page's 25 rows only
            {"last_name": "last_name", "first_name": "first_name", "name_prefix": "name_prefix"},
        ),
        # Never logged in counts as the oldest: first when ascending, last when descending.
        Column(
            "laatste_inlog",
            gettext_lazy("Laatste inlog"),
            (F("last_login").asc(nulls_first=True), login_name),
            {"last_login": "last_login"},
        ),
        # The kinds of second factor (never a secret), read for the page's rows only: one query over every device model.
        Column("inlogmethoden", gettext_lazy("Inlogmethoden"), (), {}, page_values=login_methods_by_user),
        Column(
            "opmerking",
            gettext_lazy("Opmerking"),
            (Lower(user_remark_expression()).asc(), login_name),
            {"remark": user_remark_expression()},
        ),
    )


def current_columns() -> tuple[Column, ...]:
    return columns(get_language())


def sortable_columns() -> tuple[Column, ...]:
    return tuple(column for column in current_columns() if column.sortable)


def parse_sort(sort: str) -> tuple[str, bool]:
    """The column key and direction of a sort parameter ('naam', '-laatste_inlog'); anything else is the default."""
    key = sort.lstrip("-")
    if key not in {column.key for column in sortable_columns()}:
        return DEFAULT_SORT, False
    return key, sort.startswith("-")


def ordering(sort: str) -> list[OrderBy]:
    key, descending = parse_sort(sort)
    (column,) = [column for column in current_columns() if column.key == key]
    if not descending:
        return list(column.ordering)
    return [
        OrderBy(o.expression, descending=not o.descending, nulls_first=o.nulls_last, nulls_last=o.nulls_first)
        for o in column.ordering
    ]


def row_values() -> dict[str, Any]:
    """Every value a row shows, by name, in column order."""
    return {name: value for column in current_columns() for name, value in column.values.items()}


class UserRow(dict):
    """One line of 'Gebruikers': pk and the columns' values by name, also readable as attributes (row.pk)."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True)
class UserList:
    users: Any  # the sorted matches, at most USER_LIST_LIMIT of them (a sequence of UserRow the Paginator slices)
    count: int
    limited: bool  # more matches than USER_LIST_LIMIT; count is then USER_LIST_LIMIT


# --- the readable reference ------------------------------------------------------------------------------------


def reference_user_list(*, admin: User, query: str = "", show_deleted: bool = False, sort: str = "") -> UserList:
    """The list as a plain ORM queryset: what `user_list` must return, row for row, in a slower way."""
    rows = _reference_rows(admin=admin, query=query, show_deleted=show_deleted, sort=sort)
    found = [UserRow(row) for row in rows[: USER_LIST_LIMIT + 1]]
    limited = len(found) > USER_LIST_LIMIT
    return UserList(users=found[:USER_LIST_LIMIT], count=min(len(found), USER_LIST_LIMIT), limited=limited)


def _reference_rows(*, admin: User, query: str, show_deleted: bool, sort: str, extra: tuple[str, ...] = ()):
    """The search, filter and sort of the list as one ORM queryset of row dicts (the columns' values and `extra`)."""
    users = User.objects.filter(organisation_id=admin.organisation_id)
    if not show_deleted:
        users = users.filter(active_users())
    for word in query.lower().split():
        users = users.filter(search_text__contains=word)
    values = row_values()
    expressions = {name: value for name, value in values.items() if not isinstance(value, str)}
    return users.annotate(**expressions).order_by(*ordering(sort)).values("pk", *values, *extra)


# --- the fast path ---------------------------------------------------------------------------------------------
#
# Written as SQL rather than through the ORM: building the two queries cost twice as much as running them (2 ms of a
# list page). The SQL of the columns and of the active-account rule is compiled from the declarations above by the
# ORM, once per database and language.
#
# The count stops at USER_LIST_LIMIT + 1: more matches than that are not counted further ('meer dan 1.000'), so a
# frequent word costs a page's worth of rows, not a scan of the organisation. On PostgreSQL a word that is rare in
# the organisation is found through its pieces' codes (UserSearch, whose GIN index finds the accounts that have them
# all), not by testing every account; search_text LIKE stays the test. SQLite searches without the codes.

# A search piece in at least this many of the organisation's accounts is searched by walking its rows, not through
# the index of codes; PostgreSQL's statistics of the codes are read again after this many seconds. Where the two
# cost the same: counting to 1,001 through the codes reads every one of the piece's C accounts (about 2 µs each), the
# walk reads 1,001 × N / C entries of the organisation's count index (about 0.2 µs each), equal near C = √(90 N):
# about 2,100 for the largest organisation (N = 50,000). At 5,000, words in 2,000–5,000 accounts ('y', 'na', 'ij')
# were counted through the codes at twice the cost (make bench, the fixed hard words).
FREQUENT_PIECE_ACCOUNTS = 2000
FREQUENT_CODES_SECONDS = 600
FREQUENT_CODES_CACHE_KEY = "orgadmin:search:frequent-codes:v2"  # v1 held every count, not a set
FREQUENT_CODES_LOCAL_SECONDS = 60
_local_frequent_codes: list = []  # [until (time.monotonic()), codes]: this process's copy


def search_code(organisation_id: int, piece: str) -> int:
    """The code of a piece of search text in an organisation, as PostgreSQL's portero_search_code computes it (see
    orgadmin.models.UserSearch): the first 32 bits of md5("<organisation>:<piece>"), signed."""
    digest = hashlib.md5(f"{organisation_id}:{piece}".encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def _frequent_codes() -> frozenset[int]:
    """The codes PostgreSQL's statistics of the search table count among the most common elements and estimate to
    be in at least FREQUENT_PIECE_ACCOUNTS accounts (ANALYZE). Kept in the shared cache for FREQUENT_CODES_SECONDS:
    one read of the statistics for all web processes, and a cleared cache reads them again like any other entry.
    Only the frequent ones are kept: all thousand counts took 0.3 ms a search to unpickle. Each process keeps what
    it read for FREQUENT_CODES_LOCAL_SECONDS as well: the shared cache's round trip was a tenth of a search's own
    time, and statistics a minute old choose the same path (which path never changes which rows are found)."""
    now = time.monotonic()
    if _local_frequent_codes and now < _local_frequent_codes[0]:
        return _local_frequent_codes[1]

    def read() -> frozenset[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.most_common_elems::text::integer[], s.most_common_elem_freqs, c.reltuples "
                "FROM pg_stats AS s JOIN pg_class AS c ON c.relname = s.tablename "
                "WHERE s.tablename = %s AND s.attname = 'codes'",
                [UserSearch._meta.db_table],
            )
            row = cursor.fetchone()
        if not (row and row[0]):
            return frozenset()
        rows = max(row[2], 0)
        return frozenset(
            code for code, freq in zip(row[0], row[1], strict=False) if freq * rows >= FREQUENT_PIECE_ACCOUNTS
        )

    codes = cache.get_or_set(FREQUENT_CODES_CACHE_KEY, read, FREQUENT_CODES_SECONDS)
    _local_frequent_codes[:] = [now + FREQUENT_CODES_LOCAL_SECONDS, codes]
    return codes


def forget_frequent_codes() -> None:
    """Forget the statistics read (in the shared cache and this process's copy): the next search reads them anew."""
    cache.delete(FREQUENT_CODES_CACHE_KEY)
    _local_frequent_codes.clear()


def _word_codes(organisation_id: int, word: str, frequent: frozenset[int]) -> list[int]:
    """The codes of the word's pieces (the word itself when it has at most three letters, else its three-letter
    pieces), or none for a word whose every piece is in `frequent` (_frequent_codes: in thousands of its accounts):
    walking the organisation's rows finds a page of it at once, while the index would list all those thousands
    first. The planner cannot see this itself: it takes the organisation and the code for independent conditions."""
    pieces = sorted({word[i : i + 3] for i in range(len(word) - 2)}) if len(word) > 3 else [word]
    codes = [search_code(organisation_id, piece) for piece in pieces]
    if frequent.issuperset(codes):
        return []
    return codes


@dataclass(frozen=True)
class _CompiledSql:
    active: tuple[str, tuple]  # accounts.selectors.active_users as a WHERE condition
    select: tuple[str, tuple]  # "id, <each row value>"
    names: tuple[str, ...]  # the row's keys, in the order of `select`
    converters: tuple[tuple[int, Any, list], ...]  # (position, expression, converters) as the ORM applies them
    order: dict[str, tuple[str, tuple]]  # sort parameter → ORDER BY


@functools.lru_cache(maxsize=8)
def _compiled_sql(vendor: str, language: str | None) -> _CompiledSql:
    """The declarations above as SQL, compiled by Django's ORM once per database and language."""
    values = row_values()
    query = User.objects.all().query
    compiler = query.get_compiler(connection=connection)
    active, active_params = query.build_where(active_users()).as_sql(compiler, connection)
    parts, params, converters = ["id"], [], []
    for position, value in enumerate(values.values(), start=1):
        expression = (F(value) if isinstance(value, str) else value).resolve_expression(query)
        sql, sql_params = compiler.compile(expression)
        parts.append(sql)
        params += sql_params
        found = [*connection.ops.get_db_converters(expression), *expression.get_db_converters(connection)]
        if found:
            converters.append((position, expression, found))
    order = {}
    for column in sortable_columns():
        for sort in (column.key, f"-{column.key}"):
            compiled = [compiler.compile(o.resolve_expression(query)) for o in ordering(sort)]
            order[sort] = (", ".join(sql for sql, _ in compiled), tuple(p for _, ps in compiled for p in ps))
    return _CompiledSql(
        active=(active, tuple(active_params)),
        select=(", ".join(parts), tuple(params)),
        names=("pk", *values),
        converters=tuple(converters),
        order=order,
    )


def _sql() -> _CompiledSql:
    return _compiled_sql(connection.vendor, get_language())


class UserRows:
    """The sorted matches of one list as a sequence the Paginator slices: each slice is one query for those rows."""

    def __init__(self, where: str, params: list, sort: str):
        self.where, self.params, self.sort = where, params, sort

    def __getitem__(self, page: slice) -> list[UserRow]:
        compiled = _sql()
        key, descending = parse_sort(self.sort)
        order, order_params = compiled.order[f"-{key}" if descending else key]
        select, select_params = compiled.select
        start = page.start or 0
        limit = USER_LIST_LIMIT if page.stop is None else page.stop - start
        if limit <= 0:  # the empty first page of a list without matches
            return []
        sql = (
            f"SELECT {select} FROM accounts_user WHERE {self.where} "  # noqa: S608 - fixed SQL
            f"ORDER BY {order} LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*select_params, *self.params, *order_params, limit, start])
            rows = cursor.fetchall()
        if compiled.converters:
            rows = [list(row) for row in rows]
            for position, expression, converters in compiled.converters:
                for row in rows:
                    for convert in converters:
                        row[position] = convert(row[position], expression, connection)
        names = compiled.names
        return [UserRow(zip(names, row, strict=True)) for row in rows]

    def __iter__(self):
        return iter(self[:])


def user_list(*, admin: User, query: str = "", show_deleted: bool = False, sort: str = "") -> UserList:
    """'Gebruikers' as production reads it: the same as reference_user_list, in two queries per page."""
    words = query.lower().split()
    codes = []
    if connection.vendor == "postgresql":
        frequent = _frequent_codes() if words else frozenset()  # one cache read per search, not per word
        codes = [code for word in words for code in _word_codes(admin.organisation_id, word, frequent)]

    def matching(*conditions: tuple[str, list]) -> tuple[str, list]:
        parts = list(conditions)
        if not show_deleted:
            parts.append(_sql().active)
        parts += [("search_text LIKE %s ESCAPE '\\'", [f"%{connection.ops.prep_for_like_query(w)}%"]) for w in words]
        return " AND ".join(f"({sql})" for sql, _ in parts), [p for _, params in parts for p in params]

    matches = matching(("organisation_id = %s", [admin.organisation_id]))
    with connection.cursor() as cursor:
        if codes:
            # Read through the codes' index alone: the codes already belong to this organisation, and its own index
            # would add a bitmap of all its accounts (PostgreSQL takes the two for independent). Same test, in a
            # form no index serves. The ids, not just their number: the page then reads those accounts by id
            # instead of joining the codes again (at 1,000,000 accounts that join costs as much as the count).
            # The codes' matches as an array (ARRAY(subquery), computed once before the accounts are read), not as
            # `id IN (subquery)`: as a join the planner may misjudge a mid-frequent word ('no', 'y', 'na') and scan
            # every account of the table, 40 ms at 100,000 accounts and ten times that at a million.
            where, params = matching(
                ("organisation_id + 0 = %s", [admin.organisation_id]),
                (
                    f"id = ANY(ARRAY(SELECT user_id FROM {UserSearch._meta.db_table} WHERE codes @> %s::integer[]))",  # noqa: S608
                    [sorted(set(codes))],
                ),
            )
            cursor.execute(f"SELECT id FROM accounts_user WHERE {where} LIMIT %s", [*params, USER_LIST_LIMIT + 1])  # noqa: S608
            found = [row[0] for row in cursor.fetchall()]
            count = len(found)
            counted = ids_condition("id", found)
        else:
            where, params = matches
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM accounts_user WHERE {where} LIMIT %s) AS found",  # noqa: S608
                [*params, USER_LIST_LIMIT + 1],
            )
            count = cursor.fetchone()[0]
            counted = matches
    # Up to the limit the page sorts the few matches the codes find; beyond it (a word in 2% or more of the
    # accounts), walking the accounts in the chosen order finds a page sooner than listing and sorting them all.
    users = UserRows(*(counted if count <= USER_LIST_LIMIT else matches), sort)
    return UserList(users=users, count=min(count, USER_LIST_LIMIT), limited=count > USER_LIST_LIMIT)


# --- the entry point -------------------------------------------------------------------------------------------


class CountedPaginator(Paginator):
    """A Paginator given its count by the search that already knows it, so it sends no COUNT query of its own."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def user_list_page(
    *, admin: User, query: str, show_deleted: bool, sort: str, page_number, search=user_list
) -> tuple[Page, UserList]:
    """The page of 'Gebruikers' asked for (the last one when the number is too high), and the list it is from.
    `search` is user_list, or reference_user_list to read the same page the plain ORM way."""
    found = search(admin=admin, query=query, show_deleted=show_deleted, sort=sort)
    paginator = CountedPaginator(found.users, USERS_PER_PAGE, count=found.count)
    page = paginator.get_page(page_number)
    page_values_add(page.object_list)
    return page, found


def page_values_add(rows: list[UserRow]) -> None:
    """Each page-read column's value (Column.page_values) into the rows of one page; nothing read for no rows."""
    ids = [row["pk"] for row in rows]
    if not ids:
        return
    for column in current_columns():
        if column.page_values is not None:
            values = column.page_values(ids)
            for row in rows:
                row[column.key] = values.get(row["pk"])


# --- the export ------------------------------------------------------------------------------------------------

EXPORT_BATCH_SIZE = 2000


def user_export_batches(*, admin: User, query: str = "", show_deleted: bool = False, sort: str = "", batch_size=None):
    """Every match of the list's search, filter and sort (no USER_LIST_LIMIT), in batches of UserRow with the
    e-mail address and the account's state as well: the query of reference_user_list read through one database
    cursor (server-side on PostgreSQL), so only one batch of rows is in memory at a time."""
    batch_size = batch_size or EXPORT_BATCH_SIZE
    rows = _reference_rows(
        admin=admin,
        query=query,
        show_deleted=show_deleted,
        sort=sort,
        extra=("email", "deleted_at", "deactivated_at"),
    )

    def batches():  # the query is built above, in the request's language; it runs at the first batch
        batch = []
        for row in rows.iterator(chunk_size=batch_size):
            batch.append(UserRow(row))
            if len(batch) == batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    return batches()
