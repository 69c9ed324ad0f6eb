"""NEN 7513: every page that shows client data writes an access-log row per client shown, with who, which
organisation, when, which client, what action, under which consent and from which address.

The targets are found, not listed: every URL pattern of the aanvraag and beheer site is requested with each of
organisation A's own applications (each kind, each step), and a page that shows a client's name, address or
diagnosis must have logged that client. In the CIZ admin every ModelAdmin whose model holds client data (a BSN
field or a foreign key to the client register) is opened, list and record: each client on the list page is one
row, the record one row. A new page or admin is covered by itself."""

from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.urls import get_resolver, reverse
from django.utils import timezone

from aanvragen.admin.clients import ClientAccessLogMixin
from aanvragen.choices import AccessAction, ConsentGivenBy, ConsentKind
from aanvragen.models import AccessLogEntry, Client
from aanvragen.services.aanvraag import aanvraag_concept_save, aanvraag_create, bijlage_add
from aanvragen.services.clients import ACTION_CONSENT, client_data_access, consent_record
from aanvragen.steps import flow_for
from aanvragen.views import SESSION_BSN
from tests.aanvragen.helpers import decided_wzd, pdf_upload, submitted_aanvraag
from tests.conftest import login_client
from tests.security.test_url_sweep import PUBLIC, walk

pytestmark = pytest.mark.django_db
ADDRESS = "10.20.30.40"

# BSN → what of that client a page may show (11-proef valid BSNs, unique names that appear nowhere else).
CLIENTS = {
    "123456782": ("Wolkenveld", "Wolkenveldstraat 1"),
    "111222333": ("Aardewerk", "Aardewerklaan 2"),
    "100023757": ("Beukenhof", "Beukenhofpad 3"),
    "999999990": ("Cederhout", "Cederhoutweg 4", "Zeldzame-diagnose-cederhout"),
    "200000007": ("Dorrestein", "Dorresteinkade 5"),
    "200000019": ("Eikenrode", "Eikenrodeplein 6"),
    "200000020": ("Fazantenhof", "Fazantenhoflaan 7", "Zeldzame-diagnose-fazantenhof"),
}


def client_values(bsn: str) -> dict:
    name, street, *_ = CLIENTS[bsn]
    return {"client_bsn": bsn, "client_initials": "X.", "client_last_name": name, "client_street": street}


@pytest.fixture
def world(user_a, staff):
    """A's applications of every kind, each for its own client, and a client from the register in the session."""
    user_a.organisation.profile = "volledig"  # Partnerverblijf too
    user_a.organisation.save(update_fields=["profile"])
    wlz = aanvraag_create(user=user_a, soort="wlz")
    aanvraag_concept_save(aanvraag=wlz, values=client_values("123456782"))
    submitted = submitted_aanvraag(user_a, **client_values("111222333"))
    decided = decided_wzd(user_a, staff, timezone.localdate() + timedelta(weeks=9), **client_values("100023757"))
    wzd = aanvraag_create(user=user_a, soort="wzd21")
    aanvraag_concept_save(aanvraag=wzd, values={**client_values("999999990"), "diagnose": CLIENTS["999999990"][2]})
    bijlage_add(aanvraag=wzd, user=user_a, soort="diagnose", upload=pdf_upload())
    combinatie = aanvraag_create(user=user_a, soort="wlz", combinatie=True)
    aanvraag_concept_save(
        aanvraag=combinatie, values={**client_values("200000020"), "diagnose": CLIENTS["200000020"][2]}
    )
    partner = aanvraag_create(user=user_a, soort="partnerverblijf")
    aanvraag_concept_save(aanvraag=partner, values=client_values("200000007"))
    register = "200000019"
    Client.objects.create(
        bsn=register, initials="E.", last_name=CLIENTS[register][0], date_of_birth=date(1938, 3, 12), sex="M",
        street=CLIENTS[register][1], postcode="1234 AB", city="Utrecht",
    )  # fmt: skip
    for kind in ConsentKind.values:
        consent_record(
            user=user_a, bsn=register, kind=kind, given_by=ConsentGivenBy.CLIENT, signed_on=date(2026, 1, 5),
            archive_reference="A-1",
        )  # fmt: skip
    client_data_access(user=user_a, bsn=register, action=AccessAction.NAW_INZIEN)  # the log has a row
    return {"user": user_a, "applications": [wlz, submitted, decided, wzd, combinatie, partner], "register": register}


def shown(response) -> set[str]:
    if response.streaming or "html" not in response.get("Content-Type", ""):
        return set()
    text = response.content.decode("utf-8", errors="replace")
    return {bsn for bsn, markers in CLIENTS.items() if any(marker in text for marker in markers)}


def rows_since(last_pk: int) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(pk__gt=last_pk).select_related("consent"))


