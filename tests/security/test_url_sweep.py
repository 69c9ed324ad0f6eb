"""The automated sweep: every URL pattern of the project, requested (GET and POST) as anonymous, as a user of
organisation A and as organisation A's admin, with the ids of organisation B's records wherever a pattern takes
an id. Nothing of B ever comes back, nothing of B changes, anonymous is sent to a login page, and nobody gets a
500. A new URL is covered by itself; a new kind of URL parameter fails here until the sweep is taught how to
fill it with B's data (PARAMETERS)."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from aanvragen.choices import ConsentKind
from aanvragen.steps import flow_for
from tests.conftest import login_client
from tests.security.conftest import B_MARKERS

pytestmark = pytest.mark.django_db

# Pages anybody may open without logging in; the sweep still checks they show nothing of B.
PUBLIC = {
    "two_factor:login", "two_factor:setup", "accounts:logout", "accounts:password_request",
    "accounts:password_request_done", "accounts:password_set", "accounts:password_set_done",
    "accounts:password_renew", "healthz", "orgadmin:start", "readyz",
    # the second step of a login with a passkey: the person is not logged in yet (accounts/passkeys.py)
    "accounts:passkey_login", "accounts:passkey_login_begin", "accounts:passkey_login_complete",
    "accounts:passkey_js_catalog",
}  # fmt: skip
LOGIN_PAGES = ("/inloggen/", "/admin/login/")


def walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


# How to fill each URL parameter with organisation B's data (or a valid constant where it names no record).
PARAMETERS = {
    "pk": lambda b: b.target.pk,  # each of B's applications in turn: submitted, concepts of every kind
    "bijlage_pk": lambda b: b.bijlage.pk,
    "import_id": lambda b: b.user_import.pk,
    "username": lambda b: b.admin.username,
    "step": lambda b: flow_for(b.target).steps[0].slug,
    "kind": lambda b: ConsentKind.NAW_INZIEN.value,
    "uidb64": lambda b: "MQ",
    "token": lambda b: "abc-123",
    # the Django admin (staff only): any record id of B will do
    "object_id": lambda b: b.submitted.pk,
    "app_label": lambda b: "aanvragen",
    "content_type_id": lambda b: 1,
    "url": lambda b: "x",
}


# Pages whose query parameters name records: each also asked with B's ids and B's search words there.
QUERIES = {
    "orgadmin:logbook": lambda b: [
        f"?gebruiker={b.user.pk}",
        f"?gebruiker={b.admin.pk}&actie=user_changed",
        "?actie=user_changed&van=2000-01-01&tot=2100-01-01",
    ],
    "orgadmin:user_export": lambda b: [
        "?formaat=csv&verwijderd=on",
        f"?formaat=xlsx&zoeken={b.user.username}&verwijderd=on",
        "?formaat=csv&zoeken=Zwartkruis",
    ],
}


def concrete(route: str, world) -> str:
    def fill(match):
        name = match.group("name") or match.group("rname")
        if name not in PARAMETERS:
            pytest.fail(f"The URL sweep does not know how to fill <{name}> in {route!r}: add it to PARAMETERS.")
        return str(PARAMETERS[name](world))

    path = re.sub(r"<(?:\w+:)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)", fill, route)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    return "/" + path


def routes(urlconf=None):
    for name, route in walk(get_resolver(urlconf)):
        yield pytest.param(name, route, id=name)


def assert_nothing_of_b(response, url):
    assert response.status_code != 500, url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    for marker in B_MARKERS:
        assert marker not in text, f"{url} showed {marker!r} of organisation B"


def requests(http, url, **extra):
    yield "GET", http.get(url, **extra)
    yield "POST", http.post(url, {"bsn": "123456782", "username": "beheerderb", "confirm": "Ja"}, **extra)


@pytest.mark.parametrize(("name", "route"), list(routes()))
def test_anonymous_gets_a_login_page_and_nothing_of_b(client, world_b, name, route):
    url = concrete(route, world_b)
    before = world_b.snapshot()
    for method, response in requests(client, url):
        assert_nothing_of_b(response, url)
        if name not in PUBLIC:
            assert response.status_code == 302, (method, url, response.status_code)
            assert response["Location"].startswith(LOGIN_PAGES), (method, url, response["Location"])
    assert world_b.snapshot() == before


@pytest.mark.parametrize("persona", ["user_a", "admin_a"])
@pytest.mark.parametrize(("name", "route"), list(routes()))
def test_organisation_a_gets_nothing_of_b(client, world_b, request, persona, name, route):
    login_client(client, request.getfixturevalue(persona))
    takes_b_record = bool(re.search(r"<(?:\w+:)?(pk|bijlage_pk|username|object_id)>|\(\?P<object_id>", route))
    before = world_b.snapshot()
    aims = world_b.applications if re.search(r"<(?:\w+:)?pk>", route) else (world_b.submitted,)
    for world_b.target in aims:
        for method, response in requests(client, url := concrete(route, world_b)):
            assert_nothing_of_b(response, url)
            if name == "admin:login":
                # Already past both factors, but without CIZ rights: refused (a redirect to the login would
                # send them straight back here, portero/admin_site.py).
                assert response.status_code == 403, (method, url, response.status_code)
            elif route.startswith("admin/") and name != "admin:logout":
                # CIZ staff only: A's people are sent to the admin's login, never shown a page.
                assert response.status_code == 302, (method, url, response.status_code)
            elif takes_b_record and name not in PUBLIC:
                assert response.status_code in (403, 404, 405), (method, url, response.status_code)
    assert world_b.snapshot() == before


@pytest.mark.parametrize("persona", ["user_a", "admin_a"])
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_organisation_a_gets_nothing_of_b_through_query_parameters(client, world_b, request, persona, name):
    login_client(client, request.getfixturevalue(persona))
    (route,) = [route for found, route in walk(get_resolver()) if found == name]
    before = world_b.snapshot()
    for query in QUERIES[name](world_b):
        url = concrete(route, world_b) + query
        for _method, response in requests(client, url):
            assert_nothing_of_b(response, url)
            assert response.status_code in (200, 302, 403, 405), (url, response.status_code)
    assert world_b.snapshot() == before


BEHEER_HOST, AANVRAAG_HOST = "beheer.example.nl", "aanvraag.example.nl"


@pytest.mark.parametrize("persona", ["user_a", "admin_a"])
@pytest.mark.parametrize(
    ("name", "route"), [p for p in routes("portero.urls_beheer") if not p.values[1].startswith("admin/")]
)
def test_on_their_own_hosts_organisation_a_gets_nothing_of_b(client, settings, world_b, request, persona, name, route):
    """BEHEER_HOST and AANVRAAG_HOST set: the beheer host's own URL configuration, swept the same way (its admin
    is the admin swept above). The other site's paths only redirect to the other host."""
    settings.BEHEER_HOST, settings.AANVRAAG_HOST = BEHEER_HOST, AANVRAAG_HOST
    settings.ALLOWED_HOSTS = [BEHEER_HOST, AANVRAAG_HOST]
    login_client(client, request.getfixturevalue(persona))
    url = concrete(route, world_b)
    takes_b_record = bool(re.search(r"<(?:\w+:)?(pk|bijlage_pk|username)>", route))
    before = world_b.snapshot()
    for method, response in requests(client, url, HTTP_HOST=BEHEER_HOST):
        assert_nothing_of_b(response, url)
        sent_away = response.status_code == 302 and response["Location"].startswith(f"https://{AANVRAAG_HOST}/")
        if takes_b_record and name not in PUBLIC and not sent_away:
            assert response.status_code in (403, 404, 405), (method, url, response.status_code)
    assert world_b.snapshot() == before


def test_ciz_staff_get_no_server_error_on_any_admin_url_with_real_or_mistyped_ids(client, staff, world_b):
    """The admin, as a CIZ superuser, with B's real ids and with ids that are no ids at all."""
    login_client(client, staff)
    failures = []
    for name, route in walk(get_resolver()):
        if not route.startswith("admin/"):
            continue
        for url in {concrete(route, world_b), "/" + re.sub(r"<(?:\w+:)?\w+>", "abc", route)}:
            try:
                status = client.get(url).status_code
            except Exception as error:  # noqa: BLE001 (the test client re-raises what would be a 500)
                status = repr(error)[:100]
            if status not in (200, 302, 403, 404, 405):
                failures.append((name, url, status))
    assert failures == []
