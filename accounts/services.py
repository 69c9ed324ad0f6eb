"""Account rules that write: creating organisations and users, passwords, phones, the audit log.

Views, forms, the admin, tasks and management commands call these functions; none of them re-implements
a rule.
"""

import re
import unicodedata
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import phonenumbers
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Q, QuerySet
from django.db.models.sql import UpdateQuery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.util import random_hex
from phonenumber_field.phonenumber import PhoneNumber
from phonenumbers import NumberParseException
from two_factor.plugins.phonenumber.models import PhoneDevice

from accounts import selectors
from accounts.models import AuditEvent, EmailDomain, Organisation, PasswordHistory, User
from accounts.ratelimit import (
    backoff_failure,
    backoff_try,
    cooldown_active,
    cooldown_clear,
    mark,
    marked,
    rate_limit_exceeded,
    rate_limit_reached,
)
from accounts.sms import SmsNotSent, sms_text_send
from portero.client_ip import client_address, current_client_address

Action = AuditEvent.Action
IDLE_REASON = "6 maanden niet ingelogd"


# --- Audit ----------------------------------------------------------------------------------------


def audit_log(
    action: str,
    *,
    actor: User | None = None,
    target: User | None = None,
    organisation: Organisation | None = None,
    request: HttpRequest | None = None,
    **detail: Any,
) -> AuditEvent:
    if organisation is None and target is not None:
        organisation = target.organisation
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        target=target,
        organisation=organisation,
        # A receiver of a library's signal may have no request to pass (django-otp's failed code): the address
        # of the request being handled then comes from the middleware, so every row written in a request has one.
        ip_address=client_address(request) if request is not None else current_client_address.get(),
        detail=detail,
    )


def organisation_changed(
    *, organisation: Organisation, before: dict[str, Any], actor: User, request: HttpRequest | None = None
) -> AuditEvent:
    """CIZ staff changed an organisation's data (contract, profile) in the admin: before and after in the audit log.
    The suspension is not among them: it is set and lifted only by organisation_suspend (aanvragen.services) and
    organisation_suspension_lift, each with its reason."""
    after = {name: getattr(organisation, name) for name in before}
    return audit_log(
        Action.ORGANISATION_CHANGED,
        actor=actor,
        organisation=organisation,
        request=request,
        before={name: str(value) for name, value in before.items()},
        after={name: str(value) for name, value in after.items()},
    )


