"""Reads of the beheer site. Every object is looked up within the admin's own organisation."""

from django.db.models import Case, F, OrderBy, QuerySet, Value, When
from django.db.models.functions import Concat, Lower
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.selectors import active_users

# Column key (as in the URL) → ordering; every ordering ends with the unique login name so pages are stable.
SORT_COLUMNS = ("inlognaam", "naam", "laatste_inlog", "opmerking")
DEFAULT_SORT = "inlognaam"


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


def users_for_admin_list(*, admin: User, query: str = "", show_deleted: bool = False, sort: str = "") -> QuerySet:
    """'Gebruikers': the admin's organisation's users, searched, filtered and sorted; one query per page.

    Every word of the query must occur (case-insensitive, anywhere) in the login name, voornaam, achternaam,
    voorletters, tussenvoegsels or e-mail, so 'jan de vries' finds Jan de Vries.
    """
    users = User.objects.filter(organisation_id=admin.organisation_id).annotate(remark=user_remark_expression())
    if not show_deleted:
        users = users.filter(active_users())
    for word in query.split():
        # User.search_text holds those six fields lower-cased and space-separated (pg_trgm index on PostgreSQL).
        users = users.filter(search_text__contains=word.lower())
    return users.only(
        "username", "first_name", "name_prefix", "last_name", "last_login", "deleted_at", "deactivated_at"
    ).order_by(*_ordering(sort))
