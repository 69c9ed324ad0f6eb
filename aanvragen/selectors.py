"""Reads of client and application data. Every query on organisation data is scoped here; a foreign id is a 404."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from aanvragen.choices import PROFILE_AANVRAAGSOORTEN, AanvraagSoort, AanvraagStatus, Leveringsvorm, WzdVerklaring
from aanvragen.models.aanvraag import Aanvraag, Bijlage
from aanvragen.models.clients import ClientConsent, Indicatie
from aanvragen.models.steekproeven import OrganisationSanction, SpotCheck, SpotCheckItem
from accounts.models import Organisation, User
from accounts.selectors import OrganisationClosed, organisation_closed

# 'Kies aanvraag' offers the profile's types and, when both parts are allowed, the Wlz + art. 21 combination.
KEUZE_COMBINATIE = "combinatie"
# How far ahead the aanvraag site lists art. 21 decisions that expire: the reminder's 8th week plus a margin.
WZD_EXPIRING_WEEKS = 13


def organisation_of(user: User) -> Organisation:
    """The aanvraag site is for employees of a care organisation; CIZ staff work in the admin."""
    if user.organisation_id is None:
        raise PermissionDenied("aanvragen")
    return user.organisation


def aanvraagsoorten_allowed(organisation: Organisation) -> tuple[str, ...]:
    """The application types the organisation's profile allows: the one read of PROFILE_AANVRAAGSOORTEN, for the
    aanvraag site, its services and the beheer site's organisation page."""
    return PROFILE_AANVRAAGSOORTEN.get(organisation.profile, ())


def submit_refusal(organisation: Organisation, today: date | None = None) -> str | None:
    """Why this organisation cannot submit now, or None when it can."""
    closed = organisation_closed(organisation=organisation, today=today)
    if closed == OrganisationClosed.SUSPENDED:
        return _(
            "De toegang van uw organisatie tot Portero is opgeschort. U kunt daarom geen aanvragen indienen. "
            "Uw gegevens blijven bewaard. Neem contact op met contractbeheer@ciz.nl."
        )
    if closed == OrganisationClosed.CONTRACT_ENDED:
        return _(
            "Het contract van uw organisatie met het CIZ is beëindigd. U kunt daarom geen aanvragen indienen. "
            "Uw gegevens blijven bewaard. Neem contact op met contractbeheer@ciz.nl."
        )
    if closed == OrganisationClosed.CONTRACT_NOT_STARTED:
        return _(
            "Het contract van uw organisatie met het CIZ is nog niet ingegaan. U kunt nog geen aanvragen indienen."
        )
    return None


def consent_valid(*, organisation: Organisation, bsn: str, kind: str) -> ClientConsent | None:
    """The organisation's consent of exactly this kind, signed within the configured period. One query."""
    oldest = timezone.localdate() - timedelta(days=settings.PORTERO_CONSENT_VALID_DAYS)
    return (
        ClientConsent.objects.filter(organisation=organisation, client_bsn=bsn, kind=kind, signed_on__gte=oldest)
        .order_by("-signed_on", "-pk")
        .first()
    )


def aanvragen_for_organisation(
    organisation: Organisation, *, status: str = "", soort: str = "", zoek: str = "", bsn: str = ""
) -> QuerySet[Aanvraag]:
    """Exact kenmerk (`zoek`) or exact BSN only: no partial search on client data. The BSN comes from the
    session (views.aanvraag_list), never from the URL."""
    queryset = Aanvraag.objects.filter(organisation=organisation)
    if status:
        queryset = queryset.filter(status=status)
    if soort:
        queryset = queryset.filter(soort=soort)
    if bsn:
        queryset = queryset.filter(client_bsn=bsn)
    zoek = (zoek or "").strip()
    if zoek:
        queryset = queryset.filter(reference=zoek.upper())
    return queryset.order_by("-updated_at", "-pk")