@transaction.atomic
def organisation_suspension_lift(
    *, user: User, organisation_id: int, note: str, request: HttpRequest | None = None
) -> Organisation:
    """'Opschorting opheffen': CIZ staff give a suspended organisation its access back, with the reason (who was
    spoken to, what changed) in the audit log next to the suspension it ends (aanvragen.services.organisation_suspend).
    The row lock makes a second lift at the same moment wait and then find the access already open."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Leg vast waarom de opschorting wordt opgeheven.")})
    if not organisation.is_suspended:
        raise ValidationError(_("De toegang van %(name)s is niet opgeschort.") % {"name": organisation.name})
    organisation.is_suspended = False
    organisation.save(update_fields=["is_suspended"])
    audit_log(
        Action.ORGANISATION_SUSPENSION_LIFTED,
        actor=user,
        organisation=organisation,
        request=request,
        note=note,
        before={"is_suspended": True},
        after={"is_suspended": False},
    )
    return organisation


# --- Validation shared by every path that writes a user ---------------------------------------------


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


def email_validate(*, organisation: Organisation, email: str, exclude_user: User | None = None) -> str:
    """Return the normalised address or raise ValidationError with a Dutch message (FAQ e-mail rules)."""
    email = (email or "").strip().lower()
    validate_email(email)  # Django's message is in Dutch with LANGUAGE_CODE nl
    local, _at, domain = email.rpartition("@")
    if not selectors.domain_allowed(organisation=organisation, domain=domain):
        allowed = ", ".join(d.domain for d in organisation.email_domains.all())
        raise ValidationError(
            _("Het e-mailadres moet binnen het domein van uw organisatie vallen (%(domains)s).")
            % {"domains": allowed or _("geen domeinen vastgelegd; neem contact op met het CIZ")}
        )
    if local in settings.PORTERO_GENERIC_MAILBOXES:
        raise ValidationError(
            _("Gebruik een persoonlijk werk-e-mailadres, geen algemeen adres zoals %(email)s.") % {"email": email}
        )
    clash = selectors.active_user_with_email(email=email, exclude_user=exclude_user)
    if clash is not None:
        raise ValidationError(email_in_use_message(clash, organisation))
    return email


def email_in_use_message(clash: User, organisation: Organisation) -> str:
    if clash.organisation_id == organisation.pk:
        return _("Dit e-mailadres is al in gebruik bij gebruiker %(login)s in uw organisatie.") % {
            "login": clash.username
        }
    return _("Dit e-mailadres is al in gebruik.")


def login_name_generate(*, first_name: str, name_prefix: str, last_name: str) -> str:
    """Derive a free login name: first letter of the first name + prefixes + last name.

    Lowercase ASCII (diacritics folded: 'Çelik-Öztürk' → 'celikozturk'), other characters dropped, at most
    30 characters; if taken (also by a deleted or inactive account) a number 2, 3, … is appended.
    """

    def fold(text: str) -> str:
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return re.sub(r"[^a-z0-9]", "", ascii_text.lower())

    base = (fold(first_name)[:1] + fold(name_prefix) + fold(last_name))[:30] or "gebruiker"
    taken = selectors.login_names_starting_with(base)
    if base not in taken:
        return base
    number = 2
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


# --- Writes -------------------------------------------------------------------------------------------


def user_create(
    *,
    organisation: Organisation,
    initials: str,
    first_name: str,
    last_name: str,
    email: str,
    name_prefix: str = "",
    mobile: str | PhoneNumber | None = None,
    uzi_number: str = "",
    is_org_admin: bool = False,
    created_by: User | None = None,
    request: HttpRequest | None = None,
) -> User:
    """Create an account with an unusable password and mail it a welcome with a set-password link."""
    errors = {}
    try:
        email = email_validate(organisation=organisation, email=email)
    except ValidationError as exc:
        errors["email"] = exc.messages
    try:
        number = mobile_parse(mobile)
    except ValidationError as exc:
        errors["mobile"] = exc.messages
    if errors:
        raise ValidationError(errors)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                user = User(
                    username=login_name_generate(first_name=first_name, name_prefix=name_prefix, last_name=last_name),
                    organisation=organisation,
                    initials=initials.strip(),
                    first_name=first_name.strip(),
                    name_prefix=name_prefix.strip(),
                    last_name=last_name.strip(),
                    email=email,
                    mobile=number or "",
                    uzi_number=uzi_number.strip(),
                    is_org_admin=is_org_admin,
                )
                user.set_unusable_password()
                user.full_clean(validate_constraints=False)
                user.save()
                break
        except IntegrityError as exc:
            # Two saves raced: for the e-mail address that is a form error, for the login name a retry.
            if selectors.active_user_with_email(email=email) is not None:
                raise ValidationError({"email": _("Dit e-mailadres is al in gebruik.")}) from exc
    else:
        raise ValidationError(_("Er kon geen vrije inlognaam worden gemaakt; probeer het opnieuw."))
    if number:
        phone_device_reset(user=user)
    created = {
        field: str(getattr(user, field))
        for field in ("username", "initials", "first_name", "name_prefix", "last_name", "email", "mobile", "uzi_number")
    }
    audit_log(Action.USER_CREATED, actor=created_by, target=user, request=request, is_org_admin=is_org_admin, **created)
    password_link_send(user=user, purpose="welcome", request=request)
    return user


@transaction.atomic
def organisation_create_with_admin(
    *,
    name: str,
    agb_code: str,
    kvk_number: str,
    domains: list[str],
    profile: str,
    admin: dict[str, Any],
    created_by: User | None = None,
    request: HttpRequest | None = None,
    **organisation_fields: Any,
) -> tuple[Organisation, User]:
    """Create an organisation with its mail domains and its first organisation admin (welcome mail)."""
    organisation = Organisation(
        name=name.strip(),
        agb_code=agb_code.strip(),
        kvk_number=kvk_number.strip(),
        profile=profile,
        **organisation_fields,
    )
    organisation.full_clean()
    organisation.save()
    cleaned_domains = []
    for domain in domains:
        domain = domain.strip().lower().lstrip("@")
        if not re.fullmatch(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", domain):
            raise ValidationError({"domains": _("'%(domain)s' is geen geldig e-maildomein.") % {"domain": domain}})
        cleaned_domains.append(EmailDomain(organisation=organisation, domain=domain))
    if not cleaned_domains:
        raise ValidationError({"domains": _("Geef minstens één e-maildomein van de organisatie op.")})
    EmailDomain.objects.bulk_create(cleaned_domains)
    audit_log(Action.ORGANISATION_CREATED, actor=created_by, organisation=organisation, request=request)
    try:
        org_admin = user_create(organisation=organisation, is_org_admin=True, created_by=created_by, **admin)
    except ValidationError as exc:
        raise ValidationError({f"admin_{key}": value for key, value in exc.message_dict.items()}) from exc
    return organisation, org_admin


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
    case = PASSWORD_FIRST if not user.has_usable_password() else str(via)
    if user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[
            settings.PORTERO_PASSWORD_HISTORY :
        ]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()
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


PASSWORD_FIRST = "first"  # the case of password_set's mail for an account's first password


def email_changed_notify(*, user: User, old_email: str, changed_by: User) -> None:
    """Someone else changed this account's e-mail address: mail the OLD address (ASVS 2.2.3) once the change
    commits, so the person hears of it where they still read their mail."""
    from accounts.tasks import send_email_changed_mail

    at = timezone.now().isoformat()
    transaction.on_commit(lambda: send_email_changed_mail.delay(user.pk, old_email, changed_by.pk, at))


# --- May this person log in now? -------------------------------------------------------------------


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
    # CIZ closed the organisation's access (sanctiebeleid, DOMAIN.md §2.4; aanvragen.services.organisation_suspend),
    # or its contract has ended or not yet started (DOMAIN.md §2.1: access is set by contract).
    closed = selectors.organisation_closed(organisation=user.organisation)
    if closed == selectors.OrganisationClosed.SUSPENDED:
        return LoginRefusal.ORGANISATION_SUSPENDED
    if closed is not None:
        return LoginRefusal.ORGANISATION_WITHOUT_CONTRACT
    if selectors.password_expired(user=user, now=now):
        return LoginRefusal.PASSWORD_EXPIRED
    return None


# --- Failed logins: limits that fit organisations behind one address ----------------------------------------
#
# Many employees of one organisation share one public address (a NAT, a Citrix or VDI farm), and login names are
# predictable. So no rule here locks an address for everyone or a login name for its owner:
# - django-axes locks login name + address (AXES_LOCKOUT_PARAMETERS) after AXES_FAILURE_LIMIT wrong passwords;
# - the login name alone, after `free` failures from anywhere, gets a progressive delay (1, 2, 4 … seconds, at
#   most `max_seconds`, one attempt per turn): a guesser spread over many addresses is slowed to one guess a
#   minute, the owner waits at most that minute, and not at all from an address they logged in from lately;
# - an address gets a cap on its failures over all login names, sized for the largest organisation's morning
#   peak (docs/SECURITY.md), which stops one address trying name after name.


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


@transaction.atomic
def user_deactivate_idle(*, user: User, request: HttpRequest | None = None) -> None:
    updated = User.objects.filter(pk=user.pk, deactivated_at__isnull=True, deleted_at__isnull=True).update(
        deactivated_at=timezone.now(), deactivation_reason=IDLE_REASON
    )
    user.refresh_from_db(fields=["deactivated_at", "deactivation_reason"])
    if updated:
        audit_log(Action.USER_DEACTIVATED, target=user, request=request, reason=IDLE_REASON)


def password_renewal_request(*, user: User, request: HttpRequest | None = None) -> bool:
    """Mail a renewal link (expiry warning or expired password), within the same limits as 'Wachtwoord
    aanvragen'. Returns False when the request was over the limit."""
    over_limit = _password_request_over_limit(username=user.username, request=request)
    if over_limit or not user.is_active:
        audit_log(Action.PASSWORD_LINK_REFUSED, target=user, request=request, rate_limited=over_limit)
        return False
    password_link_send(user=user, purpose="renew", request=request)
    return True


