"""The Wzd-toets artikel 21-aanvraag: who may apply, the age rule, machtiging and renewal, submitting, and CIZ's
outcome with the WzdVerklaring codes (Wzd art. 21 and 22)."""

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from aanvragen.models import Aanvraag
from aanvragen.rules import aanvraag_errors
from aanvragen.services.aanvraag import (
    aanvraag_concept_save,
    aanvraag_create,
    aanvraag_status_change,
    wzd_besluit_max_tot,
)
from tests.aanvragen.helpers import (
    WZD_BIJLAGEN,
    WZD_STEP_DATA,
    decided_wzd,
    field_errors,
    fill_flow,
    pdf_upload,
    post_flow_step,
    step_url,
    submitted_wzd,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NEW = reverse("aanvragen:new")


@pytest.fixture
def wzd(user_a):
    return aanvraag_create(user=user_a, soort="wzd21")


def post(http, aanvraag, step, overrides=None, concept=False):
    return post_flow_step(http, aanvraag, WZD_STEP_DATA, step, overrides, concept)


# --- Kies aanvraag ------------------------------------------------------------------------------------------


def test_basis_profile_chooses_wzd_and_the_combination_and_nothing_is_coming_soon(http_a):
    page = http_a.get(NEW).content.decode()
    assert 'value="wzd21"' in page and 'value="combinatie"' in page and 'value="wlz"' in page
    assert "binnenkort" not in page
    assert 'value="partnerverblijf"' not in page


def test_choosing_wzd_opens_its_first_step(http_a, user_a):
    response = http_a.post(NEW, {"soort": "wzd21"})
    aanvraag = Aanvraag.objects.get()
    assert (aanvraag.soort, aanvraag.combinatie, aanvraag.created_by) == ("wzd21", False, user_a)
    assert response.url == step_url(aanvraag, "client")


def test_a_wlz_step_does_not_exist_in_the_wzd_form(http_a, wzd):
    assert http_a.get(step_url(wzd, "zorgvraag")).status_code == 404
    assert http_a.get(step_url(wzd, "artikel21")).status_code == 200


# --- Age: 12 or older on the application date ------------------------------------------------------------


@time_machine.travel("2026-06-01 10:00:00+02:00", tick=False)
def test_client_turning_12_today_may_be_admitted_but_not_the_day_before_the_birthday(http_a, wzd):
    assert post(http_a, wzd, "client", {"client_date_of_birth": "2014-06-01"}).status_code == 302
    response = post(http_a, wzd, "client", {"client_date_of_birth": "2014-06-02"})
    assert "12 jaar of ouder" in field_errors(response, "client_date_of_birth")
    wzd.refresh_from_db()
    assert wzd.client_date_of_birth == date(2014, 6, 1)  # the refused step stored nothing


def test_age_rule_is_checked_on_the_day_of_submitting(user_a):
    with time_machine.travel("2026-06-01 10:00:00+02:00", tick=False):
        aanvraag = aanvraag_create(user=user_a, soort="wzd21")
        aanvraag = aanvraag_concept_save(aanvraag=aanvraag, values={"client_date_of_birth": date(2014, 6, 2)})
        assert "client_date_of_birth" in aanvraag_errors(aanvraag, complete=False)
    assert "client_date_of_birth" not in aanvraag_errors(aanvraag, complete=False, today=date(2026, 6, 2))


# --- Who may apply (Wzd art. 22 lid 1) --------------------------------------------------------------------


def test_the_client_is_never_the_aanvrager_and_is_not_offered(http_a, wzd):
    post(http_a, wzd, "client")
    page = http_a.get(step_url(wzd, "aanvrager")).content.decode()
    assert 'value="client"' not in page and 'value="zorgaanbieder"' in page
    response = post(http_a, wzd, "aanvrager", {"aanvrager_rol": "client"})  # a hand-made POST
    assert "De cliënt kan een artikel 21-aanvraag nooit zelf doen." in field_errors(response, "aanvrager_rol")
    wzd.refresh_from_db()
    assert wzd.aanvrager_rol == ""


@pytest.mark.parametrize(
    "rol, verblijft, zorgplan, allowed",
    [
        ("zorgaanbieder", "True", "False", True),
        ("zorgaanbieder", "False", "True", False),
        ("zorgaanbieder", "False", "False", False),
        ("wzd_functionaris", "True", "False", True),
        ("wzd_functionaris", "False", "True", True),
        ("wzd_functionaris", "False", "False", False),
        ("partner", "False", "False", True),
        ("familielid", "False", "False", True),
        ("wettelijk_vertegenwoordiger", "False", "False", True),
    ],
)
def test_provider_and_wzd_functionaris_only_with_accommodation_or_care_plan(
    http_a, wzd, rol, verblijft, zorgplan, allowed
):
    post(http_a, wzd, "client")
    overrides = {"aanvrager_rol": rol, "verblijft_in_accommodatie": verblijft, "zorgplan_onvrijwillige_zorg": zorgplan}
    if rol == "wettelijk_vertegenwoordiger":
        overrides["heeft_wettelijk_vertegenwoordiger"] = "True"
    response = post(http_a, wzd, "aanvrager", overrides)
    if allowed:
        assert response.status_code == 302
    else:
        assert "mag de aanvraag alleen doen als de cliënt al in een accommodatie" in field_errors(
            response, "aanvrager_rol"
        )


def test_wzd_rules_at_service_level_without_a_form():
    aanvraag = Aanvraag(soort="wzd21", aanvrager_rol="zorgaanbieder", verblijft_in_accommodatie=False)
    assert "aanvrager_rol" in aanvraag_errors(aanvraag, complete=False)
    aanvraag.verblijft_in_accommodatie = True
    assert "aanvrager_rol" not in aanvraag_errors(aanvraag, complete=False)


def test_parent_with_authority_applies_only_for_a_minor(http_a, wzd):
    post(http_a, wzd, "client")  # born 1940
    response = post(http_a, wzd, "aanvrager", {"aanvrager_rol": "ouder_met_gezag"})
    assert "alleen voor een minderjarige" in field_errors(response, "aanvrager_rol")
    post(http_a, wzd, "client", {"client_date_of_birth": "2011-01-01"})
    assert post(http_a, wzd, "aanvrager", {"aanvrager_rol": "ouder_met_gezag"}).status_code == 302


# --- Machtiging -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "door, message",
    [
        ("", "Kies wie de gemachtigde heeft gemachtigd."),
        ("zorgaanbieder", "mogen niemand machtigen"),
        ("wzd_functionaris", "mogen niemand machtigen"),
        ("client", "Alleen de partner, de vertegenwoordiger of een meerderjarig familielid"),
    ],
)
def test_gemachtigde_needs_a_machtiging_by_family_partner_or_representative(http_a, wzd, door, message):
    post(http_a, wzd, "client")
    response = post(http_a, wzd, "aanvrager", {"aanvrager_rol": "gemachtigde", "wzd_machtiging_door": door})
    assert message in field_errors(response, "wzd_machtiging_door")


