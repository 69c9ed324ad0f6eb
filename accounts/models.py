from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from accounts.choices import Profile
from portero.validators import agb_validator, kvk_validator, postcode_validator, uzi_validator

login_name_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9._-]*$",
    _("Een inlognaam bestaat uit kleine letters, cijfers, punt, streepje of liggend streepje."),
)


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
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

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


class UserManager(BaseUserManager):
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
    deleted_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verwijderd door"),
    )

    # What the beheer list searches, lower-cased in one column, so PostgreSQL can index it (migrations 0007 and
    # 0008: accounts_user_search). Fields are joined by spaces and a search word has none, so a word still matches
    # within one field.
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


class AuditEvent(models.Model):
    """One entry of the append-only account audit log. Written by services only, never changed."""

    class Action(models.TextChoices):
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
        ORGANISATION_CREATED = "organisation_created", _("organisatie aangemaakt")
        USER_CREATED = "user_created", _("account aangemaakt")
        USER_CHANGED = "user_changed", _("account gewijzigd")
        USER_DELETED = "user_deleted", _("account verwijderd")
        USER_DEACTIVATED = "user_deactivated", _("account inactief gemaakt")
        ORGANISATION_CHANGED = "organisation_changed", _("organisatie gewijzigd")
        SPOT_CHECK_DRAWN = "spot_check_drawn", _("steekproef getrokken")
        SPOT_CHECK_OUTCOME_RECORDED = "spot_check_outcome_recorded", _("uitkomst steekproef vastgelegd")
        SPOT_CHECK_CLOSED = "spot_check_closed", _("steekproef afgerond")
        ORGANISATION_WARNED = "organisation_warned", _("organisatie gewaarschuwd")
        ORGANISATION_SUSPENDED = "organisation_suspended", _("toegang organisatie opgeschort")
        ORGANISATION_SUSPENSION_LIFTED = "organisation_suspension_lifted", _("opschorting organisatie opgeheven")

    created_at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    action = models.CharField(_("gebeurtenis"), max_length=40, choices=Action.choices)
    # The three references carry no foreign-key constraint in the database (db_constraint=False). Every audit row
    # is written by Portero's own services, in the transaction of the change it records, with the ids of rows they
    # just read or changed; accounts are never deleted (soft deletion; no delete in the admin), and Django's
    # PROTECT refuses a delete of any account or organisation the log names, in the CIZ admin too. A constraint
    # would check and lock the referenced account and organisation for each audit row: at a million accounts those
    # checks made the nightly jobs about 60% slower (docs/PERFORMANCE.md).
    actor = models.ForeignKey(
        User,
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
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("betreft account"),
        db_index=False,
        db_constraint=False,
    )
    organisation = models.ForeignKey(
        Organisation,
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
        verbose_name = _("auditgebeurtenis")
        verbose_name_plural = _("auditlog")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target", "-created_at"], name="audit_target_idx")]

    def __str__(self) -> str:
        # The admin shows this as the page title: in Amsterdam time, as the list shows created_at.
        return f"{timezone.localtime(self.created_at):%d-%m-%Y %H:%M} {self.get_action_display()}"