# --- The second factor --------------------------------------------------------------------------------


class CodeSend(StrEnum):
    SENT = "sent"
    COOLDOWN = "cooldown"
    LIMIT = "limit"
    BUDGET = "budget"  # the organisation's or the site's SMS budget is used up for now
    FAILED = "failed"


def sms_code_send(*, device: PhoneDevice, request: HttpRequest | None = None, notice: str | None = None) -> CodeSend:
    """Send a login code, at most once per cooldown and within caps per user and per client address, before
    any call to the gateway (cost and SMS pumping). django-two-factor-auth itself has no such limits.

    Then two budgets protect the cost rather than one address: per organisation (a number of codes per account
    it has, per day) and for the whole site (per hour). Only a send that passed the caps counts against them.

    Every SMS Portero sends comes through here. With `notice`, that text is sent instead of a code (a number
    change told to the old number): within the same caps, but not held back by, or starting, the code cooldown.
    The device may be unsaved (phone setup, a new number): it is counted against its user all the same."""
    limits = settings.PORTERO_SMS_LIMITS
    if notice is None and cooldown_active(f"sms:{device.user_id}", seconds=limits["cooldown_seconds"]):
        return CodeSend.COOLDOWN
    over_user = rate_limit_exceeded(f"sms:user:{device.user_id}", **limits["per_user"])
    over_address = rate_limit_exceeded(f"sms:ip:{client_address(request) or 'onbekend'}", **limits["per_address"])
    if over_user or over_address:
        return CodeSend.LIMIT
    if _sms_budget_exceeded(device=device, limits=limits):
        if notice is None:
            cooldown_clear(f"sms:{device.user_id}")
        return CodeSend.BUDGET
    try:
        if notice is None:
            device.generate_challenge()
        else:
            sms_text_send(number=device.number, text=notice)
    except SmsNotSent:
        if notice is None:
            cooldown_clear(f"sms:{device.user_id}")  # nothing was sent: a new try may follow at once
        return CodeSend.FAILED
    return CodeSend.SENT


