"""CIZ's client register with its indications, the consents organisations declare, and the NEN 7513 access log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aanvragen.choices import (
    AccessAction,
    AccessOutcome,
    ConsentGivenBy,
    ConsentKind,
    Geslacht,
    Leveringsvorm,
    Zorgprofiel,
)
from aanvragen.validators import validate_bsn, validate_not_in_future
from portero.validators import postcode_validator


class Client(models.Model):
    """A person known to CIZ. Maintained by CIZ staff in the admin."""

    bsn = models.CharField(_("BSN"), max_length=9, unique=True, validators=[validate_bsn])
    initials = models.CharField(_("voorletters"), max_length=20)
    first_name = models.CharField(_("voornaam"), max_length=100, blank=True)
    name_prefix = models.CharField(_("tussenvoegsels"), max_length=30, blank=True)
    last_name = models.CharField(_("achternaam"), max_length=150)
    date_of_birth = models.DateField(_("geboortedatum"), validators=[validate_not_in_future])
    sex = models.CharField(_("geslacht"), max_length=1, choices=Geslacht.choices)
    street = models.CharField(_("straat en huisnummer"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=7, validators=[postcode_validator])
    city = models.CharField(_("woonplaats"), max_length=100)

    class Meta:
        verbose_name = _("cliënt")
        verbose_name_plural = _("cliënten")
        ordering = ["last_name", "initials"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.initials, self.name_prefix, self.last_name) if part)


class Indicatie(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="indicaties", verbose_name=_("cliënt"))
    zorgprofiel = models.CharField(_("zorgprofiel"), max_length=3, choices=Zorgprofiel.choices)
    leveringsvorm = models.CharField(_("leveringsvorm"), max_length=2, choices=Leveringsvorm.choices)
    valid_from = models.DateField(_("geldig vanaf"))
    valid_to = models.DateField(_("geldig tot en met"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicatie")
        verbose_name_plural = _("indicaties")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="indicatie_valid_to_after_from",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_zorgprofiel_display()} ({self.valid_from:%d-%m-%Y})"


class ClientConsent(models.Model):
    """A consent the organisation declares it holds, signed and kept in its own archive (FAQ 'Toestemming')."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisatie")
    )
    client_bsn = models.CharField(_("BSN"), max_length=9, validators=[validate_bsn])
    kind = models.CharField(_("soort toestemming"), max_length=30, choices=ConsentKind.choices)
    given_by = models.CharField(_("gegeven door"), max_length=30, choices=ConsentGivenBy.choices)
    signed_on = models.DateField(_("datum ondertekening"), validators=[validate_not_in_future])
    archive_reference = models.CharField(_("kenmerk in eigen archief"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("vastgelegd door")
    )
    recorded_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["organisation", "client_bsn", "kind"], name="consent_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.organisation}"


class AccessLogEntry(models.Model):
    """Append-only NEN 7513 log: who (user, organisation), when, which client, what, under which consent, from
    where. Written in the same transaction as the access; never changed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("gebruiker")
    )
    # Empty for CIZ staff, who belong to no care organisation.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    at = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)
    client_bsn = models.CharField(_("BSN"), max_length=9, db_index=True)
    action = models.CharField(_("handeling"), max_length=30, choices=AccessAction.choices)
    consent = models.ForeignKey(
        ClientConsent, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("toestemming")
    )
    outcome = models.CharField(_("resultaat"), max_length=15, choices=AccessOutcome.choices)
    ip_address = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)

    class Meta:
        verbose_name = _("toegangslogregel")
        verbose_name_plural = _("toegangslog")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        # The admin's page title: in Amsterdam time, as the list shows `at` (a datetime is stored in UTC).
        return f"{timezone.localtime(self.at):%d-%m-%Y %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The access log is append-only.")
