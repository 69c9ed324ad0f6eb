"""Shared fixtures: personas (CIZ staff, org admin A, user A, org admin B), outboxes, login helpers, and the
browser set-up for Debian's Chromium."""

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from two_factor.plugins.phonenumber.models import PhoneDevice

from tests.factories import PASSWORD, OrgAdminFactory, OrganisationFactory, StaffFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
CHROMIUM = os.environ.get("PORTERO_CHROMIUM", "/usr/bin/chromium")


# --- Personas ------------------------------------------------------------------------------------


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="Zorggroep A", domain="zorg-a.nl")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Zorggroep B", domain="zorg-b.nl", profile="volledig")


@pytest.fixture
def staff(db):
    return StaffFactory(username="cizstaf", email="staf@ciz.nl")


@pytest.fixture
def admin_a(org_a):
    return OrgAdminFactory(organisation=org_a, username="beheerdera", first_name="Anna", last_name="Dijkstra")


@pytest.fixture
def user_a(org_a):
    return UserFactory(organisation=org_a, username="gebruikera", first_name="Bram", last_name="Jansen")


@pytest.fixture
def admin_b(org_b):
    return OrgAdminFactory(organisation=org_b, username="beheerderb", first_name="Mark", last_name="Berg")


@pytest.fixture
def password():
    return PASSWORD


# --- Outboxes --------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def sms_outbox(settings, tmp_path):
    """Every test gets its own, empty SMS outbox folder."""
    settings.SMS_OUTBOX_DIR = tmp_path / "sms"
    return settings.SMS_OUTBOX_DIR


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Attachments of each test land in its own temporary folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from orgadmin.user_search import forget_frequent_codes

    cache.clear()
    forget_frequent_codes()  # and this process's copy of the search statistics
    yield
    cache.clear()
    forget_frequent_codes()


@pytest.fixture
def proxy(live_server, settings, tmp_path):
    """The reverse proxy of docker-compose.yml (its own nginx server block, tests/proxy.py) in front of the live
    server, trusted by the app as compose configures it. `proxy.client("127.0.0.7")` comes from that address."""
    from tests.proxy import start_proxy, stop_proxy

    settings.PORTERO_TRUSTED_PROXIES = 1
    workdir = tmp_path / "nginx"
    running = start_proxy(workdir, f"http://127.0.0.1:{live_server.thread.port}")
    yield running
    stop_proxy(running, workdir)


def latest_sms_code(outbox: Path) -> str:
    files = sorted(outbox.glob("*.txt")) if outbox.exists() else []
    assert files, "no SMS was sent"
    return re.search(r"\b(\d{6})\b", files[-1].read_text(encoding="utf-8")).group(1)


def sms_count(outbox: Path) -> int:
    return len(list(outbox.glob("*.txt"))) if outbox.exists() else 0


def link_in_mail(body: str) -> str:
    return re.search(r"https?://\S+", body).group(0)


# --- Logging in -------------------------------------------------------------------------------------


def wait_until_someone_waits_for_a_lock(failure: str) -> None:
    """PostgreSQL: return once another session waits for a row lock (the second of two racing saves has reached
    it); fail with `failure` after 10 seconds."""
    from django.db import connection

    with connection.cursor() as cursor:
        for _attempt in range(200):
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError(failure)


def login_client(client, user):
    """Skip the login journey for tests that are not about login: password session + verified device."""
    user.refresh_from_db()  # the session's auth hash is made from the account as it is now
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = PhoneDevice.objects.get(user=user).persistent_id
    session.save()
    return client


@pytest.fixture
def client_as(client):
    def _as(user):
        return login_client(client, user)

    return _as


def password_step(client, username, password, **extra):
    """The login's first step only: login name and password."""
    return client.post(
        "/inloggen/",
        {"portero_login_view-current_step": "auth", "auth-username": username, "auth-password": password},
        **extra,
    )


def request_password_link(client, username, capture):
    """'Wachtwoord aanvragen' for this login name; returns the link of the mail it sends."""
    from django.core import mail

    with capture(execute=True):
        client.post("/wachtwoord/aanvragen/", {"username": username})
    return link_in_mail(mail.outbox[-1].body)


def two_factor_login(client, username, password, outbox):
    """Walk the real login: password step, then the SMS code from the outbox."""
    response = client.post(
        "/inloggen/",
        {"portero_login_view-current_step": "auth", "auth-username": username, "auth-password": password},
        REMOTE_ADDR="127.0.0.1",
    )
    assert response.status_code == 200, response.status_code
    code = latest_sms_code(outbox)
    return client.post("/inloggen/", {"portero_login_view-current_step": "token", "token-otp_token": code})


# --- Browser -------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}; .ci/run installs Debian's chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nl-NL"}


def assert_accessible(page):
    """axe-core on the current page: no WCAG 2.1 A/AA violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    assert results.violations_count == 0, results.generate_report()


def fill_date_of_birth(page, legend: str, iso: str) -> None:
    """A date of birth ('jjjj-mm-dd') typed into its three boxes dag, maand and jaar (portero.forms)."""
    year, month, day = iso.split("-")
    group = page.get_by_role("group", name=legend, exact=True)
    for label, value in (("Dag", day), ("Maand", month), ("Jaar", year)):
        group.get_by_label(label, exact=True).fill(value)


def browser_login(page, live_server, username, password, outbox, next_path=""):
    page.goto(f"{live_server.url}/inloggen/{next_path}")
    page.get_by_label("Inlognaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Log on").click()
    page.get_by_label("Code uit de sms").fill(latest_sms_code(outbox))
    page.get_by_role("button", name="Inloggen").click()


@pytest.fixture(autouse=True, scope="session")
def _static_root(tmp_path_factory):
    yield
    shutil.rmtree(settings.VAR_DIR, ignore_errors=True)