def test_gemachtigde_by_a_family_member_needs_the_machtiging_attachment(http_a, wzd):
    fill_flow(http_a, wzd, WZD_STEP_DATA, bijlagen=WZD_BIJLAGEN)
    post(http_a, wzd, "aanvrager", {"aanvrager_rol": "gemachtigde", "wzd_machtiging_door": "familielid"})
    page = http_a.post(reverse("aanvragen:review", args=[wzd.pk])).content.decode()
    assert "Voeg een bijlage toe van de soort &#x27;Machtigingsformulier&#x27;." in page
    assert Aanvraag.objects.get().status == "concept"


@pytest.mark.parametrize("rol", ["familielid", "partner"])
def test_a_family_applicant_sends_proof_of_representation_or_a_machtiging(http_a, wzd, rol):
    """Wzd art. 22: a family applicant of art. 21 adds proof of representation or a machtiging; either will do."""
    fill_flow(http_a, wzd, WZD_STEP_DATA, bijlagen=("diagnose",))
    post(http_a, wzd, "aanvrager", {"aanvrager_rol": rol})
    page = http_a.post(reverse("aanvragen:review", args=[wzd.pk])).content.decode()
    expected = (
        "Voeg een bijlage toe van de soort &#x27;Bewijs van vertegenwoordiging (uitspraak rechter, volmacht of "
        "levenstestament)&#x27; of &#x27;Machtigingsformulier&#x27;."
    )
    assert expected in page
    assert Aanvraag.objects.get().status == "concept"
    http_a.post(reverse("aanvragen:bijlagen", args=[wzd.pk]), {"soort": "machtiging", "file": pdf_upload()})
    assert http_a.post(reverse("aanvragen:review", args=[wzd.pk])).status_code == 302
    assert Aanvraag.objects.get().status == "ingediend"


