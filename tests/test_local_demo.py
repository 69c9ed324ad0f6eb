"""The local demo explains itself: the banner of `make run` and the README name every demo account, every demo
client's BSN and the nightly jobs' commands (all taken from the seed and the beat schedule, so a new one cannot be
forgotten), and `manage.py` on the embedded defaults prints no warning."""

import pytest
from django.conf import settings
from django.core.management import get_commands

from aanvragen.demo import DEMO_CLIENTS
from accounts.services.demo import ORGANISATIONS, STAFF_USERNAME
from tests.test_run_local import run_local
from tests.test_settings import ROOT, run_manage

USERNAMES = [STAFF_USERNAME, *(user[0] for organisation in ORGANISATIONS for user in organisation["users"])]
BSNS = [client[0] for client in DEMO_CLIENTS]
# The command that runs each nightly task by hand (Django's own clearsessions for the sessions).
NIGHTLY_COMMANDS = {
    "accounts.tasks.deactivate_idle_accounts": "deactivate_idle_accounts",
    "accounts.tasks.expire_passwords": "expire_passwords",
    "accounts.tasks.clear_expired_sessions": "clearsessions",
    "aanvragen.tasks.send_wzd_renewal_reminders": "send_wzd_renewal_reminders",
    "aanvragen.tasks.apply_retention": "apply_retention",
    "aanvragen.tasks.sweep_orphan_attachment_files": "sweep_orphan_attachment_files",
}


def test_every_nightly_task_has_a_command_listed_here():
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} == set(NIGHTLY_COMMANDS)
    assert set(NIGHTLY_COMMANDS.values()) <= set(get_commands())


@pytest.fixture(scope="module")
def banner(tmp_path_factory):
    return run_local(tmp_path_factory.mktemp("run"), PORT="8000")["stdout"]


@pytest.fixture(scope="module")
def readme():
    return (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("text", [*USERNAMES, *BSNS, *NIGHTLY_COMMANDS.values(), "demo_tijd"])
def test_the_banner_and_the_readme_name_it(banner, readme, text):
    assert text in banner
    assert text in readme


def embedded_defaults_env(tmp_path):
    """DJANGO_DEBUG=1 and nothing else the settings read, as `make run` starts manage.py."""
    from tests.test_settings import PRODUCTION_ENV

    overrides = {key: None for key in PRODUCTION_ENV if key != "DJANGO_SETTINGS_MODULE"}
    return {**overrides, "DJANGO_DEBUG": "1", "PYTHONWARNINGS": "always"}


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--database", "default"),
        ("migrate", "--no-input"),
        # a task queued on the file-system broker, as every mail is
        ("shell", "-c", "from portero.celery import app; app.send_task('accounts.tasks.clear_expired_sessions')"),
    ],
    ids=["check", "migrate", "broker"],
)
def test_manage_py_on_the_embedded_defaults_prints_no_warning(tmp_path, args):
    (tmp_path / "celery" / "queue").mkdir(parents=True)
    result = run_manage(tmp_path, embedded_defaults_env(tmp_path), *args)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "WARNING" not in output.upper().replace("NO WARNINGS", ""), output
    assert "W040" not in output and "No hostname" not in output, output