def sms_code_used(*, user: User) -> None:
    """The code last sent to this user was just used: the next code (for a new number) needs no cooldown wait."""
    cooldown_clear(f"sms:{user.pk}")


# --- Registering a first mobile number (phone setup) ---------------------------------------------------

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


# --- 'Mobiel nummer wijzigen': the person changes their own number --------------------------------------


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


def _sms_budget_exceeded(*, device: PhoneDevice, limits: dict) -> bool:
    organisation_id, accounts = selectors.organisation_and_account_count(user_id=device.user_id)
    if organisation_id is not None:
        budget = limits["per_organisation"]
        allowed = max(budget["per_account"] * accounts, budget["minimum"])
        if rate_limit_exceeded(f"sms:org:{organisation_id}", limit=allowed, window_seconds=budget["window_seconds"]):
            return True
    return rate_limit_exceeded("sms:site:all", **limits["site"])


SESSION_SEEN = "_portero_seen"  # epoch seconds of the last request, as last written to the session row
SESSION_STARTED = "_portero_started"  # epoch seconds of the login, for the absolute lifetime


def _session_seen_key(session_key: str) -> str:
    return f"session-seen:{session_key}"


def session_started(*, session: SessionBase) -> None:
    """A login: the idle clock and the absolute lifetime start now, written with the login's own save of the
    session (the login keeps the data of the session it started in, so the moment is overwritten here)."""
    session[SESSION_SEEN] = session[SESSION_STARTED] = timezone.now().timestamp()