def test_a_provider_applicant_needs_no_proof_of_representation(http_a, wzd):
    fill_flow(http_a, wzd, WZD_STEP_DATA, bijlagen=("diagnose",))
    post(http_a, wzd, "aanvrager", {"aanvrager_rol": "zorgaanbieder"})
    assert http_a.post(reverse("aanvragen:review", args=[wzd.pk])).status_code == 302


def test_machtiging_door_without_a_gemachtigde_is_refused(http_a, wzd):
    post(http_a, wzd, "client")
    response = post(http_a, wzd, "aanvrager", {"wzd_machtiging_door": "partner"})
    assert "alleen in als een gemachtigde" in field_errors(response, "wzd_machtiging_door")


# --- The art. 21 step: accommodation, grounds, renewal ----------------------------------------------------


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"instelling_agb_code": "4100123"}, "instelling_agb_code", "precies 8 cijfers"),
        ({"instelling_naam": ""}, "instelling_naam", "Vul de naam van de Wzd-accommodatie in."),
        ({"instelling_locatie": ""}, "instelling_locatie", "Vul de locatie van de accommodatie in."),
        ({"wzd_gronden": ""}, "wzd_gronden", "Beschrijf de gronden voor de aanvraag."),
        ({"diagnose": ""}, "diagnose", "Beschrijf de diagnose."),
        ({"beperkingen": ""}, "beperkingen", "Beschrijf de relevante stoornissen en beperkingen."),
        ({"wzd_verlenging": ""}, "wzd_verlenging", "Geef aan of dit een verlenging"),
        ({"wzd_verlenging": "True"}, "wzd_huidig_besluit_tot", "tot en met wanneer het huidige besluit"),
        ({"wzd_huidig_besluit_tot": "2026-09-01"}, "wzd_huidig_besluit_tot", "alleen in bij een verlenging"),
    ],
)
def test_artikel_21_step_rule_gives_a_dutch_error_next_to_its_field(http_a, wzd, overrides, field, message):
    response = post(http_a, wzd, "artikel21", overrides)
    assert message in field_errors(response, field)


def test_renewal_needs_a_client_who_already_stays_in_the_accommodation(http_a, wzd):
    post(http_a, wzd, "aanvrager", {"verblijft_in_accommodatie": "False"})
    response = post(http_a, wzd, "artikel21", {"wzd_verlenging": "True", "wzd_huidig_besluit_tot": "2026-12-31"})
    assert "Een verlenging kan alleen" in field_errors(response, "wzd_verlenging")


def test_renewal_with_the_current_decision_is_accepted(http_a, wzd):
    response = post(http_a, wzd, "artikel21", {"wzd_verlenging": "True", "wzd_huidig_besluit_tot": "2026-12-31"})
    assert response.status_code == 302
    wzd.refresh_from_db()
    assert (wzd.wzd_verlenging, wzd.wzd_huidig_besluit_tot) == (True, date(2026, 12, 31))


def test_care_plan_with_involuntary_care_needs_the_care_plan_attachment(http_a, wzd):
    fill_flow(http_a, wzd, WZD_STEP_DATA, bijlagen=WZD_BIJLAGEN)
    post(http_a, wzd, "aanvrager", {"zorgplan_onvrijwillige_zorg": "True"})
    page = http_a.post(reverse("aanvragen:review", args=[wzd.pk])).content.decode()
    assert "Voeg een bijlage toe van de soort &#x27;Zorgplan&#x27;." in page
    http_a.post(
        reverse("aanvragen:bijlagen", args=[wzd.pk]),
        {"soort": "zorgplan", "file": pdf_upload()},
    )
    assert http_a.post(reverse("aanvragen:review", args=[wzd.pk])).status_code == 302


