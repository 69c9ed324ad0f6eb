"""Privacy (AVG, NEN 7513): client data only by an exact, valid BSN with the consent for that data; the access log
holds who, organisation, when, which client, what action, which consent and from where, and no screen can
change or delete it; no BSN or password in a log line, a URL or a mail; BSNs masked in lists.

The consent per kind of data: tests/aanvragen/test_client_lookup.py (each consent shows only its own data).
Log lines redacted by the logging filter: tests/test_logging.py."""

import logging
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from aanvragen.choices import AccessAction, ConsentKind
from aanvragen.demo import seed_demo_clients
from aanvragen.models import AccessLogEntry
from tests.aanvragen.helpers import decided_wzd, submitted_aanvraag
from tests.conftest import login_client, two_factor_login
from tests.security.conftest import B_CLIENT_BSN
from tests.security.test_url_sweep import walk

pytestmark = pytest.mark.django_db
KNOWN = "100023757"  # Gerda Smit in the demo register, with an indication
KNOWN_NAME = "Smit"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("href", "action", "src") and value]


def urls_in(response) -> list[str]:
    parser = Links()
    parser.feed(response.content.decode("utf-8", errors="replace"))
    return parser.urls + ([response["Location"]] if response.has_header("Location") else [])


@pytest.fixture
def register(db):
    seed_demo_clients()


def consent(http, kind):
    return http.post(
        reverse("aanvragen:consent_create", args=[kind]),
        {"statement": "on", "given_by": "client", "signed_on": "2026-01-05", "archive_reference": "A-1"},
    )


def test_a_whole_working_day_leaves_no_bsn_or_password_in_logs_urls_or_mails(
    register, user_a, password, sms_outbox, caplog, django_capture_on_commit_callbacks
):
    """Log in, look up a client, record consents, view the data, write and submit an application, follow it:
    every log record, every URL shown or redirected to and every mail is searched for the BSN and the password."""
    caplog.set_level(logging.DEBUG)
    http = Client()
    seen_urls = []
    with django_capture_on_commit_callbacks(execute=True):
        response = two_factor_login(http, user_a.username, password, sms_outbox)
        seen_urls += urls_in(response)
        for response in (
            http.post(reverse("aanvragen:client_search"), {"bsn": KNOWN}),
            consent(http, ConsentKind.NAW_INZIEN),
            consent(http, ConsentKind.INDICATIE_RAADPLEGEN),
            http.get(reverse("aanvragen:client_detail")),
            http.post(reverse("aanvragen:new"), {"soort": "wlz"}),
        ):
            assert response.status_code in (200, 302)
            seen_urls += urls_in(response)
        aanvraag = submitted_aanvraag(user_a, client_bsn=KNOWN)
        for url in (reverse("aanvragen:list"), reverse("aanvragen:detail", args=[aanvraag.pk])):
            seen_urls += urls_in(http.get(url))
        assert KNOWN_NAME in http.get(reverse("aanvragen:client_detail")).content.decode()  # the journey worked
    assert len(mail.outbox) >= 1  # the receipt
    secrets = (KNOWN, password)
    for record in caplog.records:
        line = record.getMessage() + " " + " ".join(str(value) for value in record.__dict__.values())
        for secret in secrets:
            assert secret not in line, f"log line of {record.name} holds a secret"
    for url in seen_urls:
        for secret in secrets:
            assert secret not in url, url
    for message in mail.outbox:
        text = message.subject + message.body + "".join(str(alt[0]) for alt in getattr(message, "alternatives", []))
        for secret in secrets:
            assert secret not in text, message.subject