def aanvraag_for_user(user: User, pk: int) -> Aanvraag:
    aanvraag = Aanvraag.objects.filter(pk=pk, organisation=organisation_of(user)).first()
    if aanvraag is None:
        raise Http404
    return aanvraag


def concept_for_user(user: User, pk: int) -> Aanvraag:
    aanvraag = aanvraag_for_user(user, pk)
    if aanvraag.status != AanvraagStatus.CONCEPT:
        raise Http404
    return aanvraag


def bijlage_for_user(user: User, *, aanvraag_pk: int, pk: int) -> Bijlage:
    """Only the submitting organisation (and CIZ staff, through the admin) may fetch an attachment."""
    bijlage = (
        Bijlage.objects.select_related("aanvraag")
        .filter(pk=pk, aanvraag_id=aanvraag_pk, aanvraag__organisation=organisation_of(user))
        .first()
    )
    if bijlage is None:
        raise Http404
    return bijlage


def aanvraag_keuzes(organisation: Organisation) -> list[tuple[str, str]]:
    allowed = aanvraagsoorten_allowed(organisation)
    keuzes = [(soort, AanvraagSoort(soort).label) for soort in allowed]
    if AanvraagSoort.WLZ in allowed and AanvraagSoort.WZD_ARTIKEL_21 in allowed:
        keuzes.append((KEUZE_COMBINATIE, _("Combinatie-aanvraag: Wlz en Wzd-toets artikel 21 in één aanvraag")))
    return keuzes


def indicatie_met_verblijf(indicaties, today: date | None = None) -> Indicatie | None:
    """The current indication with verblijf in an instelling among the client's indications (Partnerverblijf)."""
    today = today or timezone.localdate()
    for indicatie in indicaties:
        current = indicatie.valid_from <= today and (indicatie.valid_to is None or indicatie.valid_to >= today)
        if current and indicatie.leveringsvorm == Leveringsvorm.VERBLIJF:
            return indicatie
    return None


@dataclass(frozen=True)
class RenewalWeeks:
    """Wzd art. 22 lid 3: a renewal is filed in the 7th week before the decision expires; CIZ reminds the
    organisation in the 8th. Week n before expiry runs from (last valid day + 1) - 7n days, for 7 days."""

    besluit_tot: date

    def week_before_expiry(self, n: int) -> tuple[date, date]:
        expiry = self.besluit_tot + timedelta(days=1)
        start = expiry - timedelta(weeks=n)
        return start, start + timedelta(days=6)

    @property
    def renewal(self) -> tuple[date, date]:
        return self.week_before_expiry(7)

    @property
    def reminder(self) -> tuple[date, date]:
        return self.week_before_expiry(8)


def _renewal_submitted() -> Exists:
    """A later renewal of the same client's art. 21 decision by the same organisation has been submitted."""
    return Exists(
        Aanvraag.objects.filter(
            organisation=OuterRef("organisation"),
            client_bsn=OuterRef("client_bsn"),
            wzd_verlenging=True,
            submitted_at__gt=OuterRef("submitted_at"),
        )
    )


def wzd_besluiten_expiring(organisation: Organisation, today: date | None = None) -> QuerySet[Aanvraag]:
    """The organisation's art. 21 decisions that expire within WZD_EXPIRING_WEEKS, soonest first."""
    today = today or timezone.localdate()
    return (
        Aanvraag.objects.filter(
            organisation=organisation,
            wzd_verklaring=WzdVerklaring.AANGEWEZEN,
            wzd_besluit_tot__gte=today,
            wzd_besluit_tot__lte=today + timedelta(weeks=WZD_EXPIRING_WEEKS),
        )
        .annotate(verlenging_ingediend=_renewal_submitted())
        .order_by("wzd_besluit_tot", "pk")
    )


