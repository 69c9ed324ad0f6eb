"""Building blocks for application tests: valid data per step and a complete concept."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

STEP_DATA = {
    "aanvraag": {"wlz_type": "eerste_aanvraag", "urgent_reason": ""},
    "client": {
        "client_bsn": "111222333",
        "client_initials": "G.",
        "client_name_prefix": "",
        "client_last_name": "Smit",
        "client_date_of_birth": "1940-02-01",
        "client_sex": "V",
        "client_street": "Kastanjelaan 4",
        "client_postcode": "3511ab",
        "client_city": "Utrecht",
    },
    "aanvrager": {
        "heeft_wettelijk_vertegenwoordiger": "False",
        "aanvrager_rol": "client",
        "aanvrager_naam": "G. Smit",
        "aanvrager_telefoon": "030 123 4567",
        "aanvrager_straat": "Kastanjelaan 4",
        "aanvrager_postcode": "3511 AB",
        "aanvrager_plaats": "Utrecht",
        "contactpersoon_naam": "J. Smit",
        "contactpersoon_relatie": "kind",
        "contactpersoon_telefoon": "06 12345678",
    },
    "zorgvraag": {
        "grondslagen": ["02"],
        "diagnose": "Dementie van het Alzheimertype.",
        "diagnose_behandelaar_naam": "Dr. A. de Wit",
        "diagnose_behandelaar_functie": "Specialist ouderengeneeskunde",
        "diagnose_datum": "2025-12-01",
        "ziekteverloop": "Sinds twee jaar snel achteruit.",
        "prognose": "4",
        "voorkeur_client": "4",
        "opnamedatum": "",
        "machtiging_behandelaar": "False",
    },
}


def step_url(aanvraag, step):
    return reverse("aanvragen:step", args=[aanvraag.pk, step])


def post_step(http, aanvraag, step, overrides=None, concept=False):
    data = {**STEP_DATA[step], **(overrides or {})}
    if concept:
        data["concept"] = "1"
    return http.post(step_url(aanvraag, step), data)


def pdf_upload(name="diagnose.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def fill_complete(http, aanvraag):
    for step in STEP_DATA:
        response = post_step(http, aanvraag, step)
        assert response.status_code == 302, response.content.decode()[:3000]
    response = http.post(reverse("aanvragen:bijlagen", args=[aanvraag.pk]), {"soort": "diagnose", "file": pdf_upload()})
    assert response.status_code == 302


COMPLETE_VALUES = {
    "wlz_type": "eerste_aanvraag",
    "client_bsn": "111222333",
    "client_initials": "G.",
    "client_last_name": "Smit",
    "client_date_of_birth": date(1940, 2, 1),
    "client_sex": "V",
    "client_street": "Kastanjelaan 4",
    "client_postcode": "3511 AB",
    "client_city": "Utrecht",
    "heeft_wettelijk_vertegenwoordiger": False,
    "aanvrager_rol": "client",
    "aanvrager_naam": "G. Smit",
    "aanvrager_telefoon": "030 123 4567",
    "aanvrager_straat": "Kastanjelaan 4",
    "aanvrager_postcode": "3511 AB",
    "aanvrager_plaats": "Utrecht",
    "grondslagen": ["02"],
    "diagnose": "Dementie.",
    "diagnose_behandelaar_naam": "Dr. A. de Wit",
    "diagnose_behandelaar_functie": "Specialist ouderengeneeskunde",
    "diagnose_datum": date(2025, 12, 1),
    "ziekteverloop": "Achteruitgang.",
    "voorkeur_client": "4",
    "machtiging_behandelaar": False,
}


def submitted_aanvraag(user, **overrides):
    """A complete Wlz application submitted by `user` through the services."""
    from aanvragen import services

    aanvraag = services.aanvraag_create(user=user, soort="wlz")
    aanvraag = services.aanvraag_concept_save(aanvraag=aanvraag, values={**COMPLETE_VALUES, **overrides})
    services.bijlage_add(aanvraag=aanvraag, user=user, soort="diagnose", upload=pdf_upload())
    return services.aanvraag_submit(aanvraag_id=aanvraag.pk, user=user)
