"""Retention of application data (docs/PRIVACY.md), each period a PORTERO_RETENTION_* setting:

- a concept is deleted with its attachments 28 days after its last change; its author is mailed on day 21;
- a closed application (decided, withdrawn, not taken into processing) loses its content fields and attachments
  2 years after its last status change; reference, type, organisation, dates, status history and outcome stay;
- the NEN 7513 access log, consents and spot checks with their findings are deleted after 5 years.

Batches and time budget as accounts.services.retention.run_steps. A file goes from storage only once its row's
deletion has committed (transaction.on_commit); a file whose row is gone anyway is found by the weekly
orphan_files_sweep.
"""

import logging
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from aanvragen.audit import Action
from aanvragen.choices import AanvraagStatus
from aanvragen.models import (
    Aanvraag,
    AanvraagStatusChange,
    AccessLogEntry,
    Bijlage,
    ClientConsent,
    OrganisationSanction,
    SpotCheck,
    SpotCheckItem,
    private_storage,
)
from accounts.audit import audit_log
from accounts.services.retention import Step, accounts_retention_apply, log_cutoff, run_steps
from orgadmin.retention import imports_retention_apply

logger = logging.getLogger(__name__)

# The statuses after which nothing more happens to an application.
CLOSED = (
    AanvraagStatus.BESLUIT_GENOMEN,
    AanvraagStatus.AFGESLOTEN,
    AanvraagStatus.INGETROKKEN,
    AanvraagStatus.NIET_IN_BEHANDELING,
)

# Kept for statistics: reference, soort, wlz_type, organisation, the people who created and submitted it, dates,
# status, deadline, besluit and zorgprofiel, the art. 21 outcome, urgent and combinatie. Everything else the
# organisation entered about the client goes.
KEPT_FIELDS = {
    "id", "organisation", "created_by", "submitted_by", "soort", "status", "reference", "created_at",
    "updated_at", "submitted_at", "deadline", "receipt_sent_at", "suspended_since", "besluit",
    "besluit_zorgprofiel", "wlz_type", "huidig_zorgprofiel", "urgent", "combinatie", "wzd_verklaring",
    "wzd_besluit_tot", "renewal_reminder_sent_at", "concept_warning_sent_at", "content_removed_at",
    "client_taken_over", "partner_verklaring",
}  # fmt: skip


def content_cleared() -> dict:
    """The value each content field gets: empty, or NULL where the field allows it."""
    values = {}
    for field in Aanvraag._meta.concrete_fields:
        if field.name in KEPT_FIELDS:
            continue
        values[field.name] = None if field.null else ([] if field.get_internal_type() == "JSONField" else "")
    return values


def files_delete_on_commit(names: list[str]) -> None:
    """Remove these stored files once the transaction that deleted their rows has committed."""

    def remove():
        for name in names:
            try:
                private_storage.delete(name)
            except OSError:  # the weekly orphan sweep tries again
                logger.warning("retention: could not remove an attachment file", exc_info=True)

    if names:
        transaction.on_commit(remove)


def attachments_delete(aanvraag_ids: list[int]) -> None:
    """Delete the attachments of these applications, their files after commit. Two statements."""
    attachments = Bijlage.objects.filter(aanvraag_id__in=aanvraag_ids)
    files_delete_on_commit([name for name in attachments.values_list("file", flat=True) if name])
    attachments.delete()


# --- Concepts ---


def concept_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.PORTERO_RETENTION_CONCEPT_DAYS)


def concept_warning_cutoff(now: datetime) -> datetime:
    return concept_cutoff(now) + timedelta(days=settings.PORTERO_RETENTION_CONCEPT_WARNING_DAYS)


def concepts_to_warn(now: datetime) -> QuerySet:
    """Concepts unchanged since the warning day and not yet warned since their last change."""
    return Aanvraag.objects.filter(
        Q(concept_warning_sent_at__isnull=True) | Q(concept_warning_sent_at__lt=F("updated_at")),
        status=AanvraagStatus.CONCEPT,
        updated_at__lte=concept_warning_cutoff(now),
        updated_at__gt=concept_cutoff(now),
    )


def _concepts_warn(ids: list[int], now: datetime) -> None:
    from aanvragen.tasks import send_concept_deletion_warning

    # Marked here, in the batch's transaction, so the next batch and the next night skip them; the task sends.
    Aanvraag.objects.filter(pk__in=ids).update(concept_warning_sent_at=now)
    transaction.on_commit(lambda: [send_concept_deletion_warning.delay(pk) for pk in ids])


def concepts_due(now: datetime) -> QuerySet:
    return Aanvraag.objects.filter(status=AanvraagStatus.CONCEPT, updated_at__lte=concept_cutoff(now))


