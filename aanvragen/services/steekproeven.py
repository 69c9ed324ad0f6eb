"""Spot checks of the consents organisations declare, and the sanctions (a warning, a suspension) that follow."""

import math
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from aanvragen import selectors
from aanvragen.audit import Action as SpotCheckAction
from aanvragen.models.clients import ClientConsent
from aanvragen.models.steekproeven import OrganisationSanction, SpotCheck, SpotCheckItem
from accounts.audit import audit_log
from accounts.models import Organisation, User

# Audit actions of the spot checks and sanctions (declared in aanvragen/audit.py), in the one audit log.
SPOT_CHECK_DRAWN = SpotCheckAction.SPOT_CHECK_DRAWN
SPOT_CHECK_OUTCOME_RECORDED = SpotCheckAction.SPOT_CHECK_OUTCOME_RECORDED
SPOT_CHECK_CLOSED = SpotCheckAction.SPOT_CHECK_CLOSED
ORGANISATION_WARNED = SpotCheckAction.ORGANISATION_WARNED
ORGANISATION_SUSPENDED = SpotCheckAction.ORGANISATION_SUSPENDED

Outcome = SpotCheckItem.Outcome
SanctionKind = OrganisationSanction.Kind


@transaction.atomic
def spot_check_draw(
    *,
    user: User,
    organisation: Organisation,
    period_from: date,
    period_to: date,
    sample_size: int | None = None,
    percentage: int | None = None,
    request: HttpRequest | None = None,
) -> SpotCheck:
    """Draw declarations at random (OS randomness) from the organisation's declarations in the period, and ask
    its organisatiebeheerders, after the commit, to produce the signed forms."""
    if period_to < period_from:
        raise ValidationError({"period_to": _("De einddatum ligt voor de begindatum.")})
    if (sample_size is None) == (percentage is None):
        raise ValidationError(_("Vul een aantal of een percentage in, niet allebei."))
    candidates = list(
        selectors.spot_check_candidates(
            organisation=organisation, period_from=period_from, period_to=period_to
        ).values_list("pk", flat=True)
    )
    if not candidates:
        raise ValidationError(_("Deze organisatie heeft in deze periode geen toestemmingen vastgelegd."))
    if percentage is not None:
        if not 0 < percentage <= 100:
            raise ValidationError({"percentage": _("Een percentage ligt tussen 1 en 100.")})
        sample_size = math.ceil(len(candidates) * percentage / 100)
    if sample_size < 1:
        raise ValidationError({"sample_size": _("Trek ten minste één toestemming.")})
    if sample_size > len(candidates):
        raise ValidationError(
            {
                "sample_size": _("In deze periode zijn %(count)s toestemmingen vastgelegd; trek er niet meer dan dat.")
                % {"count": len(candidates)}
            }
        )
    drawn = sorted(secrets.SystemRandom().sample(candidates, sample_size))
    spot_check = SpotCheck(
        organisation=organisation,
        period_from=period_from,
        period_to=period_to,
        sample_size=sample_size,
        reply_deadline=timezone.localdate() + timedelta(days=settings.PORTERO_SPOT_CHECK_REPLY_DAYS),
        created_by=user,
    )
    spot_check.full_clean()
    spot_check.save()
    SpotCheckItem.objects.bulk_create([SpotCheckItem(spot_check=spot_check, consent_id=pk) for pk in drawn])
    audit_log(
        SPOT_CHECK_DRAWN,
        actor=user,
        organisation=organisation,
        request=request,
        spot_check=spot_check.pk,
        period=[period_from.isoformat(), period_to.isoformat()],
        declarations_in_period=len(candidates),
        consents=drawn,
    )
    from aanvragen.tasks import send_spot_check_request

    transaction.on_commit(lambda: send_spot_check_request.delay(spot_check.pk))
    return spot_check


def spot_check_outcome_errors(*, outcome: str, remark: str) -> dict[str, str]:
    if outcome not in Outcome.values:
        return {"outcome": _("Kies 'In orde' of 'Niet in orde'.")}
    if outcome == Outcome.NIET_IN_ORDE and not remark.strip():
        return {"remark": _("Licht toe wat er niet in orde is.")}
    return {}


