"""Account reads. Every lookup of organisation data for a request goes through a function here."""

import functools
from datetime import date, datetime, timedelta
from enum import StrEnum

import django_otp
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext_lazy as _
from django_otp_webauthn.utils import get_credential_model

from accounts.models import Organisation, PasswordHistory, User
from portero.sql import ids_condition


class OrganisationClosed(StrEnum):
    SUSPENDED = "suspended"
    CONTRACT_ENDED = "contract_ended"
    CONTRACT_NOT_STARTED = "contract_not_started"


def organisation_closed(*, organisation: Organisation | None, today: date | None = None) -> OrganisationClosed | None:
    """Why this organisation has no access to Portero today, or None while it has. The one rule behind the login,
    every request of a running session (accounts.backends) and every submission and account creation."""
    if organisation is None:  # CIZ staff
        return None
    today = today or timezone.localdate()
    if organisation.is_suspended:
        return OrganisationClosed.SUSPENDED
    if organisation.contract_end is not None and organisation.contract_end < today:
        return OrganisationClosed.CONTRACT_ENDED
    if organisation.contract_start > today:
        return OrganisationClosed.CONTRACT_NOT_STARTED
    return None


def domain_allowed(*, organisation: Organisation, domain: str) -> bool:
    domain = domain.lower()
    for allowed in organisation.email_domains.all():
        if domain == allowed.domain.lower():
            return True
        if allowed.include_subdomains and domain.endswith("." + allowed.domain.lower()):
            return True
    return False


def active_user_with_email(*, email: str, exclude_user: User | None = None) -> User | None:
    """The active account with this address in any case: lower(email) among active accounts, the expression and
    condition of the unique index user_unique_email_among_active, so PostgreSQL reads that index, not the table."""
    users = User.objects.alias(email_lower=Lower("email")).filter(active_users(), email_lower=(email or "").lower())
    if exclude_user is not None:
        users = users.exclude(pk=exclude_user.pk)
    return users.first()


def login_names_starting_with(base: str) -> set[str]:
    return set(User.objects.filter(username__startswith=base).values_list("username", flat=True))


def user_by_pk(pk) -> User | None:
    return User.objects.filter(pk=pk).first() if pk else None