def session_touch(*, session: SessionBase) -> None:
    """The idle rule: a session ends after PORTERO_SESSION_IDLE_SECONDS (30 minutes) without a request, to the
    second. Called at the start of every request that brings a session cookie (accounts.middleware).

    The moment of each request goes to the cache (Redis, shared by every web process); the session row is written
    at most once per PORTERO_SESSION_SAVE_INTERVAL, not on every request: writing it each time cost every page a
    database UPDATE and COMMIT on the primary. The row lives SESSION_COOKIE_AGE (idle + interval) after its last
    write, so it never expires before the rule does. Without the cache (Redis down) the rule counts from the
    last written moment: a session may then end up to one interval early, never late.

    Besides the idle rule, the absolute lifetime (ASVS 3.3.2): PORTERO_SESSION_ABSOLUTE_SECONDS (12 hours) after the
    login (session_started) a session ends however active it is, to the second. The moment of the login is in the
    session itself, so the rule holds without the cache too. A session without it (one from before the login, or
    from before this rule existed) gets it now: bounded too, and a login sets it anew."""
    data_seen = session.get(SESSION_SEEN)  # loads the session; None for a new, empty or expired one
    if data_seen is None and session.is_empty():
        return
    now = timezone.now().timestamp()
    started = session.get(SESSION_STARTED)
    if started is not None and now - started >= settings.PORTERO_SESSION_ABSOLUTE_SECONDS:
        session.flush()
        return
    last = max(data_seen or now, cache.get(_session_seen_key(session.session_key)) or 0)
    if now - last >= settings.PORTERO_SESSION_IDLE_SECONDS:
        session.flush()
        return
    if started is None:
        session[SESSION_STARTED] = now
    cache.set(_session_seen_key(session.session_key), now, settings.SESSION_COOKIE_AGE)
    if data_seen is None or now - data_seen >= settings.PORTERO_SESSION_SAVE_INTERVAL:
        session[SESSION_SEEN] = now  # modified: SessionMiddleware writes the row, with a new expiry


@transaction.atomic
def sessions_end_all(*, user: User) -> None:
    """End every session of this user, on every device: each session's auth hash includes this moment
    (User._get_session_auth_hash), so the next request of any of them finds itself logged out."""
    user.sessions_revoked_at = timezone.now()
    User.objects.filter(pk=user.pk).update(sessions_revoked_at=user.sessions_revoked_at)


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


# --- Nightly jobs (Celery beat and management commands call these) ---------------------------------


def _update_audited(users: QuerySet[User], *, values: dict[str, Any], action: str, at: datetime, **detail: Any) -> int:
    """Set `values` on every account `users` selects (the rule, written once as a queryset) and write one audit
    event per changed account, inside the database: no account comes into Python and no id list goes back,
    whatever the number of accounts. Returns the number changed.

    PostgreSQL does both in one statement whose UPDATE has the rule as its own WHERE: a row locked by a concurrent
    login is re-checked against the rule once that login commits (``id IN (subquery)`` would re-check only the id).
    SQLite has no UPDATE inside WITH: there the audit rows are inserted first, from the same rule, and then the
    accounts updated; the first write holds SQLite's single write lock until commit, so both see the same accounts.
    """
    using = router.db_for_write(users.model)
    connection = connections[using]
    audit = AuditEvent._meta
    audit_params = (
        audit.get_field("created_at").get_db_prep_save(at, connection),
        action,
        audit.get_field("detail").get_db_prep_save(detail, connection),
    )

    def insert_audit(source: str) -> str:
        # The table name and Django's compiled SQL only; every value is a parameter.
        return (
            f"INSERT INTO {audit.db_table} (created_at, action, target_id, organisation_id, detail) "  # noqa: S608
            f"SELECT %s, %s, id, organisation_id, %s FROM {source}"
        )

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            update = users.query.chain(UpdateQuery)
            update.add_update_values(values)
            update_sql, update_params = update.get_compiler(using).as_sql()
            sql = f"WITH changed AS ({update_sql} RETURNING id, organisation_id) {insert_audit('changed')}"
            cursor.execute(sql, (*update_params, *audit_params))
            return cursor.rowcount
        select_sql, select_params = users.order_by().values("pk").query.get_compiler(using).as_sql()
        cursor.execute(
            insert_audit(f"{users.model._meta.db_table} WHERE id IN ({select_sql})"), (*audit_params, *select_params)
        )
    return users.update(**values)