def test_client_data_only_by_an_exact_valid_bsn_never_by_part_or_name(register, client, user_a):
    """No page of the portal searches clients by a part of the BSN or by name, however the query is put."""
    http = login_client(client, user_a)
    http.post(reverse("aanvragen:client_search"), {"bsn": KNOWN})
    consent(http, ConsentKind.NAW_INZIEN)
    http.get(reverse("aanvragen:client_search"))  # a new, empty search
    fresh = login_client(Client(), user_a)
    probes = [KNOWN[:8], KNOWN[1:], KNOWN_NAME, "Gerda", "%", "*", KNOWN[:-1] + "8"]  # the last one fails 11-proef
    for name, route in walk(get_resolver()):
        if route.startswith("admin/") or "<" in route:
            continue
        for probe in probes:
            for params in ({"bsn": probe}, {"q": probe}, {"naam": probe}, {"zoek": probe}):
                for method in (fresh.get, fresh.post):
                    page = method("/" + route, params).content.decode("utf-8", errors="replace")
                    assert "Gerda" not in page and KNOWN not in page, (name, probe)


def test_the_access_log_holds_the_nen_7513_fields(register, client, user_a):
    http = login_client(client, user_a)
    http.post(reverse("aanvragen:client_search"), {"bsn": KNOWN}, REMOTE_ADDR="10.20.30.40")
    consent(http, ConsentKind.NAW_INZIEN)
    http.get(reverse("aanvragen:client_detail"), REMOTE_ADDR="10.20.30.40")
    entry = AccessLogEntry.objects.filter(consent__isnull=False).latest("pk")
    assert entry.user == user_a and entry.organisation == user_a.organisation  # who, for which organisation
    assert entry.client_bsn == KNOWN and entry.action  # which client, what
    assert entry.consent.kind == ConsentKind.NAW_INZIEN  # under which consent
    assert entry.ip_address == "10.20.30.40" and entry.at  # from where, when


def test_no_screen_changes_or_deletes_the_access_log(register, client, client_as, staff, user_a):
    http = login_client(client, user_a)
    http.post(reverse("aanvragen:client_search"), {"bsn": KNOWN})
    entry = AccessLogEntry.objects.latest("pk")
    snapshot = list(AccessLogEntry.objects.values())
    admin = client_as(staff)  # a superuser of CIZ: even they get no change or delete
    change = reverse("admin:aanvragen_accesslogentry_change", args=[entry.pk])
    assert 'name="_save"' not in admin.get(change).content.decode()
    assert admin.post(change, {"client_bsn": "999999999"}).status_code == 403
    assert (
        admin.post(reverse("admin:aanvragen_accesslogentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    changelist = reverse("admin:aanvragen_accesslogentry_changelist")
    admin.post(changelist, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert admin.get(reverse("admin:aanvragen_accesslogentry_add")).status_code == 403
    # Every row there was is unchanged and still there. Reading the log is itself logged (NEN 7513), so the
    # screens above appended rows: only 'CIZ-medewerker bekijkt' rows of the staff member who read.
    assert list(AccessLogEntry.objects.filter(pk__lte=entry.pk).values()) == snapshot
    appended = AccessLogEntry.objects.filter(pk__gt=entry.pk)
    assert appended.exists()
    assert set(appended.values_list("user", "action")) == {(staff.pk, AccessAction.CIZ_INZIEN)}


def test_lists_show_no_full_bsn(client, user_a, staff, world_b):
    """The organisation's own lists (applications, expiring art. 21 decisions) mask the BSN of its own clients."""
    http = login_client(client, user_a)
    aanvraag = submitted_aanvraag(user_a, client_bsn=B_CLIENT_BSN)
    decided_wzd(user_a, staff, timezone.localdate() + timedelta(weeks=9), client_bsn=B_CLIENT_BSN)
    assert B_CLIENT_BSN[-3:] in http.get(reverse("aanvragen:besluiten")).content.decode()  # the decision is listed
    for name, route in walk(get_resolver()):
        if route.startswith("admin/") or "<" in route:
            continue
        page = http.get("/" + route).content.decode("utf-8", errors="replace")
        assert not re.search(rf"(?<!\d){B_CLIENT_BSN}(?!\d)", page), (name, aanvraag.pk)
