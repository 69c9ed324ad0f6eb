"""PostgreSQL restarted under load: our own throw-away cluster (the machine's is left alone), gunicorn with the
production settings on it. During the outage every request gets a clean Dutch 503 (never a traceback); after
the restart the app recovers by itself (persistent connections are health-checked)."""

import re
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

from tests.reliability.conftest import find_free_port, production_env, wait_for_port

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_on_own_postgres(own_postgres):
    port = find_free_port()
    tmp_path = own_postgres.folder / "app"  # not pytest's tmp_path: a parallel session's clean-up may remove it
    tmp_path.mkdir()
    env = production_env(
        tmp_path,
        DATABASE_URL=own_postgres.url,
        DATABASE_CONN_MAX_AGE="60",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        CELERY_TASK_ALWAYS_EAGER="1",
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=240)
    subprocess.run(
        [*manage, "collectstatic", "--no-input"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120
    )
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portero.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--timeout", "30"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    wait_for_port(port, timeout=30)
    yield f"http://127.0.0.1:{port}", own_postgres, tmp_path / "gunicorn.log"
    server.terminate()
    server.wait(timeout=30)


def password_request(http: requests.Session, base: str) -> requests.Response:
    """'Wachtwoord aanvragen': reads and writes the database (user lookup, audit entry)."""
    return http.post(
        f"{base}/wachtwoord/aanvragen/",
        {"username": "niemand", "csrfmiddlewaretoken": http.cookies["csrftoken"]},
        headers={"Referer": f"{base}/wachtwoord/aanvragen/"},
        allow_redirects=False,
        timeout=15,
    )


def test_requests_fail_cleanly_during_a_restart_and_recover_after(app_on_own_postgres):
    base, postgres, log = app_on_own_postgres
    http = requests.Session()
    http.get(f"{base}/wachtwoord/aanvragen/", timeout=15)
    for _ in range(4):  # every gunicorn worker holds a persistent connection
        assert password_request(http, base).status_code == 302

    outcomes = Counter()
    stop = threading.Event()

    def load():  # keeps hitting the app through the whole restart
        while not stop.is_set():
            try:
                outcomes[password_request(http, base).status_code] += 1
            except requests.RequestException:
                outcomes["no answer"] += 1

    load_thread = threading.Thread(target=load, daemon=True)
    load_thread.start()
    postgres.stop()
    during = [password_request(http, base) for _ in range(3)]
    health = requests.get(f"{base}/healthz", timeout=15)
    postgres.start()

    for response in during:
        assert response.status_code == 503
        assert "Portero is even niet beschikbaar" in response.text
        assert response.headers["Retry-After"] == "10"
        assert "Traceback" not in response.text and "psycopg" not in response.text
    assert health.status_code == 503 and health.json()["database"] == "fout"

    deadline = time.monotonic() + 20
    while password_request(http, base).status_code != 302:
        assert time.monotonic() < deadline, "the app did not recover within 20 s of the restart"
        time.sleep(0.2)
    recovered = [password_request(http, base).status_code for _ in range(6)]
    stop.set()
    load_thread.join(timeout=20)
    assert recovered == [302] * 6
    assert requests.get(f"{base}/healthz", timeout=15).status_code == 200
    assert set(outcomes) <= {302, 503}, outcomes  # under load: only clean answers, never a 500 or a hang
    assert outcomes[503] > 0
    assert not re.search(r"\[CRITICAL\]|WORKER TIMEOUT", log.read_text())
