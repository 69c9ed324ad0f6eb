"""Retention of application data: every boundary of the table in docs/PRIVACY.md, one day before (kept) and on
the day (gone), with the files on disk; the day-21 mail sent once; the dry run; the orphan sweep; the query
budget; the append-only logs still refusing an ordinary UPDATE or DELETE."""

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from aanvragen.choices import AccessAction, AccessOutcome
from aanvragen.models import (
    Aanvraag,
    AanvraagStatusChange,
    AccessLogEntry,
    Bijlage,
    ClientConsent,
    SpotCheck,
    SpotCheckItem,
    private_storage,
)
from aanvragen.services.retention import aanvragen_retention_apply, orphan_files_sweep
from accounts.models import AuditEvent
from tests.aanvragen.helpers import PDF

T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def concept(user, at=T0, **fields):
    with time_machine.travel(at, tick=False):
        return Aanvraag.objects.create(
            organisation=user.organisation, created_by=user, soort="wlz", client_bsn="111222333",
            client_last_name="Smit", diagnose="Dementie.", **fields,
        )  # fmt: skip


def attach(aanvraag, user, at=T0):
    with time_machine.travel(at, tick=False):
        bijlage = Bijlage(
            aanvraag=aanvraag, soort="diagnose", token=secrets.token_hex(16), original_name="d.pdf",
            content_type="application/pdf", size=len(PDF), uploaded_by=user,
        )  # fmt: skip
        bijlage.file.save("d.pdf", ContentFile(PDF), save=True)
    return bijlage


def on_disk(bijlage) -> bool:
    return Path(private_storage.path(bijlage.file.name)).exists()


def closed(user, decided_at, status="besluit_genomen"):
    aanvraag = concept(user, at=decided_at - timedelta(days=30))
    besluit = "toegekend" if status == "besluit_genomen" else ""
    Aanvraag.objects.filter(pk=aanvraag.pk).update(
        status=status, reference=f"K{aanvraag.pk:08d}", submitted_at=decided_at - timedelta(days=30), besluit=besluit
    )
    with time_machine.travel(decided_at, tick=False):
        AanvraagStatusChange.objects.create(aanvraag=aanvraag, from_status="in_behandeling", to_status=status,
                                            changed_by=user)  # fmt: skip
    aanvraag.refresh_from_db()
    return aanvraag


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def run_committed(at, capture):
    with time_machine.travel(at, tick=False), capture(execute=True):
        return aanvragen_retention_apply()


# --- Concepts: the day-21 mail, the day-28 deletion ---


@pytest.mark.parametrize(("days", "mailed"), [(20, False), (21, True), (22, True)])
def test_the_author_of_a_concept_is_mailed_on_day_21_once(user_a, mailoutbox, on_commit, days, mailed):
    aanvraag = concept(user_a)
    run_committed(T0 + timedelta(days=days), on_commit)
    run_committed(T0 + timedelta(days=days, hours=1), on_commit)
    mails = [m for m in mailoutbox if "verwijderd" in m.subject]
    assert len(mails) == (1 if mailed else 0)
    if mailed:
        assert mails[0].to == [user_a.email]
        assert "uw concept wordt over 7 dagen verwijderd" in mails[0].subject
        assert "111222333" not in mails[0].body and "Smit" not in mails[0].body
    assert Aanvraag.objects.filter(pk=aanvraag.pk).exists()


def test_a_concept_changed_after_the_mail_is_mailed_again_21_days_after_that_change(user_a, mailoutbox, on_commit):
    aanvraag = concept(user_a)
    run_committed(T0 + timedelta(days=21), on_commit)
    with time_machine.travel(T0 + timedelta(days=22), tick=False):
        aanvraag.save()
    run_committed(T0 + timedelta(days=22 + 20), on_commit)
    assert len(mailoutbox) == 1
    run_committed(T0 + timedelta(days=22 + 21), on_commit)
    assert len(mailoutbox) == 2
    assert Aanvraag.objects.filter(pk=aanvraag.pk).exists()


@pytest.mark.parametrize(("days", "gone"), [(27, False), (28, True), (29, True)])
def test_a_concept_is_deleted_with_its_files_28_days_after_its_last_change(user_a, on_commit, days, gone):
    aanvraag = concept(user_a)
    bijlage = attach(aanvraag, user_a)
    assert on_disk(bijlage)
    counts = run_committed(T0 + timedelta(days=days), on_commit)
    assert Aanvraag.objects.filter(pk=aanvraag.pk).exists() is not gone
    assert Bijlage.objects.filter(pk=bijlage.pk).exists() is not gone
    assert on_disk(bijlage) is not gone
    assert counts["concepts_deleted"] == (1 if gone else 0)


def test_a_submitted_application_is_not_deleted_as_a_concept(user_a, on_commit):
    aanvraag = closed(user_a, T0)
    run_committed(T0 + timedelta(days=60), on_commit)
    assert Aanvraag.objects.filter(pk=aanvraag.pk).exists()


