"""A Celery worker killed (SIGKILL) halfway through an import of users, in the middle of a row (the account
inserted, its row's outcome not yet committed): the task is delivered again to a new worker, which goes on with
the rows not done. Every person ends up with exactly one account, one creation audit row and one welcome mail.
Real worker processes on our own Redis; every wait polls the database or the mail folder with a generous limit."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from celery import Celery

from accounts.models import AuditEvent, User
from orgadmin import import_services, tasks
from orgadmin.models import UserImport, UserImportRow
from tests.integration.test_celery_worker import database_url_for_worker
from tests.orgadmin.import_files import csv_bytes, person

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
ROWS = 12
BLOCK_AFTER = 5  # the worker stops inside the 5th account's transaction
TIMEOUT = 180  # seconds for anything a worker does: the machine may be busy


def worker_logs(folder: Path) -> str:
    """The end of each worker's log, for the message of a failed wait."""
    return "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in sorted(folder.glob("*.log")))


def mail_recipients(folder: Path) -> list[str]:
    """The To: of every mail the workers wrote. Django's file backend names a file by the second and its own id(),
    so mails sent within one second may share a file: count the mails, not the files."""
    texts = [path.read_text() for path in (folder / "mail").glob("*.log")]
    return sorted(line.removeprefix("To: ") for text in texts for line in text.splitlines() if line.startswith("To: "))


def wait_until(condition, what: str, folder: Path, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s\n{worker_logs(folder)}"
        time.sleep(0.25)
    return result


@pytest.fixture
def start_worker(own_redis):
    folder = Path(tempfile.mkdtemp(prefix="portero-import-killed-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portero.settings",
        "PORTERO_VAR_DIR": str(folder),
        "DATABASE_URL": database_url_for_worker(),
        "REDIS_URL": own_redis.url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # A task taken by the killed worker comes back after 10 s (production: an hour); more than the welcome
        # task's 6-second countdown, so a waiting welcome batch is not delivered twice.
        "CELERY_VISIBILITY_TIMEOUT": "10",
        "PORTERO_USER_IMPORT_MAIL_RATE": "6000",
        "IMPORT_BLOCK_DIR": str(folder),
        "IMPORT_BLOCK_AFTER": str(BLOCK_AFTER),
    }
    workers = []

    def start(name):
        log = (folder / f"{name}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "reliability" / "import_worker.py"), "worker", "--pool=solo",
             "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        workers.append(process)
        return process

    yield start, folder
    for process in workers:
        process.kill()
        process.wait(timeout=30)
    shutil.rmtree(folder, ignore_errors=True)


def test_worker_killed_halfway_through_an_import_resumes_without_duplicates(
    start_worker, own_redis, admin_a, monkeypatch
):
    start, folder = start_worker
    emails = [f"kees.import{i}@zorg-a.nl" for i in range(1, ROWS + 1)]
    user_import = import_services.import_create(
        admin=admin_a, file_name="groot.csv", content=csv_bytes([person(i) for i in range(1, ROWS + 1)])
    )  # the dry run runs in this process (eager)
    user_import.refresh_from_db()
    assert user_import.status == UserImport.Status.READY
    producer = Celery("probe", broker=own_redis.url, set_as_current=False)
    for task in (tasks.user_import_apply, tasks.user_import_welcomes):  # queued for the real workers
        monkeypatch.setattr(task, "delay", lambda pk, name=task.name: producer.send_task(name, args=[pk]))
    import_services.import_confirm(admin=admin_a, user_import=user_import, accept_errors=False)

    first = start("eerste")
    wait_until(lambda: list(folder.glob("blocked-*")), "the first worker reaching the 5th account", folder)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    # Killed halfway: four rows done with their accounts, the fifth account rolled back with its transaction.
    assert User.objects.filter(email__in=emails).count() == BLOCK_AFTER - 1
    assert UserImportRow.objects.filter(user_import=user_import).exclude(outcome="").count() == BLOCK_AFTER - 1
    assert UserImport.objects.get(pk=user_import.pk).status == UserImport.Status.IMPORTING

    (folder / "release").touch()
    start("tweede")
    wait_until(
        lambda: UserImport.objects.filter(pk=user_import.pk, status=UserImport.Status.DONE).exists(),
        "the second worker finishing the import",
        folder,
    )
    wait_until(
        lambda: UserImportRow.objects.filter(user_import=user_import, welcome_sent_at__isnull=False).count() == ROWS,
        "every welcome mail queued",
        folder,
    )
    wait_until(lambda: len(mail_recipients(folder)) >= ROWS, "every welcome mail written", folder)
    time.sleep(1)  # a duplicate would come now, if at all
    assert sorted(User.objects.filter(email__in=emails).values_list("email", flat=True)) == sorted(emails)
    rows = UserImportRow.objects.filter(user_import=user_import)
    assert set(rows.values_list("outcome", flat=True)) == {UserImportRow.Outcome.CREATED}
    created = AuditEvent.objects.filter(action=AuditEvent.Action.USER_CREATED, detail__email__in=emails)
    assert created.count() == ROWS
    welcomes = AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_LINK_SENT, detail__purpose="welcome")
    assert welcomes.count() == ROWS
    assert mail_recipients(folder) == sorted(emails)
