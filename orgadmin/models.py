"""The beheer search's table of codes, declared for Django; the database keeps it, Django never creates or writes it.

On PostgreSQL, accounts_user_search holds one row per account: the codes of every distinct piece of one, two and
three letters of its User.search_text (none with a space), each coded together with the account's organisation as
the first 32 bits of md5("<organisation>:<piece>") (SQL function portero_search_code), with a GIN index
(user_search_codes_idx). The table, those functions and the triggers on accounts_user that keep it in step live in
the accounts app's migrations (grep accounts/migrations for user_search_added): after an insert, a delete, a
truncate, and an update of a searched field or the organisation (triggers user_search_added, _removed, _truncated,
_changed). There is no foreign key, so TRUNCATE of accounts_user alone keeps working. SQLite has no such table and
searches without it (orgadmin.user_search)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserSearch(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the triggers delete the row with the account
        db_constraint=False,
        related_name="+",
    )
    codes = ArrayField(models.IntegerField())

    class Meta:
        managed = False
        db_table = "accounts_user_search"

    def __str__(self) -> str:
        return f"search codes of account {self.user_id}"


class UserImport(models.Model):
    """'Gebruikers importeren': one uploaded file of an organisation admin, checked row by row (the dry run),
    then, once the admin confirms, applied row by row by a Celery task (orgadmin.import_services)."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("wordt gecontroleerd")
        READY = "ready", _("klaar om te importeren")
        IMPORTING = "importing", _("wordt geïmporteerd")
        DONE = "done", _("afgerond")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisatie")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("geüpload door")
    )
    created_at = models.DateTimeField(_("geüpload op"), default=timezone.now)
    file_name = models.CharField(_("bestandsnaam"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256 van het bestand"), max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    row_count = models.PositiveIntegerField(_("aantal rijen"), default=0)
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)
    # The confirming admin's address: the task writes it on every audit row of the import, as a request would.
    client_address = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)

    class Meta:
        verbose_name = _("import van gebruikers")
        verbose_name_plural = _("imports van gebruikers")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="userimport_org_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class UserImportRow(models.Model):
    """One row of an import: the cells as read (data), what the dry run planned for it, and what happened."""

    class Plan(models.TextChoices):
        CREATE = "create", _("wordt aangemaakt")
        CHANGE = "change", _("wordt gewijzigd")
        UNCHANGED = "unchanged", _("ongewijzigd")
        ERROR = "error", _("fout")

    class Outcome(models.TextChoices):
        CREATED = "created", _("aangemaakt")
        CHANGED = "changed", _("gewijzigd")
        UNCHANGED = "unchanged", _("ongewijzigd")
        REFUSED = "refused", _("geweigerd")

    user_import = models.ForeignKey(UserImport, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("rij"))  # the row in the file: the header is row 1
    data = models.JSONField(_("gegevens"), default=dict)
    duplicate_of = models.PositiveIntegerField(_("zelfde e-mailadres als rij"), null=True, blank=True)
    plan = models.CharField(_("voorbeeld"), max_length=10, choices=Plan.choices, blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=10, choices=Outcome.choices, blank=True)
    errors = models.JSONField(_("redenen"), default=dict, blank=True)  # field → Dutch messages
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    processed_at = models.DateTimeField(_("verwerkt op"), null=True, blank=True)
    welcome_sent_at = models.DateTimeField(_("welkomstmail verstuurd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("rij van een import")
        verbose_name_plural = _("rijen van een import")
        ordering = ["user_import", "number"]
        constraints = [models.UniqueConstraint(fields=["user_import", "number"], name="userimportrow_unique_number")]

    def __str__(self) -> str:
        return f"{self.user_import_id}:{self.number}"
