"""The nightly jobs (Celery beat and management commands call these): idle deactivation, password expiry, clearing
expired sessions; and the idle deactivation of one account at its login."""

from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connections, router, transaction
from django.db.models import Q, QuerySet
from django.db.models.sql import UpdateQuery
from django.http import HttpRequest
from django.utils import timezone

from accounts import selectors
from accounts.audit import Action, AuditEvent, audit_log
from accounts.models import User

IDLE_REASON = "6 maanden niet ingelogd"


@transaction.atomic
def user_deactivate_idle(*, user: User, request: HttpRequest | None = None) -> None:
    updated = User.objects.filter(pk=user.pk, deactivated_at__isnull=True, deleted_at__isnull=True).update(
        deactivated_at=timezone.now(), deactivation_reason=IDLE_REASON
    )
    user.refresh_from_db(fields=["deactivated_at", "deactivation_reason"])
    if updated:
        audit_log(Action.USER_DEACTIVATED, target=user, request=request, reason=IDLE_REASON)


def _update_audited(users: QuerySet[User], *, values: dict[str, Any], action: str, at: datetime, **detail: Any) -> int:
    """Set `values` on every account `users` selects (the rule, written once as a queryset) and write one audit
    event per changed account, inside the database: no account comes into Python and no id list goes back,
    whatever the number of accounts. Returns the number changed.

    PostgreSQL does both in one statement whose UPDATE has the rule as its own WHERE: a row locked by a concurrent
    login is re-checked against the rule once that login commits (``id IN (subquery)`` would re-check only the id).
    SQLite has no UPDATE inside WITH: there the audit rows are inserted first, from the same rule, and then the
    accounts updated; the first write holds SQLite's single write lock until commit, so both see the same accounts.
    """
    using = router.db_for_write(users.model)
    connection = connections[using]
    audit = AuditEvent._meta
    audit_params = (
        audit.get_field("created_at").get_db_prep_save(at, connection),
        action,
        audit.get_field("detail").get_db_prep_save(detail, connection),
    )

    def insert_audit(source: str) -> str:
        # The table name and Django's compiled SQL only; every value is a parameter.
        return (
            f"INSERT INTO {audit.db_table} (created_at, action, target_id, organisation_id, detail) "  # noqa: S608
            f"SELECT %s, %s, id, organisation_id, %s FROM {source}"
        )

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            update = users.query.chain(UpdateQuery)
            update.add_update_values(values)
            update_sql, update_params = update.get_compiler(using).as_sql()
            sql = f"WITH changed AS ({update_sql} RETURNING id, organisation_id) {insert_audit('changed')}"
            cursor.execute(sql, (*update_params, *audit_params))
            return cursor.rowcount
        select_sql, select_params = users.order_by().values("pk").query.get_compiler(using).as_sql()
        cursor.execute(
            insert_audit(f"{users.model._meta.db_table} WHERE id IN ({select_sql})"), (*audit_params, *select_params)
        )
    return users.update(**values)


@transaction.atomic
def idle_accounts_deactivate(*, now: datetime | None = None) -> int:
    """Deactivate every account without a login (or, never logged in, created) 6 months ago or longer.

    Set-based in the database (_update_audited): one statement on PostgreSQL, whatever the number of accounts.
    Idempotent, and a login racing with it either waits for the row lock and then finds the account inactive, or
    committed first and is then left alone.
    """
    moment = timezone.now()
    cutoff = selectors.idle_cutoff(now=now or moment)
    idle = User.objects.filter(selectors.active_users()).filter(
        Q(last_login__lte=cutoff) | Q(last_login__isnull=True, date_joined__lte=cutoff)
    )
    return _update_audited(
        idle,
        values={"deactivated_at": moment, "deactivation_reason": IDLE_REASON},
        action=Action.USER_DEACTIVATED,
        at=moment,
        reason=IDLE_REASON,
        by="nachtelijke taak",
    )


@transaction.atomic
def passwords_expire(*, now: datetime | None = None) -> tuple[int, int]:
    """Mark passwords past their 3 months as expired, and mark (and mail) those entering the 2-week warning
    period, once per password period. Set-based like idle_accounts_deactivate; returns (expired, warned).

    The warning mails go to the accounts marked at this run's moment, not to an id list: a night after an
    import may warn a large share of all accounts."""
    from accounts.tasks import send_password_expiry_warnings

    moment = timezone.now()
    now = timezone.localtime(now or moment)  # calendar months on the Dutch wall clock
    valid = relativedelta(months=settings.PORTERO_PASSWORD_VALID_MONTHS)
    expired_cutoff = now - valid
    warning_cutoff = now + timedelta(days=settings.PORTERO_PASSWORD_WARNING_DAYS) - valid
    active = User.objects.filter(selectors.active_users(), password_changed_at__isnull=False)

    expired = _update_audited(
        active.filter(password_changed_at__lte=expired_cutoff, password_expired_at__isnull=True),
        values={"password_expired_at": now},
        action=Action.PASSWORD_EXPIRED,
        at=moment,
    )
    warned = _update_audited(
        active.filter(
            password_changed_at__lte=warning_cutoff,
            password_changed_at__gt=expired_cutoff,
            password_expiry_warned_at__isnull=True,
        ),
        values={"password_expiry_warned_at": now},
        action=Action.PASSWORD_EXPIRY_WARNED,
        at=moment,
    )
    if warned:
        transaction.on_commit(lambda: send_password_expiry_warnings.delay(now.isoformat()))
    return expired, warned


def sessions_clear_expired() -> int:
    deleted, _details = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
