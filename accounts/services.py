"""Account rules that write: creating organisations and users, passwords, phones, the audit log.

Views, forms, the admin, tasks and management commands call these functions; none of them re-implements
a rule.
"""

import re
import unicodedata
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

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
from django_otp.util import random_hex
from phonenumber_field.phonenumber import PhoneNumber
from phonenumbers import NumberParseException
from two_factor.plugins.phonenumber.models import PhoneDevice

from accounts import selectors
from accounts.models import AuditEvent, EmailDomain, Organisation, PasswordHistory, User
from accounts.ratelimit import cooldown_active, cooldown_clear, rate_limit_exceeded
from accounts.sms import SmsNotSent

Action = AuditEvent.Action
IDLE_REASON = "6 maanden niet ingelogd"


# --- Audit ----------------------------------------------------------------------------------------


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


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
        ip_address=client_address(request),
        detail=detail,
    )


def organisation_changed(
    *, organisation: Organisation, before: dict[str, Any], actor: User, request: HttpRequest | None = None
) -> AuditEvent:
    """CIZ staff changed an organisation's data (contract, profile, suspension) in the admin: before and after in the
    audit log, so that lifting or setting a suspension there is never silent."""
    after = {name: getattr(organisation, name) for name in before}
    return audit_log(
        Action.ORGANISATION_CHANGED,
        actor=actor,
        organisation=organisation,
        request=request,
        before={name: str(value) for name, value in before.items()},
        after={name: str(value) for name, value in after.items()},
    )


# --- Validation shared by every path that writes a user ---------------------------------------------


def mobile_parse(raw: str | PhoneNumber | None) -> PhoneNumber | None:
    """An E.164 number or a Dutch 06-number; None for empty; ValidationError otherwise."""
    if raw in (None, ""):
        return None
    invalid = ValidationError(_("Vul een geldig mobiel nummer in, bijvoorbeeld 06 12345678 of +31612345678."))
    try:
        number = raw if isinstance(raw, PhoneNumber) else PhoneNumber.from_string(str(raw), region="NL")
    except NumberParseException:  # not even shaped like a number ("<b>", "+")
        raise invalid from None
    if not number.is_valid():
        raise invalid
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
    user.mobile = mobile_parse(mobile) or ""
    user.save(update_fields=["mobile"])
    device = phone_device_reset(user=user)
    audit_log(Action.PHONE_SET, actor=actor or user, target=user, request=request)
    return device


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
    username = (username or "").strip().lower()[:40]
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
    expires_at = selectors.password_expires_at(user=user)
    if user.password_expired_at is not None or (expires_at is not None and expires_at <= now):
        return LoginRefusal.PASSWORD_EXPIRED
    return None


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
    FAILED = "failed"


def sms_code_send(*, device: PhoneDevice, request: HttpRequest | None = None) -> CodeSend:
    """Send a login code, at most once per cooldown and within caps per user and per client address, before
    any call to the gateway (cost and SMS pumping). django-two-factor-auth itself has no such limits."""
    limits = settings.PORTERO_SMS_LIMITS
    if cooldown_active(f"sms:{device.user_id}", seconds=limits["cooldown_seconds"]):
        return CodeSend.COOLDOWN
    over_user = rate_limit_exceeded(f"sms:user:{device.user_id}", **limits["per_user"])
    over_address = rate_limit_exceeded(f"sms:ip:{client_address(request) or 'onbekend'}", **limits["per_address"])
    if over_user or over_address:
        return CodeSend.LIMIT
    try:
        device.generate_challenge()
    except SmsNotSent:
        cooldown_clear(f"sms:{device.user_id}")  # nothing was sent: a new try may follow at once
        return CodeSend.FAILED
    return CodeSend.SENT


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
    again; and the audit entry."""
    if isinstance(device, PhoneDevice):
        device.key = random_hex()
        device.save(update_fields=["key"])
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
