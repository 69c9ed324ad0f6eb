"""Reads of the beheer site. Every object is looked up within the admin's own organisation. The user list's
search is orgadmin.user_search."""

from django.db.models import Count
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404

from accounts.models import Organisation, User
from accounts.selectors import active_users
from orgadmin.models import UserImport, UserImportRow


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


def active_user_by_email(*, admin: User, email: str) -> User | None:
    """The active user of the admin's organisation with this e-mail address (any case): whom an import's row changes."""
    if not email:
        return None
    users = User.objects.select_related("organisation").alias(email_lower=Lower("email"))
    users = users.filter(active_users(), email_lower=email.strip().lower(), organisation_id=admin.organisation_id)
    return users.order_by("pk").first()  # lower(email) among active accounts: the unique index's expression


def import_for_admin(*, admin: User, import_id: int) -> UserImport:
    """One of the admin's organisation's imports, or 404 (also for another organisation's)."""
    return get_object_or_404(
        UserImport.objects.select_related("created_by"), pk=import_id, organisation_id=admin.organisation_id
    )


def imports_for_admin(*, admin: User, limit: int = 10) -> list[UserImport]:
    return list(UserImport.objects.filter(organisation_id=admin.organisation_id).select_related("created_by")[:limit])


def import_counts(*, user_import: UserImport) -> dict[str, dict[str, int]]:
    """How many rows the dry run planned per kind, how many have each outcome, and how many are checked/applied."""
    rows = UserImportRow.objects.filter(user_import=user_import)
    plans = dict(rows.exclude(plan="").values_list("plan").annotate(n=Count("pk")).order_by())
    outcomes = dict(rows.exclude(outcome="").values_list("outcome").annotate(n=Count("pk")).order_by())
    welcomes = rows.filter(welcome_sent_at__isnull=False).count() if user_import.confirmed_at else 0
    return {
        "plan": {plan: plans.get(plan, 0) for plan in UserImportRow.Plan.values},
        "outcome": {outcome: outcomes.get(outcome, 0) for outcome in UserImportRow.Outcome.values},
        "checked": sum(plans.values()),
        "processed": sum(outcomes.values()),
        "welcomes": welcomes,
    }


def import_rows(*, user_import: UserImport):
    """The rows of an import in file order, with the account each created or changed."""
    return UserImportRow.objects.filter(user_import=user_import).select_related("user").order_by("number")
