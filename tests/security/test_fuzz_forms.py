"""Every form of the portal fuzzed with Hypothesis (ASVS V5): odd Unicode, very long strings, NUL bytes, HTML
and SQL fragments, one field at a time on top of otherwise valid data. Never a 500; what is stored comes back
escaped (the marker tag never appears raw in any page); a rejected form leaves the database as it was.

The fields fuzzed are read from the form on the page itself, so a field added to a form is fuzzed too."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from aanvragen.choices import ConsentKind
from aanvragen.demo import seed_demo_clients
from aanvragen.services.aanvraag import aanvraag_create
from tests.aanvragen.helpers import (
    COMBINATIE_STEP_DATA,
    PARTNERVERBLIJF_STEP_DATA,
    STEP_DATA,
    WZD_STEP_DATA,
    pdf_upload,
)
from tests.conftest import login_client
from tests.factories import PASSWORD, UserFactory
from tests.orgadmin.conftest import user_form_data

pytestmark = pytest.mark.django_db

MARKER = "<x-fuzz"
PAYLOADS = [
    "<x-fuzz>",
    "<script>alert('x')</script><x-fuzz>",
    '"><x-fuzz onmouseover=alert(1)>',
    "' OR '1'='1' --",
    "1; DROP TABLE accounts_user; --",
    "\x00",
    "a\x00b",
    "\u202e\u200b\ufeff",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☃ 中文 ﷽ Zoë Çelik",
    "{{ 7|add:7 }} {% debug %}",
    "%(x)s %s %n",
    "../../../etc/passwd",
    " " * 300,
    "9" * 500,
    "x" * 100_000,
]
TEXT = st.characters(blacklist_categories=("Cs",))  # any code point a browser can send in UTF-8
FUZZ = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(TEXT, max_size=200),
    st.text(TEXT, min_size=1000, max_size=5000).map(lambda text: text + "<x-fuzz>"),
)
# Logs that record every attempt, also a refused one; everything else must stay as it was.
RECORDING_EVERY_ATTEMPT = {"accounts.AuditEvent", "aanvragen.AccessLogEntry"}


class FormFields(HTMLParser):
    """The names of the fields of the page's main form (the last form with a submit button)."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append([])
        elif tag in ("input", "textarea", "select") and self.forms and attrs.get("name"):
            if attrs.get("type") not in ("hidden", "submit", "file") and attrs["name"] not in self.forms[-1]:
                self.forms[-1].append(attrs["name"])


def page_fields(html: str) -> list[str]:
    parser = FormFields()
    parser.feed(html)
    forms = [names for names in parser.forms if names]
    return forms[-1] if forms else []


