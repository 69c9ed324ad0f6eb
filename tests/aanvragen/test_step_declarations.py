"""Each step is declared once (aanvragen.steps): its form has exactly the declared fields and fieldsets, and the
required fields the submit check uses are the declared ones, message for message and in the order the review page
lists them."""

import pytest
from django.utils.translation import gettext_lazy as _

from aanvragen import rules
from aanvragen.models import Aanvraag
from aanvragen.steps import FLOWS, flow_for

FORMER_CLIENT = {
    "client_bsn": _("Vul het BSN van de cliënt in."),
    "client_initials": _("Vul de voorletters van de cliënt in."),
    "client_last_name": _("Vul de achternaam van de cliënt in."),
    "client_date_of_birth": _("Vul de geboortedatum van de cliënt in."),
    "client_sex": _("Kies het geslacht van de cliënt."),
    "client_street": _("Vul de straat en het huisnummer van de cliënt in."),
    "client_postcode": _("Vul de postcode van de cliënt in."),
    "client_city": _("Vul de woonplaats van de cliënt in."),
}
FORMER_AANVRAGER = {
    "heeft_wettelijk_vertegenwoordiger": _("Geef aan of de cliënt een wettelijk vertegenwoordiger heeft."),
    "aanvrager_rol": _("Kies wie de aanvraag ondertekent."),
    "aanvrager_naam": _("Vul de naam van de aanvrager in."),
    "aanvrager_telefoon": _("Vul het telefoonnummer van de aanvrager in."),
    "aanvrager_straat": _("Vul het postadres van de aanvrager in."),
    "aanvrager_postcode": _("Vul de postcode van het postadres in."),
    "aanvrager_plaats": _("Vul de plaats van het postadres in."),
}
FORMER_WLZ = {
    "wlz_type": _("Kies of dit een eerste aanvraag of een herindicatie is."),
    **FORMER_CLIENT,
    **FORMER_AANVRAGER,
    "grondslagen": _("Kies ten minste één grondslag."),
    "diagnose": _("Beschrijf de diagnose."),
    "diagnose_behandelaar_naam": _("Vul de naam in van de behandelaar die de diagnose stelde."),
    "diagnose_behandelaar_functie": _("Vul de functie in van de behandelaar die de diagnose stelde."),
    "diagnose_datum": _("Vul de datum van de diagnose in."),
    "ziekteverloop": _("Beschrijf het ziekteverloop."),
    "voorkeur_client": _("Kies de zorgwens van de cliënt."),
    "machtiging_behandelaar": _("Geef aan of de cliënt het CIZ machtigt medische informatie op te vragen."),
}
FORMER_ARTIKEL_21 = {
    "verblijft_in_accommodatie": _("Geef aan of de cliënt al in een accommodatie verblijft."),
    "zorgplan_onvrijwillige_zorg": _("Geef aan of de cliënt een zorgplan met onvrijwillige zorg heeft."),
    "wzd_verlenging": _("Geef aan of dit een verlenging van een bestaand artikel 21-besluit is."),
    "instelling_naam": _("Vul de naam van de Wzd-accommodatie in."),
    "instelling_locatie": _("Vul de locatie van de accommodatie in."),
    "instelling_agb_code": _("Vul de AGB-code van de locatie in."),
    "wzd_gronden": _("Beschrijf de gronden voor de aanvraag."),
    "beperkingen": _("Beschrijf de relevante stoornissen en beperkingen."),
}
FORMER_WZD = {
    **FORMER_CLIENT,
    **FORMER_AANVRAGER,
    "aanvrager_rol": _("Kies wie de aanvraag doet."),
    **FORMER_ARTIKEL_21,
    "diagnose": _("Beschrijf de diagnose."),
}
FORMER_PARTNERVERBLIJF = {
    "partner_bsn": _("Vul het BSN van de partner in."),
    "partner_initials": _("Vul de voorletters van de partner in."),
    "partner_last_name": _("Vul de achternaam van de partner in."),
    "partner_date_of_birth": _("Vul de geboortedatum van de partner in."),
    "partner_street": _("Vul de straat en het huisnummer van de partner in."),
    "partner_postcode": _("Vul de postcode van de partner in."),
    "partner_city": _("Vul de woonplaats van de partner in."),
    "partner_relatie": _("Kies de relatie van de partner tot de cliënt."),
    "client_bsn": _("Vul het BSN van de cliënt in."),
    "instelling_naam": _("Vul de naam van de instelling in."),
    "instelling_locatie": _("Vul de locatie van de instelling in."),
    "instelling_agb_code": _("Vul de AGB-code van de locatie in."),
    "partnerverblijf_ingangsdatum": _("Vul de ingangsdatum van het partnerverblijf in."),
}


@pytest.mark.parametrize(
    "derived, former",
    [
        (rules.CLIENT_REQUIRED, FORMER_CLIENT),
        (rules.AANVRAGER_REQUIRED, FORMER_AANVRAGER),
        (rules.WLZ_REQUIRED, FORMER_WLZ),
        (rules.ARTIKEL_21_REQUIRED, FORMER_ARTIKEL_21),
        (rules.WZD_REQUIRED, FORMER_WZD),
        (rules.PARTNERVERBLIJF_REQUIRED, FORMER_PARTNERVERBLIJF),
    ],
)
def test_the_required_fields_and_their_messages_are_the_former_ones(derived, former):
    assert {name: str(message) for name, message in derived.items()} == {
        name: str(message) for name, message in former.items()
    }


FORMER_BY_TYPE = [
    (Aanvraag(soort="wlz"), FORMER_WLZ),
    (Aanvraag(soort="wzd21"), FORMER_WZD),
    (Aanvraag(soort="wlz", combinatie=True), {**FORMER_WLZ, **FORMER_ARTIKEL_21}),
    (Aanvraag(soort="partnerverblijf"), FORMER_PARTNERVERBLIJF),
]


@pytest.mark.parametrize("aanvraag, former", FORMER_BY_TYPE)
def test_each_step_lists_its_missing_fields_in_the_former_order(aanvraag, former):
    required = rules.aanvraag_required(aanvraag)
    assert {name: str(message) for name, message in required.items()} == {
        name: str(message) for name, message in former.items()
    }
    for step in flow_for(aanvraag).steps:
        if step.form is not None:
            fields = step.form.base_fields
            assert [name for name in required if name in fields] == [name for name in former if name in fields]


FORM_STEPS = [step for flow in FLOWS.values() for step in flow.steps if step.form is not None]


@pytest.mark.parametrize("step", FORM_STEPS, ids=lambda step: f"{step.flow}-{step.slug}")
def test_each_step_form_has_exactly_the_declared_fields_and_fieldsets(step):
    assert list(step.form.base_fields) == step.fields == list(step.form.Meta.fields)
    assert step.form.fieldsets == step.form_fieldsets
    assert len(set(step.fields)) == len(step.fields)
    assert set(step.required) <= set(step.fields)


def test_only_the_attachments_and_the_review_have_no_form():
    for flow in FLOWS.values():
        assert [(step.slug, step.template) for step in flow.steps if step.form is None] == [
            ("bijlagen", "aanvragen/bijlagen.html"),
            ("controleren", "aanvragen/review.html"),
        ]
