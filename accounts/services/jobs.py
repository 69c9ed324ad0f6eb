"""The nightly jobs (Celery beat and management commands call these): idle deactivation, password expiry, clearing
expired sessions; and the idle deactivation of one account at its login."""

from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connections, router, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts import auth_cache, selectors
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


# Accounts that can still log in (selectors.active_users()), as the WHERE of the nightly statements below.
ACTIVE_SQL = "deleted_at IS NULL AND deactivated_at IS NULL"
AUDIT_BATCH = 10_000  # audit rows per INSERT: 2 parameters a row, within SQLite's 32,766 per statement


def _update_audited(
    *, assign: dict[str, Any], rule: str, params: list[Any], action: str, at: datetime, **detail
) -> int:
    """Set `assign` (field name → value) on every account the SQL condition `rule` selects, and write one audit
    event per changed account. Returns the number changed. The rule is the same SQL on PostgreSQL and SQLite (3.35+).

    One UPDATE whose own WHERE is the rule, RETURNING the changed accounts: on PostgreSQL a row locked by a
    concurrent login is re-checked against the rule once that login commits (``id IN (subquery)`` would re-check
    only the id); SQLite has one writer at a time. On PostgreSQL the audit rows are inserted from what the UPDATE
    returns in the same statement (a data-modifying WITH), so no id travels to Python (about 15% of the first night
    in `make bench`). SQLite has no such WITH: there the ids come back and their audit rows follow, AUDIT_BATCH per
    INSERT, in the same transaction. `rule` and the column names are this module's own SQL; every value is a
    parameter.
    """
    connection = connections[router.db_for_write(User)]
    fields = {name: User._meta.get_field(name) for name in assign}
    set_sql = ", ".join(f"{field.column} = %s" for field in fields.values())
    set_params = [field.get_db_prep_save(assign[name], connection) for name, field in fields.items()]
    when = User._meta.get_field("date_joined")
    rule_params = [
        when.get_db_prep_value(value, connection) if isinstance(value, datetime) else value for value in params
    ]
    audit = AuditEvent._meta
    audit_params = [
        audit.get_field("created_at").get_db_prep_save(at, connection),
        action,
        audit.get_field("detail").get_db_prep_save(detail, connection),
    ]
    update = f"UPDATE {User._meta.db_table} SET {set_sql} WHERE {rule} RETURNING id, organisation_id"  # noqa: S608
    columns = "created_at, action, target_id, organisation_id, detail"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH changed AS ({update}) INSERT INTO {audit.db_table} ({columns}) "  # noqa: S608
                "SELECT %s, %s, id, organisation_id, %s FROM changed",
                [*set_params, *rule_params, *audit_params],
            )
            count = cursor.rowcount
        else:
            cursor.execute(update, [*set_params, *rule_params])
            changed = cursor.fetchall()
            for start in range(0, len(changed), AUDIT_BATCH):
                batch = changed[start : start + AUDIT_BATCH]
                rows = ", ".join(["(%s, %s)"] * len(batch))
                cursor.execute(
                    f"INSERT INTO {audit.db_table} ({columns}) "  # noqa: S608
                    "SELECT %s, %s, CAST(column1 AS BIGINT), CAST(column2 AS BIGINT), %s "
                    f"FROM (VALUES {rows}) AS changed",
                    [*audit_params, *(value for row in batch for value in row)],
                )
            count = len(changed)
    if count:
        # Which accounts changed is not known here (on PostgreSQL they never leave the database): every running
        # session reads its account anew, once (accounts.auth_cache).
        auth_cache.changed(everything=True)
    return count


@transaction.atomic
def idle_accounts_deactivate(*, now: datetime | None = None) -> int:
    """Deactivate every account without a login (or, never logged in, created) 6 months ago or longer.

    Set-based in the database (_update_audited): one UPDATE whatever the number of accounts. Idempotent, and a
    login racing with it either waits for the row lock and then finds the account inactive, or committed first
    and is then left alone.
    """
    moment = timezone.now()
    cutoff = selectors.idle_cutoff(now=now or moment)
    return _update_audited(
        assign={"deactivated_at": moment, "deactivation_reason": IDLE_REASON},
        rule=f"{ACTIVE_SQL} AND (last_login <= %s OR (last_login IS NULL AND date_joined <= %s))",
        params=[cutoff, cutoff],
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
    active = f"{ACTIVE_SQL} AND password_changed_at IS NOT NULL"

    expired = _update_audited(
        assign={"password_expired_at": now},
        rule=f"{active} AND password_changed_at <= %s AND password_expired_at IS NULL",
        params=[expired_cutoff],
        action=Action.PASSWORD_EXPIRED,
        at=moment,
    )
    warned = _update_audited(
        assign={"password_expiry_warned_at": now},
        rule=(
            f"{active} AND password_changed_at <= %s AND password_changed_at > %s AND password_expiry_warned_at IS NULL"
        ),
        params=[warning_cutoff, expired_cutoff],
        action=Action.PASSWORD_EXPIRY_WARNED,
        at=moment,
    )
    if warned:
        transaction.on_commit(lambda: send_password_expiry_warnings.delay(now.isoformat()))
    return expired, warned


def sessions_clear_expired() -> int:
    deleted, _details = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
