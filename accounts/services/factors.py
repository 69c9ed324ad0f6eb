"""The second factors beyond SMS on the page 'Inlogmethoden': an authenticator app (django-otp's TOTP device), the
recovery codes (django-otp's static device), removing a factor with the password, and the audit of each add, use,
failure and removal, with the address. Passkeys have their own module (accounts.services.passkeys)."""

import time
from base64 import b32encode
from binascii import unhexlify
from enum import StrEnum

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts import selectors
from accounts.audit import Action, audit_log
from accounts.models import User
from accounts.ratelimit import rate_limit_exceeded
from accounts.services.phone import PHONE_ENROLMENT_SESSION_KEY

RECOVERY_CODE_COUNT = 10
# A QR code shown longer ago than this is stale: its confirmation is refused and a new secret is shown.
TOTP_SETUP_SECONDS = 10 * 60
TOTP_SETUP_SESSION_KEY = "portero_totp_setup"
RECOVERY_CODES_SESSION_KEY = "portero_recovery_codes"
REMOVABLE = {selectors.FACTOR_TOTP: TOTPDevice, selectors.FACTOR_RECOVERY: StaticDevice}


class FactorCheck(StrEnum):
    WRONG = "wrong"
    STALE = "stale"
    LIMITED = "limited"
    LAST = "last"  # the last factor that can still log in


def factor_kind(device) -> str | None:
    """The kind ("sms", "totp", "recovery", "passkey") of a django-otp device."""
    return selectors.FACTOR_MODELS.get(device._meta.label_lower)


def factor_enrolment_allowed(*, session: SessionBase, user: User) -> bool:
    """May a session that passed only the password add a first factor (an account whose organisation forbids SMS
    and that has no other factor)? Only in the session that used the account's set-password link, within the
    link's hours, as for a first mobile number (accounts.services.phone_enrolment_mark): the password alone must
    not be enough to bind a factor of one's choosing."""
    mark = session.get(PHONE_ENROLMENT_SESSION_KEY)
    if not isinstance(mark, dict) or mark.get("user") != user.pk:
        return False
    return timezone.now().timestamp() - mark["link_sent_at"] <= settings.PASSWORD_RESET_TIMEOUT


def factor_adding_allowed(*, session: SessionBase, user: User) -> bool:
    """May this session add a factor: logged in with both steps, or factor_enrolment_allowed's enrolment session."""
    return user.is_verified() or factor_enrolment_allowed(session=session, user=user)


def totp_setup_start(*, session: SessionBase) -> str:
    """A new secret for an authenticator app, kept in the session until a first code confirms it (hex)."""
    key = random_hex(20)
    session[TOTP_SETUP_SESSION_KEY] = {"key": key, "started": time.time()}
    return key


def totp_setup_key(*, session: SessionBase) -> str | None:
    """The secret shown on the page now, or None when there is none or it is stale."""
    setup = session.get(TOTP_SETUP_SESSION_KEY)
    if not isinstance(setup, dict) or time.time() - setup.get("started", 0) > TOTP_SETUP_SECONDS:
        return None
    return setup["key"]


def totp_secret_text(key: str) -> str:
    """The secret as the apps take it when typed (base32, in groups of four)."""
    text = b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def totp_config_url(*, user: User, key: str) -> str:
    return TOTPDevice(user=user, key=key).config_url


