"""The settings module refuses unsafe production configurations and is clean under `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portero.settings",
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "k7#Qp9!vZr2@Lm4$Xw8^Tn6&Hy3*Bc5(Jd1)Fg0-Se+Ua=Wo~Ei",
    "ALLOWED_HOSTS": "aanvraag.ciz.nl",
    "SMS_GATEWAY": "twilio",
    "TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
    "TWILIO_AUTH_TOKEN": "token",
    "TWILIO_CALLER_ID": "+3197000000000",
}


def run_manage(tmp_path, env_overrides, *args):
    # Start from the machine's environment without anything the settings module reads.
    ours = (
        "DJANGO_",
        "PORTERO_",
        "TWILIO_",
        "EMAIL_",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "SMS_GATEWAY",
        "DATABASE_URL",
        "REDIS_URL",
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(ours)}
    env.update({**PRODUCTION_ENV, "PORTERO_VAR_DIR": str(tmp_path)})
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_without_secret_key_refuses_to_start(tmp_path):
    result = run_manage(tmp_path, {"SECRET_KEY": None}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start(tmp_path):
    result = run_manage(tmp_path, {"ALLOWED_HOSTS": None}, "check")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_unknown_sms_gateway_is_a_clear_startup_error(tmp_path):
    result = run_manage(tmp_path, {"SMS_GATEWAY": "duif"}, "check")
    assert result.returncode != 0
    assert "SMS_GATEWAY='duif' is unknown" in result.stderr


def test_twilio_without_credentials_refuses_to_start(tmp_path):
    result = run_manage(tmp_path, {"TWILIO_AUTH_TOKEN": None}, "check")
    assert result.returncode != 0
    assert "TWILIO_AUTH_TOKEN" in result.stderr


def test_check_deploy_is_clean_in_production(tmp_path):
    result = run_manage(tmp_path, {}, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_about_the_file_outbox_in_production(tmp_path):
    result = run_manage(tmp_path, {"SMS_GATEWAY": None}, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "portero.W001" in result.stdout + result.stderr


def test_behind_a_proxy_without_the_proxy_count_production_refuses_to_start(tmp_path):
    result = run_manage(tmp_path, {"DJANGO_BEHIND_PROXY": "1"}, "check")
    assert result.returncode != 0
    assert "set PORTERO_TRUSTED_PROXIES" in result.stderr
    assert run_manage(tmp_path, {"DJANGO_BEHIND_PROXY": "1", "PORTERO_TRUSTED_PROXIES": "1"}, "check").returncode == 0


def test_the_old_proxy_count_setting_is_refused_not_ignored(tmp_path):
    result = run_manage(tmp_path, {"AXES_IPWARE_PROXY_COUNT": "1"}, "check")
    assert result.returncode != 0
    assert "AXES_IPWARE_PROXY_COUNT is no longer read" in result.stderr


def test_check_deploy_warns_behind_a_proxy_with_a_proxy_count_of_0(tmp_path):
    env = {"DJANGO_BEHIND_PROXY": "1", "PORTERO_TRUSTED_PROXIES": "0"}
    result = run_manage(tmp_path, env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "portero.W010" in result.stdout + result.stderr
    env["PORTERO_TRUSTED_PROXIES"] = "1"
    assert run_manage(tmp_path, env, "check", "--deploy", "--fail-level", "WARNING").returncode == 0


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_booleans_are_strict(tmp_path, value):
    result = run_manage(tmp_path, {"DJANGO_DEBUG": value}, "check")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr
