"""`make run PORT=8123`: the web process and the Celery worker both build their links from the port the site runs
on. The worker used to take the settings' default base URL (port 8000), so every mail linked to a dead port.

scripts/run-local.sh is run for real, with fake `celery` and `python` executables in BIN that record the
environment and command line they were started with (no server starts)."""

import os
import subprocess
from pathlib import Path

import pytest

from tests.test_settings import ROOT, run_manage

# The record is complete once {name}.env appears (written aside, then moved): the web process waits for the
# worker's, since the script ends the worker as soon as the web process exits.
FAKE = """#!/usr/bin/env bash
printf '%s\\n' "$@" > "$RECORD_DIR/{name}.args"
env > "$RECORD_DIR/{name}.env.part"
mv "$RECORD_DIR/{name}.env.part" "$RECORD_DIR/{name}.env"
{wait}
"""
WAIT_FOR_WORKER = 'for _ in $(seq 400); do [ -e "$RECORD_DIR/celery.env" ] && exit 0; sleep 0.05; done; exit 1'


def run_local(tmp_path: Path, **env: str) -> dict[str, dict[str, str]]:
    bin_dir, record = tmp_path / "bin", tmp_path / "record"
    bin_dir.mkdir(parents=True)
    record.mkdir(parents=True)
    for name, wait in (("celery", ""), ("python", WAIT_FOR_WORKER)):
        script = bin_dir / name
        script.write_text(FAKE.format(name=name, wait=wait))
        script.chmod(0o755)
    base = {key: value for key, value in os.environ.items() if key not in ("PORT", "PORTERO_BASE_URL")}
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "run-local.sh")],
        cwd=tmp_path,
        env={**base, "BIN": str(bin_dir), "RECORD_DIR": str(record), **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    recorded = {}
    for name in ("celery", "python"):
        lines = (record / f"{name}.env").read_text().splitlines()
        recorded[name] = dict(line.split("=", 1) for line in lines if "=" in line)
        recorded[name]["argv"] = (record / f"{name}.args").read_text()
    recorded["stdout"] = result.stdout
    return recorded


def test_the_port_given_to_make_run_is_in_the_base_url_of_the_web_process_and_the_worker(tmp_path):
    started = run_local(tmp_path, PORT="8123")
    assert started["celery"]["PORTERO_BASE_URL"] == "http://127.0.0.1:8123"
    assert started["python"]["PORTERO_BASE_URL"] == "http://127.0.0.1:8123"
    assert "runserver\n127.0.0.1:8123" in started["python"]["argv"]
    assert "http://127.0.0.1:8123/" in started["stdout"]


def test_without_a_port_both_use_8000_and_a_base_url_the_user_set_is_kept(tmp_path):
    started = run_local(tmp_path)
    assert started["celery"]["PORTERO_BASE_URL"] == started["python"]["PORTERO_BASE_URL"] == "http://127.0.0.1:8000"
    kept = run_local(tmp_path / "own", PORT="8123", PORTERO_BASE_URL="https://portero.test")
    assert kept["celery"]["PORTERO_BASE_URL"] == kept["python"]["PORTERO_BASE_URL"] == "https://portero.test"


def test_make_run_hands_its_port_to_the_script():
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, timeout=30, check=True
    )
    assert "PORT=8123" in dry_run.stdout and "scripts/run-local.sh" in dry_run.stdout


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8123", "http://127.0.0.1:8123/"])
def test_links_in_mails_follow_portero_base_url_from_the_environment(tmp_path, base_url):
    """The worker reads the same settings: a link built there uses PORTERO_BASE_URL as given to the process."""
    probe = (
        "from portero.hosts import AANVRAAG, absolute_url; print(absolute_url(AANVRAAG, 'accounts:password_request'))"
    )
    result = run_manage(tmp_path, {"DJANGO_DEBUG": "1", "PORTERO_BASE_URL": base_url}, "shell", "-c", probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("http://127.0.0.1:8123/")
