"""The image's web process runs with a read-only root file system, as the Kubernetes manifests run it: a copy of
the app as the Dockerfile builds it (static files collected), made read-only, with only the emptyDirs (/tmp and
/app/var) writable; gunicorn started with the Dockerfile's own CMD, bound to a free port on 127.0.0.1.

chmod does not stop root, and CI runs as root: there the copy and the Python installation are also bind-mounted
read-only in a mount namespace of their own (unshare), so a write fails with EROFS whoever tries it.
"""

import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.deploy.test_kubernetes import dockerfile_cmd
from tests.proxy import free_port
from tests.test_settings import PRODUCTION_ENV, ROOT

# What .dockerignore keeps out of the image, and what this check has no use for.
LEFT_OUT = {".venv", "var", ".git", ".pytest_cache", ".ruff_cache", "staticfiles", ".env", "bench", "tests",
            "deploy", "test-results", ".hypothesis", "node_modules"}  # fmt: skip


def image_env(var_dir: Path, tmp_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PORTERO_", "REDIS"))}
    env.pop("DATABASE_URL", None)
    env.update(PRODUCTION_ENV)
    env.update(
        {
            "PYTHONDONTWRITEBYTECODE": "1",  # as the Dockerfile's ENV
            "PYTHONUNBUFFERED": "1",
            "PORTERO_VAR_DIR": str(var_dir),
            "DATABASE_URL": f"sqlite:///{var_dir / 'portero.sqlite3'}",
            "TMPDIR": str(tmp_dir),
            "LOG_FORMAT": "json",
            # As in the Kubernetes ConfigMap: behind the Ingress controller and nginx, which say it was https.
            "DJANGO_BEHIND_PROXY": "1",
            "PORTERO_TRUSTED_PROXIES": "2",
        }
    )
    return env


def read_only_wrapper(paths: list[Path]) -> list[str]:
    if os.geteuid() != 0:
        return []
    if not shutil.which("unshare"):
        pytest.skip("running as root without unshare: chmod alone cannot make the copy read-only for root")
    binds = " && ".join(f'mount --bind "{p}" "{p}" && mount -o remount,ro,bind "{p}"' for p in paths)
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", f'{binds} && exec "$@"', "sh"]


def get(port: int, path: str, host: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host, "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_web_serves_healthz_from_a_read_only_root_file_system(tmp_path):
    app = tmp_path / "app"
    shutil.copytree(ROOT, app, ignore=lambda directory, names: [n for n in names if n in LEFT_OUT])
    var_dir, tmp_dir = tmp_path / "emptydir-var", tmp_path / "emptydir-tmp"
    var_dir.mkdir()
    tmp_dir.mkdir()
    env = image_env(var_dir, tmp_dir)
    # The image's build step: static files collected into the app (whitenoise serves them from there).
    build = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=app, env={**env, "SECRET_KEY": "build-only"}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    subprocess.run(["chmod", "-R", "a-w", str(app)], check=True)
    python_root = Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()
    wrapper = read_only_wrapper([app, *dict.fromkeys(python_root)])

    # Nothing of the app can be written, not even by this user: the root file system is read-only.
    probe = subprocess.run(
        [*wrapper, sys.executable, "-c", f"open({str(app / 'written')!r}, 'w')"], capture_output=True, text=True
    )
    assert probe.returncode != 0 and ("Read-only file system" in probe.stderr or "Permission denied" in probe.stderr)

    port = free_port()
    cmd = dockerfile_cmd()
    assert cmd[0] == "gunicorn"
    cmd[cmd.index("--bind") + 1] = f"127.0.0.1:{port}"
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [*wrapper, gunicorn, *cmd[1:]], cwd=app, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stdout.read().decode()
            try:
                status, body = get(port, "/healthz", PRODUCTION_ENV["ALLOWED_HOSTS"])
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 seconds"
                time.sleep(0.2)
        assert (status, body) == (200, b'{"status": "ok", "database": "ok"}')
        # A hashed static file from the collected manifest, served by whitenoise from the read-only copy.
        manifest = (app / "staticfiles" / "staticfiles.json").read_text(encoding="utf-8")
        hashed = next(iter(json.loads(manifest)["paths"].values()))
        status, _ = get(port, f"/static/{hashed}", PRODUCTION_ENV["ALLOWED_HOSTS"])
        assert status == 200
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)  # gunicorn's graceful stop
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        subprocess.run(["chmod", "-R", "u+w", str(app)], check=False)
    assert server.returncode == 0, server.stdout.read().decode()
