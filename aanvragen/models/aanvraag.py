"""The applications: a concept while the organisation enters it, then submitted and processed by CIZ; its status
history and its attachments."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _

from aanvragen.choices import (
    AanvraagSoort,
    AanvraagStatus,
    AanvragerRol,
    Besluit,
    BijlageSoort,
    Geslacht,
    PartnerRelatie,
    Prognose,
    Relatie,
    VoorkeurClient,
    WlzAanvraagType,
    WzdVerklaring,
    Zorgprofiel,
)
from aanvragen.validators import validate_bsn, validate_not_in_future
from portero.fields import LONG_TEXT, SHORT_TEXT, LimitedTextField, max_length_constraint
from portero.validators import agb_validator, postcode_validator


class PrivateStorage(LazyObject):
    """The storage of attachments, STORAGES["private"]: the file system or object storage, chosen in settings.

    Its migrations name only this class, whatever the setting; attachments have no URL on either."""

    def _setup(self):
        self._wrapped = storages["private"]

    def deconstruct(self):
        return ("aanvragen.models.PrivateStorage", (), {})


private_storage = PrivateStorage()


class Aanvraag(models.Model):
    """An application: a concept while the organisation enters it, then submitted and processed by CIZ."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="aanvragen", verbose_name=_("organisatie")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("aangemaakt door")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ingediend door"),
    )
    soort = models.CharField(_("soort aanvraag"), max_length=20, choices=AanvraagSoort.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=AanvraagStatus.choices, default=AanvraagStatus.CONCEPT, db_index=True
    )
    reference = models.CharField(_("kenmerk"), max_length=20, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("laatst gewijzigd"), auto_now=True)
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    deadline = models.DateField(_("uiterste beslisdatum"), null=True, blank=True)
    receipt_sent_at = models.DateTimeField(_("ontvangstbevestiging verstuurd op"), null=True, blank=True)
    suspended_since = models.DateField(_("termijn opgeschort sinds"), null=True, blank=True)
    besluit = models.CharField(_("besluit"), max_length=10, choices=Besluit.choices, blank=True)
    besluit_zorgprofiel = models.CharField(
        _("toegekend zorgprofiel"), max_length=3, choices=Zorgprofiel.choices, blank=True
    )

    # Soort Wlz-aanvraag and urgency
    wlz_type = models.CharField(_("soort Wlz-aanvraag"), max_length=20, choices=WlzAanvraagType.choices, blank=True)
    huidig_zorgprofiel = models.CharField(
        _("huidig zorgprofiel"), max_length=3, choices=Zorgprofiel.choices, blank=True
    )
    urgent = models.BooleanField(_("aanvraag onder bijzondere omstandigheden"), default=False)
    urgent_reason = LimitedTextField(_("toelichting bijzondere omstandigheden"), blank=True, max_length=SHORT_TEXT)

    # Client
    client_bsn = models.CharField(_("BSN"), max_length=9, blank=True, db_index=True, validators=[validate_bsn])
    client_initials = models.CharField(_("voorletters"), max_length=20, blank=True)
    client_name_prefix = models.CharField(_("tussenvoegsels"), max_length=30, blank=True)
    client_last_name = models.CharField(_("achternaam"), max_length=150, blank=True)
    client_date_of_birth = models.DateField(
        _("geboortedatum"), null=True, blank=True, validators=[validate_not_in_future]
    )
    client_sex = models.CharField(_("geslacht"), max_length=1, choices=Geslacht.choices, blank=True)
    client_street = models.CharField(_("straat en huisnummer"), max_length=200, blank=True)
    client_postcode = models.CharField(_("postcode"), max_length=7, blank=True, validators=[postcode_validator])
    client_city = models.CharField(_("woonplaats"), max_length=100, blank=True)
    client_zorgverzekeraar = models.CharField(_("zorgverzekeraar"), max_length=100, blank=True)
    client_taken_over = models.BooleanField(_("overgenomen uit het CIZ-register"), default=False)

    # Aanvrager / ondertekenaar
    heeft_wettelijk_vertegenwoordiger = models.BooleanField(
        _("de cliënt heeft een wettelijk vertegenwoordiger"), null=True, blank=True
    )
    aanvrager_rol = models.CharField(_("wie ondertekent"), max_length=30, choices=AanvragerRol.choices, blank=True)
    aanvrager_naam = models.CharField(_("naam aanvrager"), max_length=200, blank=True)
    aanvrager_telefoon = models.CharField(_("telefoonnummer aanvrager"), max_length=20, blank=True)
    aanvrager_email = models.EmailField(_("e-mailadres aanvrager"), blank=True)
    aanvrager_straat = models.CharField(_("postadres: straat en huisnummer of postbus"), max_length=200, blank=True)
    aanvrager_postcode = models.CharField(
        _("postadres: postcode"), max_length=7, blank=True, validators=[postcode_validator]
    )
    aanvrager_plaats = models.CharField(_("postadres: plaats"), max_length=100, blank=True)
    contactpersoon_naam = models.CharField(_("naam contactpersoon"), max_length=200, blank=True)
    contactpersoon_relatie = models.CharField(
        _("relatie tot de cliënt"), max_length=20, choices=Relatie.choices, blank=True
    )
    contactpersoon_telefoon = models.CharField(_("telefoonnummer contactpersoon"), max_length=20, blank=True)
    contactpersoon2_naam = models.CharField(_("naam tweede contactpersoon"), max_length=200, blank=True)
    contactpersoon2_relatie = models.CharField(
        _("relatie tweede contactpersoon tot de cliënt"), max_length=20, choices=Relatie.choices, blank=True
    )
    contactpersoon2_telefoon = models.CharField(_("telefoonnummer tweede contactpersoon"), max_length=20, blank=True)

    # Zorgvraag
    grondslagen = models.JSONField(_("grondslagen"), default=list, blank=True)
    diagnose = LimitedTextField(_("diagnose"), blank=True, max_length=LONG_TEXT)
    diagnose_behandelaar_naam = models.CharField(
        _("naam behandelaar die de diagnose stelde"), max_length=200, blank=True
    )
    diagnose_behandelaar_functie = models.CharField(_("functie van die behandelaar"), max_length=200, blank=True)
    diagnose_datum = models.DateField(_("datum diagnose"), null=True, blank=True, validators=[validate_not_in_future])
    ziekteverloop = LimitedTextField(
        _("ziekteverloop, behandelingen en complicaties"), blank=True, max_length=LONG_TEXT
    )
    prognose = models.CharField(_("prognose"), max_length=1, choices=Prognose.choices, blank=True)
    beperkingen = LimitedTextField(
        _("beperkingen en psychisch en sociaal functioneren"), blank=True, max_length=LONG_TEXT
    )
    voorkeur_client = models.CharField(
        _("zorgwens (voorkeur cliënt)"), max_length=2, choices=VoorkeurClient.choices, blank=True
    )
    opnamedatum = models.DateField(_("opnamedatum"), null=True, blank=True)
    machtiging_behandelaar = models.BooleanField(
        _("de cliënt machtigt het CIZ om medische informatie op te vragen bij een behandelaar"), null=True, blank=True
    )
    behandelaar_naam = models.CharField(_("naam behandelaar"), max_length=200, blank=True)
    behandelaar_functie = models.CharField(_("functie behandelaar"), max_length=200, blank=True)

    # Combination application: a Wlz application with an art. 21 part in the same submission
    combinatie = models.BooleanField(_("gecombineerd met een Wzd-toets artikel 21-aanvraag"), default=False)

    # Wzd artikel 21: besluit tot opname en verblijf (Wzd art. 21 and 22)
    verblijft_in_accommodatie = models.BooleanField(
        _("de cliënt verblijft al in een accommodatie"), null=True, blank=True
    )
    zorgplan_onvrijwillige_zorg = models.BooleanField(
        _("de cliënt heeft een zorgplan met onvrijwillige zorg"), null=True, blank=True
    )
    wzd_machtiging_door = models.CharField(
        _("wie heeft de gemachtigde gemachtigd"), max_length=30, choices=AanvragerRol.choices, blank=True
    )
    wzd_verlenging = models.BooleanField(_("verlenging van een bestaand artikel 21-besluit"), null=True, blank=True)
    wzd_huidig_besluit_tot = models.DateField(_("huidig besluit geldig tot en met"), null=True, blank=True)
    wzd_gronden = LimitedTextField(_("gronden voor de aanvraag"), blank=True, max_length=LONG_TEXT)
    # The Wzd-registered accommodation, or for Partnerverblijf the instelling where the client stays.
    instelling_naam = models.CharField(_("naam accommodatie of instelling"), max_length=200, blank=True)
    instelling_locatie = models.CharField(_("locatie (adres en plaats)"), max_length=200, blank=True)
    instelling_agb_code = models.CharField(
        _("AGB-code van de locatie"), max_length=8, blank=True, validators=[agb_validator]
    )

    # Partnerverblijf (Wlz art. 3.1.2): the partner; the indicated client is client_bsn above.
    partner_bsn = models.CharField(_("BSN partner"), max_length=9, blank=True, validators=[validate_bsn])
    partner_initials = models.CharField(_("voorletters partner"), max_length=20, blank=True)
    partner_name_prefix = models.CharField(_("tussenvoegsels partner"), max_length=30, blank=True)
    partner_last_name = models.CharField(_("achternaam partner"), max_length=150, blank=True)
    partner_date_of_birth = models.DateField(
        _("geboortedatum partner"), null=True, blank=True, validators=[validate_not_in_future]
    )
    partner_street = models.CharField(_("straat en huisnummer partner"), max_length=200, blank=True)
    partner_postcode = models.CharField(
        _("postcode partner"), max_length=7, blank=True, validators=[postcode_validator]
    )
    partner_city = models.CharField(_("woonplaats partner"), max_length=100, blank=True)
    partner_relatie = models.CharField(
        _("relatie tot de cliënt"), max_length=30, choices=PartnerRelatie.choices, blank=True
    )
    partner_verklaring = models.BooleanField(
        _("beiden meerderjarig, ongehuwd en geen bloedverwanten in de eerste graad"), default=False
    )
    partnerverblijf_ingangsdatum = models.DateField(_("ingangsdatum partnerverblijf"), null=True, blank=True)
    # The client's current indication with verblijf, as found in the register under 'Indicatie raadplegen'.
    client_indicatie_zorgprofiel = models.CharField(
        _("gecontroleerde indicatie van de cliënt"), max_length=3, choices=Zorgprofiel.choices, blank=True
    )

    # CIZ's art. 21 outcome and the renewal reminder (sent once, in the 8th week before expiry)
    wzd_verklaring = models.CharField(_("Wzd-verklaring"), max_length=1, choices=WzdVerklaring.choices, blank=True)
    wzd_besluit_tot = models.DateField(_("artikel 21-besluit geldig tot en met"), null=True, blank=True)
    renewal_reminder_sent_at = models.DateTimeField(_("herinnering verlenging verstuurd op"), null=True, blank=True)

    # Retention (aanvragen/services/retention.py): the day-21 warning of a concept, due once per last change
    # (marked by the nightly job, then mailed by its task, which marks it mailed so a retry does not mail twice),
    # and the moment the content fields and attachments of a closed application were removed.
    concept_warning_sent_at = models.DateTimeField(
        _("waarschuwing verwijderen concept klaargezet op"), null=True, blank=True
    )
    concept_warning_mailed_at = models.DateTimeField(
        _("waarschuwing verwijderen concept gemaild op"), null=True, blank=True
    )
    content_removed_at = models.DateTimeField(_("inhoud verwijderd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("aanvraag")
        verbose_name_plural = _("aanvragen")
        ordering = ["-created_at", "-pk"]
        # The 'Aanvragen' list: newest first within the organisation, with or without a status filter; the
        # benchmark showed the list otherwise reads all of an organisation's applications to show 25.
        indexes = [
            models.Index(fields=["organisation", "-updated_at", "-id"], name="aanvraag_org_updated_idx"),
            models.Index(fields=["organisation", "status", "-updated_at", "-id"], name="aanvraag_org_status_idx2"),
            # The CIZ work queue (aanvragen/werkvoorraad.py): its counts per status with the late and this week's
            # deadlines, and the queue filtered by status in deadline order, without reading closed applications.
            models.Index(fields=["status", "deadline"], name="aanvraag_werkvoorraad_idx"),
            # Expiring art. 21 decisions: the nightly reminder and the organisation's 'binnenkort verlopen' list.
            models.Index(
                fields=["wzd_besluit_tot"],
                name="aanvraag_wzd_besluit_tot_idx",
                condition=Q(wzd_besluit_tot__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=AanvraagStatus.CONCEPT) | Q(reference__isnull=False, submitted_at__isnull=False),
                name="aanvraag_submitted_has_reference",
            ),
            # Only an 'aangewezen' art. 21 decision has a validity, and so a renewal to remind of.
            models.CheckConstraint(
                condition=Q(wzd_besluit_tot__isnull=True) | Q(wzd_verklaring=WzdVerklaring.AANGEWEZEN),
                name="aanvraag_wzd_besluit_tot_only_when_aangewezen",
            ),
            models.CheckConstraint(
                condition=Q(renewal_reminder_sent_at__isnull=True) | Q(wzd_besluit_tot__isnull=False),
                name="aanvraag_renewal_reminder_needs_a_decision",
            ),
            *(
                max_length_constraint("aanvraag", field, limit)
                for field, limit in (
                    ("urgent_reason", SHORT_TEXT),
                    ("diagnose", LONG_TEXT),
                    ("ziekteverloop", LONG_TEXT),
                    ("beperkingen", LONG_TEXT),
                    ("wzd_gronden", LONG_TEXT),
                )
            ),
        ]

    def __str__(self) -> str:
        return self.reference or _("Concept %(pk)s") % {"pk": self.pk}


class AanvraagStatusChange(models.Model):
    aanvraag = models.ForeignKey(Aanvraag, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("van"), max_length=20, choices=AanvraagStatus.choices, blank=True)
    to_status = models.CharField(_("naar"), max_length=20, choices=AanvraagStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("door")
    )
    changed_at = models.DateTimeField(_("op"), auto_now_add=True)
    note = LimitedTextField(_("toelichting"), blank=True, max_length=SHORT_TEXT)
    deadline = models.DateField(_("uiterste beslisdatum na de wijziging"), null=True, blank=True)

    class Meta:
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statusgeschiedenis")
        ordering = ["changed_at", "pk"]
        constraints = [max_length_constraint("aanvraagstatuschange", "note", SHORT_TEXT)]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


# The extension of each accepted type, as detected from the file's first bytes (services.aanvraag.bijlage_content_type):
# the stored and the served name end in it, never in what the user's file name said ('report.html' holding a PDF is
# stored and served as a .pdf).
BIJLAGE_EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def bijlage_path(instance: "Bijlage", filename: str) -> str:
    # The stored name never contains the user's file name (which may hold a client's name).
    return f"aanvragen/{instance.aanvraag_id}/{instance.token}.{BIJLAGE_EXTENSIONS[instance.content_type]}"


class Bijlage(models.Model):
    aanvraag = models.ForeignKey(Aanvraag, on_delete=models.CASCADE, related_name="bijlagen")
    soort = models.CharField(_("soort bijlage"), max_length=30, choices=BijlageSoort.choices)
    file = models.FileField(_("bestand"), storage=private_storage, upload_to=bijlage_path, max_length=200)
    token = models.CharField(max_length=32, unique=True)
    original_name = models.CharField(_("bestandsnaam"), max_length=200)
    content_type = models.CharField(_("bestandstype"), max_length=40)
    size = models.PositiveIntegerField(_("grootte in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("toegevoegd door")
    )
    uploaded_at = models.DateTimeField(_("toegevoegd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
