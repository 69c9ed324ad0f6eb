"""The combination application: Wlz and art. 21 in one submission, the Wlz part first, with the family-signing
exception."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from aanvragen.models import Aanvraag, AanvraagStatusChange
from aanvragen.services.aanvraag import aanvraag_create, aanvraag_status_change
from aanvragen.steps import flow_for
from tests.aanvragen.helpers import (
    COMBINATIE_STEP_DATA,
    STEP_DATA,
    field_errors,
    fill_flow,
    pdf_upload,
    post_flow_step,
    step_url,
)

pytestmark = pytest.mark.django_db
NEW = reverse("aanvragen:new")


@pytest.fixture
def combi(user_a):
    return aanvraag_create(user=user_a, soort="wlz", combinatie=True)


def post(http, aanvraag, step, overrides=None, concept=False):
    return post_flow_step(http, aanvraag, COMBINATIE_STEP_DATA, step, overrides, concept)


def test_choosing_the_combination_starts_with_the_wlz_part_and_ends_with_art_21(http_a):
    response = http_a.post(NEW, {"soort": "combinatie"})
    aanvraag = Aanvraag.objects.get()
    assert (aanvraag.soort, aanvraag.combinatie) == ("wlz", True)
    assert response.url == step_url(aanvraag, "aanvraag")
    slugs = [step.slug for step in flow_for(aanvraag).steps]
    assert slugs == ["aanvraag", "client", "aanvrager", "zorgvraag", "artikel21", "bijlagen", "controleren"]
    page = http_a.get(step_url(aanvraag, "aanvraag")).content.decode()
    assert "Combinatie-aanvraag Wlz en Wzd artikel 21" in page and "Stap 1 van 7" in page


def test_a_plain_wlz_application_has_no_art_21_step(http_a, user_a):
    wlz = aanvraag_create(user=user_a, soort="wlz")
    assert http_a.get(step_url(wlz, "artikel21")).status_code == 404


# --- The family-signing exception ------------------------------------------------------------------------


@pytest.mark.parametrize("rol", ["partner", "familielid"])
def test_family_signs_a_first_wlz_application_combined_with_art_21_without_machtiging(http_a, combi, rol):
    post(http_a, combi, "aanvraag")
    post(http_a, combi, "client")
    assert post(http_a, combi, "aanvrager", {"aanvrager_rol": rol}).status_code == 302


@pytest.mark.parametrize("rol", ["partner", "familielid"])
def test_family_does_not_sign_a_plain_wlz_application_without_machtiging(http_a, user_a, rol):
    wlz = aanvraag_create(user=user_a, soort="wlz")
    post_flow_step(http_a, wlz, STEP_DATA, "client")
    response = post_flow_step(http_a, wlz, STEP_DATA, "aanvrager", {"aanvrager_rol": rol})
    assert "alleen met een machtiging van de cliënt" in field_errors(response, "aanvrager_rol")


def test_family_signs_a_herindicatie_only_when_the_client_already_has_a_wzd_decision(http_a, combi):
    post(http_a, combi, "aanvraag", {"wlz_type": "herindicatie", "huidig_zorgprofiel": "754"})
    post(http_a, combi, "client")
    assert post(http_a, combi, "aanvrager").status_code == 302  # the renewal is not answered yet
    response = post(http_a, combi, "artikel21", {"wzd_verlenging": "False"})
    assert "alleen als de cliënt al een Wzd-besluit heeft" in field_errors(response, "wzd_verlenging")
    combi.refresh_from_db()
    assert combi.wzd_verlenging is None
    Aanvraag.objects.filter(pk=combi.pk).update(wzd_verlenging=False)  # the renewal answered 'nee' in a concept
    response = post(http_a, combi, "aanvrager")
    assert "Bij een herindicatie ondertekent familie" in field_errors(response, "aanvrager_rol")
    response = post(http_a, combi, "artikel21", {"wzd_verlenging": "True", "wzd_huidig_besluit_tot": "2026-12-31"})
    assert response.status_code == 302


def test_the_client_cannot_be_the_aanvrager_of_a_combination(http_a, combi):
    post(http_a, combi, "client")
    response = post(http_a, combi, "aanvrager", {"aanvrager_rol": "client"})
    assert "nooit zelf doen" in field_errors(response, "aanvrager_rol")


def test_the_wlz_minor_rule_still_applies_in_a_combination(http_a, combi):
    post(http_a, combi, "client", {"client_date_of_birth": "2011-01-01"})
    response = post(http_a, combi, "aanvrager")
    assert "Een ouder met gezag of een voogd ondertekent de aanvraag." in field_errors(response, "aanvrager_rol")
    assert post(http_a, combi, "aanvrager", {"aanvrager_rol": "ouder_met_gezag"}).status_code == 302


def test_the_provider_as_aanvrager_needs_the_combination_machtiging(http_a, combi):
    fill_flow(http_a, combi, COMBINATIE_STEP_DATA)
    post(http_a, combi, "aanvrager", {"aanvrager_rol": "zorgaanbieder"})
    page = http_a.post(reverse("aanvragen:review", args=[combi.pk])).content.decode()
    assert "Aanvraag combinatie Wlz en besluit tot opname en verblijf" in page
    assert Aanvraag.objects.get().status == "concept"
    http_a.post(
        reverse("aanvragen:bijlagen", args=[combi.pk]), {"soort": "machtiging_combinatie", "file": pdf_upload()}
    )
    assert http_a.post(reverse("aanvragen:review", args=[combi.pk])).status_code == 302


def test_art_21_rules_need_the_limitations_from_the_wlz_part(http_a, combi):
    response = post(http_a, combi, "zorgvraag", {"beperkingen": ""})
    assert "Beschrijf de relevante stoornissen en beperkingen." in field_errors(response, "beperkingen")


# --- One submission -------------------------------------------------------------------------------------------


def test_combination_is_submitted_once_with_both_parts(http_a, combi, user_a, django_capture_on_commit_callbacks):
    fill_flow(http_a, combi, COMBINATIE_STEP_DATA)
    review = http_a.get(reverse("aanvragen:review", args=[combi.pk])).content.decode()
    assert "De aanvraag is nog niet compleet" not in review
    assert review.index("Zorgvraag") < review.index("Naam van de Wzd-accommodatie")
    with django_capture_on_commit_callbacks(execute=True):
        http_a.post(reverse("aanvragen:review", args=[combi.pk]))
        http_a.post(reverse("aanvragen:review", args=[combi.pk]))
    assert len(mail.outbox) == 1 and "combinatie-aanvraag" in mail.outbox[0].body
    combi.refresh_from_db()
    assert combi.reference == f"CMB-{combi.submitted_at.year}-{combi.pk:06d}"
    assert (Aanvraag.objects.count(), AanvraagStatusChange.objects.count()) == (1, 1)
    assert (combi.aanvrager_rol, combi.instelling_agb_code, combi.voorkeur_client) == ("familielid", "41001234", "4")


def test_ciz_records_both_the_wlz_besluit_and_the_wzd_verklaring(http_a, combi, staff):
    fill_flow(http_a, combi, COMBINATIE_STEP_DATA)
    http_a.post(reverse("aanvragen:review", args=[combi.pk]))
    aanvraag_status_change(aanvraag_id=combi.pk, user=staff, to_status="in_behandeling")
    with pytest.raises(ValidationError) as error:
        aanvraag_status_change(
            aanvraag_id=combi.pk,
            user=staff,
            to_status="besluit_genomen",
            besluit="toegekend",
            besluit_zorgprofiel="754",
        )
    assert "wzd_verklaring" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        aanvraag_status_change(aanvraag_id=combi.pk, user=staff, to_status="besluit_genomen", wzd_verklaring="4")
    assert "besluit" in error.value.message_dict
    aanvraag = aanvraag_status_change(
        aanvraag_id=combi.pk,
        user=staff,
        to_status="besluit_genomen",
        besluit="toegekend",
        besluit_zorgprofiel="754",
        wzd_verklaring="4",
    )
    assert (aanvraag.besluit, aanvraag.besluit_zorgprofiel, aanvraag.wzd_verklaring) == ("toegekend", "754", "4")
