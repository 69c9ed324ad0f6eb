"""Accounts: the e-mail rules, the login name, creating an account (organisation users and CIZ staff), and telling
the person of a changed address."""

import re
import unicodedata
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import PhoneNumber

from accounts import selectors
from accounts.audit import Action, audit_log
from accounts.models import Organisation, User
from accounts.services.passwords import password_link_send
from accounts.services.phone import mobile_parse, phone_device_reset


def email_validate(*, organisation: Organisation | None, email: str, exclude_user: User | None = None) -> str:
    """Return the normalised address or raise ValidationError with a Dutch message: a valid address, within the
    organisation's mail domains (CIZ staff, without organisation: any domain), a personal mailbox rather than a
    generic one, and not the address of another account that can still log in."""
    email = (email or "").strip().lower()
    validate_email(email)  # Django's message is in Dutch with LANGUAGE_CODE nl
    local, _at, domain = email.rpartition("@")
    if organisation is not None and not selectors.domain_allowed(organisation=organisation, domain=domain):
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


def email_in_use_message(clash: User, organisation: Organisation | None) -> str:
    """Only within the same organisation does the message name the account that has the address."""
    if organisation is not None and clash.organisation_id == organisation.pk:
        return _("Dit e-mailadres is al in gebruik bij gebruiker %(login)s in uw organisatie.") % {
            "login": clash.username
        }
    return _("Dit e-mailadres is al in gebruik.")


def contact_validate(
    *, organisation: Organisation | None, email: str, mobile: str | PhoneNumber | None, exclude_user: User | None = None
) -> tuple[dict[str, list[str]], str | None, PhoneNumber | None]:
    """The e-mail and mobile rules of every write of an account at once: the errors keyed by field (empty when
    both are right), the normalised address and the parsed number."""
    errors: dict[str, list[str]] = {}
    normalised = number = None
    try:
        normalised = email_validate(organisation=organisation, email=email, exclude_user=exclude_user)
    except ValidationError as exc:
        errors["email"] = exc.messages
    try:
        number = mobile_parse(mobile)
    except ValidationError as exc:
        errors["mobile"] = exc.messages
    return errors, normalised, number


EMAIL_UNIQUE_CONSTRAINT = "user_unique_email_among_active"  # User.Meta.constraints


