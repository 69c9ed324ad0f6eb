"""The mobile number behind the SMS second factor: parsing it, the one way it changes (user_set_mobile), registering
a first number after a set-password link, and 'Mobiel nummer wijzigen' step by step."""

from enum import StrEnum

import phonenumbers
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.util import random_hex
from phonenumber_field.phonenumber import PhoneNumber
from phonenumbers import NumberParseException
from two_factor.plugins.phonenumber.models import PhoneDevice

from accounts.audit import Action, audit_log
from accounts.models import User
from accounts.ratelimit import (
    rate_limit_exceeded,
)
from accounts.services.sms import CodeSend, sms_code_send, sms_code_used


def mobile_parse(raw: str | PhoneNumber | None) -> PhoneNumber | None:
    """An E.164 number or a Dutch 06-number; None for empty; ValidationError otherwise.

    Only mobile numbers (an SMS code cannot reach a landline) of the regions in PORTERO_SMS_ALLOWED_REGIONS
    (default: the Netherlands): every SMS costs money, and foreign numbers are where SMS pumping earns."""
    if raw in (None, ""):
        return None
    invalid = ValidationError(_("Vul een geldig mobiel nummer in, bijvoorbeeld 06 12345678 of +31612345678."))
    try:
        number = raw if isinstance(raw, PhoneNumber) else PhoneNumber.from_string(str(raw), region="NL")
    except NumberParseException:  # not even shaped like a number ("<b>", "+")
        raise invalid from None
    if not number.is_valid():
        raise invalid
    regions = [region.upper() for region in settings.PORTERO_SMS_ALLOWED_REGIONS]
    if phonenumbers.region_code_for_number(number) not in regions:
        if regions == ["NL"]:
            raise ValidationError(
                _("Vul een Nederlands mobiel nummer in (06 of +316), bijvoorbeeld 06 12345678 of +31612345678.")
            )
        raise ValidationError(
            _("Vul een mobiel nummer in uit een van deze landen: %(regions)s.") % {"regions": ", ".join(regions)}
        )
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        raise ValidationError(
            _("Dit is geen mobiel nummer. Vul het nummer in van een mobiele telefoon, bijvoorbeeld 06 12345678.")
        )
    return number


@transaction.atomic
def phone_device_reset(*, user: User) -> PhoneDevice | None:
    """Make the user's SMS device match the mobile number on file (a new key: old codes stop working)."""
    PhoneDevice.objects.filter(user=user).delete()
    if not user.mobile:
        return None
    return PhoneDevice.objects.create(user=user, name="default", number=user.mobile, method="sms", confirmed=True)


@transaction.atomic
def user_set_mobile(
    *, user: User, mobile: str | PhoneNumber | None, actor: User | None = None, request=None
) -> PhoneDevice | None:
    """The one way a mobile number changes (beheer, phone setup, 'Mobiel nummer wijzigen'). A change is told to
    the person by mail and, when there was a number, by an SMS to that old number: a second factor moved by
    someone else must not go unnoticed. Both after the commit; neither holds a code or the new number."""
    old = user.mobile.as_e164 if user.mobile else ""
    user.mobile = mobile_parse(mobile) or ""
    user.save(update_fields=["mobile"])
    device = phone_device_reset(user=user)
    new = user.mobile.as_e164 if user.mobile else ""
    audit_log(Action.PHONE_SET, actor=actor or user, target=user, request=request)
    if old != new:
        _phone_change_notify(user=user, old=old, by_self=actor is None or actor.pk == user.pk, request=request)
    return device


PHONE_CHANGED_SMS = (
    "Portero: het mobiele nummer voor de sms-code van uw account is zojuist gewijzigd. Was u dit niet? Neem direct "
    "contact op met de organisatiebeheerder van uw organisatie."
)


def _phone_change_notify(*, user: User, old: str, by_self: bool, request: HttpRequest | None) -> None:
    from accounts.tasks import send_phone_changed_mail

    number_end = user.mobile.as_e164[-2:] if user.mobile else ""  # this change's number, not the one at send time
    transaction.on_commit(lambda: send_phone_changed_mail.delay(user.pk, by_self, bool(old), number_end))
    if old:
        # Sent in the request, not from a worker: the per-address cap then counts the address that made the change.
        old_device = PhoneDevice(user=user, name="oud nummer", number=old, method="sms")
        transaction.on_commit(lambda: sms_code_send(device=old_device, request=request, notice=_(PHONE_CHANGED_SMS)))


PHONE_ENROLMENT_SESSION_KEY = "_portero_phone_enrolment"


