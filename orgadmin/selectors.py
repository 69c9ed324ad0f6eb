"""Reads of the beheer site. Every object is looked up within the admin's own organisation."""

import functools
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, F, Value, When
from django.db.models.expressions import Col
from django.db.models.functions import Concat
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.selectors import active_users

# Column key (as in the URL) → ordering; every ordering ends with the unique login name so pages are stable.
SORT_COLUMNS = ("inlognaam", "naam", "laatste_inlog", "opmerking")
DEFAULT_SORT = "inlognaam"
USERS_PER_PAGE = 25
# The list counts matches up to this many (40 pages). Counting every match of one letter in an organisation of
# 50,000 accounts means testing all 50,000 on every page view; beyond this the list says "meer dan 1.000".
USER_LIST_LIMIT = 1000
# A search piece in at least this many of the organisation's accounts is searched by walking its rows, not through
# the index of codes; PostgreSQL's statistics of the codes are read again after this many seconds.
FREQUENT_PIECE_ACCOUNTS = 5000
FREQUENT_CODES_SECONDS = 600


@dataclass(frozen=True)
class UserList:
    users: "UserRows"  # sorted; at most USER_LIST_LIMIT of them are paged through
    count: int
    limited: bool  # more matches than USER_LIST_LIMIT; count is then USER_LIST_LIMIT


