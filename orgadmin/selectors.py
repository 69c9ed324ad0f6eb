"""Reads of the beheer site. Every object is looked up within the admin's own organisation. The user list's
search is orgadmin.user_search."""

from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import AuditEvent, Organisation, User
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


def user_by_login_or_email(*, admin: User, value: str) -> User | None:
    """The admin's organisation's account with this login name or e-mail address (case-insensitive): the login
    name first, then the active account with the address, then the one most recently created with it."""
    users = User.objects.filter(organisation_id=admin.organisation_id)
    found = users.filter(username__iexact=value).first()
    if found is None:
        found = (
            users.filter(email__iexact=value)
            .annotate(active=Case(When(active_users(), then=Value(1)), default=Value(0)))
            .order_by("-active", "-date_joined", "-pk")
            .first()
        )
    return found


def user_of_organisation(*, admin: User, pk: int | None) -> User | None:
    return User.objects.filter(organisation_id=admin.organisation_id, pk=pk).first() if pk else None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events_for_admin(
    *,
    admin: User,
    user_id: int | None = None,
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """'Logboek': the audit rows of the admin's own organisation, newest first. A row is the organisation's when
    accounts.audit.audit_log gave it this organisation, which it does for every row about one of its accounts,
    whoever wrote it (a CIZ staff member too), and for the organisation's own events; never another's. `user_id`:
    the rows about that account or by it; the period in Dutch days, both ends included. Read through the index
    audit_org_created_idx (organisation, -created_at, -id)."""
    events = AuditEvent.objects.filter(organisation_id=admin.organisation_id)
    if user_id:
        events = events.filter(Q(target_id=user_id) | Q(actor_id=user_id))
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(created_at__gte=_day_start(date_from))
    if date_to:
        events = events.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    return events.select_related("actor", "target").order_by("-created_at", "-id")