def database_fingerprint() -> str:
    digest = hashlib.sha256()
    for label in ("accounts", "aanvragen"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.label not in RECORDING_EVERY_ATTEMPT:
                digest.update(repr(list(model.objects.order_by("pk").values_list())).encode())
    return digest.hexdigest()


@dataclass
class Target:
    """One form: who fills it in, where, with which valid data."""

    persona: str | None
    url: Callable
    data: Callable = lambda world: {}
    method: str = "post"
    extra: dict = field(default_factory=dict)


@dataclass
class World:
    user: object
    admin: object
    other: object
    concepts: dict  # one concept per kind of application


def step_target(kind, step_data, slug, persona="user_a"):
    return Target(
        persona,
        lambda w: reverse("aanvragen:step", args=[w.concepts[kind].pk, slug]),
        lambda w: step_data[slug],
    )


TARGETS = {
    "inloggen": Target(
        None,
        lambda w: "/inloggen/",
        lambda w: {"auth-username": w.user.username, "auth-password": "fout"},
        extra={"portero_login_view-current_step": "auth"},
    ),
    "wachtwoord aanvragen": Target(None, lambda w: "/wachtwoord/aanvragen/", lambda w: {"username": w.user.username}),
    "wachtwoord wijzigen": Target(
        "user_a",
        lambda w: "/wachtwoord/wijzigen/",
        lambda w: {"old_password": PASSWORD, "new_password1": "Qx7#Bw9!Zt4k", "new_password2": "Qx7#Bw9!Zt4k"},
    ),
    "gebruikers zoeken": Target("admin_a", lambda w: "/beheer/gebruikers/", method="get"),
    "nieuwe gebruiker": Target(
        "admin_a", lambda w: "/beheer/gebruikers/nieuw/", lambda w: user_form_data(email="nieuw@zorg-a.nl")
    ),
    "gebruiker wijzigen": Target(
        "admin_a",
        lambda w: reverse("orgadmin:user_detail", args=[w.other.username]),
        lambda w: user_form_data(email=w.other.email),
    ),
    "gebruiker verwijderen": Target(
        "admin_a",  # a new colleague to delete in every example: a valid example deletes its user
        lambda w: reverse("orgadmin:user_delete", args=[UserFactory(organisation=w.admin.organisation).username]),
        lambda w: {"deletion_reason": "Uit dienst"},
    ),
    "cliënt zoeken": Target("user_a", lambda w: reverse("aanvragen:client_search"), lambda w: {"bsn": "111222333"}),
    "toestemming vastleggen": Target(
        "user_a",
        lambda w: reverse("aanvragen:consent_create", args=[ConsentKind.NAW_INZIEN]),
        lambda w: {"statement": "on", "given_by": "client", "signed_on": "2026-01-05", "archive_reference": "A-1"},
    ),
    "kies aanvraag": Target("user_a", lambda w: reverse("aanvragen:new"), lambda w: {"soort": "wlz"}),
    "aanvragen filteren": Target("user_a", lambda w: reverse("aanvragen:list"), method="get"),
    **{f"wlz: stap {slug}": step_target("wlz", STEP_DATA, slug) for slug in STEP_DATA},
    **{f"wzd: stap {slug}": step_target("wzd21", WZD_STEP_DATA, slug) for slug in WZD_STEP_DATA},
    **{
        f"combinatie: stap {slug}": step_target("combinatie", COMBINATIE_STEP_DATA, slug)
        for slug in COMBINATIE_STEP_DATA
    },
    **{
        f"partnerverblijf: stap {slug}": step_target("partnerverblijf", PARTNERVERBLIJF_STEP_DATA, slug, "admin_b")
        for slug in PARTNERVERBLIJF_STEP_DATA
    },
}


@pytest.fixture
def world(org_a, admin_a, user_a, admin_b):
    seed_demo_clients()
    other = UserFactory(organisation=org_a, username="anderea")
    create = aanvraag_create
    concepts = {
        "wlz": create(user=user_a, soort="wlz"),
        "wzd21": create(user=user_a, soort="wzd21"),
        "combinatie": create(user=user_a, soort="wlz", combinatie=True),
        "partnerverblijf": create(user=admin_b, soort="partnerverblijf"),  # organisation B has profile Volledig
    }
    return World(user=user_a, admin=admin_a, other=other, concepts=concepts)


def assert_escaped(http, response):
    body = response.content.decode("utf-8", errors="replace")
    assert MARKER not in body, "fuzzed HTML came back unescaped"
    if response.status_code == 302:
        shown = http.get(response["Location"])
        assert shown.status_code != 500
        assert MARKER not in shown.content.decode("utf-8", errors="replace"), response["Location"]


FUZZ_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,  # the same examples in every CI run; the fixed PAYLOADS are always among them
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def open_form(client, request, world, name):
    """Log in as the form's persona and open it; returns the client, the URL and the form's field names."""
    target = TARGETS[name]
    http = login_client(client, request.getfixturevalue(target.persona)) if target.persona else client
    if name == "toestemming vastleggen":
        http.post(reverse("aanvragen:client_search"), {"bsn": "111222333"})
    url = target.url(world)
    fields = page_fields(http.get(url).content.decode())
    assert fields, f"no form found on {url}"
    return http, url, fields


def attack(http, name, url, world, fuzzed_field, value):
    target = TARGETS[name]
    payload = {**target.extra, **target.data(world), fuzzed_field: value}
    before = database_fingerprint()
    response = getattr(http, target.method)(url, payload)
    assert response.status_code in (200, 302, 400, 403, 404, 429), response.status_code
    assert_escaped(http, response)
    if response.status_code != 302 or target.method == "get":
        assert database_fingerprint() == before, f"{name}: {fuzzed_field}={value[:80]!r} changed the database"


@pytest.mark.parametrize("name", TARGETS)
@FUZZ_SETTINGS
@given(data=st.data())
def test_fuzzed_form_never_breaks_and_never_stores_on_rejection(client, world, request, name, data):
    http, url, fields = open_form(client, request, world, name)
    attack(http, name, url, world, data.draw(st.sampled_from(fields), label="field"), data.draw(FUZZ, label="value"))


@pytest.mark.parametrize("name", TARGETS)
def test_every_field_of_every_form_takes_nul_bytes_huge_values_and_html(client, world, request, name):
    """The worst payloads on every field, not left to chance."""
    for value in ("a\x00b", "x" * 100_000, '"><x-fuzz>'):
        http, url, fields = open_form(client, request, world, name)
        for fuzzed_field in fields:
            attack(http, name, url, world, fuzzed_field, value)


@FUZZ_SETTINGS
@given(name=FUZZ)
@example(name="<x-fuzz>.pdf")
@example(name="\x00.pdf")
def test_fuzzed_attachment_names_never_break_and_come_back_escaped(client, world, name):
    http = login_client(client, world.user)
    url = reverse("aanvragen:bijlagen", args=[world.concepts["wlz"].pk])
    before = database_fingerprint()
    response = http.post(url, {"soort": "diagnose", "file": pdf_upload(name=name[:200] or "x")})
    assert response.status_code in (200, 302), response.status_code
    assert_escaped(http, response)
    assert MARKER not in http.get(url).content.decode()
    if response.status_code != 302:
        assert database_fingerprint() == before