# --- Concepts and submitting ------------------------------------------------------------------------------


def test_concept_keeps_a_half_filled_step_and_an_invalid_one_stores_nothing(http_a, wzd):
    assert post(http_a, wzd, "artikel21", {"wzd_gronden": "", "diagnose": ""}, concept=True).status_code == 302
    wzd.refresh_from_db()
    assert (wzd.instelling_naam, wzd.wzd_gronden) == ("De Linde", "")
    response = post(http_a, wzd, "artikel21", {"instelling_naam": "Anders", "instelling_agb_code": "12"}, concept=True)
    assert response.status_code == 200
    wzd.refresh_from_db()
    assert wzd.instelling_naam == "De Linde"


@time_machine.travel("2026-03-10 14:00:00+01:00", tick=False)
def test_complete_wzd_application_is_submitted_with_a_six_week_deadline_and_a_receipt(
    http_a, wzd, user_a, django_capture_on_commit_callbacks
):
    fill_flow(http_a, wzd, WZD_STEP_DATA, bijlagen=WZD_BIJLAGEN)
    review = http_a.get(reverse("aanvragen:review", args=[wzd.pk])).content.decode()
    assert "De aanvraag is nog niet compleet" not in review
    assert "Naam van de Wzd-accommodatie" in review and "41001234" in review
    with django_capture_on_commit_callbacks(execute=True):
        response = http_a.post(reverse("aanvragen:review", args=[wzd.pk]))
    assert response.url == reverse("aanvragen:receipt", args=[wzd.pk])
    wzd.refresh_from_db()
    assert wzd.reference == f"WZD-2026-{wzd.pk:06d}"
    assert wzd.deadline == date(2026, 4, 21)
    assert len(mail.outbox) == 1 and wzd.reference in mail.outbox[0].subject


def test_aanmelder_and_aanvrager_are_recorded_separately(http_a, wzd, user_a):
    fill_flow(http_a, wzd, WZD_STEP_DATA, bijlagen=WZD_BIJLAGEN)
    http_a.post(reverse("aanvragen:review", args=[wzd.pk]))
    wzd.refresh_from_db()
    assert (wzd.created_by, wzd.submitted_by) == (user_a, user_a)
    assert (wzd.aanvrager_rol, wzd.aanvrager_naam, wzd.aanvrager_straat) == ("familielid", "J. Smit", "Lindelaan 9")
    page = http_a.get(reverse("aanvragen:detail", args=[wzd.pk])).content.decode()
    assert "Aanmelder" in page and user_a.get_full_name() in page and "J. Smit" in page


def test_other_organisation_gets_404_on_the_wzd_steps(wzd, client_as, org_b):
    other = client_as(UserFactory(organisation=org_b))
    for step in ("client", "aanvrager", "artikel21"):
        assert other.get(step_url(wzd, step)).status_code == 404
        assert other.post(step_url(wzd, step), WZD_STEP_DATA[step]).status_code == 404
    assert Aanvraag.objects.get().client_bsn == ""


# --- CIZ records the outcome with the WzdVerklaring codes (COD127) -----------------------------------------


def test_admin_status_page_offers_the_wzd_verklaring_codes(user_a, staff, client_as):
    aanvraag = submitted_wzd(user_a)
    aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status="in_behandeling")
    page = client_as(staff).get(reverse("admin:aanvragen_aanvraag_status", args=[aanvraag.pk])).content.decode()
    for code in ("1", "2", "3", "4", "9"):
        assert f'<option value="{code}">{code} — ' in page


