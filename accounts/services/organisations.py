"""Organisations: creating one with its mail domains and first admin, the audit of a change in the admin, and lifting
a suspension."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.audit import Action, AuditEvent, audit_log
from accounts.models import EmailDomain, Organisation, User
from accounts.services.users import user_create


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
