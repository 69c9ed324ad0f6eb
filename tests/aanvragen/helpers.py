"""Building blocks for application tests: valid data per step and a complete concept."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse


def date_parts(name: str, iso: str) -> dict:
    """A date of birth as the page sends it: dag, maand and jaar in three boxes (portero.forms.DateOfBirthField)."""
    year, month, day = iso.split("-") if iso else ("", "", "")
    return {f"{name}_0": day.lstrip("0"), f"{name}_1": month.lstrip("0"), f"{name}_2": year}


def form_data(data: dict) -> dict:
    """Step data with each date of birth written 'jjjj-mm-dd' (as the tests write it) split into its three boxes."""
    data = dict(data)
    for name in ("client_date_of_birth", "partner_date_of_birth"):
        if name in data:
            data.update(date_parts(name, data.pop(name)))
    return data


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

STEP_DATA = {
    "aanvraag": {"wlz_type": "eerste_aanvraag", "urgent_reason": ""},
    "client": {
        "client_bsn": "111222333",
        "client_initials": "G.",
        "client_name_prefix": "",
        "client_last_name": "Smit",
        **date_parts("client_date_of_birth", "1940-02-01"),
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
    data = form_data({**STEP_DATA[step], **(overrides or {})})
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
    from aanvragen.services.aanvraag import aanvraag_concept_save, aanvraag_create, aanvraag_submit, bijlage_add

    aanvraag = aanvraag_create(user=user, soort="wlz")
    aanvraag = aanvraag_concept_save(aanvraag=aanvraag, values={**COMPLETE_VALUES, **overrides})
    bijlage_add(aanvraag=aanvraag, user=user, soort="diagnose", upload=pdf_upload())
    return aanvraag_submit(aanvraag_id=aanvraag.pk, user=user)


# --- Part 2: Wzd art. 21, the combination and Partnerverblijf ----------------------------------------------

AANVRAGER_DATA = {
    "aanvrager_naam": "J. Smit",
    "aanvrager_telefoon": "06 12345678",
    "aanvrager_straat": "Lindelaan 9",
    "aanvrager_postcode": "3512 CD",
    "aanvrager_plaats": "Utrecht",
}
WZD_STEP_DATA = {
    "client": STEP_DATA["client"],
    "aanvrager": {
        "verblijft_in_accommodatie": "True",
        "zorgplan_onvrijwillige_zorg": "False",
        "heeft_wettelijk_vertegenwoordiger": "False",
        "aanvrager_rol": "familielid",
        **AANVRAGER_DATA,
    },
    "artikel21": {
        "wzd_verlenging": "False",
        "instelling_naam": "De Linde",
        "instelling_locatie": "Lindelaan 1, Utrecht",
        "instelling_agb_code": "41001234",
        "wzd_gronden": "Cliënt kan niet meer thuis wonen en verzet zich niet tegen opname.",
        "diagnose": "Dementie van het Alzheimertype.",
        "beperkingen": "Desoriëntatie in tijd en plaats.",
    },
}
COMBINATIE_STEP_DATA = {
    "aanvraag": STEP_DATA["aanvraag"],
    "client": STEP_DATA["client"],
    "aanvrager": WZD_STEP_DATA["aanvrager"],
    "zorgvraag": {**STEP_DATA["zorgvraag"], "beperkingen": "Desoriëntatie in tijd en plaats."},
    "artikel21": {
        key: value for key, value in WZD_STEP_DATA["artikel21"].items() if key not in ("diagnose", "beperkingen")
    },
}
PARTNER_BSN = "123456782"
PARTNERVERBLIJF_STEP_DATA = {
    "partner": {
        "partner_bsn": PARTNER_BSN,
        "partner_initials": "H.",
        "partner_last_name": "Smit",
        **date_parts("partner_date_of_birth", "1939-05-05"),
        "partner_street": "Kastanjelaan 4",
        "partner_postcode": "3511ab",
        "partner_city": "Utrecht",
        "partner_relatie": "echtgenoot",
    },
    "client": {"client_bsn": "100023757"},  # Gerda Smit of the demo register: VV5 with verblijf
    "instelling": {
        "instelling_naam": "De Linde",
        "instelling_locatie": "Lindelaan 1, Utrecht",
        "instelling_agb_code": "41001234",
        "partnerverblijf_ingangsdatum": "2026-07-01",
    },
}


def post_flow_step(http, aanvraag, step_data, step, overrides=None, concept=False):
    data = form_data({**step_data[step], **(overrides or {})})
    if concept:
        data["concept"] = "1"
    return http.post(step_url(aanvraag, step), data)


def fill_flow(http, aanvraag, step_data, bijlagen=("diagnose",)):
    """Every step of `step_data` with 'Verder', then the attachments: a complete concept."""
    for step in step_data:
        response = post_flow_step(http, aanvraag, step_data, step)
        assert response.status_code == 302, response.content.decode()[:3000]
    for soort in bijlagen:
        response = http.post(reverse("aanvragen:bijlagen", args=[aanvraag.pk]), {"soort": soort, "file": pdf_upload()})
        assert response.status_code == 302


def consent_for(user, bsn, kind, signed_on=None):
    from django.utils import timezone

    from aanvragen.services.clients import consent_record

    return consent_record(
        user=user,
        bsn=bsn,
        kind=kind,
        given_by="client",
        signed_on=signed_on or timezone.localdate(),
        archive_reference=f"ARCH-{kind[:6]}",
    )


# A family member applies in WZD_STEP_DATA and WZD_COMPLETE_VALUES, and sends proof of representation with the
# diagnosis (rules.bijlagen_needed).
WZD_BIJLAGEN = ("diagnose", "bewijs_vertegenwoordiging")

WZD_COMPLETE_VALUES = {
    **{key: value for key, value in COMPLETE_VALUES.items() if key.startswith(("client_", "aanvrager_"))},
    "heeft_wettelijk_vertegenwoordiger": False,
    "verblijft_in_accommodatie": True,
    "zorgplan_onvrijwillige_zorg": False,
    "aanvrager_rol": "familielid",
    "wzd_verlenging": False,
    "instelling_naam": "De Linde",
    "instelling_locatie": "Lindelaan 1, Utrecht",
    "instelling_agb_code": "41001234",
    "wzd_gronden": "Kan niet meer thuis wonen.",
    "diagnose": "Dementie.",
    "beperkingen": "Desoriëntatie.",
}


def submitted_wzd(user, **overrides):
    """A complete Wzd art. 21 application submitted by `user` through the services."""
    from aanvragen.services.aanvraag import aanvraag_concept_save, aanvraag_create, aanvraag_submit, bijlage_add

    aanvraag = aanvraag_create(user=user, soort="wzd21")
    aanvraag = aanvraag_concept_save(aanvraag=aanvraag, values={**WZD_COMPLETE_VALUES, **overrides})
    for soort in WZD_BIJLAGEN:
        bijlage_add(aanvraag=aanvraag, user=user, soort=soort, upload=pdf_upload())
    return aanvraag_submit(aanvraag_id=aanvraag.pk, user=user)


def decided_wzd(user, staff, besluit_tot, **overrides):
    """A submitted art. 21 application that CIZ decided with verklaring 1 (aangewezen) up to `besluit_tot`."""
    from aanvragen.services.aanvraag import aanvraag_status_change

    aanvraag = submitted_wzd(user, **overrides)
    aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status="in_behandeling")
    return aanvraag_status_change(
        aanvraag_id=aanvraag.pk,
        user=staff,
        to_status="besluit_genomen",
        wzd_verklaring="1",
        wzd_besluit_tot=besluit_tot,
    )


def field_errors(response, field):
    """The Dutch errors shown next to `field` (the step page was shown again, with the error wired to the field)."""
    assert response.status_code == 200, response.status_code
    assert f'id="id_{field}_error"' in response.content.decode()
    return " ".join(response.context["form"].errors[field])