@time_machine.travel("2026-03-10 10:00:00+01:00", tick=False)
def test_admin_records_verklaring_1_with_a_validity_of_at_most_five_years(user_a, staff, client_as):
    aanvraag = submitted_wzd(user_a)
    aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status="in_behandeling")
    http = client_as(staff)
    url = reverse("admin:aanvragen_aanvraag_status", args=[aanvraag.pk])
    response = http.post(url, {"to_status": "besluit_genomen"})
    assert "Kies de Wzd-verklaring (COD127)." in response.content.decode()
    response = http.post(url, {"to_status": "besluit_genomen", "wzd_verklaring": "1"})
    assert "tot en met wanneer het artikel 21-besluit geldig is" in response.content.decode()
    response = http.post(url, {"to_status": "besluit_genomen", "wzd_verklaring": "1", "wzd_besluit_tot": "2031-03-10"})
    assert "hoogstens 5 jaar" in response.content.decode()
    assert Aanvraag.objects.get().status == "in_behandeling"
    response = http.post(url, {"to_status": "besluit_genomen", "wzd_verklaring": "1", "wzd_besluit_tot": "2031-03-09"})
    assert response.status_code == 302
    aanvraag.refresh_from_db()
    assert (aanvraag.wzd_verklaring, aanvraag.wzd_besluit_tot, aanvraag.besluit) == (
        "1",
        date(2031, 3, 9),
        "toegekend",
    )
    page = client_as(user_a).get(reverse("aanvragen:detail", args=[aanvraag.pk])).content.decode()
    assert "Opname en verblijf op grond van artikel 21 is aangewezen" in page and "9 maart 2031" in page


@pytest.mark.parametrize("code", ["2", "3", "4", "9"])
def test_verklaring_other_than_1_is_not_appropriate_and_has_no_validity(user_a, staff, code):
    aanvraag = submitted_wzd(user_a)
    aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status="in_behandeling")
    with pytest.raises(ValidationError) as error:
        aanvraag_status_change(
            aanvraag_id=aanvraag.pk,
            user=staff,
            to_status="besluit_genomen",
            wzd_verklaring=code,
            wzd_besluit_tot=date(2030, 1, 1),
        )
    assert "wzd_besluit_tot" in error.value.message_dict
    aanvraag = aanvraag_status_change(
        aanvraag_id=aanvraag.pk, user=staff, to_status="besluit_genomen", wzd_verklaring=code
    )
    assert (aanvraag.besluit, aanvraag.wzd_verklaring, aanvraag.wzd_besluit_tot) == ("afgewezen", code, None)


def test_a_wlz_application_gets_no_wzd_verklaring(user_a, staff):
    from tests.aanvragen.helpers import submitted_aanvraag

    aanvraag = submitted_aanvraag(user_a)
    aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status="in_behandeling")
    with pytest.raises(ValidationError) as error:
        aanvraag_status_change(
            aanvraag_id=aanvraag.pk,
            user=staff,
            to_status="besluit_genomen",
            besluit="toegekend",
            besluit_zorgprofiel="754",
            wzd_verklaring="1",
        )
    assert "wzd_verklaring" in error.value.message_dict


def test_database_refuses_a_validity_without_verklaring_1(user_a, staff):
    from django.db import IntegrityError, transaction

    aanvraag = decided_wzd(user_a, staff, date.today().replace(year=date.today().year + 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Aanvraag.objects.filter(pk=aanvraag.pk).update(wzd_verklaring="2")


def test_wzd_step_and_review_query_counts_are_bounded(http_a, wzd, django_assert_max_num_queries):
    fill_flow(http_a, wzd, WZD_STEP_DATA, bijlagen=WZD_BIJLAGEN)
    with django_assert_max_num_queries(8):
        assert http_a.get(step_url(wzd, "artikel21")).status_code == 200
    with django_assert_max_num_queries(12):
        assert http_a.get(reverse("aanvragen:review", args=[wzd.pk])).status_code == 200


@pytest.mark.parametrize(
    "decided, last_valid_day",
    [
        (date(2026, 3, 10), date(2031, 3, 9)),
        (date(2028, 2, 29), date(2033, 2, 28)),
        (date(2027, 1, 1), date(2031, 12, 31)),
    ],
)
def test_a_decision_lasts_at_most_five_years(decided, last_valid_day):
    assert wzd_besluit_max_tot(decided) == last_valid_day