class CountedPaginator(Paginator):
    """A Paginator given its count by the selector that already knows it, so it sends no COUNT query of its own."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def user_for_admin(*, admin: User, username: str, active_only: bool = False) -> User:
    """The admin's organisation's user with this login name, or 404 (also for other organisations' users).

    active_only: deleted and inactive accounts cannot be changed or deleted; their edit URLs answer 404.
    """
    users = User.objects.select_related("organisation", "deleted_by").filter(organisation_id=admin.organisation_id)
    if active_only:
        users = users.filter(active_users())
    return get_object_or_404(users, username=username)


def organisation_for_admin(*, admin: User) -> Organisation:
    return get_object_or_404(Organisation.objects.prefetch_related("email_domains"), pk=admin.organisation_id)


def active_org_admin_ids(*, organisation_id: int, lock: bool = False) -> set[int]:
    """The ids of the organisation's active org admins; lock=True locks those rows until the transaction ends."""
    admins = User.objects.filter(active_users(), organisation_id=organisation_id, is_org_admin=True).order_by("pk")
    if lock:
        admins = admins.select_for_update()
    return set(admins.values_list("pk", flat=True))


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


# The ordering of each column, as SQL; every ordering ends with the unique login name so pages are stable. The
# name ordering is the one of the index user_org_name_idx (accounts.models.User), which walks an organisation's
# accounts in this order. "{dir}" is ASC or DESC; {remark} is user_remark_expression() compiled.
ORDER_SQL = {
    "inlognaam": "username {dir}",
    "naam": "LOWER(last_name) {dir}, LOWER(first_name) {dir}, LOWER(name_prefix) {dir}, username {dir}",
    # Never logged in counts as the oldest: first when ascending, last when descending.
    "laatste_inlog": "last_login {dir} {nulls}, username {dir}",
    "opmerking": "LOWER({remark}) {dir}, username {dir}",
}


def _order_by(sort: str) -> tuple[str, list]:
    """The ORDER BY of a sort parameter ('naam', '-laatste_inlog'; anything else is the default), with its params."""
    descending = sort.startswith("-")
    column = sort.lstrip("-")
    if column not in SORT_COLUMNS:
        column, descending = DEFAULT_SORT, False
    remark, params = _list_sql()["remark"] if column == "opmerking" else ("", [])
    direction, nulls = ("DESC", "NULLS LAST") if descending else ("ASC", "NULLS FIRST")
    return ORDER_SQL[column].format(dir=direction, nulls=nulls, remark=remark), list(params)


def search_code(organisation_id: int, piece: str) -> int:
    """The code of a piece of search text in an organisation, as PostgreSQL's portero_search_code computes it
    (accounts migrations 0007 and 0008): the first 32 bits of md5("<organisation>:<piece>"), signed."""
    digest = hashlib.md5(f"{organisation_id}:{piece}".encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


FREQUENT_CODES_CACHE_KEY = "orgadmin:search:frequent-codes:v2"  # v1 held every count, not a set


def _frequent_codes() -> frozenset[int]:
    """The codes PostgreSQL's statistics of accounts_user_search count among the most common elements and estimate
    to be in at least FREQUENT_PIECE_ACCOUNTS accounts (ANALYZE). Kept in the shared cache for
    FREQUENT_CODES_SECONDS: one read of the statistics for all web processes, and a cleared cache reads them again
    like any other entry. Only the frequent ones are kept: all thousand counts took 0.3 ms a search to unpickle."""

    def read() -> frozenset[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.most_common_elems::text::integer[], s.most_common_elem_freqs, c.reltuples "
                "FROM pg_stats AS s JOIN pg_class AS c ON c.relname = s.tablename "
                "WHERE s.tablename = 'accounts_user_search' AND s.attname = 'codes'"
            )
            row = cursor.fetchone()
        if not (row and row[0]):
            return frozenset()
        rows = max(row[2], 0)
        return frozenset(
            code for code, freq in zip(row[0], row[1], strict=False) if freq * rows >= FREQUENT_PIECE_ACCOUNTS
        )

    return cache.get_or_set(FREQUENT_CODES_CACHE_KEY, read, FREQUENT_CODES_SECONDS)


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


class UserRow(NamedTuple):
    """One line of 'Gebruikers'."""

    pk: int
    username: str
    first_name: str
    name_prefix: str
    last_name: str
    last_login: datetime | None
    remark: str


class UserRows:
    """The sorted matches of one list as a sequence the Paginator slices: each slice is one query for those rows."""

    def __init__(self, where: str, params: list, sort: str):
        self.where, self.params, self.sort = where, params, sort

    def __getitem__(self, page: slice) -> list[UserRow]:
        order, order_params = _order_by(self.sort)
        remark, remark_params = _list_sql()["remark"]
        start = page.start or 0
        limit = USER_LIST_LIMIT if page.stop is None else page.stop - start
        if limit <= 0:  # the empty first page of a list without matches
            return []
        sql = (
            f"SELECT id, username, first_name, name_prefix, last_name, last_login, {remark} "  # noqa: S608 - fixed SQL
            f"FROM accounts_user WHERE {self.where} ORDER BY {order} LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*remark_params, *self.params, *order_params, limit, start])
            rows = cursor.fetchall()
        column, converters = _last_login_converters()
        for convert in converters:
            rows = [(*row[:5], convert(row[5], column, connection), row[6]) for row in rows]
        return [UserRow(*row) for row in rows]

    def __iter__(self):
        return iter(self[:])


@functools.lru_cache(maxsize=8)
def _compiled_sql(vendor: str, language: str | None) -> dict[str, tuple[str, tuple]]:
    """The rules the list shares with the rest of Portero, compiled by Django's ORM once per database and language:
    'active' (accounts.selectors.active_users) and 'remark' (user_remark_expression, translated)."""
    query = User.objects.annotate(remark=user_remark_expression()).query
    compiler = query.get_compiler(connection=connection)
    active, active_params = query.build_where(active_users()).as_sql(compiler, connection)
    remark, remark_params = compiler.compile(query.annotations["remark"])
    return {"active": (active, tuple(active_params)), "remark": (remark, tuple(remark_params))}


def _last_login_converters() -> tuple[Col, list]:
    """What Django's ORM does to a last_login read from this database (SQLite: a naive UTC time made aware), so the
    rows read as SQL hold the same values as models would."""
    column = Col(User._meta.db_table, User._meta.get_field("last_login"))
    return column, [*connection.ops.get_db_converters(column), *column.get_db_converters(connection)]


def _list_sql() -> dict[str, tuple[str, tuple]]:
    return _compiled_sql(connection.vendor, get_language())


def users_for_admin_list(*, admin: User, query: str = "", show_deleted: bool = False, sort: str = "") -> UserList:
    """'Gebruikers': the admin's organisation's users, searched, filtered and sorted; two queries per page.

    Every word of the query must occur (case-insensitive, anywhere) in the login name, voornaam, achternaam,
    voorletters, tussenvoegsels or e-mail, so 'jan de vries' finds Jan de Vries.

    The count stops at USER_LIST_LIMIT + 1: more matches than that are not counted further ('meer dan 1.000'), so a
    frequent word costs a page's worth of rows, not a scan of the organisation. On PostgreSQL a word that is rare
    in the organisation is found through its pieces' codes (accounts_user_search, whose GIN index finds the accounts
    that have them all), not by testing every account; search_text LIKE stays the test.

    Written as SQL rather than through the ORM: building the two queries cost twice as much as running them (2 ms
    of a list page; issue 10). The rules they share with the rest of Portero come compiled from the ORM.
    """
    words = query.lower().split()
    codes = []
    if connection.vendor == "postgresql":
        frequent = _frequent_codes() if words else frozenset()  # one cache read per search, not per word
        codes = [code for word in words for code in _word_codes(admin.organisation_id, word, frequent)]

    def matching(*conditions: tuple[str, list]) -> tuple[str, list]:
        parts = list(conditions)
        if not show_deleted:
            parts.append(_list_sql()["active"])
        # User.search_text holds those six fields lower-cased and space-separated.
        parts += [("search_text LIKE %s ESCAPE '\\'", [f"%{connection.ops.prep_for_like_query(w)}%"]) for w in words]
        return " AND ".join(f"({sql})" for sql, _ in parts), [p for _, params in parts for p in params]

    matches = matching(("organisation_id = %s", [admin.organisation_id]))
    with connection.cursor() as cursor:
        if codes:
            # Read through the codes' index alone: the codes already belong to this organisation, and its own index
            # would add a bitmap of all its accounts (PostgreSQL takes the two for independent). Same test, in a
            # form no index serves. The ids, not just their number: the page then reads those accounts by id
            # instead of joining the codes again (at 1,000,000 accounts that join costs as much as the count).
            where, params = matching(
                ("organisation_id + 0 = %s", [admin.organisation_id]),
                ("id IN (SELECT user_id FROM accounts_user_search WHERE codes @> %s::integer[])", [sorted(set(codes))]),
            )
            cursor.execute(f"SELECT id FROM accounts_user WHERE {where} LIMIT %s", [*params, USER_LIST_LIMIT + 1])  # noqa: S608
            found = [row[0] for row in cursor.fetchall()]
            count = len(found)
            counted = ("id = ANY(%s)", [found])
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


def user_list_page(*, admin: User, query: str, show_deleted: bool, sort: str, page_number) -> tuple[Page, UserList]:
    """The page of 'Gebruikers' asked for (the last one when the number is too high), and the list it is from."""
    found = users_for_admin_list(admin=admin, query=query, show_deleted=show_deleted, sort=sort)
    paginator = CountedPaginator(found.users, USERS_PER_PAGE, count=found.count)
    return paginator.get_page(page_number), found
