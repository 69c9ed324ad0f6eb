"""The local demo's writes: its accounts, made through the same services as real ones, and moving a demo account's
dates so that the time rules can be tried (manage.py demo_tijd)."""

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from accounts import selectors
from accounts.models import User


def demo_dates_move(
    *, user: User, password_expires_in_days: int | None = None, idle_since: datetime | None = None
) -> User:
    """Move a demo account's dates so that the time rules can be tried locally: the password then expires that
    many days from now (0: now; the nightly job's marks are cleared so it warns and marks anew), and the last
    login is put at `idle_since`. Only with DEBUG: on a real site dates are never moved."""
    if not settings.DEBUG:
        raise PermissionError("demo_dates_move only runs with DEBUG")
    fields = []
    if password_expires_in_days is not None:
        expires_at = timezone.localtime() + timedelta(days=password_expires_in_days)
        user.password_changed_at = expires_at - relativedelta(months=settings.PORTERO_PASSWORD_VALID_MONTHS)
        # Calendar months clip at a month's end (31 May - 3 months + 3 months = 28 May): move the rest in time.
        user.password_changed_at += expires_at - selectors.password_expires_at(user=user)
        user.password_expired_at = user.password_expiry_warned_at = user.password_expiry_mailed_at = None
        fields += ["password_changed_at", "password_expired_at", "password_expiry_warned_at"]
        fields += ["password_expiry_mailed_at"]
    if idle_since is not None:
        user.last_login = idle_since
        fields.append("last_login")
    user.save(update_fields=fields)
    return user
