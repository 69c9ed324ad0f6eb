"""A real Celery worker (a separate process) on the real broker: Redis when REDIS_URL is set, otherwise the
embedded file-system broker that `make run` uses. It sends the welcome mail end to end."""

import os
import subprocess
import sys
import time
from email import message_from_bytes
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from tests.conftest import link_in_mail
from tests.factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def database_url_for_worker() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portero.settings",
        "PORTERO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": database_url_for_worker(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PORTERO_BASE_URL": "http://testserver",
    }
    if settings.REDIS_URL:
        queue = f"portero-test-{os.getpid()}"
        env["CELERY_TASK_DEFAULT_QUEUE"] = queue
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portero", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield tmp_path, env
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output.decode(errors="replace")[-3000:])


def producer(tmp_path, env) -> Celery:
    """A separate Celery client with the worker's broker settings (the test process itself runs tasks eagerly)."""
    if settings.REDIS_URL:
        return Celery(
            "probe",
            broker=settings.REDIS_URL,
            task_default_queue=env["CELERY_TASK_DEFAULT_QUEUE"],
            set_as_current=False,  # else later tests' task proxies run on this app, not eagerly on Portero's
        )
    queue = str(tmp_path / "celery" / "queue")
    Path(queue).mkdir(parents=True, exist_ok=True)
    return Celery(
        "probe",
        set_as_current=False,
        broker="filesystem://",
        broker_transport_options={
            "data_folder_in": queue,
            "data_folder_out": queue,
            "control_folder": str(tmp_path / "celery" / "control"),
        },
    )


def wait_for_files(folder: Path, pattern: str, timeout: float = 60) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sorted(folder.glob(pattern)) if folder.exists() else []
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError(f"nothing appeared in {folder} within {timeout} s")


def test_real_worker_sends_the_welcome_mail_with_login_name_and_working_link(worker, client):
    tmp_path, env = worker
    user = UserFactory()
    producer(tmp_path, env).send_task("accounts.tasks.send_password_link_mail", args=[user.pk, "welcome"])
    mail_file = wait_for_files(tmp_path / "mail", "*.log")[0]
    time.sleep(0.2)  # the file backend writes the message in one go; give it a moment to close
    message = message_from_bytes(mail_file.read_bytes().split(b"\n" + b"-" * 79)[0])
    body = message.get_payload(decode=True).decode()
    assert message["To"] == user.email
    assert user.username in body
    link = link_in_mail(body).replace("http://testserver", "")
    page = client.get(link, follow=True).content.decode()
    assert "Wachtwoord instellen" in page
    assert "Deze link werkt niet meer" not in page
