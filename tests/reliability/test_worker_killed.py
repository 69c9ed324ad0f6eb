"""A Celery worker killed (SIGKILL) in the middle of sending a receipt mail: the task is delivered again to a
new worker (acks late, the broker's visibility timeout) and the mail goes out exactly once, also when the task
is delivered yet another time. Real worker processes on our own Redis."""

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

from aanvragen.models import Aanvraag
from tests.aanvragen.helpers import submitted_aanvraag
from tests.integration.test_celery_worker import database_url_for_worker, wait_for_files

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
TASK = "aanvragen.tasks.send_receipt_mail"


@pytest.fixture
def start_worker(own_redis):
    # Its own folder, not pytest's tmp_path: a parallel pytest session's clean-up may remove that one.
    tmp_path = Path(tempfile.mkdtemp(prefix="portero-worker-killed-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portero.settings",
        "PORTERO_VAR_DIR": str(tmp_path),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "DATABASE_URL": database_url_for_worker(),
        "REDIS_URL": own_redis.url,
        "EMAIL_BACKEND": "tests.reliability.blocking_mail.BlockingBackend",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_VISIBILITY_TIMEOUT": "2",  # a lost task comes back after 2 s (production: an hour)
    }
    workers = []

    def start(name):
        log = (tmp_path / f"{name}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portero", "worker", "--pool=solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        workers.append(process)
        return process, tmp_path / f"{name}.log"

    yield start, tmp_path / "mail"
    for process in workers:
        process.kill()
        process.wait(timeout=20)
    shutil.rmtree(tmp_path, ignore_errors=True)


def wait_for_lines(log: Path, text: str, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while log.read_text().count(text) < count:
        assert time.monotonic() < deadline, f"{text!r} not {count}x in {log} within {timeout} s:\n{log.read_text()}"
        time.sleep(0.2)


def test_worker_killed_mid_mail_the_task_runs_again_and_the_mail_goes_once(
    start_worker, own_redis, user_a, org_a, settings
):
    start, mail_dir = start_worker
    settings.PRIVATE_MEDIA_ROOT = mail_dir.parent / "private"
    type(org_a).objects.filter(pk=org_a.pk).update(contract_start="2020-01-01")
    aanvraag = submitted_aanvraag(user_a)
    Aanvraag.objects.filter(pk=aanvraag.pk).update(receipt_sent_at=None)  # the test's eager run already sent one
    producer = Celery("probe", broker=own_redis.url, set_as_current=False)

    first, _log = start("eerste")
    producer.send_task(TASK, args=[aanvraag.pk])
    wait_for_files(mail_dir, "started-*")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=20)
    assert not list(mail_dir.glob("sent-*"))
    aanvraag.refresh_from_db()
    assert aanvraag.receipt_sent_at is None  # nothing half-done

    (mail_dir / "release").touch()
    _second, log = start("tweede")
    (sent,) = wait_for_files(mail_dir, "sent-*", timeout=60)
    assert f"ontvangstbevestiging aanvraag {aanvraag.reference}" in sent.read_text()
    wait_for_lines(log, f"task {TASK} SUCCESS", 1)
    aanvraag.refresh_from_db()
    assert aanvraag.receipt_sent_at is not None

    producer.send_task(TASK, args=[aanvraag.pk])  # delivered once more (e.g. a second restore): no second mail
    wait_for_lines(log, f"task {TASK} SUCCESS", 2)
    assert len(list(mail_dir.glob("sent-*"))) == 1
    # Two sends were started (the killed one and its rerun); the extra delivery saw the receipt sent and stopped.
    assert len(list(mail_dir.glob("started-*"))) == 2