@transaction.atomic
def idle_accounts_deactivate(*, now: datetime | None = None) -> int:
    """Deactivate every account without a login (or, never logged in, created) 6 months ago or longer.

    Set-based in the database (_update_audited): one statement on PostgreSQL, whatever the number of accounts.
    Idempotent, and a login racing with it either waits for the row lock and then finds the account inactive, or
    committed first and is then left alone.
    """
    moment = timezone.now()
    cutoff = selectors.idle_cutoff(now=now or moment)
    idle = User.objects.filter(selectors.active_users()).filter(
        Q(last_login__lte=cutoff) | Q(last_login__isnull=True, date_joined__lte=cutoff)
    )
    return _update_audited(
        idle,
        values={"deactivated_at": moment, "deactivation_reason": IDLE_REASON},
        action=Action.USER_DEACTIVATED,
        at=moment,
        reason=IDLE_REASON,
        by="nachtelijke taak",
    )


@transaction.atomic
def passwords_expire(*, now: datetime | None = None) -> tuple[int, int]:
    """Mark passwords past their 3 months as expired, and mark (and mail) those entering the 2-week warning
    period, once per password period. Set-based like idle_accounts_deactivate; returns (expired, warned).

    The warning mails go to the accounts marked at this run's moment, not to an id list: a night after an
    import may warn a large share of all accounts."""
    from accounts.tasks import send_password_expiry_warnings

    moment = timezone.now()
    now = timezone.localtime(now or moment)  # calendar months on the Dutch wall clock
    valid = relativedelta(months=settings.PORTERO_PASSWORD_VALID_MONTHS)
    expired_cutoff = now - valid
    warning_cutoff = now + timedelta(days=settings.PORTERO_PASSWORD_WARNING_DAYS) - valid
    active = User.objects.filter(selectors.active_users(), password_changed_at__isnull=False)

    expired = _update_audited(
        active.filter(password_changed_at__lte=expired_cutoff, password_expired_at__isnull=True),
        values={"password_expired_at": now},
        action=Action.PASSWORD_EXPIRED,
        at=moment,
    )
    warned = _update_audited(
        active.filter(
            password_changed_at__lte=warning_cutoff,
            password_changed_at__gt=expired_cutoff,
            password_expiry_warned_at__isnull=True,
        ),
        values={"password_expiry_warned_at": now},
        action=Action.PASSWORD_EXPIRY_WARNED,
        at=moment,
    )
    if warned:
        transaction.on_commit(lambda: send_password_expiry_warnings.delay(now.isoformat()))
    return expired, warned


def password_expiry_warning_mailed(*, user: User) -> None:
    """The expiry warning mail of this account is sent: a retry or a second run of the mail task skips it. Marked
    after the send, so a crash in between sends it once more rather than never."""
    User.objects.filter(pk=user.pk).update(password_expiry_mailed_at=timezone.now())


def sessions_clear_expired() -> int:
    deleted, _details = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


# --- The local demo: moving a demo account's dates (manage.py demo_tijd) --------------------------------------


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