# --- Closed applications: 2 years after the decision or withdrawal ---


@pytest.mark.parametrize("status", ["besluit_genomen", "ingetrokken"])
@pytest.mark.parametrize(("offset", "gone"), [(-1, False), (0, True), (1, True)])
def test_a_closed_application_loses_content_and_attachments_2_years_after(user_a, on_commit, status, offset, gone):
    aanvraag = closed(user_a, T0, status)
    bijlage = attach(aanvraag, user_a)
    run_committed(T0 + relativedelta(years=2) + timedelta(days=offset), on_commit)
    after = Aanvraag.objects.get(pk=aanvraag.pk)
    assert on_disk(bijlage) is not gone
    assert Bijlage.objects.filter(pk=bijlage.pk).exists() is not gone
    if gone:
        assert (after.client_bsn, after.client_last_name, after.diagnose) == ("", "", "")
        assert after.content_removed_at is not None
    else:
        assert after.client_bsn == "111222333"
    # Kept for statistics either way.
    assert (after.reference, after.soort, after.status, after.besluit) == (
        aanvraag.reference, "wlz", status, aanvraag.besluit,
    )  # fmt: skip
    assert after.organisation_id == aanvraag.organisation_id
    assert after.status_changes.count() == 1


def test_an_application_still_in_processing_keeps_its_content(user_a, on_commit):
    aanvraag = closed(user_a, T0, "in_behandeling")
    run_committed(T0 + relativedelta(years=3), on_commit)
    assert Aanvraag.objects.get(pk=aanvraag.pk).client_bsn == "111222333"


# --- Access log, consents, spot checks: 5 years ---


def access(user, at, consent=None):
    with time_machine.travel(at, tick=False):
        return AccessLogEntry.objects.create(
            user=user, organisation=user.organisation, client_bsn="111222333", action=AccessAction.ZOEKEN,
            outcome=AccessOutcome.FOUND, consent=consent,
        )  # fmt: skip


def consent(user, at):
    with time_machine.travel(at, tick=False):
        return ClientConsent.objects.create(
            organisation=user.organisation, client_bsn="111222333", kind="naw_inzien", given_by="client",
            signed_on=at.date(), archive_reference="A-1", recorded_by=user,
        )  # fmt: skip


@pytest.mark.parametrize(("offset", "gone"), [(-1, False), (0, True), (1, True)])
def test_access_log_consents_and_spot_checks_go_after_5_years(user_a, staff, on_commit, offset, gone):
    given = consent(user_a, T0)
    entry = access(user_a, T0, given)
    with time_machine.travel(T0, tick=False):
        check = SpotCheck.objects.create(
            organisation=user_a.organisation, period_from=T0.date(), period_to=T0.date(), sample_size=1,
            reply_deadline=T0.date(), created_by=staff, closed_at=T0,
        )  # fmt: skip
        SpotCheckItem.objects.create(spot_check=check, consent=given)
    run_committed(T0 + relativedelta(years=5) + timedelta(days=offset), on_commit)
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists() is not gone
    assert SpotCheck.objects.filter(pk=check.pk).exists() is not gone
    assert ClientConsent.objects.filter(pk=given.pk).exists() is not gone


def test_a_consent_stays_while_a_younger_access_log_row_names_it(user_a, on_commit):
    given = consent(user_a, T0)
    access(user_a, T0 + relativedelta(years=1), given)
    run_committed(T0 + relativedelta(years=5, days=1), on_commit)
    assert ClientConsent.objects.filter(pk=given.pk).exists()
    run_committed(T0 + relativedelta(years=6, days=1), on_commit)
    assert not ClientConsent.objects.filter(pk=given.pk).exists()


def test_an_ordinary_update_or_delete_of_the_access_log_is_still_refused(user_a, on_commit):
    entry = access(user_a, T0)
    run_committed(T0 + relativedelta(years=1), on_commit)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(outcome=AccessOutcome.NOT_FOUND)
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AccessLogEntry.objects.filter(pk=entry.pk).delete()
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the DELETE trigger is PostgreSQL's")
def test_the_retention_exception_lets_through_only_rows_before_its_cutoff(user_a):
    from accounts.services.retention import allow_retention_delete

    old = access(user_a, T0)
    young = access(user_a, T0 + timedelta(days=10))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        allow_retention_delete(AccessLogEntry, T0 + timedelta(days=1))
        AccessLogEntry.objects.filter(pk__in=[old.pk, young.pk]).delete()
    with transaction.atomic():
        allow_retention_delete(AccessLogEntry, T0 + timedelta(days=1))
        AccessLogEntry.objects.filter(pk=old.pk).delete()
    # The exception ended with its transaction.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=young.pk).delete()
    assert list(AccessLogEntry.objects.values_list("pk", flat=True)) == [young.pk]


# --- The run: audit event, idempotence, dry run, query budget ---


