"""Retention of the beheer site's imports (docs/PRIVACY.md): an import and its rows (the names, e-mail addresses,
mobile and UZI numbers of the uploaded file, and each row's outcome) are deleted PORTERO_RETENTION_IMPORT_DAYS
after the import finished, or after the upload when it was never confirmed. The accounts it made stay, and so do
their audit rows, which name the file. An import still running is never due.

Runs in the nightly retention (aanvragen.services.retention.retention_apply) through the batch machinery of
accounts.services.retention, with one audit event per run.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet

from accounts.audit import audit_log
from accounts.services.retention import Step, run_steps
from orgadmin.audit import Action
from orgadmin.models import UserImport

Status = UserImport.Status


def import_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.PORTERO_RETENTION_IMPORT_DAYS)


def imports_due(now: datetime) -> QuerySet:
    cutoff = import_cutoff(now)
    finished = Q(status=Status.DONE, finished_at__lte=cutoff)
    never_confirmed = Q(status__in=[Status.CHECKING, Status.READY], created_at__lte=cutoff)
    return UserImport.objects.filter(finished | never_confirmed)


def _imports_delete(ids: list[int], now: datetime) -> None:
    # The rows go by the foreign key's CASCADE, in one DELETE: nothing refers to a row, so Django reads none.
    UserImport.objects.filter(pk__in=ids).delete()


def steps() -> list[Step]:
    return [Step("user_imports", imports_due, _imports_delete)]


def imports_retention_apply(*, now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """The nightly retention of imports; one audit event with the count (none on a dry run)."""
    counts = run_steps(steps(), now=now, dry_run=dry_run)
    if not dry_run:
        audit_log(Action.IMPORTS_RETENTION_APPLIED, counts=counts)
    return counts
