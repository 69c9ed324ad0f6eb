"""Selectors of the CIZ staff's work queue ('Werkvoorraad', the admin's start page) and of what the application
page in the admin shows per type. The queue is every application a staff member still has to act on, with its
uiterste beslisdatum: te laat first, then due this week, then the rest.

The decision term (`Aanvraag.deadline`) runs from submission (services.aanvraag.deadline_compute) until the besluit;
while an application is 'onvolledig' it is suspended (`suspended_since`; services.aanvraag.aanvraag_status_change
moves the deadline by the days it lasted), so a suspended application is never 'te laat'. 'Today' and 'this week'
are Dutch calendar days (TIME_ZONE Europe/Amsterdam): the deadline day itself still counts as due, the day after it
is late; this week ends on Sunday 23:59 local time.

At national scale (millions of applications) the counts on top are one grouped query over the open statuses, and
the index aanvraag_werkvoorraad_idx (status, deadline) serves both the counts and the queue by status."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aanvragen.choices import STATUS_TRANSITIONS, AanvraagSoort, AanvraagStatus
from aanvragen.models import Aanvraag
from aanvragen.rules import has_artikel_21
from aanvragen.steps import COMBINATIE, flow_for
from accounts.models import Organisation

S = AanvraagStatus
# Every status from which a staff member still moves the application on: the queue's statuses, in process order.
WERKVOORRAAD_STATUSES = tuple(status for status, following in STATUS_TRANSITIONS.items() if following)
# The statuses in which the decision term runs: no besluit yet and not suspended ('onvolledig').
TERM_RUNNING_STATUSES = (S.INGEDIEND, S.IN_BEHANDELING, S.HUISBEZOEK_GEPLAND)

TE_LAAT, DEZE_WEEK, LATER, OPGESCHORT = "te_laat", "deze_week", "later", "opgeschort"
TERMIJN_CHOICES = [
    (TE_LAAT, _("Te laat")),
    (DEZE_WEEK, _("Uiterlijk deze week")),
    (LATER, _("Later")),
    (OPGESCHORT, _("Termijn opgeschort")),
]
# The types as the aanvraag site offers them: the combination is a type of its own (steps.COMBINATIE).
SOORT_CHOICES = [
    (AanvraagSoort.WLZ, _("Wlz")),
    (COMBINATIE, _("Combinatie Wlz en Wzd art. 21")),
    (AanvraagSoort.WZD_ARTIKEL_21, _("Wzd art. 21")),
    (AanvraagSoort.PARTNERVERBLIJF, _("Partnerverblijf")),
]


@dataclass(frozen=True)
class Week:
    """The Dutch calendar day and the last day (Sunday) of its week."""

    today: date

    @property
    def last_day(self) -> date:
        return self.today + timedelta(days=6 - self.today.weekday())


def week(today: date | None = None) -> Week:
    return Week(today or timezone.localdate())


def _term_running() -> Q:
    return Q(status__in=TERM_RUNNING_STATUSES, suspended_since__isnull=True, deadline__isnull=False)


def termijn_q(termijn: str, today: date | None = None) -> Q:
    """The applications of the queue in this term group (TERMIJN_CHOICES)."""
    current = week(today)
    if termijn == TE_LAAT:
        return _term_running() & Q(deadline__lt=current.today)
    if termijn == DEZE_WEEK:
        return _term_running() & Q(deadline__gte=current.today, deadline__lte=current.last_day)
    if termijn == LATER:
        return _term_running() & Q(deadline__gt=current.last_day)
    if termijn == OPGESCHORT:
        return Q(status=S.ONVOLLEDIG)
    raise ValueError(termijn)


def termijn_of(aanvraag: Aanvraag, today: date | None = None) -> str | None:
    """The term group of one application (the same rule as termijn_q, for a page that shows one): None once its
    decision is taken or when it is not in the queue."""
    current = week(today)
    if aanvraag.status == S.ONVOLLEDIG:
        return OPGESCHORT
    if aanvraag.status not in TERM_RUNNING_STATUSES or aanvraag.deadline is None or aanvraag.suspended_since:
        return None
    if aanvraag.deadline < current.today:
        return TE_LAAT
    if aanvraag.deadline <= current.last_day:
        return DEZE_WEEK
    return LATER


def soort_q(soort: str) -> Q:
    if soort == COMBINATIE:
        return Q(combinatie=True)
    if soort == AanvraagSoort.WLZ:
        return Q(soort=AanvraagSoort.WLZ, combinatie=False)
    return Q(soort=soort)


def soort_label(aanvraag: Aanvraag) -> str:
    return str(dict(SOORT_CHOICES)[flow_for(aanvraag).key])


def werkvoorraad_base(*, soort: str = "", organisation: Organisation | None = None) -> QuerySet[Aanvraag]:
    queryset = Aanvraag.objects.filter(status__in=WERKVOORRAAD_STATUSES)
    if soort:
        queryset = queryset.filter(soort_q(soort))
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    return queryset


def werkvoorraad(
    *,
    soort: str = "",
    organisation: Organisation | None = None,
    termijn: str = "",
    status: str = "",
    today: date | None = None,
) -> QuerySet[Aanvraag]:
    """The queue: te laat first (the longest overdue on top), then due this week, then the rest (a running term by
    deadline, then the suspended ones and those with a besluit awaiting 'afgesloten'); oldest first within a date."""
    today = today or timezone.localdate()
    queryset = werkvoorraad_base(soort=soort, organisation=organisation)
    if termijn:
        queryset = queryset.filter(termijn_q(termijn, today))
    if status:
        queryset = queryset.filter(status=status)
    return (
        queryset.select_related("organisation")
        .annotate(
            urgentie=Case(
                When(termijn_q(TE_LAAT, today), then=Value(0)),
                When(termijn_q(DEZE_WEEK, today), then=Value(1)),
                When(_term_running(), then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("urgentie", F("deadline").asc(nulls_last=True), "submitted_at", "pk")
    )


@dataclass(frozen=True)
class WerkvoorraadCounts:
    per_status: dict[str, int]
    te_laat: int
    deze_week: int

    @property
    def total(self) -> int:
        return sum(self.per_status.values())


def werkvoorraad_counts(
    *, soort: str = "", organisation: Organisation | None = None, today: date | None = None
) -> WerkvoorraadCounts:
    """The counts on top of the queue, in one grouped query (one row per status), whatever the number of
    applications. Every queue status is named, also with 0."""
    today = today or timezone.localdate()
    rows = (
        werkvoorraad_base(soort=soort, organisation=organisation)
        .order_by()
        .values("status")
        .annotate(
            total=Count("pk"),
            te_laat=Count("pk", filter=termijn_q(TE_LAAT, today)),
            deze_week=Count("pk", filter=termijn_q(DEZE_WEEK, today)),
        )
    )
    per_status = dict.fromkeys(WERKVOORRAAD_STATUSES, 0)
    te_laat = deze_week = 0
    for row in rows:
        per_status[row["status"]] = row["total"]
        te_laat += row["te_laat"]
        deze_week += row["deze_week"]
    return WerkvoorraadCounts(per_status=per_status, te_laat=te_laat, deze_week=deze_week)


# --- The application page: which besluit fields belong to which type ---------------------------------------


def besluit_fields(aanvraag: Aanvraag) -> tuple[str, ...]:
    """What CIZ records as the outcome of this type (the rules are services.aanvraag._besluit_record's): a Wlz
    besluit with the granted zorgprofiel, the Wzd-verklaring (COD127) with its validity for an art. 21 part, both
    for a combination; a Partnerverblijf only its besluit (its zorgprofiel is always 999)."""
    fields: list[str] = []
    if aanvraag.soort != AanvraagSoort.WZD_ARTIKEL_21:
        fields.append("besluit")
        if aanvraag.soort != AanvraagSoort.PARTNERVERBLIJF:
            fields.append("besluit_zorgprofiel")
    if has_artikel_21(aanvraag):
        fields += ["wzd_verklaring", "wzd_besluit_tot"]
    return tuple(fields)