def test_each_run_writes_one_audit_event_with_the_counts_and_a_second_run_finds_nothing(user_a, on_commit):
    concept(user_a)
    access(user_a, T0)
    at = T0 + relativedelta(years=5, days=1)
    first = run_committed(at, on_commit)
    second = run_committed(at, on_commit)
    events = AuditEvent.objects.filter(action="retention_applied").order_by("pk")
    assert [event.detail["counts"] for event in events] == [first, second]
    assert first["concepts_deleted"] == 1 and first["access_log_entries"] == 1
    assert set(second.values()) == {0}


def test_the_dry_run_prints_per_kind_and_changes_nothing(user_a, capsys):
    aanvraag = concept(user_a)
    bijlage = attach(aanvraag, user_a)
    access(user_a, T0)
    with time_machine.travel(T0 + relativedelta(years=5, days=1), tick=False):
        call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "concepts_deleted: 1 zou gaan" in out
    assert "access_log_entries: 1 zou gaan" in out
    assert Aanvraag.objects.filter(pk=aanvraag.pk).exists() and on_disk(bijlage)
    assert AccessLogEntry.objects.count() == 1
    assert not AuditEvent.objects.filter(action__in=["retention_applied", "accounts_retention_applied"]).exists()


def test_the_queries_do_not_grow_with_the_number_of_rows(user_a, settings, on_commit):
    settings.PORTERO_RETENTION_BATCH = 100

    def queries_for(rows: int, year: int) -> int:
        at = T0 + relativedelta(years=year)
        for _ in range(rows):
            attach(concept(user_a, at), user_a, at)
            attach(closed(user_a, at), user_a, at)
            access(user_a, at, consent(user_a, at))
        with CaptureQueriesContext(connection) as queries:
            counts = run_committed(at + relativedelta(years=5, days=1), on_commit)
        assert counts["concepts_deleted"] == rows and counts["access_log_entries"] == rows
        assert counts["closed_content_removed"] == rows and counts["consents"] == rows
        return len(queries)

    assert queries_for(3, 0) == queries_for(12, 10)


def test_the_time_budget_leaves_the_rest_to_the_next_run(user_a, settings, on_commit):
    settings.PORTERO_RETENTION_BATCH = 1
    settings.PORTERO_RETENTION_TIME_BUDGET_SECONDS = 0
    concept(user_a)
    assert run_committed(T0 + timedelta(days=30), on_commit)["concepts_deleted"] == 0
    settings.PORTERO_RETENTION_TIME_BUDGET_SECONDS = 60
    assert run_committed(T0 + timedelta(days=30), on_commit)["concepts_deleted"] == 1


# --- The weekly orphan sweep ---


def test_the_orphan_sweep_removes_only_old_files_without_a_row(user_a):
    kept = attach(concept(user_a), user_a)
    orphan = "aanvragen/999999/" + secrets.token_hex(16) + ".pdf"
    with time_machine.travel(T0, tick=False):
        private_storage.save(orphan, ContentFile(PDF))
    young = "aanvragen/999999/" + secrets.token_hex(16) + ".pdf"
    with time_machine.travel(T0 + timedelta(days=10), tick=False):
        private_storage.save(young, ContentFile(PDF))
    # A file's age is its modification time on disk, set explicitly here.
    import os

    os.utime(private_storage.path(orphan), (T0.timestamp(), T0.timestamp()))
    os.utime(private_storage.path(kept.file.name), (T0.timestamp(), T0.timestamp()))
    with time_machine.travel(T0 + timedelta(days=10), tick=False):
        assert orphan_files_sweep() == 1
    assert not private_storage.exists(orphan)
    assert private_storage.exists(young) and on_disk(kept)
    assert AuditEvent.objects.get(action="orphan_files_removed").detail == {"removed": 1}


def test_the_retention_jobs_are_in_the_beat_schedule_under_dutch_names(settings):
    from portero.celery import app

    app.loader.import_default_modules()
    tasks = {entry["task"]: name for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}
    for task in ("aanvragen.tasks.apply_retention", "aanvragen.tasks.sweep_orphan_attachment_files"):
        assert task in app.tasks
        assert tasks[task].startswith(("Bewaartermijnen", "Bijlagebestanden"))
    weekly = settings.CELERY_BEAT_SCHEDULE[tasks["aanvragen.tasks.sweep_orphan_attachment_files"]]["schedule"]
    assert weekly.day_of_week == {0}


def test_the_nightly_task_runs_every_apps_jobs_each_with_its_audit_event(user_a, on_commit):
    from aanvragen.tasks import apply_retention

    concept(user_a)
    with time_machine.travel(T0 + timedelta(days=30), tick=False), on_commit(execute=True):
        counts = apply_retention.delay().get()
    assert counts["concepts_deleted"] == 1 and "audit_events" in counts and "user_imports" in counts
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"retention_applied", "accounts_retention_applied", "imports_retention_applied"} <= actions