def last_pk() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def assert_nen_7513_row(row: AccessLogEntry, user) -> None:
    """The 7 fields. The organisation is the user's (CIZ staff belong to none); the consent is the one the access
    needed, and empty only for actions that need none (an organisation's own application, CIZ staff)."""
    assert row.user == user  # who
    assert row.organisation_id == user.organisation_id  # for which organisation
    assert row.at is not None  # when
    assert row.client_bsn  # which client
    assert row.action in AccessAction.values  # what
    if row.action in ACTION_CONSENT:  # under which consent
        assert row.consent is not None and row.consent.kind == ACTION_CONSENT[row.action]
    assert row.ip_address == ADDRESS  # from which address


def fillings(route: str, world) -> list[str]:
    """The route with its parameters filled by A's own records: every application, every step, every consent."""
    if "<" not in route:
        return ["/" + route]
    urls = []
    for aanvraag in world["applications"] if "<int:pk>" in route else [None]:
        steps = [step.slug for step in flow_for(aanvraag).steps] if "<slug:step>" in route else [None]
        bijlagen = list(aanvraag.bijlagen.all()) if "<int:bijlage_pk>" in route else [None]
        kinds = ConsentKind.values if "<slug:kind>" in route else [None]
        for step in steps:
            for bijlage in bijlagen:
                for kind in kinds:
                    url = route.replace("<int:pk>", str(getattr(aanvraag, "pk", "")))
                    url = url.replace("<slug:step>", step or "").replace("<slug:kind>", kind or "")
                    url = url.replace("<int:bijlage_pk>", str(getattr(bijlage, "pk", "")))
                    url = url.replace("<str:username>", world["user"].username)
                    url = url.replace("<int:import_id>", "0")  # an account import holds no client data
                    if "<" in url:
                        pytest.fail(f"This test does not know how to fill {route!r}: teach fillings().")
                    urls.append("/" + url)
    return urls


def test_every_page_of_the_sites_that_shows_a_client_logs_that_client(client, user_a, world):
    http = login_client(client, user_a)
    session = http.session
    session[SESSION_BSN] = world["register"]
    session.save()
    checked, missing = set(), []
    for name, route in walk(get_resolver()):
        if route.startswith("admin/") or name in PUBLIC or name.endswith("logout"):
            continue
        for url in fillings(route, world):
            before = last_pk()
            response = http.get(url, REMOTE_ADDR=ADDRESS)
            rows = rows_since(before)
            for row in rows:
                assert_nen_7513_row(row, user_a)
            for bsn in shown(response):
                checked.add(name)
                if bsn not in {row.client_bsn for row in rows}:
                    missing.append((url, CLIENTS[bsn][0]))
    assert missing == [], missing
    # The walk did reach the pages with client data (else it proves nothing).
    for name in ("aanvragen:step", "aanvragen:review", "aanvragen:detail", "aanvragen:besluiten",
                 "aanvragen:client_detail"):  # fmt: skip
        assert name in checked, name


def holds_client_data(model) -> bool:
    return any(
        field.concrete and (field.name.endswith("bsn") or (field.is_relation and field.related_model is Client))
        for field in model._meta.get_fields()
    )


def client_admins():
    return [
        pytest.param(model, id=model._meta.label_lower) for model in admin.site._registry if holds_client_data(model)
    ]


@pytest.mark.parametrize("model", client_admins())
def test_every_admin_of_client_data_logs_through_the_one_mixin(model):
    assert isinstance(admin.site._registry[model], ClientAccessLogMixin)


@pytest.mark.parametrize("model", client_admins())
def test_every_admin_of_client_data_logs_each_client_it_shows(client, staff, world, model):
    http = login_client(client, staff)
    opts = model._meta
    before = last_pk()
    response = http.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    model_admin = response.context["cl"].model_admin
    listed = list(response.context["cl"].result_list)
    assert listed, f"{opts.label}: the list is empty, so this test proves nothing"
    expected = {bsn for obj in listed for bsn, _ in model_admin.clients_of(obj)}
    rows = rows_since(before)
    assert sorted(row.client_bsn for row in rows) == sorted(expected)  # one row per client shown
    for row in rows:
        assert_nen_7513_row(row, staff)
        assert row.action == AccessAction.CIZ_INZIEN

    record = listed[0]
    for view in ("change", "history", "delete"):  # the record, its history and the delete confirmation
        before = last_pk()
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[record.pk])
        response = http.get(url, REMOTE_ADDR=ADDRESS)
        if response.status_code == 403:  # the read-only admins have no delete page
            continue
        assert response.status_code == 200, (view, response.status_code)
        rows = rows_since(before)
        assert [row.client_bsn for row in rows] == [bsn for bsn, _ in model_admin.clients_of(record)], view
        for row in rows:
            assert_nen_7513_row(row, staff)