def phone_enrolment_mark(*, session: SessionBase, user: User) -> None:
    """This browser session used the account's set-password link (welcome, reset, renewal): in it, and only in it,
    the account may register its first mobile number, within the link's own hours (PASSWORD_RESET_TIMEOUT, counted
    from when the link was sent). The password alone must not be enough to bind a second factor of one's choosing:
    the link proves the mailbox too. Django's login keeps the session's data, so the login right after keeps it."""
    sent_at = user.password_link_sent_at or timezone.now()
    session[PHONE_ENROLMENT_SESSION_KEY] = {"user": user.pk, "link_sent_at": sent_at.timestamp()}


def phone_enrolment_allowed(*, session: SessionBase, user: User) -> bool:
    """May this session register a first mobile number for `user` now (see phone_enrolment_mark)?"""
    mark = session.get(PHONE_ENROLMENT_SESSION_KEY)
    if not isinstance(mark, dict) or mark.get("user") != user.pk or user.mobile:
        return False
    return timezone.now().timestamp() - mark["link_sent_at"] <= settings.PASSWORD_RESET_TIMEOUT


class PhoneChangeCheck(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LIMITED = "limited"


def phone_attempt_limited(*, user: User, what: str) -> bool:
    """Count one try; True past 5 tries per 15 minutes of one account, for the password ("password") or for the
    codes ("code") of 'Mobiel nummer wijzigen' and phone setup. A code of a device not saved yet is not throttled
    by django-otp (its failures are not stored), so this cap is what stops guessing it."""
    return rate_limit_exceeded(f"phonechange:{what}:{user.pk}", limit=5, window_seconds=15 * 60)


def phone_change_password_check(
    *, user: User, raw_password: str, request: HttpRequest | None = None
) -> PhoneChangeCheck:
    """Step 1: the password again, so that an unattended or stolen session cannot move the second factor."""
    if phone_attempt_limited(user=user, what="password"):
        audit_log(Action.PHONE_CHANGE, actor=user, target=user, request=request, step="password_limited")
        return PhoneChangeCheck.LIMITED
    if not user.check_password(raw_password):
        audit_log(Action.PHONE_CHANGE, actor=user, target=user, request=request, step="password_wrong")
        return PhoneChangeCheck.WRONG
    audit_log(Action.PHONE_CHANGE, actor=user, target=user, request=request, step="password_confirmed")
    return PhoneChangeCheck.OK


def phone_change_code_check(
    *, user: User, device: PhoneDevice, token: str, step: str, request: HttpRequest | None = None
) -> PhoneChangeCheck:
    """Steps 2 and 4: the code sent to the old number, then the one sent to the new number (`step`: "old_code" or
    "new_code"). django-otp throttles a saved device; the cap here also covers the new, unsaved one."""
    if phone_attempt_limited(user=user, what="code"):
        audit_log(Action.PHONE_CHANGE, actor=user, target=user, request=request, step=f"{step}_limited")
        return PhoneChangeCheck.LIMITED
    if not device.verify_token(token):
        audit_log(Action.PHONE_CHANGE, actor=user, target=user, request=request, step=f"{step}_wrong")
        return PhoneChangeCheck.WRONG
    if device.pk is not None:
        device.key = random_hex()  # this code cannot be used again (as after a login)
        device.save(update_fields=["key"])
    sms_code_used(user=user)
    audit_log(Action.PHONE_CHANGE, actor=user, target=user, request=request, step=f"{step}_confirmed")
    return PhoneChangeCheck.OK


def phone_change_new_device(*, user: User, number: str, key: str) -> PhoneDevice:
    """The device for the new number while it is being proven: not saved until its code is right."""
    return PhoneDevice(user=user, name="default", number=number, key=key, method="sms")


def phone_change_new_code_send(*, user: User, number: str, key: str, request: HttpRequest | None = None) -> CodeSend:
    """Step 3: a code to the new number, through the one send function."""
    result = sms_code_send(device=phone_change_new_device(user=user, number=number, key=key), request=request)
    if result == CodeSend.SENT:
        audit_log(Action.PHONE_CHANGE, actor=user, target=user, request=request, step="new_code_sent")
    return result


def phone_change_complete(
    *, user: User, number: str, key: str, token: str, request: HttpRequest | None = None
) -> tuple[PhoneChangeCheck, PhoneDevice | None]:
    """Step 4: the code from the new number proves it; only then the number changes (user_set_mobile, which
    tells the person by mail and the old number by SMS)."""
    result = phone_change_code_check(
        user=user,
        device=phone_change_new_device(user=user, number=number, key=key),
        token=token,
        step="new_code",
        request=request,
    )
    if result != PhoneChangeCheck.OK:
        return result, None
    return result, user_set_mobile(user=user, mobile=number, actor=user, request=request)
