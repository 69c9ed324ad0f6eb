"""Retention of account data (docs/PRIVACY.md): audit events after 5 years, deleted or deactivated accounts
pseudonymised after 1 year, django-axes' failed-login records after 30 days. Each period is a PORTERO_RETENTION_*
setting. Also the batch machinery aanvragen.services.retention shares.

Set-based: each step takes the ids of at most PORTERO_RETENTION_BATCH due rows, then deletes or updates them in
one statement, in its own transaction, until nothing is due or the run's time budget is spent (the next night goes
on). Idempotent: what is done is no longer due. Each run writes one audit event with the count per kind.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from accounts.audit import Action, AuditEvent, audit_log
from accounts.models import User

PSEUDONYM_DOMAIN = "pseudoniem.invalid"


@dataclass(frozen=True)
class Step:
    """One kind of data: `due(now)` selects what must go, `apply(ids, now)` removes it (in the caller's
    transaction). `append_only` names the model whose database trigger must let the retention DELETE through."""

    kind: str
    due: Callable[[datetime], QuerySet]
    apply: Callable[[list[int], datetime], None]
    append_only: type | None = None
    # For an append-only model: the cutoff the database trigger is given (the rows `due` selects lie at or before it).
    cutoff: Callable[[datetime], datetime] | None = None


def allow_retention_delete(model: type, cutoff: datetime) -> None:
    """Let this transaction DELETE rows of an append-only table at or before `cutoff`, and nothing else.

    The trigger (accounts/migrations/0003_append_only_retention.py) reads the transaction-local setting
    portero.retention_before; SET LOCAL ends with the transaction. SQLite's trigger refuses UPDATE only."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('portero.retention_before', %s, true)", [cutoff.isoformat()])


def run_steps(steps: list[Step], *, now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Apply each step in batches within the time budget; returns the count per kind (with `dry_run`: what is due,
    nothing changed)."""
    now = now or timezone.now()
    if dry_run:
        return {step.kind: step.due(now).count() for step in steps}
    batch = settings.PORTERO_RETENTION_BATCH
    deadline = time.monotonic() + settings.PORTERO_RETENTION_TIME_BUDGET_SECONDS
    counts = {}
    for step in steps:
        counts[step.kind] = 0
        while time.monotonic() < deadline:
            with transaction.atomic():
                ids = list(step.due(now).order_by().values_list("pk", flat=True)[:batch])
                if not ids:
                    break
                if step.append_only is not None:
                    allow_retention_delete(step.append_only, step.cutoff(now))
                step.apply(ids, now)
            counts[step.kind] += len(ids)
    return counts


def log_cutoff(now: datetime) -> datetime:
    return now - relativedelta(years=settings.PORTERO_RETENTION_LOG_YEARS)


def _audit_due(now: datetime) -> QuerySet:
    return AuditEvent.objects.filter(created_at__lte=log_cutoff(now))


def _audit_apply(ids: list[int], now: datetime) -> None:
    AuditEvent.objects.filter(pk__in=ids).delete()


def _accounts_due(now: datetime) -> QuerySet:
    cutoff = now - relativedelta(years=settings.PORTERO_RETENTION_ACCOUNT_YEARS)
    return (User.objects.filter(deleted_at__lte=cutoff) | User.objects.filter(deactivated_at__lte=cutoff)).filter(
        pseudonymised_at__isnull=True
    )


def _accounts_apply(ids: list[int], now: datetime) -> None:
    from django_otp.plugins.otp_static.models import StaticDevice
    from two_factor.plugins.phonenumber.models import PhoneDevice

    pseudonym = Concat(Value("verwijderd-"), Cast("id", output_field=CharField()), output_field=CharField())
    User.objects.filter(pk__in=ids).update(
        username=pseudonym,
        email=Concat(pseudonym, Value(f"@{PSEUDONYM_DOMAIN}"), output_field=CharField()),
        initials="",
        first_name="",
        name_prefix="",
        last_name=pseudonym,
        mobile="",
        uzi_number="",
        pseudonymised_at=now,
    )
    # The phone numbers of the second factor go with the account's own.
    PhoneDevice.objects.filter(user_id__in=ids).delete()
    StaticDevice.objects.filter(user_id__in=ids).delete()


def _axes_steps() -> list[Step]:
    def cutoff(now):
        return now - timedelta(days=settings.PORTERO_RETENTION_LOGIN_FAILURE_DAYS)

    def step(kind, model):
        return Step(
            kind,
            lambda now: model.objects.filter(attempt_time__lte=cutoff(now)),
            lambda ids, now: model.objects.filter(pk__in=ids).delete(),
        )

    return [
        step("login_attempts", AccessAttempt),
        step("login_failures", AccessFailureLog),
        step("login_records", AccessLog),
    ]


def steps() -> list[Step]:
    return [
        Step("audit_events", _audit_due, _audit_apply, append_only=AuditEvent, cutoff=log_cutoff),
        Step("accounts_pseudonymised", _accounts_due, _accounts_apply),
        *_axes_steps(),
    ]


def accounts_retention_apply(*, now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """The nightly retention of account data; one audit event with the counts (none on a dry run)."""
    counts = run_steps(steps(), now=now, dry_run=dry_run)
    if not dry_run:
        audit_log(Action.ACCOUNTS_RETENTION_APPLIED, counts=counts)
    return counts
