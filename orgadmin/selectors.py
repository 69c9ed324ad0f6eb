"""Reads of the beheer site. Every object is looked up within the admin's own organisation. The user list's
search is orgadmin.user_search."""

from datetime import date, datetime, time, timedelta

from django.db.models import Case, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import AuditEvent, Organisation, User
from accounts.selectors import active_users


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
