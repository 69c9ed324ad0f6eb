"""Writes of the beheer site: an organisation admin creates, changes and (softly) deletes the accounts of
their own organisation. The account rules themselves (e-mail, mobile, login name, welcome mail) live in
accounts.services; these functions apply them for the admin and put each error on its form field."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import PhoneNumber

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.audit import audit_log
from accounts.models import AuditEvent, User
from accounts.services import users as account_users
from accounts.services.factors_reset import factors_reset, factors_reset_refusal
from orgadmin import selectors

Action = AuditEvent.Action
EDITABLE_FIELDS = ("initials", "first_name", "name_prefix", "last_name", "email", "mobile", "uzi_number")


def _same_organisation(*, admin: User, user: User) -> None:
    # The views look users up through selectors.user_for_admin; this guards other callers.
    if not admin.is_org_admin or admin.organisation_id is None or user.organisation_id != admin.organisation_id:
        raise PermissionDenied("beheer")


def user_add_refusal(*, admin: User) -> None:
    """Raise PermissionDenied unless this admin may add accounts now: an active org admin of an open organisation."""
    if not admin.is_org_admin or admin.organisation_id is None:
        raise PermissionDenied("beheer")
    if account_selectors.organisation_closed(organisation=admin.organisation):
        raise PermissionDenied("organisatie gesloten")


def user_add_fields(data: dict[str, Any]) -> dict[str, str]:
    return {name: data.get(name) or "" for name in EDITABLE_FIELDS}  # user_create reports errors per field


def user_add_check(*, admin: User, data: dict[str, Any]) -> dict[str, list[str]]:
    """The errors user_add would raise for these data, per field, without writing (the import's dry run)."""
    user_add_refusal(admin=admin)
    return account_users.user_create_check(organisation=admin.organisation, **user_add_fields(data))


@transaction.atomic
def user_add(
    *, admin: User, data: dict[str, Any], request: HttpRequest | None = None, send_welcome: bool = True
) -> User:
    """'Nieuwe gebruiker toevoegen': a new account in the admin's organisation, with the welcome mail (an import
    passes send_welcome=False and sends the welcomes throttled, orgadmin.import_services)."""
    user_add_refusal(admin=admin)
    return account_services.user_create(
        organisation=admin.organisation,
        created_by=admin,
        request=request,
        send_welcome=send_welcome,
        **user_add_fields(data),
    )


def user_update_check(
    *, admin: User, user: User, data: dict[str, Any]
) -> tuple[dict[str, list[str]], dict[str, dict[str, str]], PhoneNumber | None]:
    """The rules of a change of an active account, without writing: the errors per field, the changes (before and
    after of each changed field) and the parsed mobile number. The user's fields are set to the new values in
    memory (user_update saves them)."""
    _same_organisation(admin=admin, user=user)
    if not user.is_active:
        raise ValidationError(_("Een verwijderd of inactief account kan niet meer worden gewijzigd."))
    errors, email, mobile = account_users.contact_validate(
        organisation=admin.organisation, email=data.get("email", ""), mobile=data.get("mobile"), exclude_user=user
    )
    before = {name: str(getattr(user, name) or "") for name in EDITABLE_FIELDS}
    for name in ("initials", "first_name", "name_prefix", "last_name", "uzi_number"):
        setattr(user, name, (data.get(name) or "").strip())
    if email is not None:
        user.email = email
    after = {**{name: str(getattr(user, name) or "") for name in EDITABLE_FIELDS}, "mobile": str(mobile or "")}
    if "mobile" in errors:
        after["mobile"] = before["mobile"]
    try:
        user.full_clean(exclude=["mobile", "email", "password"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    changes = {
        name: {"before": before[name], "after": after[name]} for name in EDITABLE_FIELDS if before[name] != after[name]
    }
    return errors, changes, mobile


@transaction.atomic
def user_update(*, admin: User, user: User, data: dict[str, Any], request: HttpRequest | None = None) -> User:
    """Change an active account's data; the audit event records before and after of each changed field.

    A new mobile number gets a new SMS device (accounts.services.user_set_mobile). Two saves racing for the
    same e-mail address end in the form error, decided by the database constraint.
    """
    errors, changes, mobile = user_update_check(admin=admin, user=user, data=data)
    if errors:
        raise ValidationError(errors)
    if not changes:
        return user
    saved_fields = [name for name in changes if name != "mobile"]
    if saved_fields:
        with account_users.email_clash_as_form_error():
            user.save(update_fields=saved_fields)
    if "mobile" in changes:
        account_services.user_set_mobile(user=user, mobile=mobile, actor=admin, request=request)
    audit_log(Action.USER_CHANGED, actor=admin, target=user, request=request, changes=changes)
    if "email" in changes:
        account_services.email_changed_notify(user=user, old_email=changes["email"]["before"], changed_by=admin)
    return user


def user_delete_refusal(*, admin: User, user: User, active_admin_ids: set[int] | None = None) -> str | None:
    """Why this admin may not delete this account (None: allowed). Shown on the confirmation page and
    enforced again by user_delete with the admin rows locked."""
    if user.pk == admin.pk:
        return _(
            "U kunt uw eigen account hier niet verwijderen. Wilt u geen organisatiebeheerder meer zijn? "
            "Mail dan naar contractbeheer@ciz.nl."
        )
    if not user.is_active:
        return _("Dit account is al verwijderd of inactief.")
    if active_admin_ids is None:
        active_admin_ids = selectors.active_org_admin_ids(organisation_id=admin.organisation_id)
    if user.is_org_admin and not (active_admin_ids - {user.pk}):
        return _("Een organisatie houdt altijd minstens één actieve organisatiebeheerder; dit is de laatste.")
    if admin.pk not in active_admin_ids:
        return _("U bent geen actieve organisatiebeheerder meer van deze organisatie.")
    return None


@transaction.atomic
def user_delete(*, admin: User, user: User, reason: str, request: HttpRequest | None = None) -> User:
    """Soft-delete an account ('Gebruiker verwijderen'): it can no longer log in and is never undeleted.

    The organisation's admin rows are locked first, so two admins deleting each other at the same moment
    cannot leave the organisation without an active admin.
    """
    _same_organisation(admin=admin, user=user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"deletion_reason": _("Vul de reden van verwijderen in.")})
    active_admin_ids = selectors.active_org_admin_ids(organisation_id=admin.organisation_id, lock=True)
    user = User.objects.select_for_update().get(pk=user.pk)
    refusal = user_delete_refusal(admin=admin, user=user, active_admin_ids=active_admin_ids)
    if refusal:
        raise ValidationError(refusal)
    user.deleted_at = timezone.now()
    user.deletion_reason = reason
    user.deleted_by = admin
    user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    user.save(update_fields=["deleted_at", "deletion_reason", "deleted_by"])
    audit_log(
        Action.USER_DELETED,
        actor=admin,
        target=user,
        request=request,
        changes={
            "deleted_at": {"before": None, "after": user.deleted_at.isoformat()},
            "deletion_reason": {"before": "", "after": reason},
        },
    )
    return user


def user_factors_reset_refusal(*, admin: User, user: User) -> str | None:
    """Why this admin may not reset this account's second factors (None: allowed); shown on the user's page and on
    the confirmation page, and enforced again by user_factors_reset."""
    return factors_reset_refusal(actor=admin, user=user)


@transaction.atomic
def user_factors_reset(*, admin: User, user: User, request: HttpRequest | None = None) -> User:
    """'Inlogmethoden herstellen' (a lost phone or key): every second factor of an account of the admin's own
    organisation removed, its sessions ended, the person mailed a set-password link to enrol again
    (accounts.services.factors_reset). Not for the admin's own account."""
    _same_organisation(admin=admin, user=user)
    if not admin.is_active:
        raise PermissionDenied("beheer")
    factors_reset(user=user, actor=admin, request=request)
    return user


@transaction.atomic
def user_export_record(
    *, admin: User, file_format: str, query: str, show_deleted: bool, request: HttpRequest | None = None
) -> None:
    """'Exporteren': the export of the user list is audited before its first row is sent, with the format and the
    search and filter it was made of."""
    if not admin.is_org_admin or admin.organisation_id is None:
        raise PermissionDenied("beheer")
    audit_log(
        Action.USERS_EXPORTED,
        actor=admin,
        organisation=admin.organisation,
        request=request,
        format=file_format,
        search=query,
        show_deleted=show_deleted,
    )
