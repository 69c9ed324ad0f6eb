"""The append-only audit log: the AuditEvent model, the one function that writes it, and the actions of accounts.

Each app that writes audit events declares its own actions in its ``audit`` module, as a TextChoices class named
``Action`` (``aanvragen.audit.Action``: spot checks and sanctions). The action field's choices are the union of
those declarations, so an app adds an action without touching this module; a stored value never changes.
"""

import contextvars
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from importlib import import_module
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

from portero.client_ip import client_address, current_client_address

if TYPE_CHECKING:
    from accounts.models import Organisation, User


class Action(models.TextChoices):
    """The audit actions of accounts: logins, passwords, phones, accounts and organisations."""

    LOGIN_SUCCEEDED = "login_succeeded", _("ingelogd")
    LOGIN_FAILED = "login_failed", _("inloggen mislukt")
    CODE_FAILED = "code_failed", _("verkeerde sms-code")
    LOCKED_OUT = "locked_out", _("geblokkeerd na te veel pogingen")
    LOGGED_OUT = "logged_out", _("uitgelogd")
    PASSWORD_LINK_SENT = "password_link_sent", _("wachtwoordlink verstuurd")
    PASSWORD_LINK_REFUSED = "password_link_refused", _("wachtwoordlink aangevraagd, niet verstuurd")
    PASSWORD_SET = "password_set", _("wachtwoord ingesteld")
    PASSWORD_EXPIRED = "password_expired", _("wachtwoord verlopen")
    PASSWORD_EXPIRY_WARNED = "password_expiry_warned", _("waarschuwing wachtwoord verloopt verstuurd")
    PHONE_SET = "phone_set", _("mobiel nummer vastgelegd")
    PHONE_CHANGE = "phone_change", _("mobiel nummer wijzigen (stap)")
    # The second factors beyond SMS (accounts.services.factors); the detail names the kind ("totp", "recovery").
    FACTOR_ADDED = "factor_added", _("inlogmethode toegevoegd")
    FACTOR_USED = "factor_used", _("inlogmethode gebruikt")
    FACTOR_FAILED = "factor_failed", _("inlogmethode geweigerd")
    FACTOR_REMOVED = "factor_removed", _("inlogmethode verwijderd")
    ORGANISATION_CREATED = "organisation_created", _("organisatie aangemaakt")
    USER_CREATED = "user_created", _("account aangemaakt")
    USER_CHANGED = "user_changed", _("account gewijzigd")
    USER_DELETED = "user_deleted", _("account verwijderd")
    USER_DEACTIVATED = "user_deactivated", _("account inactief gemaakt")
    ORGANISATION_CHANGED = "organisation_changed", _("organisatie gewijzigd")
    # The beheer user list exported (orgadmin/export.py), with the format and the search and filter it had.
    USERS_EXPORTED = "users_exported", _("gebruikerslijst geëxporteerd")
    # Lifted by accounts.services.organisation_suspension_lift; the suspension itself is an aanvragen action.
    ORGANISATION_SUSPENSION_LIFTED = "organisation_suspension_lifted", _("opschorting organisatie opgeheven")
    # One per run of accounts.services.retention, with the count per kind of data.
    ACCOUNTS_RETENTION_APPLIED = "accounts_retention_applied", _("bewaartermijnen accounts toegepast")
    # Passkeys and security keys (accounts.services.passkeys): detail names the key (name, id) and, for a failure,
    # the step and the reason.
    PASSKEY_ADDED = "passkey_added", _("passkey of beveiligingssleutel toegevoegd")
    PASSKEY_USED = "passkey_used", _("ingelogd met passkey of beveiligingssleutel")
    PASSKEY_FAILED = "passkey_failed", _("passkey of beveiligingssleutel geweigerd")
    PASSKEY_CLONED = "passkey_cloned", _("passkey of beveiligingssleutel geweigerd: mogelijk gekopieerd")
    PASSKEY_RENAMED = "passkey_renamed", _("passkey of beveiligingssleutel hernoemd")
    PASSKEY_REMOVED = "passkey_removed", _("passkey of beveiligingssleutel verwijderd")
    PASSKEY_REMOVAL_REFUSED = "passkey_removal_refused", _("verwijderen passkey geweigerd (wachtwoord)")
    # accounts.services.factors_reset: every second factor removed by the org admin or CIZ, the account enrols again.
    FACTORS_RESET = "factors_reset", _("inlogmethoden hersteld")