@transaction.atomic
def totp_confirm(*, user: User, session: SessionBase, token: str, name: str, request: HttpRequest | None = None):
    """Confirm the secret of the QR code with a first code from the app: only then is the device saved (confirmed)
    and counted as a factor. The code is marked used, so it cannot log in again. A wrong code, one outside the
    time window, or a QR code older than TOTP_SETUP_SECONDS is refused with a FactorCheck and audited; nothing is
    saved. At most 5 tries per 15 minutes: the secret is not yet a device, so django-otp does not throttle it."""
    if rate_limit_exceeded(f"totp:confirm:{user.pk}", limit=5, window_seconds=15 * 60):
        _failed(user, request, selectors.FACTOR_TOTP, "confirm_limited")
        return FactorCheck.LIMITED
    key = totp_setup_key(session=session)
    if key is None:
        session.pop(TOTP_SETUP_SESSION_KEY, None)
        _failed(user, request, selectors.FACTOR_TOTP, "confirm_stale")
        return FactorCheck.STALE
    device = TOTPDevice(user=user, key=key, name=name or _("Authenticator-app"), confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    try:
        verified = totp.verify(int(token), device.tolerance)
    except (TypeError, ValueError):
        verified = False
    if not verified:
        _failed(user, request, selectors.FACTOR_TOTP, "confirm_wrong")
        return FactorCheck.WRONG
    device.last_t = totp.t()  # the confirming code cannot be replayed at the login
    device.save()
    del session[TOTP_SETUP_SESSION_KEY]
    audit_log(Action.FACTOR_ADDED, actor=user, target=user, request=request, kind=selectors.FACTOR_TOTP)
    _factor_changed_mail(user, selectors.FACTOR_TOTP, added=True)
    return device


def recovery_codes_needed(*, user: User) -> bool:
    """After a first strong factor, the account gets its recovery codes (once; later only by regenerating)."""
    return not StaticDevice.objects.filter(user=user).exists()


def recovery_codes_first_set(*, session: SessionBase, user: User, request: HttpRequest | None = None) -> bool:
    """After a strong factor (an authenticator app, a passkey) was added: the account's first ten recovery codes, made
    now and kept in the session to be shown once (True), or nothing when it already has a set (False)."""
    if not recovery_codes_needed(user=user):
        return False
    session[RECOVERY_CODES_SESSION_KEY] = recovery_codes_create(user=user, request=request)
    return True


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def recovery_codes_create(*, user: User, request: HttpRequest | None = None) -> list[str]:
    """Ten new single-use recovery codes; any earlier set is void. The codes are returned once, to be shown and
    downloaded; they are stored as django-otp keeps them."""
    regenerated = StaticDevice.objects.filter(user=user).exists()
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Herstelcodes"), confirmed=True)
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit_log(
        Action.FACTOR_ADDED,
        actor=user,
        target=user,
        request=request,
        kind=selectors.FACTOR_RECOVERY,
        regenerated=regenerated,
    )
    return codes


@transaction.atomic
def factor_remove(
    *, user: User, kind: str, device_id, raw_password: str, request: HttpRequest | None = None
) -> FactorCheck | None:
    """Remove one of the person's own factors (an authenticator app, the recovery codes), with the password. Not
    the last factor that can still log in. None when removed; otherwise why not, audited, nothing changed."""
    model = REMOVABLE.get(kind)
    device = model.objects.filter(user=user, pk=_as_int(device_id)).first() if model else None
    if device is None:
        _failed(user, request, kind if model else "onbekend", "remove_unknown")
        return FactorCheck.WRONG
    if rate_limit_exceeded(f"factor:remove:{user.pk}", limit=5, window_seconds=15 * 60):
        _failed(user, request, kind, "remove_limited")
        return FactorCheck.LIMITED
    if not raw_password or not user.check_password(raw_password):
        _failed(user, request, kind, "remove_password_wrong")
        return FactorCheck.WRONG
    if not factor_remove_leaves_a_way_in(user=user, kind=kind, device_id=device.pk):
        _failed(user, request, kind, "remove_last")
        return FactorCheck.LAST
    device.delete()
    audit_log(Action.FACTOR_REMOVED, actor=user, target=user, request=request, kind=kind)
    _factor_changed_mail(user, kind, added=False)
    return None


def factor_remove_refused(*, user: User, kind: str, request: HttpRequest | None = None) -> None:
    """A removal without the password (or with a form made by hand): nothing removed, audited."""
    _failed(user, request, kind if kind in REMOVABLE else "onbekend", "remove_without_password")


def factor_remove_leaves_a_way_in(*, user: User, kind: str, device_id) -> bool:
    """Whether the account can still log in after removing this factor (the policy "SMS toegestaan" counted)."""
    factors = selectors.login_factors(user_id=user.pk)
    remaining = {
        other: ids
        for other, ids in factors.items()
        if other != selectors.FACTOR_RECOVERY and selectors.factor_usable(kind=other, organisation=user.organisation)
    }
    left = [pk for pk, _name in remaining.get(kind, []) if pk != _as_int(device_id)]
    return bool(left) or any(other != kind for other in remaining)


def factor_used(*, user: User, device, request: HttpRequest | None = None) -> None:
    """A factor beyond SMS logged in: audited with its kind; a recovery code is also mailed to the person, with
    how many are left, so that a use they did not make shows."""
    kind = factor_kind(device)
    if kind in (None, selectors.FACTOR_SMS):
        return
    detail = {"kind": kind}
    if kind == selectors.FACTOR_RECOVERY:
        detail["left"] = device.token_set.count()
    audit_log(Action.FACTOR_USED, actor=user, target=user, request=request, **detail)
    if kind == selectors.FACTOR_RECOVERY:
        from accounts.tasks import send_recovery_code_used_mail

        at = timezone.now().isoformat()
        transaction.on_commit(lambda: send_recovery_code_used_mail.delay(user.pk, detail["left"], at))


def factor_failed(*, user: User, device, request: HttpRequest | None = None) -> None:
    """A wrong or replayed code of an authenticator app or a recovery code at the login."""
    _failed(user, request, factor_kind(device) or "onbekend", "login_wrong")


def _failed(user: User, request: HttpRequest | None, kind: str, reason: str) -> None:
    audit_log(Action.FACTOR_FAILED, actor=user, target=user, request=request, kind=kind, reason=reason)


def _factor_changed_mail(user: User, kind: str, *, added: bool) -> None:
    from accounts.tasks import send_factor_changed_mail

    at = timezone.now().isoformat()
    transaction.on_commit(lambda: send_factor_changed_mail.delay(user.pk, kind, added, at))


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
