"""Passwords: set-password links (welcome, reset, renewal) within their request limits, setting a password under the
policy, and the expiry warning's mark."""

from enum import StrEnum

from django.conf import settings
from django.contrib.auth import password_validation
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import Action, audit_log
from accounts.models import PasswordHistory, User
from accounts.ratelimit import (
    rate_limit_exceeded,
)
from accounts.services.login import login_name_normalise
from portero.client_ip import client_address


def password_link_send(*, user: User, purpose: str, request: HttpRequest | None = None) -> None:
    """Issue a new set-password link (older ones stop working) and mail it once the transaction commits."""
    from accounts.tasks import send_password_link_mail

    with transaction.atomic():
        user.password_link_sent_at = timezone.now()
        user.save(update_fields=["password_link_sent_at"])
        audit_log(Action.PASSWORD_LINK_SENT, target=user, request=request, purpose=purpose)
        transaction.on_commit(lambda: send_password_link_mail.delay(user.pk, purpose))


def password_link_request(*, username: str, request: HttpRequest | None = None) -> None:
    """'Wachtwoord aanvragen': mail a link to an existing, active account; otherwise do nothing visible.

    The caller shows the same confirmation in every case (no user enumeration). Requests over the limit
    per login name or per client address are dropped silently, before any mail is queued.
    """
    username = login_name_normalise(username)
    over_limit = _password_request_over_limit(username=username, request=request)
    user = User.objects.filter(username=username).first()
    if over_limit or user is None or not user.is_active:
        audit_log(
            Action.PASSWORD_LINK_REFUSED, target=user, request=request, username=username, rate_limited=over_limit
        )
        return
    password_link_send(user=user, purpose="reset", request=request)


def _password_request_over_limit(*, username: str, request: HttpRequest | None) -> bool:
    """Count one request for a set-password link, per login name and per client address (both counted)."""
    limits = settings.PORTERO_PASSWORD_REQUEST_LIMITS
    over_name = rate_limit_exceeded(f"pwreq:name:{username}", **limits["per_login_name"])
    over_address = rate_limit_exceeded(f"pwreq:ip:{client_address(request) or 'onbekend'}", **limits["per_address"])
    return over_name or over_address


class PasswordSetVia(StrEnum):
    """Where a password was set: the set-password link (welcome, reset, renewal), the logged-in 'Wachtwoord
    wijzigen' page, or the changepassword command of CIZ's operators."""

    LINK = "link"
    PAGE = "page"
    COMMAND = "command"


PASSWORD_FIRST = "first"  # the case of password_set's mail for an account's first password


@transaction.atomic
def password_set(
    *,
    user: User,
    raw_password: str,
    request: HttpRequest | None = None,
    via: PasswordSetVia = PasswordSetVia.PAGE,
) -> None:
    """Set a new password: validate it against the whole policy, keep the old hash in the history (the last
    12), and start a new 3-month period.

    The person is mailed that it happened (ASVS 2.2.3), once the transaction commits: what the mail says depends on
    the case (accounts.tasks.send_password_set_mail). An account without a usable password gets its first password
    (welcome link, or a link requested before ever setting one): that is not a 'change', and the mail says so."""
    from accounts.tasks import send_password_set_mail

    password_validation.validate_password(raw_password, user)
    # An account whose password was taken away (accounts.services.factors_reset) has had one: not its first.
    first = not user.has_usable_password() and not PasswordHistory.objects.filter(user=user).exists()
    case = PASSWORD_FIRST if first else str(via)
    password_history_keep(user=user)
    user.set_password(raw_password)
    user.password_changed_at = timezone.now()
    user.password_expired_at = None
    user.password_expiry_warned_at = user.password_expiry_mailed_at = None
    user.save(
        update_fields=[
            "password",
            "password_changed_at",
            "password_expired_at",
            "password_expiry_warned_at",
            "password_expiry_mailed_at",
        ]
    )
    audit_log(Action.PASSWORD_SET, actor=user, target=user, request=request)
    at = user.password_changed_at.isoformat()
    transaction.on_commit(lambda: send_password_set_mail.delay(user.pk, case, at))


def password_history_keep(*, user: User) -> None:
    """The account's current password, if it has one, goes into its history (the last PORTERO_PASSWORD_HISTORY),
    which a new password may not repeat; called before the password is replaced or taken away."""
    if not user.has_usable_password():
        return
    PasswordHistory.objects.create(user=user, password=user.password)
    stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[settings.PORTERO_PASSWORD_HISTORY :]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()


def password_renewal_request(*, user: User, request: HttpRequest | None = None) -> bool:
    """Mail a renewal link (expiry warning or expired password), within the same limits as 'Wachtwoord
    aanvragen'. Returns False when the request was over the limit."""
    over_limit = _password_request_over_limit(username=user.username, request=request)
    if over_limit or not user.is_active:
        audit_log(Action.PASSWORD_LINK_REFUSED, target=user, request=request, rate_limited=over_limit)
        return False
    password_link_send(user=user, purpose="renew", request=request)
    return True


def password_expiry_warning_mailed(*, user: User) -> None:
    """The expiry warning mail of this account is sent: a retry or a second run of the mail task skips it. Marked
    after the send, so a crash in between sends it once more rather than never."""
    User.objects.filter(pk=user.pk).update(password_expiry_mailed_at=timezone.now())
