"""Spot checks: CIZ checks at random whether an organisation really holds the signed consent forms it declared
(the CIZ FAQ 'Toestemming': "Het CIZ kan hier steekproefsgewijs op controleren"), and the sanctions that follow."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aanvragen.models.clients import ClientConsent
from portero.fields import LONG_TEXT, SHORT_TEXT, LimitedTextField, max_length_constraint


class SpotCheck(models.Model):
    """A random sample of one organisation's consent declarations recorded in a period."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisatie")
    )
    period_from = models.DateField(_("toestemmingen vastgelegd vanaf"))
    period_to = models.DateField(_("toestemmingen vastgelegd tot en met"))
    sample_size = models.PositiveIntegerField(_("aantal getrokken toestemmingen"))
    reply_deadline = models.DateField(_("formulieren aanleveren uiterlijk op"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("getrokken door")
    )
    created_at = models.DateTimeField(_("getrokken op"), auto_now_add=True)
    request_sent_at = models.DateTimeField(_("verzoek aan de organisatie verstuurd op"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("steekproef toestemmingen")
        verbose_name_plural = _("steekproeven toestemmingen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(period_to__gte=models.F("period_from")), name="spotcheck_period_order"),
            models.CheckConstraint(condition=Q(sample_size__gte=1), name="spotcheck_sample_not_empty"),
        ]

    def __str__(self) -> str:
        return _("Steekproef %(pk)s — %(organisation)s") % {"pk": self.pk, "organisation": self.organisation}


class SpotCheckItem(models.Model):
    """One drawn consent declaration and CIZ's finding about its signed form."""

    class Outcome(models.TextChoices):
        IN_ORDE = "in_orde", _("In orde")
        NIET_IN_ORDE = "niet_in_orde", _("Niet in orde")

    spot_check = models.ForeignKey(SpotCheck, on_delete=models.CASCADE, related_name="items")
    consent = models.ForeignKey(
        ClientConsent, on_delete=models.PROTECT, related_name="+", verbose_name=_("toestemming")
    )
    outcome = models.CharField(_("uitkomst"), max_length=15, choices=Outcome.choices, blank=True)
    remark = LimitedTextField(_("opmerking"), blank=True, max_length=SHORT_TEXT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beoordeeld door"),
    )
    recorded_at = models.DateTimeField(_("beoordeeld op"), null=True, blank=True)

    class Meta:
        verbose_name = _("getrokken toestemming")
        verbose_name_plural = _("getrokken toestemmingen")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["spot_check", "consent"], name="spotcheckitem_consent_once"),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(recorded_at__isnull=False, recorded_by__isnull=False),
                name="spotcheckitem_outcome_recorded",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="niet_in_orde") | ~Q(remark=""), name="spotcheckitem_niet_in_orde_has_remark"
            ),
            max_length_constraint("spotcheckitem", "remark", SHORT_TEXT),
        ]

    def __str__(self) -> str:
        return f"{self.consent.get_kind_display()} {self.consent.archive_reference}"


class OrganisationSanction(models.Model):
    """A sanction decision under CIZ's sanctiebeleid for Portero: a warning after contact, or the suspension of the
    organisation."""

    class Kind(models.TextChoices):
        MISBRUIK = "misbruik", _("Misbruik")
        ONZORGVULDIG = "onzorgvuldig", _("Onzorgvuldig gebruik")

    class Decision(models.TextChoices):
        WAARSCHUWING = "waarschuwing", _("Contact opgenomen en gewaarschuwd")
        OPGESCHORT = "opgeschort", _("Toegang opgeschort")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisatie")
    )
    kind = models.CharField(_("soort"), max_length=15, choices=Kind.choices)
    decision = models.CharField(_("besluit"), max_length=15, choices=Decision.choices)
    spot_check = models.ForeignKey(
        SpotCheck,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sanctions",
        verbose_name=_("naar aanleiding van steekproef"),
    )
    note = LimitedTextField(_("toelichting"), max_length=LONG_TEXT)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("besloten door")
    )
    decided_at = models.DateTimeField(_("besloten op"), auto_now_add=True)

    class Meta:
        verbose_name = _("sanctie")
        verbose_name_plural = _("sancties")
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "decision", "decided_at"], name="sanction_org_decision_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="sanction_has_note"),
            max_length_constraint("organisationsanction", "note", LONG_TEXT),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} — {self.organisation}"
