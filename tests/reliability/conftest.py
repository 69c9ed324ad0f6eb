"""Real services started and stopped by the tests themselves, on free ports, never the machine's own."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

REDIS_SERVER = shutil.which("redis-server")
PG_BIN = next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)), None)


def find_free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(var_dir: Path, **overrides: str) -> dict[str, str]:
    """The environment of a Portero process with the production settings, on loopback, for tests and the soak."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portero.settings",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": "reliability-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "PORTERO_VAR_DIR": str(var_dir),
        "PRIVATE_MEDIA_ROOT": str(var_dir / "private"),
    }
    env.pop("REDIS_URL", None)
    return {**env, **overrides}


@pytest.fixture
def free_port() -> int:
    return find_free_port()


def wait_for_port(port: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on port {port} after {timeout} s")


class OwnRedis:
    """A redis-server of the test's own: killing it leaves the machine's Redis alone."""

    def __init__(self):
        self.port = find_free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def kill(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis():
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = OwnRedis()
    server.start()
    yield server
    server.kill()


class OwnPostgres:
    """A throw-away PostgreSQL cluster in a temporary folder, run as the postgres user when we are root."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "data"
        self.port = find_free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(self, *command: str, timeout: float = 60) -> None:
        subprocess.run([*self.as_postgres, *command], check=True, timeout=timeout, capture_output=True)

    def init(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self.run(f"{PG_BIN}/initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(f"{PG_BIN}/pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def stop(self):
        self.run(f"{PG_BIN}/pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


@pytest.fixture
def own_postgres():
    if PG_BIN is None:
        pytest.skip("PostgreSQL's server programs are not installed (apt-get install postgresql)")
    # Directly under /tmp: pytest's own temporary folders are closed to the postgres user.
    server = OwnPostgres(Path(tempfile.mkdtemp(prefix="portero-pg-")))
    server.init()
    server.start()
    yield server
    try:
        server.stop()
    except subprocess.CalledProcessError:
        pass
    shutil.rmtree(server.folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _portero_celery_app_is_current():
    """Task proxies (shared_task) run on the current Celery app; a test elsewhere may have made a producer app
    current (Celery('probe', ...)). These tests configure and patch Portero's own app."""
    from celery import _state

    from portero.celery import app

    previous = _state.get_current_app()
    app.set_current()
    yield
    previous.set_current()
