"""Through the real reverse proxy of docker-compose.yml (Debian's nginx running the proxy service's own server
block, tests/proxy.py): each client keeps its own address for the lockout and the logs, a forged X-Forwarded-For
moves nothing, and the proxy's access log holds no query string."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.urls import reverse

from aanvragen.demo import seed_demo_clients
from aanvragen.models import AccessLogEntry
from accounts.models import AuditEvent
from tests.conftest import latest_sms_code
from tests.proxy import compose_proxy_config

pytestmark = pytest.mark.django_db(transaction=True)
WRONG = "Verkeerd#Wachtwoord1"
KNOWN = "100023757"  # a client of the demo register


def login_step(http, username, password, **kwargs):
    return http.post(
        "/inloggen/",
        {"portero_login_view-current_step": "auth", "auth-username": username, "auth-password": password},
        **kwargs,
    )


def test_the_stand_in_runs_the_compose_config_with_only_the_machine_specific_lines_replaced(proxy):
    config = proxy.config
    original = compose_proxy_config()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in original
    assert original.count("\n") == config.count("\n") - 1  # line for line (the stand-in ends with a newline)
    assert "$$" not in config and "web:8000" not in config and f"127.0.0.1:{proxy.port}" in config


def test_compose_env_example_and_readme_agree_on_the_one_trusted_proxy():
    """docker-compose.yml ships one proxy, so it trusts one hop; .env.example and the README say the same, and the
    old setting's name (which settings.py refuses) appears in none of them."""
    import yaml

    from tests.proxy import ROOT

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    environment = compose["x-portero"]["environment"]
    assert environment["PORTERO_TRUSTED_PROXIES"] == "${PORTERO_TRUSTED_PROXIES:-1}"
    assert environment["DJANGO_BEHIND_PROXY"] == "${DJANGO_BEHIND_PROXY:-1}"
    env_example = (ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "\nPORTERO_TRUSTED_PROXIES=1 " in env_example
    assert (
        "| `PORTERO_TRUSTED_PROXIES` | 0; required when `DJANGO_BEHIND_PROXY` is on without DEBUG (docker compose: 1) |"
        in readme
    )
    for text in ((ROOT / "docker-compose.yml").read_text(encoding="utf-8"), env_example):
        assert "AXES_IPWARE" not in text


def test_wrong_passwords_from_five_addresses_do_not_lock_out_a_sixth(proxy, user_a, password):
    """The review's case: five strangers each type one wrong password; that locks nobody else out."""
    assert django_settings.AXES_FAILURE_LIMIT == 5
    for n in range(2, 7):
        assert login_step(proxy.client(f"127.0.0.{n}"), f"gok{n}", WRONG).status_code == 200
    response = login_step(proxy.client("127.0.0.20"), user_a.username, password)
    assert response.status_code == 200 and "Code uit de sms" in response.text
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {f"127.0.0.{n}" for n in range(2, 7)}


def test_a_forged_forwarded_for_does_not_move_the_clients_address(proxy, user_a):
    liar = proxy.client("127.0.0.9")
    login_step(liar, user_a.username, WRONG, headers={"X-Forwarded-For": "10.10.10.10, 192.0.2.1"})
    assert AuditEvent.objects.get(action="login_failed").ip_address == "127.0.0.9"
    assert AccessAttempt.objects.get().ip_address == "127.0.0.9"


def test_audit_and_access_log_rows_carry_the_real_address(proxy, user_a, password, sms_outbox):
    seed_demo_clients()
    http = proxy.client("127.0.0.11")
    login_step(http, user_a.username, password, headers={"X-Forwarded-For": "10.10.10.10"})
    code_page = http.post(
        "/inloggen/", {"portero_login_view-current_step": "token", "token-otp_token": latest_sms_code(sms_outbox)}
    )
    assert code_page.status_code == 302
    http.get(reverse("aanvragen:client_search"))  # the login rotated the CSRF token: the form's new one
    search = http.post(reverse("aanvragen:client_search"), {"bsn": KNOWN}, headers={"X-Forwarded-For": "10.10.10.10"})
    assert search.status_code in (200, 302)
    assert AuditEvent.objects.get(action="login_succeeded").ip_address == "127.0.0.11"
    assert AccessLogEntry.objects.get().ip_address == "127.0.0.11"


def test_the_proxys_access_log_holds_no_query_string_and_no_bsn(proxy):
    proxy.client("127.0.0.12").get(f"/aanvragen/?zoek={KNOWN}&x=1")
    (line,) = proxy.log_lines(containing="/aanvragen/")
    assert line.startswith("127.0.0.12 ")
    assert KNOWN not in line and "zoek" not in line and "?" not in line, line
