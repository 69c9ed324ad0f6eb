"""May this person log in now, and the limits on failed logins.

Many employees of one organisation share one public address (a NAT, a Citrix or VDI farm), and login names are
predictable. So no rule here locks an address for everyone or a login name for its owner:
- django-axes locks login name + address (AXES_LOCKOUT_PARAMETERS) after AXES_FAILURE_LIMIT wrong passwords;
- the login name alone, after `free` failures from anywhere, gets a progressive delay (1, 2, 4 … seconds, at
  most `max_seconds`, one attempt per turn): a guesser spread over many addresses is slowed to one guess a
  minute, the owner waits at most that minute, and not at all from an address they logged in from lately;
- an address gets a cap on its failures over all login names, sized for the largest organisation's morning
  peak (docs/SECURITY.md), which stops one address trying name after name.
"""

from enum import StrEnum

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext
from django_otp.util import random_hex
from two_factor.plugins.phonenumber.models import PhoneDevice

from accounts import selectors
from accounts.audit import Action, audit_log
from accounts.models import User
from accounts.ratelimit import (
    backoff_failure,
    backoff_try,
    mark,
    marked,
    rate_limit_exceeded,
    rate_limit_reached,
)
from accounts.services.factors import factor_used
from accounts.services.jobs import user_deactivate_idle
from accounts.services.sms import sms_code_used
from portero.client_ip import client_address


class LoginRefusal(StrEnum):
    DELETED = "deleted"
    INACTIVE = "inactive"
    ORGANISATION_SUSPENDED = "organisation_suspended"
    ORGANISATION_WITHOUT_CONTRACT = "organisation_without_contract"
    PASSWORD_EXPIRED = "password_expired"


def login_refusal(*, user: User, request: HttpRequest | None = None) -> LoginRefusal | None:
    """The one rule for 'may this user log in now?', asked after the password proved correct.

    An account idle for 6 months is deactivated right here too, not only by the nightly job.
    """
    if user.deleted_at is not None:
        return LoginRefusal.DELETED
    now = timezone.now()
    if user.deactivated_at is None and selectors.idle_since(user=user) <= selectors.idle_cutoff(now=now):
        user_deactivate_idle(user=user, request=request)
    if user.deactivated_at is not None:
        return LoginRefusal.INACTIVE
    # CIZ suspended the organisation's access as a sanction (aanvragen.services.organisation_suspend), or its
    # contract has ended or not yet started: an organisation has access only while its contract runs.
    closed = selectors.organisation_closed(organisation=user.organisation)
    if closed == selectors.OrganisationClosed.SUSPENDED:
        return LoginRefusal.ORGANISATION_SUSPENDED
    if closed is not None:
        return LoginRefusal.ORGANISATION_WITHOUT_CONTRACT
    if selectors.password_expired(user=user, now=now):
        return LoginRefusal.PASSWORD_EXPIRED
    return None


def login_name_normalise(username: str | None) -> str:
    """A login name as typed, the way every limit and lookup keys it: trimmed, lower case, at most a login name's
    length (the login form refuses a longer one before any limit is asked)."""
    return (username or "").strip().lower()[: User._meta.get_field("username").max_length]


def _address_windows(address: str | None):
    for window in settings.PORTERO_LOGIN_LIMITS["per_address"]:
        yield f"login:ip{window['window_seconds']}:{address or 'onbekend'}", window


def login_attempt_refusal(*, username: str, request: HttpRequest | None = None) -> str | None:
    """Asked before the password is checked: a Dutch message when this attempt may not be tried now, else None.
    Refused attempts check no password and are audited; the answer is the same for every kind of login name."""
    limits = settings.PORTERO_LOGIN_LIMITS
    name = login_name_normalise(username)
    address = client_address(request)
    for key, window in _address_windows(address):
        seconds = rate_limit_reached(key, **window)
        if seconds:
            _login_refused_audit(username, request, "address_limit")
            minutes = -(-seconds // 60)
            return ngettext(
                "Vanaf dit netwerkadres is te vaak een verkeerd wachtwoord ingevuld. Probeer het over %(minutes)s "
                "minuut opnieuw.",
                "Vanaf dit netwerkadres is te vaak een verkeerd wachtwoord ingevuld. Probeer het over %(minutes)s "
                "minuten opnieuw.",
                minutes,
            ) % {"minutes": minutes}
    if marked(f"login:known:{name}:{address}"):
        return None
    per_name = limits["per_login_name"]
    seconds = backoff_try(f"login:name:{name}", free=per_name["free"], max_seconds=per_name["max_seconds"])
    if seconds:
        _login_refused_audit(username, request, "login_name_delay")
        return ngettext(
            "Met deze inlognaam is te vaak een verkeerd wachtwoord ingevuld. Wacht nog %(seconds)s seconde en "
            "probeer het dan opnieuw.",
            "Met deze inlognaam is te vaak een verkeerd wachtwoord ingevuld. Wacht nog %(seconds)s seconden en "
            "probeer het dan opnieuw.",
            seconds,
        ) % {"seconds": seconds}
    return None


def _login_refused_audit(username: str, request: HttpRequest | None, refused: str) -> None:
    target = User.objects.filter(username=username).first()
    audit_log(Action.LOGIN_FAILED, target=target, request=request, username=username[:40], refused=refused)


def login_failed(*, username: str, request: HttpRequest | None = None) -> None:
    """A login attempt failed (wrong password, unknown name, or refused by the lockout): audited, and counted for
    the login name's delay and the address's cap."""
    username = username or ""
    target = User.objects.filter(username=username).first()
    audit_log(Action.LOGIN_FAILED, target=target, request=request, username=username[:40])
    for key, window in _address_windows(client_address(request)):
        rate_limit_exceeded(key, **window)
    forget = settings.PORTERO_LOGIN_LIMITS["per_login_name"]["forget_seconds"]
    backoff_failure(f"login:name:{login_name_normalise(username)}", forget_seconds=forget)


def login_completed(*, user: User, device: PhoneDevice, request: HttpRequest | None = None) -> None:
    """After a correct code: a new device key, so the code just used (or any other sent before) cannot be used
    again; the end of the code cooldown; and the audit entry."""
    if isinstance(device, PhoneDevice):
        device.key = random_hex()
        device.save(update_fields=["key"])
    sms_code_used(user=user)  # a next code (e.g. 'Mobiel nummer wijzigen' right away) needs no cooldown wait
    # An address this login name fully logged in from (password and code) skips its delay for a while: the owner
    # at their usual desk is not slowed by a guesser elsewhere.
    days = settings.PORTERO_LOGIN_LIMITS["known_address_days"]
    mark(f"login:known:{login_name_normalise(user.username)}:{client_address(request)}", seconds=days * 24 * 60 * 60)
    audit_log(Action.LOGIN_SUCCEEDED, actor=user, target=user, request=request)
    factor_used(user=user, device=device, request=request)  # an authenticator app or recovery code: its own row
