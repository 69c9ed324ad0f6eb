from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from accounts.audit import AuditEvent  # noqa: F401  (the audit log's model, registered with accounts' models)
from accounts.choices import Profile
from portero.validators import agb_validator, kvk_validator, postcode_validator, uzi_validator

login_name_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9._-]*$",
    _("Een inlognaam bestaat uit kleine letters, cijfers, punt, streepje of liggend streepje."),
)


class SessionsSeeChangesQuerySet(models.QuerySet):
    """update() and bulk_update() of accounts and organisations, which send no signal, tell accounts.auth_cache which
    accounts changed, so that their running sessions see it on their next request (save() and delete() do so through
    accounts.signals).

    update() first locks the rows it will change and notes them: the UPDATE then changes those rows, which nobody
    else can change meanwhile, plus any row that came to match since. Only when there are such rows (the count
    differs) is every session told instead."""

    def _changed(self, pks, *, exact: bool) -> None:
        from accounts import auth_cache

        if self.model is Organisation or not exact:
            auth_cache.changed(everything=True)
        else:
            auth_cache.changed(users=pks)

    def update(self, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            pks = list(self.select_for_update().values_list("pk", flat=True))
            rows = super().update(**kwargs)
        self._changed(pks, exact=rows == len(pks))
        return rows

    update.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        rows = super().bulk_update(objs, fields, batch_size=batch_size)
        self._changed([obj.pk for obj in objs], exact=True)
        return rows

    bulk_update.alters_data = True


class Organisation(models.Model):
    """A contracted care organisation (zorgaanmelder)."""

    name = models.CharField(_("naam"), max_length=200)
    agb_code = models.CharField(_("AGB-code"), max_length=8, validators=[agb_validator])
    kvk_number = models.CharField(_("KvK-nummer"), max_length=8, validators=[kvk_validator])
    street = models.CharField(_("straat en huisnummer"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True, validators=[postcode_validator])
    city = models.CharField(_("plaats"), max_length=100, blank=True)
    profile = models.CharField(_("profiel"), max_length=10, choices=Profile.choices, default=Profile.BASIS)
    contract_start = models.DateField(_("contract ingangsdatum"), default=timezone.localdate)
    contract_end = models.DateField(_("contract einddatum"), null=True, blank=True)
    is_suspended = models.BooleanField(
        _("toegang opgeschort"),
        default=False,
        help_text=_(
            "Opgeschort: de gebruikers van de organisatie kunnen niet inloggen en geen aanvragen indienen. Opschorten "
            "en opheffen gaan alleen met de acties 'Organisatie opschorten' en 'Opschorting opheffen' in de lijst "
            "Organisaties, zodat elk besluit met reden wordt vastgelegd."
        ),
    )
    sms_allowed = models.BooleanField(
        _("SMS toegestaan"),
        default=True,
        help_text=_(
            "Uit: de gebruikers van de organisatie kunnen niet met een sms-code inloggen, maar alleen met een "
            "authenticator-app of een passkey. Wie nog geen van beide heeft, wordt na het wachtwoord gevraagd er een "
            "toe te voegen."
        ),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    objects = SessionsSeeChangesQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["kvk_number"], name="organisation_unique_kvk")]

    def __str__(self) -> str:
        return self.name


class EmailDomain(models.Model):
    """A mail domain in which the organisation's users must have their address."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="email_domains", verbose_name=_("organisatie")
    )
    domain = models.CharField(_("domein"), max_length=253)
    include_subdomains = models.BooleanField(_("ook subdomeinen"), default=False)

    class Meta:
        verbose_name = _("e-maildomein")
        verbose_name_plural = _("e-maildomeinen")
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(Lower("domain"), "organisation", name="emaildomain_unique_per_organisation")
        ]

    def __str__(self) -> str:
        return self.domain


class UserManager(BaseUserManager.from_queryset(SessionsSeeChangesQuerySet)):
    use_in_migrations = True

    def create_user(self, username, email, password=None, **extra_fields):
        # Used by Django's own tooling only; Portero code creates users through accounts.services.
        user = self.model(username=username, email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        if password:
            user.password_changed_at = timezone.now()
        user.save(using=self._db)
        return user

    def create_superuser(self, username, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self.create_user(username, email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: a care organisation's employee, an organisation admin, or CIZ staff.

    An account is active until it is deleted (by the organisation admin) or deactivated (after 6 months
    without a login); neither can be undone, so "active" is derived from those two timestamps.
    """

    username = models.CharField(_("inlognaam"), max_length=40, unique=True, validators=[login_name_validator])
    initials = models.CharField(_("voorletters"), max_length=20)
    first_name = models.CharField(_("voornaam"), max_length=100)
    name_prefix = models.CharField(_("tussenvoegsels"), max_length=30, blank=True)
    last_name = models.CharField(_("achternaam"), max_length=150)
    email = models.EmailField(_("e-mailadres"), max_length=254)
    mobile = PhoneNumberField(_("mobiel nummer"), blank=True)
    uzi_number = models.CharField(_("UZI-nummer"), max_length=9, blank=True, validators=[uzi_validator])
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisatie"),
        db_index=False,  # user_org_username_idx and the other (organisation, ...) indexes serve every lookup
    )
    is_org_admin = models.BooleanField(_("organisatiebeheerder"), default=False)
    is_staff = models.BooleanField(_("CIZ-medewerker"), default=False, help_text=_("Mag in het CIZ-beheer."))
    date_joined = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    password_changed_at = models.DateTimeField(_("wachtwoord ingesteld op"), null=True, blank=True)
    # Set by the nightly expire_passwords job; cleared when a new password is set.
    password_expired_at = models.DateTimeField(_("wachtwoord verlopen op"), null=True, blank=True)
    password_expiry_warned_at = models.DateTimeField(_("waarschuwing verloop verstuurd op"), null=True, blank=True)
    # Set by the warning's mail task once this account's mail is sent, so a retry halfway mails the rest only.
    password_expiry_mailed_at = models.DateTimeField(_("waarschuwingsmail verloop verzonden op"), null=True, blank=True)
    # Part of every set-password link's hash: issuing a new link invalidates the older ones.
    password_link_sent_at = models.DateTimeField(_("wachtwoordlink verstuurd op"), null=True, blank=True)
    # Part of every session's auth hash: setting it ends every session of this user (a logout anywhere).
    sessions_revoked_at = models.DateTimeField(_("sessies beëindigd op"), null=True, blank=True)
    deactivated_at = models.DateTimeField(_("inactief sinds"), null=True, blank=True)
    deactivation_reason = models.CharField(_("reden inactief"), max_length=200, blank=True)
    deleted_at = models.DateTimeField(_("verwijderd op"), null=True, blank=True)
    deletion_reason = models.CharField(_("reden van verwijderen"), max_length=500, blank=True)
    # Set by the retention job (accounts/services/retention.py) a year after deletion or deactivation, when the
    # name, e-mail, mobile and UZI number are replaced by a pseudonym; the row stays for the logs' references.
    pseudonymised_at = models.DateTimeField(_("gepseudonimiseerd op"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verwijderd door"),
    )

    # What the beheer list searches, lower-cased in one column, so PostgreSQL can index it (the codes of
    # accounts_user_search, kept by triggers in accounts/migrations/0001_initial.py). Fields are joined by spaces and
    # a search word has none, so a word still matches within one field.
    search_text = models.GeneratedField(
        expression=Lower(
            Concat(
                "username", Value(" "), "first_name", Value(" "), "last_name", Value(" "), "initials", Value(" "),
                "name_prefix", Value(" "), "email", output_field=models.TextField(),
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
    )  # fmt: skip

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email", "initials", "first_name", "last_name"]

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(deleted_at__isnull=True, deactivated_at__isnull=True),
                name="user_unique_email_among_active",
                violation_error_message=_("Dit e-mailadres is al in gebruik."),
            ),
            models.CheckConstraint(
                condition=Q(is_org_admin=False) | Q(organisation__isnull=False),
                name="user_org_admin_has_organisation",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "username"], name="user_org_username_idx"),
            # The beheer list sorted by name: page 1 of a frequent search word is read in order, without a sort.
            models.Index(
                "organisation", Lower("last_name"), Lower("first_name"), Lower("name_prefix"), "username",
                name="user_org_name_idx",
            ),
            # The beheer list's count (up to 1,001 matches) read from the index alone: the organisation's accounts
            # lie all over the table, so testing them through the table meant a page read per account, 3 ms of the
            # list at 1,000,000 accounts. PostgreSQL only (SQLite has no INCLUDE; Django then creates no index).
            models.Index(
                fields=["organisation"], include=["search_text", "deactivated_at", "deleted_at"],
                name="user_org_search_idx",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.get_full_name()} ({self.username})"

    @property
    def is_active(self) -> bool:  # read by Django's auth backends
        return self.deleted_at is None and self.deactivated_at is None

    def _get_session_auth_hash(self, secret=None) -> str:
        """Django's hash of the password (a new password ends the other sessions), plus the moment this user's
        sessions were last revoked (a logout ends them all)."""
        revoked = self.sessions_revoked_at.isoformat() if self.sessions_revoked_at else ""
        return salted_hmac(
            "accounts.User.get_session_auth_hash", f"{self.password}|{revoked}", secret=secret, algorithm="sha256"
        ).hexdigest()

    def get_full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.name_prefix, self.last_name) if part)

    def get_short_name(self) -> str:
        return self.first_name


class PasswordHistory(models.Model):
    """A previous password of a user, as its hash (never in clear), for the 'not one of the last 12' rule."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vorig wachtwoord")
        verbose_name_plural = _("vorige wachtwoorden")
        ordering = ["-replaced_at", "-id"]
        indexes = [models.Index(fields=["user", "-replaced_at"], name="pwhistory_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {timezone.localtime(self.replaced_at):%d-%m-%Y}"
