"""Passkeys and security keys: django-otp-webauthn's WebAuthnCredential, a django-otp device next to the SMS device.

Registering one under a name, logging in with one as the second step after the password, renaming and removing one
(with the password). Every outcome has its audit row with the client's address; a refused key changes nothing.
The ceremonies themselves are the library's (its helper, accounts.webauthn.PorteroWebAuthnHelper); the views that
carry them are accounts/passkeys.py.
"""

from enum import StrEnum

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp_webauthn import exceptions
from webauthn.helpers.exceptions import WebAuthnException

from accounts.audit import Action, audit_log
from accounts.models import User
from accounts.ratelimit import rate_limit_exceeded
from accounts.services.sessions import sessions_end_all
from accounts.webauthn import CredentialCloned

NAME_MAX_LENGTH = 64  # django-otp's Device.name


class PasskeyRefusal(StrEnum):
    UNKNOWN = "unknown"  # no key with this id exists (removed, or never registered here)
    OTHER_ACCOUNT = "other_account"  # the key is someone else's
    CLONED = "cloned"  # the signature counter went back: a copy of the key
    INVALID = "invalid"  # the answer did not verify (wrong site, challenge, signature, ...)


REFUSAL_MESSAGES = {
    # Another person's key gets the same answer as an unknown one: nothing tells whose it is.
    PasskeyRefusal.UNKNOWN: _(
        "Deze sleutel is niet bekend bij uw account. Gebruik de passkey of beveiligingssleutel die u in Portero "
        "heeft toegevoegd, of log in met een sms-code."
    ),
    PasskeyRefusal.OTHER_ACCOUNT: _(
        "Deze sleutel is niet bekend bij uw account. Gebruik de passkey of beveiligingssleutel die u in Portero "
        "heeft toegevoegd, of log in met een sms-code."
    ),
    PasskeyRefusal.CLONED: CredentialCloned.default_detail,
    PasskeyRefusal.INVALID: _(
        "Inloggen met de sleutel is niet gelukt. Probeer het opnieuw of log in met een sms-code."
    ),
}


class PasskeyRefused(Exception):
    def __init__(self, reason: PasskeyRefusal):
        super().__init__(reason)
        self.reason = reason
        self.message = REFUSAL_MESSAGES[reason]


def passkey_register(*, user: User, helper, state: dict, data: dict, name: str, request: HttpRequest):
    """The end of a registration ceremony: the library verifies the browser's answer and stores the key; it gets its
    name and the audit row in the same transaction. A failure is audited and raised again for the view to answer."""
    try:
        with transaction.atomic():
            device = helper.register_complete(user=user, state=state, data=data)
            device.name = name[:NAME_MAX_LENGTH]
            device.save(update_fields=["name"])
            audit_log(Action.PASSKEY_ADDED, actor=user, target=user, request=request, passkey=device.pk, name=name)
    except (WebAuthnException, exceptions.OTPWebAuthnApiError) as exc:
        audit_log(
            Action.PASSKEY_FAILED, actor=user, target=user, request=request, step="register", error=type(exc).__name__
        )
        raise
    return device


def passkey_authenticate(*, user: User, helper, state: dict, data: dict, request: HttpRequest):
    """The second step of a login with a key, for the account whose password was just given: the device the answer
    proves, with its counter and last use saved and the audit row, or PasskeyRefused (audited, nothing changed)."""
    try:
        with transaction.atomic():
            device = helper.authenticate_complete(user=user, state=state, data=data)
            if not device.confirmed:
                raise exceptions.CredentialDisabled()
            audit_log(
                Action.PASSKEY_USED, actor=user, target=user, request=request, passkey=device.pk, name=device.name
            )
        return device
    except CredentialCloned as exc:
        audit_log(Action.PASSKEY_CLONED, target=user, request=request, passkey=exc.device_pk, step="login")
        raise PasskeyRefused(PasskeyRefusal.CLONED) from None
    except exceptions.CredentialNotFound:
        reason = PasskeyRefusal.UNKNOWN
    except exceptions.CredentialUserMismatch:
        reason = PasskeyRefusal.OTHER_ACCOUNT
    except (WebAuthnException, exceptions.OTPWebAuthnApiError, KeyError, ValueError, TypeError):
        reason = PasskeyRefusal.INVALID  # also an answer that is no WebAuthn answer at all
    audit_log(Action.PASSKEY_FAILED, target=user, request=request, step="login", reason=str(reason))
    raise PasskeyRefused(reason)


def passkey_rename(*, user: User, device, name: str, request: HttpRequest) -> None:
    with transaction.atomic():
        old = device.name
        device.name = name[:NAME_MAX_LENGTH]
        device.save(update_fields=["name"])
        audit_log(
            Action.PASSKEY_RENAMED, actor=user, target=user, request=request, passkey=device.pk, name=name, old=old
        )


class PasskeyRemoval(StrEnum):
    REMOVED = "removed"
    NO_PASSWORD = "no_password"
    WRONG_PASSWORD = "wrong_password"
    LIMITED = "limited"


def passkey_remove(*, user: User, device, raw_password: str, request: HttpRequest) -> PasskeyRemoval:
    """Remove a key, only with the account's password (an unattended session cannot take a factor away). Every other
    session of the account ends: one logged in with this key must not outlive it. At most 5 tries per 15 minutes."""
    if not raw_password:
        refusal = PasskeyRemoval.NO_PASSWORD
    elif rate_limit_exceeded(f"passkey:remove:{user.pk}", limit=5, window_seconds=15 * 60):
        refusal = PasskeyRemoval.LIMITED
    elif not user.check_password(raw_password):
        refusal = PasskeyRemoval.WRONG_PASSWORD
    else:
        with transaction.atomic():
            audit_log(
                Action.PASSKEY_REMOVED, actor=user, target=user, request=request, passkey=device.pk, name=device.name
            )
            device.delete()
            sessions_end_all(user=user)
        return PasskeyRemoval.REMOVED
    audit_log(
        Action.PASSKEY_REMOVAL_REFUSED, actor=user, target=user, request=request, passkey=device.pk, reason=str(refusal)
    )
    return refusal