@transaction.atomic
def spot_check_outcome_record(
    *, user: User, item_id: int, outcome: str, remark: str = "", request: HttpRequest | None = None
) -> SpotCheckItem:
    """CIZ's finding on one drawn declaration; the spot check closes when the last finding is in."""
    item = SpotCheckItem.objects.get(pk=item_id)
    spot_check = (
        SpotCheck.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=item.spot_check_id)
    )
    item.refresh_from_db()
    if spot_check.closed_at is not None:
        raise ValidationError(_("Deze steekproef is afgesloten; de uitkomsten liggen vast."))
    errors = spot_check_outcome_errors(outcome=outcome, remark=remark)
    if errors:
        raise ValidationError(errors)
    remark = remark.strip()
    before = {"outcome": item.outcome, "remark": item.remark}
    after = {"outcome": outcome, "remark": remark}
    if before == after:
        return item
    item.outcome, item.remark = outcome, remark
    item.recorded_by, item.recorded_at = user, timezone.now()
    item.full_clean()
    item.save()
    audit_log(
        SPOT_CHECK_OUTCOME_RECORDED,
        actor=user,
        organisation=spot_check.organisation,
        request=request,
        spot_check=spot_check.pk,
        consent=item.consent_id,
        before=before,
        after=after,
    )
    if not spot_check.items.filter(outcome="").exists():
        spot_check.closed_at = timezone.now()
        spot_check.save(update_fields=["closed_at"])
        audit_log(
            SPOT_CHECK_CLOSED,
            actor=user,
            organisation=spot_check.organisation,
            request=request,
            spot_check=spot_check.pk,
            niet_in_orde=spot_check.items.filter(outcome=Outcome.NIET_IN_ORDE).count(),
            before={"closed_at": None},
            after={"closed_at": spot_check.closed_at.isoformat()},
        )
    return item


def _sanction_checked(*, organisation: Organisation, kind: str, note: str, spot_check: SpotCheck | None) -> str:
    if kind not in SanctionKind.values:
        raise ValidationError({"kind": _("Kies misbruik of onzorgvuldig gebruik.")})
    if spot_check is not None and spot_check.organisation_id != organisation.pk:
        raise ValidationError(_("Deze steekproef hoort bij een andere organisatie."))
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Leg vast wat er is gebeurd en met wie er contact is geweest.")})
    return note


def _sanction_record(
    *,
    user: User,
    organisation: Organisation,
    kind: str,
    decision: str,
    note: str,
    spot_check: SpotCheck | None,
    request: HttpRequest | None,
    **change: dict[str, bool],
) -> OrganisationSanction:
    """The decision (warning or suspension) as a sanction row, and its audit event."""
    sanction = OrganisationSanction.objects.create(
        organisation=organisation, kind=kind, decision=decision, spot_check=spot_check, note=note, decided_by=user
    )
    audit_log(
        ORGANISATION_SUSPENDED if decision == OrganisationSanction.Decision.OPGESCHORT else ORGANISATION_WARNED,
        actor=user,
        organisation=organisation,
        request=request,
        sanction=sanction.pk,
        kind=kind,
        spot_check=spot_check.pk if spot_check else None,
        note=note,
        **change,
    )
    return sanction


@transaction.atomic
def organisation_warn(
    *,
    user: User,
    organisation_id: int,
    kind: str,
    note: str,
    spot_check: SpotCheck | None = None,
    request: HttpRequest | None = None,
) -> OrganisationSanction:
    """CIZ contacted the organisation about careless use and warned it: the first step before a suspension."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    note = _sanction_checked(organisation=organisation, kind=kind, note=note, spot_check=spot_check)
    return _sanction_record(
        user=user,
        organisation=organisation,
        kind=kind,
        decision=OrganisationSanction.Decision.WAARSCHUWING,
        note=note,
        spot_check=spot_check,
        request=request,
    )


@transaction.atomic
def organisation_suspend(
    *,
    user: User,
    organisation_id: int,
    kind: str,
    note: str,
    spot_check: SpotCheck | None = None,
    request: HttpRequest | None = None,
) -> OrganisationSanction:
    """'Organisatie opschorten' (CIZ's sanctiebeleid for Portero): misuse closes access at once, by a staff
    decision; careless use only when selectors.suspension_advice says it happened again after contact. Its users can
    then no longer log in (accounts.services.login_refusal) nor submit (selectors.submit_refusal)."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    note = _sanction_checked(organisation=organisation, kind=kind, note=note, spot_check=spot_check)
    if organisation.is_suspended:
        raise ValidationError(_("De toegang van %(name)s is al opgeschort.") % {"name": organisation.name})
    if kind == SanctionKind.ONZORGVULDIG:
        advice = selectors.suspension_advice(organisation)
        if not advice.advised:
            raise ValidationError(
                _(
                    "Bij onzorgvuldig gebruik wordt de toegang pas opgeschort na contact en herhaling: ten minste "
                    "%(threshold)s steekproeven met 'niet in orde', waarvan één na een waarschuwing. Deze organisatie "
                    "had tot nu toe %(failed)s, en %(since)s na een waarschuwing."
                )
                % {
                    "threshold": advice.threshold,
                    "failed": advice.failed_spot_checks,
                    "since": advice.failed_since_warning,
                }
            )
    organisation.is_suspended = True
    organisation.save(update_fields=["is_suspended"])
    return _sanction_record(
        user=user,
        organisation=organisation,
        kind=kind,
        decision=OrganisationSanction.Decision.OPGESCHORT,
        note=note,
        spot_check=spot_check,
        request=request,
        before={"is_suspended": False},
        after={"is_suspended": True},
    )


def spot_check_clients(spot_check: SpotCheck) -> list[tuple[str, ClientConsent]]:
    """The clients a spot check shows: one per drawn consent, with that consent (the admin logs these)."""
    return [(item.consent.client_bsn, item.consent) for item in selectors.spot_check_items(spot_check)]
