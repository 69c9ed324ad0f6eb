"""The client's address: one resolver (portero.client_ip.client_address) for the lockout, the limits, the audit
log, the NEN 7513 access log and the request log. It trusts X-Forwarded-For only as far as our own proxies wrote
it. The same through the real nginx of docker-compose.yml: tests/security/test_proxy.py."""

import logging

import pytest
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from aanvragen.demo import seed_demo_clients
from aanvragen.models import AccessLogEntry
from accounts.models import AuditEvent
from portero.client_ip import client_address
from tests.conftest import latest_sms_code, login_client, password_step

pytestmark = pytest.mark.django_db
KNOWN = "100023757"  # a client of the demo register


def resolved(settings, proxies, remote, forwarded=None):
    settings.PORTERO_TRUSTED_PROXIES = proxies
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **extra))


def test_without_a_proxy_the_client_is_remote_addr_and_forwarded_for_is_ignored(settings):
    assert resolved(settings, 0, "198.51.100.4") == "198.51.100.4"
    assert resolved(settings, 0, "198.51.100.4", "203.0.113.9") == "198.51.100.4"


def test_behind_one_proxy_the_client_is_the_hop_the_proxy_appended(settings):
    # nginx appends the address it saw to whatever the client sent; REMOTE_ADDR is nginx itself
    assert resolved(settings, 1, "172.18.0.5", "203.0.113.9") == "203.0.113.9"
    assert resolved(settings, 1, "172.18.0.5", "10.0.0.1, 8.8.8.8, 203.0.113.9") == "203.0.113.9"


def test_a_forged_left_part_does_not_move_the_address(settings):
    genuine = resolved(settings, 1, "172.18.0.5", "203.0.113.9")
    for forged in ("1.2.3.4, 203.0.113.9", "nonsense, 203.0.113.9", " , ,203.0.113.9", "::1,203.0.113.9"):
        assert resolved(settings, 1, "172.18.0.5", forged) == genuine


def test_behind_two_proxies_the_right_most_untrusted_hop_is_the_client(settings):
    assert resolved(settings, 2, "10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.1") == "203.0.113.9"


def test_a_request_that_skipped_the_proxy_gets_remote_addr_never_a_header_value(settings):
    assert resolved(settings, 1, "127.0.0.1") == "127.0.0.1"  # the container's own health check


def test_addresses_are_validated_and_written_canonically(settings):
    assert resolved(settings, 1, "172.18.0.5", "<script>") is None
    assert resolved(settings, 1, "172.18.0.5", "2001:DB8:0:0::1") == "2001:db8::1"
    assert resolved(settings, 1, "172.18.0.5", "::ffff:203.0.113.9") == "203.0.113.9"
    assert resolved(settings, 0, "") is None


def test_axes_asks_the_same_function(settings):
    settings.PORTERO_TRUSTED_PROXIES = 1
    request = RequestFactory().get("/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert get_client_ip_address(request) == "203.0.113.9"


BEHIND_PROXY = {"REMOTE_ADDR": "172.18.0.5", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"}


def test_lockout_audit_and_request_log_carry_the_clients_address(settings, client, user_a, caplog):
    settings.PORTERO_TRUSTED_PROXIES = 1
    caplog.set_level(logging.INFO, logger="portero.request")
    password_step(client, user_a.username, "Verkeerd#123", **BEHIND_PROXY)
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    assert AuditEvent.objects.get(action="login_failed").ip_address == "203.0.113.9"
    (line,) = [record for record in caplog.records if record.name == "portero.request"]
    assert line.client_ip == "203.0.113.9"


def test_the_access_log_carries_the_clients_address(settings, client, user_a):
    settings.PORTERO_TRUSTED_PROXIES = 1
    seed_demo_clients()
    http = login_client(client, user_a)
    http.post(reverse("aanvragen:client_search"), {"bsn": KNOWN}, **BEHIND_PROXY)
    assert AccessLogEntry.objects.latest("pk").ip_address == "203.0.113.9"


def test_a_wrong_code_is_audited_with_the_address(settings, client, user_a, password, sms_outbox):
    settings.PORTERO_TRUSTED_PROXIES = 1
    password_step(client, user_a.username, password, **BEHIND_PROXY)
    code = latest_sms_code(sms_outbox)
    client.post(
        "/inloggen/",
        {"portero_login_view-current_step": "token", "token-otp_token": "000000" if code != "000000" else "111111"},
        **BEHIND_PROXY,
    )
    event = AuditEvent.objects.get(action="code_failed")
    assert event.target == user_a and event.ip_address == "203.0.113.9"


def test_no_other_code_reads_the_address_from_the_request():
    """One resolver: no module of the app reads REMOTE_ADDR or X-Forwarded-For itself, or asks another library."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    readers = [
        str(path.relative_to(root))
        for app in ("accounts", "aanvragen", "orgadmin", "portero")
        for path in (root / app).rglob("*.py")
        if path.name != "client_ip.py"
        and any(
            needle in path.read_text(encoding="utf-8")
            for needle in ('"REMOTE_ADDR"', "HTTP_X_FORWARDED_FOR", "get_client_ip", "ipware")
        )
    ]
    assert readers == []
