"""Reads of client and application data. Every query on organisation data is scoped here; a foreign id is a 404."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from aanvragen.choices import PROFILE_AANVRAAGSOORTEN, AanvraagSoort, AanvraagStatus
from aanvragen.models import Aanvraag, Bijlage, ClientConsent, OrganisationSanction, SpotCheck, SpotCheckItem
from accounts.models import Organisation, User

# Application types whose forms exist in this version; part 2 adds Wzd art. 21 and Partnerverblijf.
AANVRAAGSOORTEN_GEBOUWD = (AanvraagSoort.WLZ,)


def organisation_of(user: User) -> Organisation:
    """The aanvraag site is for employees of a care organisation; CIZ staff work in the admin."""
    if user.organisation_id is None:
        raise PermissionDenied("aanvragen")
    return user.organisation


def aanvraagsoorten_allowed(organisation: Organisation) -> tuple[str, ...]:
    return PROFILE_AANVRAAGSOORTEN.get(organisation.profile, ())


def submit_refusal(organisation: Organisation, today: date | None = None) -> str | None:
    """Why this organisation cannot submit now, or None when it can."""
    today = today or timezone.localdate()
    if organisation.is_suspended:
        return _(
            "De toegang van uw organisatie tot Portero is opgeschort. U kunt daarom geen aanvragen indienen. "
            "Uw gegevens blijven bewaard. Neem contact op met contractbeheer@ciz.nl."
        )
    if organisation.contract_end is not None and organisation.contract_end < today:
        return _(
            "Het contract van uw organisatie met het CIZ is beëindigd. U kunt daarom geen aanvragen indienen. "
            "Uw gegevens blijven bewaard. Neem contact op met contractbeheer@ciz.nl."
        )
    if organisation.contract_start > today:
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
    organisation: Organisation, *, status: str = "", soort: str = "", zoek: str = ""
) -> QuerySet[Aanvraag]:
    from aanvragen.validators import bsn_is_valid, bsn_normalise

    queryset = Aanvraag.objects.filter(organisation=organisation)
    if status:
        queryset = queryset.filter(status=status)
    if soort:
        queryset = queryset.filter(soort=soort)
    zoek = (zoek or "").strip()
    if zoek:
        # Exact reference or exact BSN only: no partial search on client data.
        bsn = bsn_normalise(zoek)
        queryset = queryset.filter(client_bsn=bsn) if bsn_is_valid(bsn) else queryset.filter(reference=zoek.upper())
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


# --- Steekproeven (spot checks) ---


def spot_check_candidates(*, organisation: Organisation, period_from: date, period_to: date) -> QuerySet[ClientConsent]:
    """The organisation's consent declarations recorded in the period (Dutch calendar days, both ends included)."""
    return ClientConsent.objects.filter(
        organisation=organisation, recorded_at__date__gte=period_from, recorded_at__date__lte=period_to
    )


@dataclass(frozen=True)
class SuspensionAdvice:
    """The sanction rule for careless use (onzorgvuldig gebruik, DOMAIN.md §2.4), applied to spot checks.

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
    failed_closures = list(
        SpotCheck.objects.filter(
            organisation=organisation,
            closed_at__isnull=False,
            items__outcome=SpotCheckItem.Outcome.NIET_IN_ORDE,
        )
        .distinct()
        .values_list("closed_at", flat=True)
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
