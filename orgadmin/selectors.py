"""Reads of the beheer site. Every object is looked up within the admin's own organisation."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, Case, F, OrderBy, QuerySet, Value, When
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
SHORT_WORD = 2  # search words this short have no trigram; PostgreSQL finds them through search_grams


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


def users_for_admin_list(*, admin: User, query: str = "", show_deleted: bool = False, sort: str = "") -> UserList:
    """'Gebruikers': the admin's organisation's users, searched, filtered and sorted; two queries per page.

    Every word of the query must occur (case-insensitive, anywhere) in the login name, voornaam, achternaam,
    voorletters, tussenvoegsels or e-mail, so 'jan de vries' finds Jan de Vries.

    One read of the matching ids, stopped after USER_LIST_LIMIT + 1: it gives the count and, when the matches are
    few, the only rows the page query has to sort. More matches than that are not counted further ('meer dan
    1.000'); the page then comes from the sorted index walk, which finds a page of a frequent word at once.
    """
    matches = User.objects.filter(organisation_id=admin.organisation_id)
    if not show_deleted:
        matches = matches.filter(active_users())
    for word in query.lower().split():
        # User.search_text holds those six fields lower-cased and space-separated (pg_trgm index on PostgreSQL).
        matches = matches.filter(search_text__contains=word)
        if len(word) <= SHORT_WORD and connection.vendor == "postgresql":
            # The same test, through the index of one- and two-letter pieces (accounts migration 0007).
            matches = matches.filter(RawSQL("search_grams @> ARRAY[%s]::text[]", [word], output_field=BooleanField()))
    ids = list(matches.order_by().values_list("pk", flat=True)[: USER_LIST_LIMIT + 1])
    limited = len(ids) > USER_LIST_LIMIT
    users = matches if limited else User.objects.filter(pk__in=ids)
    users = (
        users.annotate(remark=user_remark_expression())
        .only("username", "first_name", "name_prefix", "last_name", "last_login", "deleted_at", "deactivated_at")
        .order_by(*_ordering(sort))
    )
    return UserList(users=users, count=USER_LIST_LIMIT if limited else len(ids), limited=limited)


def user_list_page(*, admin: User, query: str, show_deleted: bool, sort: str, page_number) -> tuple[Page, UserList]:
    """The page of 'Gebruikers' asked for (the last one when the number is too high), and the list it is from."""
    found = users_for_admin_list(admin=admin, query=query, show_deleted=show_deleted, sort=sort)
    paginator = CountedPaginator(found.users, USERS_PER_PAGE, count=found.count)
    return paginator.get_page(page_number), found