def user_from_uidb64(uidb64: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return User.objects.filter(pk=pk).select_related("organisation").first()


def active_users() -> Q:
    """Accounts that can still log in: neither deleted nor deactivated (User.is_active, as a query)."""
    return Q(deleted_at__isnull=True, deactivated_at__isnull=True)


def organisation_and_account_count(*, user_id: int) -> tuple[int | None, int]:
    """The user's organisation and how many of its accounts can still log in (the size its SMS budget is made
    for), in one query."""
    accounts = (
        User.objects.filter(active_users(), organisation_id=OuterRef("organisation_id"))
        .order_by()
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    row = User.objects.filter(pk=user_id).values_list("organisation_id", Subquery(accounts)).first()
    return (row[0], row[1] or 0) if row else (None, 0)


def password_hashes_in_use(*, user: User) -> list[str]:
    """The current password hash (on the user, as loaded) and the previous ones the history rule forbids."""
    previous = list(
        PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[
            : settings.PORTERO_PASSWORD_HISTORY
        ]
    )
    return [user.password, *previous] if user.password else previous


def password_expires_at(*, user: User) -> datetime | None:
    """A password is valid 3 months from when it was set (None: no password set yet)."""
    if user.password_changed_at is None:
        return None
    # Calendar months on the Dutch wall clock (not UTC), so a summer-time change does not shift the moment.
    return timezone.localtime(user.password_changed_at) + relativedelta(months=settings.PORTERO_PASSWORD_VALID_MONTHS)


def password_expired(*, user: User, now: datetime | None = None) -> bool:
    """Past its 3 months, or marked expired by the nightly job (accounts.services.passwords_expire)."""
    expires_at = password_expires_at(user=user)
    now = now or timezone.now()
    return user.password_expired_at is not None or (expires_at is not None and expires_at <= now)


def password_works(*, user: User, now: datetime | None = None) -> bool:
    """Whether the account has a password that would log in now (what a mail may promise about it)."""
    return user.has_usable_password() and not password_expired(user=user, now=now)


def password_expiry_warning(*, user: User, now: datetime | None = None) -> datetime | None:
    """The expiry moment when it is within the warning period (2 weeks) and not yet passed, else None."""
    expires_at = password_expires_at(user=user)
    now = now or timezone.now()
    if expires_at is None or not (now < expires_at <= now + timedelta(days=settings.PORTERO_PASSWORD_WARNING_DAYS)):
        return None
    return expires_at


def users_warned_of_expiry(
    *, warned_at: datetime | None = None, ids: list[int] | None = None, after_pk: int = 0, limit: int
) -> list[User]:
    """The first `limit` accounts, by id after `after_pk`, the nightly job warned at this moment (or, for a mail
    queued by the previous version, these ids) that can still log in, have not set a new password since (that
    clears the mark) and have not been mailed yet (services.password_expiry_warning_mailed). A caller going through
    them batch by batch passes the last id it had, so each batch reads on from there instead of from the start."""
    users = User.objects.filter(
        active_users(),
        password_expiry_warned_at__isnull=False,
        password_expiry_mailed_at__isnull=True,
        pk__gt=after_pk,
    )
    users = users.filter(pk__in=ids) if ids is not None else users.filter(password_expiry_warned_at=warned_at)
    return list(users.select_related("organisation").order_by("pk")[:limit])


def idle_since(*, user: User) -> datetime:
    """The last login, or the creation of the account if it never logged in."""
    return user.last_login or user.date_joined


def idle_cutoff(*, now: datetime) -> datetime:
    """Accounts whose last login (or creation) is at or before this moment have been idle 6 months."""
    return timezone.localtime(now) - relativedelta(months=settings.PORTERO_IDLE_MONTHS)


# The second factors Portero offers, in the order the beheer list and the export show them. A device model not
# named here is not shown.
LOGIN_METHOD_LABELS = {
    "phonenumber.phonedevice": _("Sms"),
    "django_otp_webauthn.webauthncredential": _("Passkey of beveiligingssleutel"),
    "otp_totp.totpdevice": _("Authenticator-app"),
    "otp_static.staticdevice": _("Herstelcodes"),
}


@functools.cache
def _login_methods_sql() -> str:
    """One SELECT per installed device model Portero shows, as a UNION ALL with one {ids} slot each (a condition on
    user_id): built once per process, because building the same four ORM querysets for every page cost more than the
    query itself."""
    quote = connection.ops.quote_name
    keys = list(LOGIN_METHOD_LABELS)
    part = "SELECT DISTINCT user_id, {index} FROM {table} WHERE confirmed AND {{ids}}"
    return " UNION ALL ".join(
        part.format(index=keys.index(model._meta.label_lower), table=quote(model._meta.db_table))
        for model in django_otp.device_classes()
        if model._meta.label_lower in LOGIN_METHOD_LABELS
    )


def login_methods_by_user(user_ids) -> dict[int, list[str]]:
    """Per account, the kinds of second factor it has (confirmed devices of every installed django-otp device
    model), as Dutch labels in the order of LOGIN_METHOD_LABELS; never a secret. One query (a UNION over the device
    models), whatever the number of accounts: the beheer list and its export read it for a page or a batch."""
    ids = [int(user_id) for user_id in user_ids]
    sql = _login_methods_sql()
    if not ids or not sql:
        return {}
    found: dict[int, set[int]] = {user_id: set() for user_id in ids}
    condition, params = ids_condition("user_id", ids)
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{ids}", condition), params * sql.count("{ids}"))
        for user_id, index in cursor.fetchall():
            found[user_id].add(index)
    labels = list(LOGIN_METHOD_LABELS.values())
    return {user_id: [str(labels[index]) for index in sorted(indexes)] for user_id, indexes in found.items()}


# The kinds of second factor at login, in the order a default is chosen: the strongest the person has.
FACTOR_PASSKEY = "passkey"
FACTOR_TOTP = "totp"
FACTOR_SMS = "sms"
FACTOR_RECOVERY = "recovery"
FACTOR_ORDER = (FACTOR_PASSKEY, FACTOR_TOTP, FACTOR_SMS, FACTOR_RECOVERY)
FACTOR_MODELS = {
    "django_otp_webauthn.webauthncredential": FACTOR_PASSKEY,
    "otp_totp.totpdevice": FACTOR_TOTP,
    "phonenumber.phonedevice": FACTOR_SMS,
    "otp_static.staticdevice": FACTOR_RECOVERY,
}


def login_factors(*, user_id: int) -> dict[str, list[tuple[int, str]]]:
    """The confirmed second factors of one account, {kind: [(device id, name)]}, in FACTOR_ORDER, in one query (a UNION
    over the installed device models): the login asks it once after the password. Recovery codes count only
    while one is left. Never another account's factors: the caller passes the account the password proved."""
    from django_otp.plugins.otp_static.models import StaticToken

    parts = []
    for model in django_otp.device_classes():
        kind = FACTOR_MODELS.get(model._meta.label_lower)
        if kind is None:
            continue
        devices = model.objects.filter(user_id=user_id, confirmed=True)
        if kind == FACTOR_RECOVERY:
            devices = devices.filter(Exists(StaticToken.objects.filter(device_id=OuterRef("pk"))))
        order = FACTOR_ORDER.index(kind)
        parts.append(devices.order_by().values_list(Value(order, output_field=IntegerField()), "pk", "name"))
    if not parts:
        return {}
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    found: dict[str, list[tuple[int, str]]] = {}
    for order, pk, name in sorted(rows):
        found.setdefault(FACTOR_ORDER[order], []).append((pk, name))
    return found


def factor_usable(*, kind: str, organisation: Organisation | None) -> bool:
    """May this kind of factor log in for an account of `organisation` (its policy "SMS toegestaan")?"""
    return kind != FACTOR_SMS or organisation is None or organisation.sms_allowed


def factor_models() -> dict:
    """{kind: device model} of the installed django-otp device models Portero offers."""
    return {
        FACTOR_MODELS[model._meta.label_lower]: model
        for model in django_otp.device_classes()
        if model._meta.label_lower in FACTOR_MODELS
    }


# --- Passkeys and security keys (django-otp-webauthn's credentials, accounts/passkeys.py) ----------------------


def passkeys_of(*, user: User):
    """The person's own keys, oldest first; the beheer and login pages show name and dates, never key material."""
    return get_credential_model().objects.filter(user=user, confirmed=True).order_by("created_at", "pk")


def passkey_of(*, user: User, pk):
    """One of the person's own keys, or None (also for another person's key: the same answer as for no key)."""
    return passkeys_of(user=user).filter(pk=pk).first()


def has_passkey(*, user: User) -> bool:
    return passkeys_of(user=user).exists()
