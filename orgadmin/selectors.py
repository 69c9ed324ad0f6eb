"""Reads of the beheer site. Every object is looked up within the admin's own organisation."""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, Case, F, OrderBy, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Lower
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
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
    users: QuerySet  # sorted; at most USER_LIST_LIMIT of them are paged through
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


def _ordering(sort: str) -> list[OrderBy]:
    descending = sort.startswith("-")
    column = sort.lstrip("-")
    if column not in SORT_COLUMNS:
        column, descending = DEFAULT_SORT, False

    def by(expression, **nulls) -> OrderBy:
        return expression.desc(**nulls) if descending else expression.asc(**nulls)

    if column == "naam":
        keys = [by(Lower("last_name")), by(Lower("first_name")), by(Lower("name_prefix"))]
    elif column == "laatste_inlog":
        # Never logged in counts as the oldest: first when ascending, last when descending.
        keys = [by(F("last_login"), **({"nulls_last": True} if descending else {"nulls_first": True}))]
    elif column == "opmerking":
        keys = [by(Lower("remark"))]
    else:
        keys = []
    return [*keys, by(F("username"))]


def search_code(organisation_id: int, piece: str) -> int:
    """The code of a piece of search text in an organisation, as PostgreSQL's portero_search_code computes it
    (accounts migrations 0007 and 0008): the first 32 bits of md5("<organisation>:<piece>"), signed."""
    digest = hashlib.md5(f"{organisation_id}:{piece}".encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


FREQUENT_CODES_CACHE_KEY = "orgadmin:search:frequent-codes"


def _frequent_codes() -> dict[int, float]:
    """The codes PostgreSQL's statistics of accounts_user_search count among the most common elements, with the
    number of accounts each is estimated to be in (ANALYZE). Kept in the shared cache for FREQUENT_CODES_SECONDS:
    one read of the statistics for all web processes, and a cleared cache reads them again like any other entry."""

    def read() -> dict[int, float]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.most_common_elems::text::integer[], s.most_common_elem_freqs, c.reltuples "
                "FROM pg_stats AS s JOIN pg_class AS c ON c.relname = s.tablename "
                "WHERE s.tablename = 'accounts_user_search' AND s.attname = 'codes'"
            )
            row = cursor.fetchone()
        return dict(zip(row[0], (freq * max(row[2], 0) for freq in row[1]), strict=False)) if row and row[0] else {}

    return cache.get_or_set(FREQUENT_CODES_CACHE_KEY, read, FREQUENT_CODES_SECONDS)


def _word_codes(organisation_id: int, word: str) -> list[int]:
    """The codes of the word's pieces (the word itself when it has at most three letters, else its three-letter
    pieces), or none for a word whose every piece is frequent in the organisation (in thousands of its accounts):
    walking the organisation's rows finds a page of it at once, while the index would list all those thousands
    first. The planner cannot see this itself: it takes the organisation and the code for independent conditions."""
    pieces = sorted({word[i : i + 3] for i in range(len(word) - 2)}) if len(word) > 3 else [word]
    codes = [search_code(organisation_id, piece) for piece in pieces]
    frequent = _frequent_codes()
    if all(frequent.get(code, 0) >= FREQUENT_PIECE_ACCOUNTS for code in codes):
        return []
    return codes


def _pieces_present(codes: list[int]) -> RawSQL:
    """PostgreSQL: the accounts that have all these codes, through the GIN index of accounts_user_search (accounts
    migration 0008). It narrows the search down; search_text LIKE stays the test."""
    return RawSQL(
        "accounts_user.id IN (SELECT user_id FROM accounts_user_search WHERE codes @> %s::integer[])",
        [sorted(set(codes))],
        output_field=BooleanField(),
    )


def users_for_admin_list(*, admin: User, query: str = "", show_deleted: bool = False, sort: str = "") -> UserList:
    """'Gebruikers': the admin's organisation's users, searched, filtered and sorted; two queries per page.

    Every word of the query must occur (case-insensitive, anywhere) in the login name, voornaam, achternaam,
    voorletters, tussenvoegsels or e-mail, so 'jan de vries' finds Jan de Vries.

    The count stops at USER_LIST_LIMIT + 1: more matches than that are not counted further ('meer dan 1.000'), so a
    frequent word costs a page's worth of rows, not a scan of the organisation. On PostgreSQL a word that is rare
    in the organisation is found through its pieces' codes (_pieces_present), not by testing every account.
    """
    words = query.lower().split()
    codes = []
    if connection.vendor == "postgresql":
        codes = [code for word in words for code in _word_codes(admin.organisation_id, word)]

    def matching(*conditions: Q | RawSQL) -> QuerySet:
        matches = User.objects.filter(*conditions)
        if not show_deleted:
            matches = matches.filter(active_users())
        for word in words:
            # User.search_text holds those six fields lower-cased and space-separated.
            matches = matches.filter(search_text__contains=word)
        return matches

    matches = matching(Q(organisation_id=admin.organisation_id))
    counted = matches
    if codes:
        # Read through the codes' index alone: the codes already belong to this organisation, and its own index
        # would add a bitmap of all its accounts (PostgreSQL takes the two for independent). Same test, in a form
        # no index serves.
        org = RawSQL("accounts_user.organisation_id + 0 = %s", [admin.organisation_id], output_field=BooleanField())
        counted = matching(org, _pieces_present(codes))
        # The ids, not just their number: the page then reads those accounts by id instead of joining the codes
        # again (at 1,000,000 accounts that join costs as much as the count).
        found = list(counted.order_by().values_list("pk", flat=True)[: USER_LIST_LIMIT + 1])
        count = len(found)
        if count <= USER_LIST_LIMIT:
            counted = User.objects.filter(RawSQL("accounts_user.id = ANY(%s)", [found], output_field=BooleanField()))
    else:
        count = counted.order_by()[: USER_LIST_LIMIT + 1].count()
    # Up to the limit the page sorts the few matches the codes find; beyond it (a word in 2% or more of the
    # accounts), walking the accounts in the chosen order finds a page sooner than listing and sorting them all.
    users = (
        (counted if count <= USER_LIST_LIMIT else matches)
        .annotate(remark=user_remark_expression())
        .only("username", "first_name", "name_prefix", "last_name", "last_login", "deleted_at", "deactivated_at")
        .order_by(*_ordering(sort))
    )
    return UserList(users=users, count=min(count, USER_LIST_LIMIT), limited=count > USER_LIST_LIMIT)


def user_list_page(*, admin: User, query: str, show_deleted: bool, sort: str, page_number) -> tuple[Page, UserList]:
    """The page of 'Gebruikers' asked for (the last one when the number is too high), and the list it is from."""
    found = users_for_admin_list(admin=admin, query=query, show_deleted=show_deleted, sort=sort)
    paginator = CountedPaginator(found.users, USERS_PER_PAGE, count=found.count)
    return paginator.get_page(page_number), found
