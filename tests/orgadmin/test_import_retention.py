"""Retention of 'Gebruikers importeren': an import and its rows (the file's names, addresses and numbers) go
PORTERO_RETENTION_IMPORT_DAYS after it finished, or after the upload when never confirmed; one second before
kept, on the second gone; a running import never; the accounts and their audit rows stay; the dry run."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from accounts.models import AuditEvent, User
from orgadmin.models import UserImport, UserImportRow
from orgadmin.retention import imports_retention_apply
from tests.orgadmin.import_files import person
from tests.orgadmin.test_user_import import confirm, upload

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAYS = 30


def run(at, **kwargs):
    with time_machine.travel(at, tick=False):
        return imports_retention_apply(**kwargs)


def exists(user_import) -> bool:
    return UserImport.objects.filter(pk=user_import.pk).exists()


@pytest.mark.parametrize(("offset", "gone"), [(-1, False), (0, True)])
def test_a_finished_import_and_its_rows_go_30_days_after_it_finished(
    admin_a, settings, django_capture_on_commit_callbacks, offset, gone
):
    assert settings.PORTERO_RETENTION_IMPORT_DAYS == DAYS
    user_import = confirm(admin_a, upload(admin_a, [person(1), person(2)], django_capture_on_commit_callbacks),
                          django_capture_on_commit_callbacks)  # fmt: skip
    assert user_import.status == UserImport.Status.DONE
    UserImport.objects.filter(pk=user_import.pk).update(created_at=T0 - timedelta(days=1), finished_at=T0)
    counts = run(T0 + timedelta(days=DAYS, seconds=offset))
    assert exists(user_import) is not gone
    assert UserImportRow.objects.filter(user_import_id=user_import.pk).count() == (0 if gone else 2)
    assert counts == {"user_imports": 1 if gone else 0}
    # The accounts it made stay, with the audit rows that name the file.
    assert User.objects.filter(email__in=["kees.import1@zorg-a.nl", "kees.import2@zorg-a.nl"]).count() == 2
    created = AuditEvent.objects.filter(action=AuditEvent.Action.USER_CREATED, detail__imported_from="personeel.csv")
    assert created.count() == 2


@pytest.mark.parametrize(("offset", "gone"), [(-1, False), (0, True)])
def test_an_import_never_confirmed_goes_30_days_after_its_upload(
    admin_a, django_capture_on_commit_callbacks, offset, gone
):
    user_import = upload(admin_a, [person(1)], django_capture_on_commit_callbacks)
    assert user_import.status == UserImport.Status.READY
    UserImport.objects.filter(pk=user_import.pk).update(created_at=T0)
    run(T0 + timedelta(days=DAYS, seconds=offset))
    assert exists(user_import) is not gone
    assert not User.objects.filter(email="kees.import1@zorg-a.nl").exists()


def test_a_running_import_is_never_due(admin_a, django_capture_on_commit_callbacks):
    user_import = upload(admin_a, [person(1)], django_capture_on_commit_callbacks)
    UserImport.objects.filter(pk=user_import.pk).update(status=UserImport.Status.IMPORTING, created_at=T0)
    run(T0 + timedelta(days=10 * DAYS))
    assert exists(user_import)


def test_one_audit_event_per_run_and_the_dry_run_changes_nothing(admin_a, django_capture_on_commit_callbacks):
    user_import = upload(admin_a, [person(1)], django_capture_on_commit_callbacks)
    UserImport.objects.filter(pk=user_import.pk).update(created_at=T0)
    at = T0 + timedelta(days=DAYS + 1)
    assert run(at, dry_run=True) == {"user_imports": 1}
    assert exists(user_import)
    assert not AuditEvent.objects.filter(action="imports_retention_applied").exists()
    assert run(at) == {"user_imports": 1} and run(at) == {"user_imports": 0}
    runs = AuditEvent.objects.filter(action="imports_retention_applied").order_by("pk")
    assert [event.detail["counts"] for event in runs] == [{"user_imports": 1}, {"user_imports": 0}]
