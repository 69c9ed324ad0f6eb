"""Accounts: the e-mail rules, the login name, creating an account (organisation users and CIZ staff), and telling
the person of a changed address."""

import re
import unicodedata

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


def email_changed_notify(*, user: User, old_email: str, changed_by: User) -> None:
    """Someone else changed this account's e-mail address: mail the OLD address (ASVS 2.2.3) once the change
    commits, so the person hears of it where they still read their mail."""
    from accounts.tasks import send_email_changed_mail

    at = timezone.now().isoformat()
    transaction.on_commit(lambda: send_email_changed_mail.delay(user.pk, old_email, changed_by.pk, at))
