"""Partnerverblijf (profile Volledig only): the partner, the client's indication with verblijf checked against the
register under the 'Indicatie raadplegen' consent, the relation rules, and zorgprofiel 999 for the partner on a
positive decision (Wlz art. 3.1.2)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aanvragen.choices import ConsentKind
from aanvragen.demo import seed_demo_clients
from aanvragen.models import Aanvraag, AccessLogEntry, Bijlage, Client, Indicatie
from aanvragen.services.aanvraag import aanvraag_create, aanvraag_status_change
from tests.aanvragen.helpers import (
    PARTNER_BSN,
    PARTNERVERBLIJF_STEP_DATA,
    consent_for,
    field_errors,
    fill_flow,
    pdf_upload,
    post_flow_step,
    step_url,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NEW = reverse("aanvragen:new")
CLIENT_BSN = PARTNERVERBLIJF_STEP_DATA["client"]["client_bsn"]


@pytest.fixture(autouse=True)
def _register_and_contract(org_b):
    seed_demo_clients()
    type(org_b).objects.filter(pk=org_b.pk).update(contract_start=date(2020, 1, 1))


@pytest.fixture
def user_b(org_b):
    return UserFactory(organisation=org_b, username="gebruikerb")


@pytest.fixture
def http_b(client_as, user_b):
    return client_as(user_b)


@pytest.fixture
def pv(user_b):
    return aanvraag_create(user=user_b, soort="partnerverblijf")


@pytest.fixture
def consent(user_b):
    return consent_for(user_b, CLIENT_BSN, ConsentKind.INDICATIE_RAADPLEGEN)


def post(http, aanvraag, step, overrides=None, concept=False):
    return post_flow_step(http, aanvraag, PARTNERVERBLIJF_STEP_DATA, step, overrides, concept)


# --- Profile gating: Volledig only, refused server-side for Basis ----------------------------------------


def test_volledig_chooses_partnerverblijf_and_starts_with_the_partner(http_b):
    assert 'value="partnerverblijf"' in http_b.get(NEW).content.decode()
    response = http_b.post(NEW, {"soort": "partnerverblijf"})
    aanvraag = Aanvraag.objects.get()
    assert response.url == step_url(aanvraag, "partner")


def test_basis_hand_made_post_for_partnerverblijf_is_refused_and_stores_nothing(client_as, user_a):
    http = client_as(user_a)
    assert 'value="partnerverblijf"' not in http.get(NEW).content.decode()
    response = http.post(NEW, {"soort": "partnerverblijf"})
    assert response.status_code == 403
    assert "hoort niet bij het profiel van uw organisatie. Er is niets opgeslagen." in response.content.decode()
    assert not Aanvraag.objects.exists()
    assert not AccessLogEntry.objects.exists()


def test_concept_of_an_organisation_moved_to_basis_is_refused_on_every_step_and_on_submit(http_b, pv, org_b, consent):
    fill_flow(http_b, pv, PARTNERVERBLIJF_STEP_DATA, bijlagen=("partner_formulier",))
    before = Aanvraag.objects.values().get()
    type(org_b).objects.filter(pk=org_b.pk).update(profile="basis")
    for step in PARTNERVERBLIJF_STEP_DATA:
        response = post(http_b, pv, step, {"instelling_naam": "Anders", "partner_last_name": "Anders"})
        assert response.status_code == 403, step
    response = http_b.post(reverse("aanvragen:bijlagen", args=[pv.pk]), {"soort": "overig", "file": pdf_upload()})
    assert response.status_code == 403
    assert http_b.post(reverse("aanvragen:review", args=[pv.pk])).status_code == 403
    assert Aanvraag.objects.values().get() == before
    assert Bijlage.objects.count() == 1


def test_service_refuses_partnerverblijf_for_basis(user_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        aanvraag_create(user=user_a, soort="partnerverblijf")
    assert not Aanvraag.objects.exists()


# --- The partner and the relation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"partner_bsn": "123456789"}, "partner_bsn", "Vul een geldig BSN in"),
        ({"partner_bsn": ""}, "partner_bsn", "Vul het BSN van de partner in."),
        ({"partner_last_name": ""}, "partner_last_name", "Vul de achternaam van de partner in."),
        ({"partner_postcode": "12 AB"}, "partner_postcode", "Vul een postcode in als 1234 AB."),
        ({"partner_relatie": ""}, "partner_relatie", "Kies de relatie van de partner tot de cliënt."),
        ({"partner_relatie": "gedeelde_huishouding"}, "partner_verklaring", "ongehuwd"),
        (
            {
                "partner_relatie": "gedeelde_huishouding",
                "partner_verklaring": "on",
                "partner_date_of_birth": "2010-01-01",
            },
            "partner_date_of_birth",
            "meerderjarig",
        ),
        ({"partner_verklaring": "on"}, "partner_verklaring", "hoort alleen bij een gedeelde huishouding"),
    ],
)
def test_partner_rule_gives_a_dutch_error_next_to_its_field(http_b, pv, overrides, field, message):
    response = post(http_b, pv, "partner", overrides)
    assert message in field_errors(response, field)
    pv.refresh_from_db()
    assert pv.partner_bsn == ""


@pytest.mark.parametrize(
    "overrides",
    [
        {"partner_relatie": "echtgenoot"},
        {"partner_relatie": "geregistreerd_partner"},
        {"partner_relatie": "gedeelde_huishouding", "partner_verklaring": "on"},
    ],
)
def test_spouse_registered_partner_and_declared_shared_household_are_partners(http_b, pv, overrides):
    assert post(http_b, pv, "partner", overrides).status_code == 302
    pv.refresh_from_db()
    assert (pv.partner_bsn, pv.partner_postcode, pv.partner_relatie) == (
        PARTNER_BSN,
        "3511 AB",
        overrides["partner_relatie"],
    )


# --- The client's indication with verblijf, under the 'Indicatie raadplegen' consent ----------------------


def test_without_the_indicatie_raadplegen_consent_the_check_asks_for_it_and_stores_nothing(http_b, pv, user_b):
    consent_for(user_b, CLIENT_BSN, ConsentKind.INDICATIEGEGEVENS_OVERNEMEN)  # another kind does not count
    response = post(http_b, pv, "client")
    assert "toestemming 'Indicatie raadplegen' nodig" in field_errors(response, "client_bsn")
    consent_url = reverse("aanvragen:consent_create", args=["indicatie_raadplegen"])
    assert f'href="{consent_url}?next={step_url(pv, "client")}"' in response.content.decode()
    pv.refresh_from_db()
    assert pv.client_bsn == "" and not AccessLogEntry.objects.exists()


def test_client_with_a_current_indication_with_verblijf_passes_and_the_check_is_logged(http_b, pv, consent):
    assert post(http_b, pv, "client").status_code == 302
    pv.refresh_from_db()
    assert (pv.client_bsn, pv.client_indicatie_zorgprofiel) == (CLIENT_BSN, "754")
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.consent, entry.client_bsn) == ("indicatie_raadplegen", consent, CLIENT_BSN)


@pytest.mark.parametrize("bsn", ["100039595", "100174218", "111222333"])  # VPT, no indication, not in the register
def test_client_without_an_indication_with_verblijf_is_refused_but_the_lookup_is_logged(http_b, pv, user_b, bsn):
    consent_for(user_b, bsn, ConsentKind.INDICATIE_RAADPLEGEN)
    response = post(http_b, pv, "client", {"client_bsn": bsn})
    assert "geen geldige indicatie met verblijf in een instelling" in field_errors(response, "client_bsn")
    pv.refresh_from_db()
    assert pv.client_bsn == ""
    assert AccessLogEntry.objects.filter(client_bsn=bsn, action="indicatie_raadplegen").count() == 1


def test_an_ended_indication_with_verblijf_does_not_count(http_b, pv, consent):
    Indicatie.objects.filter(client__bsn=CLIENT_BSN).update(valid_to=date(2025, 1, 1))
    response = post(http_b, pv, "client")
    assert "geen geldige indicatie" in field_errors(response, "client_bsn")


def test_client_and_partner_cannot_be_the_same_person(http_b, pv, user_b):
    post(http_b, pv, "partner", {"partner_bsn": CLIENT_BSN})
    consent_for(user_b, CLIENT_BSN, ConsentKind.INDICATIE_RAADPLEGEN)
    response = post(http_b, pv, "client")
    assert "gelijk aan dat van de partner" in field_errors(response, "client_bsn")


def test_changing_the_client_in_a_concept_drops_the_earlier_check(http_b, pv, consent):
    post(http_b, pv, "client")
    post(http_b, pv, "client", {"client_bsn": "100039595"}, concept=True)
    pv.refresh_from_db()
    assert (pv.client_bsn, pv.client_indicatie_zorgprofiel) == ("100039595", "")
    page = http_b.get(reverse("aanvragen:review", args=[pv.pk])).content.decode()
    assert "De indicatie van de cliënt is nog niet gecontroleerd." in page


# --- Instelling, attachment, submitting --------------------------------------------------------------------


def test_instelling_needs_an_agb_code_and_a_start_date(http_b, pv):
    response = post(http_b, pv, "instelling", {"instelling_agb_code": "ABCDEFGH", "partnerverblijf_ingangsdatum": ""})
    assert "precies 8 cijfers" in field_errors(response, "instelling_agb_code")
    assert "ingangsdatum" in field_errors(response, "partnerverblijf_ingangsdatum")


def test_the_partners_signed_form_is_required_to_submit(http_b, pv, consent):
    fill_flow(http_b, pv, PARTNERVERBLIJF_STEP_DATA, bijlagen=())
    page = http_b.post(reverse("aanvragen:review", args=[pv.pk])).content.decode()
    assert "Door de partner ondertekend formulier" in page
    assert Aanvraag.objects.get().status == "concept"


def test_complete_partnerverblijf_is_submitted(http_b, pv, consent):
    fill_flow(http_b, pv, PARTNERVERBLIJF_STEP_DATA, bijlagen=("partner_formulier",))
    response = http_b.post(reverse("aanvragen:review", args=[pv.pk]))
    assert response.url == reverse("aanvragen:receipt", args=[pv.pk])
    pv.refresh_from_db()
    assert pv.status == "ingediend" and pv.reference.startswith("PV-")


# --- CIZ's decision: zorgprofiel 999 for the partner -----------------------------------------------------


@pytest.fixture
def submitted_pv(http_b, pv, consent, staff):
    fill_flow(http_b, pv, PARTNERVERBLIJF_STEP_DATA, bijlagen=("partner_formulier",))
    http_b.post(reverse("aanvragen:review", args=[pv.pk]))
    aanvraag_status_change(aanvraag_id=pv.pk, user=staff, to_status="in_behandeling")
    return pv


def test_positive_decision_in_the_admin_records_zzp0_999_for_the_partner(submitted_pv, staff, client_as):
    response = client_as(staff).post(
        reverse("admin:aanvragen_aanvraag_status", args=[submitted_pv.pk]),
        {"to_status": "besluit_genomen", "besluit": "toegekend"},
    )
    assert response.status_code == 302
    submitted_pv.refresh_from_db()
    assert (submitted_pv.besluit, submitted_pv.besluit_zorgprofiel) == ("toegekend", "999")
    partner = Client.objects.get(bsn=PARTNER_BSN)
    assert (partner.last_name, partner.postcode) == ("Smit", "3511 AB")
    indicatie = partner.indicaties.get()
    assert (indicatie.zorgprofiel, indicatie.leveringsvorm, indicatie.valid_from) == ("999", "4", date(2026, 7, 1))
    aanvraag_status_change(aanvraag_id=submitted_pv.pk, user=staff, to_status="afgesloten")
    assert partner.indicaties.count() == 1


def test_partnerverblijf_gets_no_other_zorgprofiel(submitted_pv, staff):
    with pytest.raises(ValidationError) as error:
        aanvraag_status_change(
            aanvraag_id=submitted_pv.pk,
            user=staff,
            to_status="besluit_genomen",
            besluit="toegekend",
            besluit_zorgprofiel="754",
        )
    assert "999" in error.value.message_dict["besluit_zorgprofiel"][0]
    assert not Client.objects.filter(bsn=PARTNER_BSN).exists()


def test_negative_decision_records_nothing_for_the_partner(submitted_pv, staff):
    aanvraag_status_change(aanvraag_id=submitted_pv.pk, user=staff, to_status="besluit_genomen", besluit="afgewezen")
    assert not Client.objects.filter(bsn=PARTNER_BSN).exists()


def test_other_organisation_gets_404_on_the_partnerverblijf_steps(pv, client_as, org_a):
    other = client_as(UserFactory(organisation=org_a))
    for step in PARTNERVERBLIJF_STEP_DATA:
        assert other.post(step_url(pv, step), PARTNERVERBLIJF_STEP_DATA[step]).status_code == 404
    assert Aanvraag.objects.get().partner_bsn == ""


def test_the_attachment_kinds_offered_belong_to_partnerverblijf(http_b, pv):
    page = http_b.get(reverse("aanvragen:bijlagen", args=[pv.pk])).content.decode()
    assert 'value="partner_formulier"' in page and 'value="diagnose"' not in page
    response = http_b.post(reverse("aanvragen:bijlagen", args=[pv.pk]), {"soort": "zorgplan", "file": pdf_upload()})
    assert "soort" in response.context["form"].errors
    assert not Bijlage.objects.exists()


def test_client_check_and_review_query_counts_are_bounded(http_b, pv, consent, django_assert_max_num_queries):
    fill_flow(http_b, pv, PARTNERVERBLIJF_STEP_DATA, bijlagen=("partner_formulier",))
    # A step's save (lock, full_clean's checks, update, savepoints) plus consent, indications and the log line.
    with django_assert_max_num_queries(30):
        assert post(http_b, pv, "client").status_code == 302
    with django_assert_max_num_queries(12):
        assert http_b.get(reverse("aanvragen:review", args=[pv.pk])).status_code == 200


def test_the_admin_page_of_a_partnerverblijf_shows_its_steps_and_logs_client_and_partner(
    submitted_pv, staff, client_as
):
    from aanvragen.models import AccessLogEntry

    http = client_as(staff)
    before = AccessLogEntry.objects.count()
    page = http.get(reverse("admin:aanvragen_aanvraag_change", args=[submitted_pv.pk])).content.decode()
    assert "Stap 1: Partner" in page and "Stap 3: Instelling en ingangsdatum" in page and "Zorgvraag" not in page
    logged = sorted(AccessLogEntry.objects.order_by("pk")[before:].values_list("client_bsn", flat=True))
    assert logged == sorted([CLIENT_BSN, PARTNER_BSN])
    response = http.get(reverse("admin:aanvragen_aanvraag_besluit", args=[submitted_pv.pk]))
    assert list(response.context["form"].fields) == ["besluit", "note"]