@cache
def _declared_actions() -> tuple[tuple[str, Any], ...]:
    choices: list[tuple[str, Any]] = []
    for app in apps.get_app_configs():
        if not module_has_submodule(app.module, "audit"):
            continue
        declared = getattr(import_module(f"{app.name}.audit"), "Action", None)
        if declared is not None:
            choices.extend(declared.choices)
    values = [value for value, _label in choices]
    if len(values) != len(set(values)):
        twice = sorted({value for value in values if values.count(value) > 1})
        raise ImproperlyConfigured(f"Audit actions declared by two apps: {', '.join(twice)}")
    return tuple(choices)


def action_choices() -> list[tuple[str, Any]]:
    """The choices of AuditEvent.action: every installed app's declared actions, in INSTALLED_APPS order."""
    return list(_declared_actions())


class AuditEvent(models.Model):
    """One entry of the append-only audit log. Written by audit_log only, never changed."""

    Action = Action  # accounts' own actions; another app's are in its audit module

    created_at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    action = models.CharField(_("gebeurtenis"), max_length=40, choices=action_choices)
    # The three references carry no foreign-key constraint in the database (db_constraint=False). Every audit row
    # is written by Portero's own services, in the transaction of the change it records, with the ids of rows they
    # just read or changed; accounts are never deleted (soft deletion; no delete in the admin), and Django's
    # PROTECT refuses a delete of any account or organisation the log names, in the CIZ admin too. A constraint
    # would check and lock the referenced account and organisation for each audit row: at a million accounts those
    # checks made the nightly jobs about 60% slower (docs/PERFORMANCE.md).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uitgevoerd door"),
        db_constraint=False,
    )
    # No index of its own: audit_target_idx (target, -created_at) serves every lookup by account, and the nightly
    # jobs write one audit row per changed account, each index entry fewer counts at a million accounts.
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("betreft account"),
        db_index=False,
        db_constraint=False,
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisatie"),
        db_constraint=False,
    )
    ip_address = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)
    detail = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        app_label = "accounts"
        verbose_name = _("auditgebeurtenis")
        verbose_name_plural = _("auditlog")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target", "-created_at"], name="audit_target_idx"),
            models.Index(fields=["organisation", "-created_at", "-id"], name="audit_org_created_idx"),
        ]

    def __str__(self) -> str:
        # The admin shows this as the page title: in Amsterdam time, as the list shows created_at.
        return f"{timezone.localtime(self.created_at):%d-%m-%Y %H:%M} {self.get_action_display()}"


# Details every audit event written inside audit_context gets, besides its own (an import's file name).
_context_detail: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar(
    "audit_context", default=MappingProxyType({})
)


@contextmanager
def audit_context(**detail: Any) -> Iterator[None]:
    """Add these details to every audit event written inside the block, by whichever service writes it: the
    accounts an import creates are audited by user_create as any creation, and marked with the import's file."""
    token = _context_detail.set({**_context_detail.get(), **detail})
    try:
        yield
    finally:
        _context_detail.reset(token)


def audit_log(
    action: str,
    *,
    actor: "User | None" = None,
    target: "User | None" = None,
    organisation: "Organisation | None" = None,
    request: HttpRequest | None = None,
    **detail: Any,
) -> AuditEvent:
    """Write one audit event, in the caller's transaction. The organisation defaults to the target account's."""
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
        detail={**_context_detail.get(), **detail},
    )