def aanvragen_delete(ids: list[int]) -> None:
    """Delete these applications with their attachments (files after commit) and status history."""
    attachments_delete(ids)
    AanvraagStatusChange.objects.filter(aanvraag_id__in=ids).delete()
    # Only the ids are read for the delete (its cascades are single statements): not every content column.
    Aanvraag.objects.filter(pk__in=ids).only("pk").delete()


# --- Closed applications ---


def closed_due(now: datetime) -> QuerySet:
    cutoff = now - relativedelta(years=settings.PORTERO_RETENTION_CLOSED_YEARS)
    later = AanvraagStatusChange.objects.filter(aanvraag=OuterRef("pk"), changed_at__gt=cutoff)
    return Aanvraag.objects.filter(
        ~Exists(later), status__in=CLOSED, content_removed_at__isnull=True, submitted_at__lte=cutoff
    )


def _closed_apply(ids: list[int], now: datetime) -> None:
    attachments_delete(ids)
    Aanvraag.objects.filter(pk__in=ids).update(**content_cleared(), content_removed_at=now)


# --- Logs, consents, spot checks (5 years) ---


def access_log_due(now: datetime) -> QuerySet:
    return AccessLogEntry.objects.filter(at__lte=log_cutoff(now))


def spot_checks_due(now: datetime) -> QuerySet:
    cutoff = log_cutoff(now)
    # A spot check a sanction names stays with the sanction.
    sanctioned = OrganisationSanction.objects.filter(spot_check=OuterRef("pk"))
    return SpotCheck.objects.filter(
        Q(closed_at__lte=cutoff) | Q(closed_at__isnull=True, created_at__lte=cutoff), ~Exists(sanctioned)
    )


def _spot_checks_apply(ids: list[int], now: datetime) -> None:
    items = SpotCheckItem.objects.filter(spot_check_id__in=ids)
    items.delete()
    rows = SpotCheck.objects.filter(pk__in=ids)
    rows.delete()


def consents_due(now: datetime) -> QuerySet:
    # A consent stays while a kept access log row or spot check names it.
    return ClientConsent.objects.filter(
        ~Exists(AccessLogEntry.objects.filter(consent=OuterRef("pk"))),
        ~Exists(SpotCheckItem.objects.filter(consent=OuterRef("pk"))),
        recorded_at__lte=log_cutoff(now),
    )


def _delete(model):
    def apply(ids: list[int], now: datetime) -> None:
        rows = model.objects.filter(pk__in=ids)
        rows.delete()

    return apply


def steps() -> list[Step]:
    return [
        Step("concepts_warned", concepts_to_warn, _concepts_warn),
        Step("concepts_deleted", concepts_due, lambda ids, now: aanvragen_delete(ids)),
        Step("closed_content_removed", closed_due, _closed_apply),
        Step(
            "access_log_entries",
            access_log_due,
            _delete(AccessLogEntry),
            append_only=AccessLogEntry,
            cutoff=log_cutoff,
        ),
        Step("spot_checks", spot_checks_due, _spot_checks_apply),
        Step("consents", consents_due, _delete(ClientConsent)),
    ]


def aanvragen_retention_apply(*, now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """The nightly retention of application data; one audit event with the counts (none on a dry run)."""
    counts = run_steps(steps(), now=now, dry_run=dry_run)
    if not dry_run:
        audit_log(Action.RETENTION_APPLIED, counts=counts)
    return counts


def retention_apply(*, dry_run: bool = False) -> dict[str, int]:
    """The nightly retention of every app, one after the other, each with its own audit event: the applications',
    the accounts' (accounts.services.retention) and the beheer imports' (orgadmin.retention). The count per kind."""
    return {
        **aanvragen_retention_apply(dry_run=dry_run),
        **accounts_retention_apply(dry_run=dry_run),
        **imports_retention_apply(dry_run=dry_run),
    }


# --- The weekly orphan sweep ---

# A file younger than this may belong to an upload whose row is not yet committed.
ORPHAN_MIN_AGE = timedelta(days=1)


def orphan_files_sweep(*, now: datetime | None = None) -> int:
    """Remove stored attachment files that no Bijlage row names, older than ORPHAN_MIN_AGE; one audit event."""
    now = now or timezone.now()
    removed = 0
    try:
        folders, _files = private_storage.listdir("aanvragen")
    except FileNotFoundError:
        folders = []
    for folder in folders:
        _sub, files = private_storage.listdir(f"aanvragen/{folder}")
        names = {f"aanvragen/{folder}/{name}" for name in files}
        known = set(Bijlage.objects.filter(file__in=names).values_list("file", flat=True))
        for name in sorted(names - known):
            if private_storage.get_modified_time(name) <= now - ORPHAN_MIN_AGE:
                private_storage.delete(name)
                removed += 1
    audit_log(Action.ORPHAN_FILES_REMOVED, removed=removed)
    return removed