def wzd_renewal_reminders_due(today: date | None = None) -> QuerySet[Aanvraag]:
    """Decisions whose reminder is due: from the first day of the 8th week before expiry until the end of the 7th
    (so a missed night still reminds while a renewal can be filed in time), not yet reminded, no renewal yet."""
    today = today or timezone.localdate()
    # RenewalWeeks(T).reminder starts on T - 55 days and .renewal ends on T - 42: so T lies in [today+42, today+55].
    return Aanvraag.objects.filter(
        wzd_verklaring=WzdVerklaring.AANGEWEZEN,
        renewal_reminder_sent_at__isnull=True,
        wzd_besluit_tot__gte=today + timedelta(days=42),
        wzd_besluit_tot__lte=today + timedelta(days=55),
    ).exclude(_renewal_submitted())


def renewal_reminder_recipients(aanvraag: Aanvraag) -> list[str]:
    """The organisation: its active organisatiebeheerders and the employee who submitted the application."""
    from accounts.selectors import active_users

    recipients = User.objects.filter(active_users(), organisation=aanvraag.organisation_id).filter(
        Q(is_org_admin=True) | Q(pk=aanvraag.submitted_by_id)
    )
    return list(recipients.order_by("pk").values_list("email", flat=True))


# --- Steekproeven (spot checks) ---


def spot_check_candidates(*, organisation: Organisation, period_from: date, period_to: date) -> QuerySet[ClientConsent]:
    """The organisation's consent declarations recorded in the period (Dutch calendar days, both ends included)."""
    return ClientConsent.objects.filter(
        organisation=organisation, recorded_at__date__gte=period_from, recorded_at__date__lte=period_to
    )


@dataclass(frozen=True)
class SuspensionAdvice:
    """The sanction rule for careless use (onzorgvuldig gebruik, CIZ's sanctiebeleid), applied to spot checks.

    Every closed spot check with at least one 'niet in orde' counts once, however many declarations failed.
    Suspension is advised when the organisation failed at least PORTERO_SPOT_CHECK_FAILURES_FOR_SUSPENSION
    spot checks *and* failed one again after CIZ contacted it (a recorded warning): "several times, and not
    enough discipline". Misuse (misbruik) needs no advice: CIZ staff suspend at once.
    """

    failed_spot_checks: int
    warned_at: datetime | None
    failed_since_warning: int
    threshold: int

    @property
    def advised(self) -> bool:
        return self.failed_spot_checks >= self.threshold and self.failed_since_warning > 0


def suspension_advice(organisation: Organisation) -> SuspensionAdvice:
    failed = SpotCheckItem.objects.filter(spot_check=OuterRef("pk"), outcome=SpotCheckItem.Outcome.NIET_IN_ORDE)
    failed_closures = list(
        SpotCheck.objects.filter(Exists(failed), organisation=organisation, closed_at__isnull=False).values_list(
            "closed_at", flat=True
        )
    )
    first_warning = (
        OrganisationSanction.objects.filter(
            organisation=organisation, decision=OrganisationSanction.Decision.WAARSCHUWING
        )
        .order_by("decided_at")
        .values_list("decided_at", flat=True)
        .first()
    )
    return SuspensionAdvice(
        failed_spot_checks=len(failed_closures),
        warned_at=first_warning,
        failed_since_warning=sum(1 for closed in failed_closures if first_warning and closed > first_warning),
        threshold=settings.PORTERO_SPOT_CHECK_FAILURES_FOR_SUSPENSION,
    )


def spot_check_recipients(organisation: Organisation) -> list[str]:
    """The organisation's active organisatiebeheerders: they answer CIZ's request for the signed forms."""
    from accounts.selectors import active_users

    return list(
        User.objects.filter(active_users(), organisation=organisation, is_org_admin=True)
        .order_by("pk")
        .values_list("email", flat=True)
    )


def spot_check_items(spot_check: SpotCheck) -> QuerySet[SpotCheckItem]:
    return spot_check.items.select_related("consent").order_by("pk")