@contextmanager
def email_clash_as_form_error():
    """Wrap the save of an account's address: when a concurrent save took the same address after email_validate
    checked it, the database's unique constraint refuses this one, and that becomes the e-mail field's error.
    Any other IntegrityError passes through (a login name taken meanwhile: user_create tries the next one)."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        # SQLite and PostgreSQL both name the violated constraint in the error.
        if EMAIL_UNIQUE_CONSTRAINT not in str(exc):
            raise
        constraint = next(c for c in User._meta.constraints if c.name == EMAIL_UNIQUE_CONSTRAINT)
        raise ValidationError({"email": str(constraint.violation_error_message)}) from exc


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


# What the audit event of a new account records.
_CREATED_FIELDS = ("username", "initials", "first_name", "name_prefix", "last_name", "email", "mobile", "uzi_number")


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
    username: str | None = None,
    send_welcome: bool = True,
) -> User:
    """Create an account of an organisation with an unusable password and mail it a welcome with a set-password
    link. The login name is generated (login_name_generate) unless given (the local demo's fixed names).
    send_welcome=False: the caller sends the welcome later (password_link_send, purpose 'welcome')."""
    return _account_create(
        organisation=organisation,
        fields={"initials": initials, "first_name": first_name, "name_prefix": name_prefix, "last_name": last_name},
        email=email,
        mobile=mobile,
        uzi_number=uzi_number,
        is_org_admin=is_org_admin,
        created_by=created_by,
        request=request,
        username=username,
        send_welcome=send_welcome,
    )


def user_create_check(
    *,
    organisation: Organisation,
    initials: str,
    first_name: str,
    last_name: str,
    email: str,
    name_prefix: str = "",
    mobile: str | PhoneNumber | None = None,
    uzi_number: str = "",
) -> dict[str, list[str]]:
    """The errors user_create would raise for these data, per field, without writing (an import's dry run): the
    same e-mail and mobile rules (contact_validate) and the same model validation of the account's fields."""
    errors, email, number = contact_validate(organisation=organisation, email=email, mobile=mobile)
    fields = _name_fields(initials=initials, first_name=first_name, name_prefix=name_prefix, last_name=last_name)
    user = User(organisation=organisation, email=email or "", uzi_number=uzi_number.strip(), **fields)
    try:
        user.full_clean(exclude=["username", "password", "email", "mobile"], validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    return errors


def _name_fields(**fields: str) -> dict[str, str]:
    return {name: (value or "").strip() for name, value in fields.items()}


def staff_create(
    *,
    initials: str,
    first_name: str,
    last_name: str,
    email: str,
    mobile: str | PhoneNumber | None,
    name_prefix: str = "",
    created_by: User | None = None,
    request: HttpRequest | None = None,
    username: str | None = None,
) -> User:
    """Create a CIZ staff account (the Django admin at /admin/, all rights): no organisation, a mobile number for
    the SMS code (required: staff log in with it too), and the welcome mail, under the same rules as user_create."""
    if mobile in (None, ""):
        raise ValidationError({"mobile": _("Een mobiel nummer is verplicht voor de sms-code.")})
    return _account_create(
        organisation=None,
        fields={"initials": initials, "first_name": first_name, "name_prefix": name_prefix, "last_name": last_name},
        email=email,
        mobile=mobile,
        is_staff=True,
        created_by=created_by,
        request=request,
        username=username,
    )


def _account_create(
    *,
    organisation: Organisation | None,
    fields: dict[str, str],
    email: str,
    mobile: str | PhoneNumber | None,
    uzi_number: str = "",
    is_org_admin: bool = False,
    is_staff: bool = False,
    created_by: User | None,
    request: HttpRequest | None,
    username: str | None,
    send_welcome: bool = True,
) -> User:
    errors, email, number = contact_validate(organisation=organisation, email=email, mobile=mobile)
    if errors:
        raise ValidationError(errors)
    fields = _name_fields(**fields)
    for _attempt in range(5):
        try:
            with email_clash_as_form_error():
                user = User(
                    username=username
                    or login_name_generate(
                        first_name=fields["first_name"],
                        name_prefix=fields["name_prefix"],
                        last_name=fields["last_name"],
                    ),
                    organisation=organisation,
                    email=email,
                    mobile=number or "",
                    uzi_number=uzi_number.strip(),
                    is_org_admin=is_org_admin,
                    is_staff=is_staff,
                    is_superuser=is_staff,
                    **fields,
                )
                user.set_unusable_password()
                # A generated login name was free when it was chosen; if a concurrent save took it since, the
                # database's unique index refuses this save and the loop chooses the next one. Only a login name
                # the caller chose is checked here, so that it becomes the field's error.
                user.full_clean(exclude=None if username else ["username"], validate_constraints=False)
                user.save()
            break
        except IntegrityError:
            continue  # a concurrent save took this login name: the next free one
    else:
        raise ValidationError(_("Er kon geen vrije inlognaam worden gemaakt; probeer het opnieuw."))
    if number:
        phone_device_reset(user=user)
    created = {field: str(getattr(user, field)) for field in _CREATED_FIELDS}
    role = {"is_staff": True} if is_staff else {"is_org_admin": is_org_admin}
    audit_log(Action.USER_CREATED, actor=created_by, target=user, request=request, **role, **created)
    if send_welcome:
        password_link_send(user=user, purpose="welcome", request=request)
    return user


def email_changed_notify(*, user: User, old_email: str, changed_by: User) -> None:
    """Someone else changed this account's e-mail address: mail the OLD address (ASVS 2.2.3) once the change
    commits, so the person hears of it where they still read their mail."""
    from accounts.tasks import send_email_changed_mail

    at = timezone.now().isoformat()
    transaction.on_commit(lambda: send_email_changed_mail.delay(user.pk, old_email, changed_by.pk, at))
