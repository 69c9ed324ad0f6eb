"""'Cliënt zoeken': exact BSN only, three separate consents, every access in the NEN 7513 log."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from aanvragen.choices import AccessAction, AccessOutcome, ConsentGivenBy, ConsentKind
from aanvragen.demo import seed_demo_clients
from aanvragen.models import AccessLogEntry, ClientConsent
from aanvragen.services.clients import (
    ACTION_CONSENT,
    ConsentRequired,
    client_data_access,
    client_search,
    consent_record,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KNOWN = "100023757"  # Gerda Smit, with an indication (demo register)
UNKNOWN = "111222333"
SEARCH = reverse("aanvragen:client_search")
DETAIL = reverse("aanvragen:client_detail")


@pytest.fixture(autouse=True)
def register():
    seed_demo_clients()


def give_consent(user, bsn, kind, signed_on=None):
    return consent_record(
        user=user,
        bsn=bsn,
        kind=kind,
        given_by=ConsentGivenBy.CLIENT,
        signed_on=signed_on or date.today(),
        archive_reference="TOE-2026-001",
    )


def search(http, bsn):
    return http.post(SEARCH, {"bsn": bsn})


def test_search_page_explains_bsn_only(client_as, user_a):
    response = client_as(user_a).get(SEARCH)
    assert "alleen op het volledige BSN" in response.content.decode()


@pytest.mark.parametrize("raw", ["123456789", "Smit", "1234", "12-03-1938"])
def test_search_refuses_anything_but_a_valid_bsn_with_a_dutch_error(client_as, user_a, raw):
    response = search(client_as(user_a), raw)
    assert response.status_code == 200
    assert "Vul een geldig BSN in: 9 cijfers die voldoen aan de elfproef." in response.content.decode()
    assert not AccessLogEntry.objects.exists()


def test_search_with_eight_digits_adds_the_leading_zero(client_as, user_a):
    response = search(client_as(user_a), "12345672")
    assert response.status_code == 302
    assert AccessLogEntry.objects.get().client_bsn == "012345672"


def test_search_is_logged_the_same_for_found_and_not_found(client_as, user_a):
    http = client_as(user_a)
    search(http, KNOWN)
    search(http, UNKNOWN)
    found, not_found = AccessLogEntry.objects.order_by("pk")
    assert (found.action, found.outcome, found.consent) == (AccessAction.ZOEKEN, AccessOutcome.FOUND, None)
    assert (not_found.action, not_found.outcome) == (AccessAction.ZOEKEN, AccessOutcome.NOT_FOUND)
    for entry in (found, not_found):
        assert (entry.user, entry.organisation, entry.ip_address) == (user_a, user_a.organisation, "127.0.0.1")


def test_search_shows_no_client_data_without_consent(client_as, user_a):
    http = client_as(user_a)
    search(http, KNOWN)
    page = http.get(DETAIL).content.decode()
    assert "Smit" not in page and "Kastanjelaan" not in page and "5VV" not in page
    assert "Toestemming vastleggen voor NAW-gegevens inzien" in page
    assert "Toestemming vastleggen voor indicatie raadplegen" in page
    assert "Toestemming vastleggen voor indicatiegegevens overnemen" in page


def test_naw_consent_shows_naw_but_not_the_indication(client_as, user_a):
    give_consent(user_a, KNOWN, ConsentKind.NAW_INZIEN)
    http = client_as(user_a)
    search(http, KNOWN)
    page = http.get(DETAIL).content.decode()
    assert "G. Smit" in page and "Kastanjelaan 4" in page
    assert "5VV" not in page


def test_indicatie_consent_shows_the_indication_but_not_naw(client_as, user_a):
    give_consent(user_a, KNOWN, ConsentKind.INDICATIE_RAADPLEGEN)
    http = client_as(user_a)
    search(http, KNOWN)
    page = http.get(DETAIL).content.decode()
    assert "5VV beschermd wonen" in page
    assert "Kastanjelaan" not in page


def test_overnemen_consent_shows_neither_naw_nor_indication(client_as, user_a):
    give_consent(user_a, KNOWN, ConsentKind.INDICATIEGEGEVENS_OVERNEMEN)
    http = client_as(user_a)
    search(http, KNOWN)
    page = http.get(DETAIL).content.decode()
    assert "Kastanjelaan" not in page and "5VV" not in page
    assert "U heeft toestemming om de gegevens van deze cliënt over te nemen" in page


def test_consent_form_records_who_when_and_archive_reference(client_as, user_a):
    http = client_as(user_a)
    search(http, KNOWN)
    url = reverse("aanvragen:consent_create", args=[ConsentKind.NAW_INZIEN])
    response = http.post(
        url,
        {
            "statement": "on",
            "given_by": ConsentGivenBy.WETTELIJK_VERTEGENWOORDIGER,
            "signed_on": "2026-01-05",
            "archive_reference": " DOS-77 ",
        },
    )
    assert response.status_code == 302 and response.url == DETAIL
    consent = ClientConsent.objects.get()
    assert (consent.organisation, consent.client_bsn, consent.kind) == (user_a.organisation, KNOWN, "naw_inzien")
    assert (consent.given_by, consent.archive_reference, consent.recorded_by) == (
        "wettelijk_vertegenwoordiger",
        "DOS-77",
        user_a,
    )


@time_machine.travel("2026-05-01 12:00:00+02:00", tick=False)
def test_consent_form_errors_are_dutch_and_next_to_their_fields(client_as, user_a):
    http = client_as(user_a)
    search(http, KNOWN)
    url = reverse("aanvragen:consent_create", args=[ConsentKind.INDICATIE_RAADPLEGEN])
    page = http.post(url, {"signed_on": "2026-05-02"}).content.decode()
    assert "Vink de verklaring aan om verder te gaan." in page
    assert "Kies wie de toestemming heeft gegeven." in page
    assert "Deze datum mag niet in de toekomst liggen." in page
    assert "Vul het kenmerk in waaronder u het formulier bewaart." in page
    assert 'id="id_signed_on_error"' in page
    assert not ClientConsent.objects.exists()


@time_machine.travel("2026-05-01 12:00:00+02:00", tick=False)
def test_consent_older_than_the_period_cannot_be_recorded(client_as, user_a):
    http = client_as(user_a)
    search(http, KNOWN)
    url = reverse("aanvragen:consent_create", args=[ConsentKind.NAW_INZIEN])
    data = {"statement": "on", "given_by": "client", "archive_reference": "X", "signed_on": "2025-04-30"}
    assert "ouder dan 365 dagen" in http.post(url, data).content.decode()
    data["signed_on"] = "2025-05-01"
    assert http.post(url, data).status_code == 302


def test_consent_is_reused_within_the_period_and_not_after(client_as, user_a, settings):
    with time_machine.travel("2026-01-10 09:00:00+01:00", tick=False):
        give_consent(user_a, KNOWN, ConsentKind.NAW_INZIEN, signed_on=date(2026, 1, 10))
    with time_machine.travel("2027-01-10 23:59:00+01:00", tick=False):  # day 365: still valid
        http = client_as(user_a)
        search(http, KNOWN)
        assert "Kastanjelaan" in http.get(DETAIL).content.decode()
    with time_machine.travel("2027-01-11 00:00:00+01:00", tick=False):  # day 366: expired
        http = client_as(user_a)
        search(http, KNOWN)
        page = http.get(DETAIL).content.decode()
        assert "Kastanjelaan" not in page
        assert "Toestemming vastleggen voor NAW-gegevens inzien" in page


def test_consent_belongs_to_the_organisation_not_shared_with_another(client_as, user_a, org_b):
    give_consent(user_a, KNOWN, ConsentKind.NAW_INZIEN)
    user_b = UserFactory(organisation=org_b)
    http = client_as(user_b)
    search(http, KNOWN)
    assert "Kastanjelaan" not in http.get(DETAIL).content.decode()


def test_consent_is_reused_by_a_colleague_in_the_same_organisation(client_as, user_a, org_a):
    give_consent(user_a, KNOWN, ConsentKind.NAW_INZIEN)
    colleague = UserFactory(organisation=org_a)
    http = client_as(colleague)
    search(http, KNOWN)
    assert "Kastanjelaan" in http.get(DETAIL).content.decode()
    assert AccessLogEntry.objects.filter(user=colleague, action=AccessAction.NAW_INZIEN).count() == 1


def test_every_view_of_client_data_writes_an_access_log_entry(client_as, user_a):
    naw = give_consent(user_a, KNOWN, ConsentKind.NAW_INZIEN)
    indicatie = give_consent(user_a, KNOWN, ConsentKind.INDICATIE_RAADPLEGEN)
    http = client_as(user_a)
    search(http, KNOWN)
    http.get(DETAIL)
    http.get(DETAIL)
    entries = list(AccessLogEntry.objects.order_by("pk").values_list("action", "consent_id", "client_bsn", "outcome"))
    assert entries == [
        ("zoeken", None, KNOWN, "gevonden"),
        ("naw_inzien", naw.pk, KNOWN, "gevonden"),
        ("indicatie_raadplegen", indicatie.pk, KNOWN, "gevonden"),
        ("naw_inzien", naw.pk, KNOWN, "gevonden"),
        ("indicatie_raadplegen", indicatie.pk, KNOWN, "gevonden"),
    ]


@pytest.mark.parametrize("action", [AccessAction.NAW_INZIEN, AccessAction.INDICATIE_RAADPLEGEN])
def test_found_and_not_found_cost_the_same_queries(user_a, django_assert_num_queries, action):
    kind = ACTION_CONSENT[action]
    give_consent(user_a, KNOWN, kind)
    give_consent(user_a, UNKNOWN, kind)
    # savepoint, consent, one read, log insert, release
    with django_assert_num_queries(5):
        assert client_data_access(user=user_a, bsn=KNOWN, action=action).found
    with django_assert_num_queries(5):
        assert not client_data_access(user=user_a, bsn=UNKNOWN, action=action).found
    outcomes = list(AccessLogEntry.objects.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == ["gevonden", "niet_gevonden"]


def test_search_costs_the_same_queries_found_or_not(user_a, django_assert_num_queries):
    with django_assert_num_queries(4):  # savepoint, exists, log insert, release
        client_search(user=user_a, bsn=KNOWN)
    with django_assert_num_queries(4):
        client_search(user=user_a, bsn=UNKNOWN)


def test_access_without_consent_is_refused_by_the_service(user_a):
    give_consent(user_a, KNOWN, ConsentKind.INDICATIE_RAADPLEGEN)
    with pytest.raises(ConsentRequired):
        client_data_access(user=user_a, bsn=KNOWN, action=AccessAction.NAW_INZIEN)
    assert not AccessLogEntry.objects.exists()


def test_detail_without_a_search_goes_back_to_the_search(client_as, user_a):
    assert client_as(user_a).get(DETAIL).url == SEARCH


@pytest.mark.parametrize("url", [SEARCH, DETAIL, reverse("aanvragen:consent_create", args=["naw_inzien"])])
def test_ciz_staff_without_organisation_get_a_clear_403(client_as, staff, url):
    response = client_as(staff).get(url)
    assert response.status_code == 403
    assert "Als CIZ-medewerker werkt u in het CIZ-beheer." in response.content.decode()


def test_no_name_search_exists_outside_the_admin(client_as, user_a):
    http = client_as(user_a)
    response = http.get(SEARCH, {"q": "Smit", "naam": "Smit"})
    assert "Smit" not in response.content.decode().replace('value="Smit"', "")
    assert not AccessLogEntry.objects.exists()


def test_empty_consent_form_shows_the_required_errors(client_as, user_a):
    http = client_as(user_a)
    search(http, KNOWN)
    response = http.post(reverse("aanvragen:consent_create", args=[ConsentKind.NAW_INZIEN]), {})
    assert response.context["form"].errors["statement"] == ["Vink de verklaring aan om verder te gaan."]


def test_empty_search_asks_for_the_bsn(client_as, user_a):
    response = client_as(user_a).post(SEARCH, {})
    assert response.context["form"].errors["bsn"] == ["Vul het BSN van de cliënt in."]
