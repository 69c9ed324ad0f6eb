"""The regular Wlz application: choosing, the steps and their rules, concepts, attachments, submitting."""

import re
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from aanvragen.choices import AanvraagStatus, ConsentKind
from aanvragen.demo import seed_demo_clients
from aanvragen.models import Aanvraag, AanvraagStatusChange, AccessLogEntry, Bijlage
from aanvragen.services.aanvraag import aanvraag_create, aanvraag_submit, bijlage_download_name
from aanvragen.services.clients import consent_record
from tests.aanvragen.helpers import PDF, PNG, STEP_DATA, fill_complete, pdf_upload, post_step, step_url
from tests.conftest import password_step
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NEW = reverse("aanvragen:new")


@pytest.fixture
def concept(user_a):
    return aanvraag_create(user=user_a, soort="wlz")


def errors_of(response):
    return response.context["form"].errors


# --- Kies aanvraag and the profile gate -----------------------------------------------------------------


def test_kies_aanvraag_offers_the_profile_types_and_explains_bijzondere_omstandigheden(http_a):
    page = http_a.get(NEW).content.decode()
    assert "Reguliere Wlz-aanvraag" in page
    assert "Partnerverblijf" not in page
    assert "Bij bijzondere omstandigheden beslist het CIZ binnen 2 weken" in page


def test_volledig_profile_sees_partnerverblijf(client_as, org_b):
    page = client_as(UserFactory(organisation=org_b)).get(NEW).content.decode()
    assert "Partnerverblijf" in page


def test_choosing_wlz_creates_a_concept_and_opens_the_first_step(http_a, user_a):
    response = http_a.post(NEW, {"soort": "wlz"})
    aanvraag = Aanvraag.objects.get()
    assert (aanvraag.status, aanvraag.soort, aanvraag.created_by) == ("concept", "wlz", user_a)
    assert response.url == step_url(aanvraag, "aanvraag")


def test_basis_profile_cannot_start_partnerverblijf_with_a_hand_made_post(http_a):
    assert http_a.post(NEW, {"soort": "partnerverblijf"}).status_code == 403
    assert not Aanvraag.objects.exists()


def test_service_refuses_a_type_outside_the_profile(user_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        aanvraag_create(user=user_a, soort="partnerverblijf")


def test_submit_refuses_a_concept_whose_type_left_the_profile(http_a, concept, user_a):
    fill_complete(http_a, concept)
    Aanvraag.objects.filter(pk=concept.pk).update(soort="partnerverblijf")
    assert http_a.post(reverse("aanvragen:review", args=[concept.pk])).status_code == 403
    assert Aanvraag.objects.get().status == "concept"


# --- Step rules: each a Dutch error next to its field --------------------------------------------------


@pytest.mark.parametrize(
    "step, overrides, field, message",
    [
        ("client", {"client_bsn": "123456789"}, "client_bsn", "Vul een geldig BSN in"),
        ("client", {"client_bsn": ""}, "client_bsn", "Vul het BSN van de cliënt in."),
        ("client", {"client_postcode": "123 AB"}, "client_postcode", "Vul een postcode in als 1234 AB."),
        ("client", {"client_date_of_birth": "2030-01-01"}, "client_date_of_birth", "niet in de toekomst"),
        ("aanvraag", {"urgent": "on", "urgent_reason": ""}, "urgent_reason", "bijzondere omstandigheden"),
        ("aanvraag", {"wlz_type": "herindicatie"}, "huidig_zorgprofiel", "huidige zorgprofiel"),
        ("aanvrager", {"aanvrager_postcode": "AB 1234"}, "aanvrager_postcode", "Vul een postcode in als 1234 AB."),
        ("aanvrager", {"contactpersoon_relatie": ""}, "contactpersoon_relatie", "Kies de relatie"),
        (
            "aanvrager",
            {"heeft_wettelijk_vertegenwoordiger": "True", "aanvrager_rol": "client"},
            "aanvrager_rol",
            "Die ondertekent de aanvraag, niet de cliënt.",
        ),
        ("aanvrager", {"aanvrager_rol": "voogd"}, "aanvrager_rol", "alleen voor een minderjarige"),
        ("zorgvraag", {"diagnose_datum": "2030-01-01"}, "diagnose_datum", "niet in de toekomst"),
        ("zorgvraag", {"diagnose_datum": ""}, "diagnose_datum", "Vul de datum van de diagnose in."),
        ("zorgvraag", {"diagnose_behandelaar_naam": ""}, "diagnose_behandelaar_naam", "die de diagnose stelde"),
        ("zorgvraag", {"ziekteverloop": ""}, "ziekteverloop", "Beschrijf het ziekteverloop."),
        ("zorgvraag", {"grondslagen": []}, "grondslagen", "Kies ten minste één grondslag."),
        (
            "zorgvraag",
            {"machtiging_behandelaar": "True", "behandelaar_naam": ""},
            "behandelaar_naam",
            "de cliënt geeft een machtiging",
        ),
        (
            "zorgvraag",
            {"machtiging_behandelaar": "True", "behandelaar_functie": ""},
            "behandelaar_functie",
            "de cliënt geeft een machtiging",
        ),
        (
            "zorgvraag",
            {"voorkeur_client": "7", "opnamedatum": "2026-01-01"},
            "opnamedatum",
            "vult u alleen in bij verblijf",
        ),
    ],
)
def test_step_rule_gives_a_dutch_error_next_to_its_field(http_a, concept, step, overrides, field, message):
    post_step(http_a, concept, "client")  # an adult client, so the signing rules have a birth date
    response = post_step(http_a, concept, step, overrides)
    assert response.status_code == 200
    assert any(message in error for error in errors_of(response)[field]), errors_of(response)
    assert f'id="id_{field}_error"' in response.content.decode()


def test_minor_with_the_client_as_signer_is_refused(http_a, concept):
    post_step(http_a, concept, "client", {"client_date_of_birth": "2012-06-01"})
    response = post_step(http_a, concept, "aanvrager")
    assert "Een ouder met gezag of een voogd ondertekent de aanvraag." in errors_of(response)["aanvrager_rol"][0]


def test_minor_with_a_parent_with_authority_as_signer_is_accepted(http_a, concept):
    post_step(http_a, concept, "client", {"client_date_of_birth": "2012-06-01"})
    assert post_step(http_a, concept, "aanvrager", {"aanvrager_rol": "ouder_met_gezag"}).status_code == 302


@time_machine.travel("2026-06-01 10:00:00+02:00", tick=False)
def test_client_turning_18_today_may_sign_themselves(client_as, user_a):
    http = client_as(user_a)
    aanvraag = aanvraag_create(user=user_a, soort="wlz")
    post_step(http, aanvraag, "client", {"client_date_of_birth": "2008-06-01"})
    assert post_step(http, aanvraag, "aanvrager").status_code == 302
    post_step(http, aanvraag, "client", {"client_date_of_birth": "2008-06-02"})
    assert post_step(http, aanvraag, "aanvrager").status_code == 200


def test_authorised_behandelaar_with_name_and_function_is_accepted(http_a, concept):
    overrides = {"machtiging_behandelaar": "True", "behandelaar_naam": "Dr. B", "behandelaar_functie": "Huisarts"}
    assert post_step(http_a, concept, "zorgvraag", overrides).status_code == 302
    concept.refresh_from_db()
    assert (concept.machtiging_behandelaar, concept.behandelaar_naam) == (True, "Dr. B")


def test_valid_step_saves_and_goes_to_the_next(http_a, concept):
    response = post_step(http_a, concept, "client")
    assert response.url == step_url(concept, "aanvrager")
    concept.refresh_from_db()
    assert (concept.client_bsn, concept.client_postcode) == ("111222333", "3511 AB")


# --- Concepts ---------------------------------------------------------------------------------------------


def test_concept_saves_a_half_filled_step_without_required_errors(http_a, concept):
    response = post_step(http_a, concept, "client", {"client_last_name": "", "client_city": ""}, concept=True)
    assert response.url == reverse("aanvragen:list")
    concept.refresh_from_db()
    assert (concept.client_bsn, concept.client_last_name) == ("111222333", "")


def test_concept_does_not_save_invalid_data(http_a, concept):
    response = post_step(http_a, concept, "client", {"client_bsn": "123456789"}, concept=True)
    assert response.status_code == 200
    concept.refresh_from_db()
    assert concept.client_bsn == ""


def test_concept_is_resumed_from_the_list(http_a, concept):
    post_step(http_a, concept, "client", concept=True)
    page = http_a.get(reverse("aanvragen:list")).content.decode()
    assert reverse("aanvragen:detail", args=[concept.pk]) in page
    detail = http_a.get(reverse("aanvragen:detail", args=[concept.pk])).content.decode()
    assert "Verder met concept" in detail
    assert 'value="111222333"' in http_a.get(step_url(concept, "client")).content.decode()


# --- Taking over client data needs the 'overnemen' consent ---------------------------------------------


def test_taking_over_without_consent_asks_for_the_overnemen_consent(http_a, concept):
    seed_demo_clients()
    response = http_a.post(step_url(concept, "client"), {"client_bsn": "100023757", "overnemen": "1"})
    assert response.url.startswith(reverse("aanvragen:consent_create", args=["indicatiegegevens_overnemen"]))
    concept.refresh_from_db()
    assert concept.client_last_name == ""
    assert not AccessLogEntry.objects.exists()


def test_naw_consent_does_not_allow_taking_over(http_a, concept, user_a):
    seed_demo_clients()
    consent_record(
        user=user_a,
        bsn="100023757",
        kind=ConsentKind.NAW_INZIEN,
        given_by="client",
        signed_on=concept.created_at.date(),
        archive_reference="A1",
    )
    response = http_a.post(step_url(concept, "client"), {"client_bsn": "100023757", "overnemen": "1"})
    assert "toestemming" in response.url
    concept.refresh_from_db()
    assert concept.client_last_name == ""


def test_taking_over_with_consent_fills_the_client_and_is_logged(http_a, concept, user_a):
    seed_demo_clients()
    consent = consent_record(
        user=user_a,
        bsn="100023757",
        kind=ConsentKind.INDICATIEGEGEVENS_OVERNEMEN,
        given_by="client",
        signed_on=concept.created_at.date(),
        archive_reference="A2",
    )
    http_a.post(step_url(concept, "client"), {"client_bsn": "100023757", "overnemen": "1"})
    concept.refresh_from_db()
    assert (concept.client_last_name, concept.client_city, concept.client_taken_over) == ("Smit", "Utrecht", True)
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.consent, entry.outcome) == ("indicatiegegevens_overnemen", consent, "gevonden")


# --- Attachments ----------------------------------------------------------------------------------------


def test_pdf_png_and_jpeg_are_accepted_by_content(http_a, concept, _private_media):
    url = reverse("aanvragen:bijlagen", args=[concept.pk])
    for name, content in (("a.pdf", PDF), ("b.png", PNG), ("c.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20)):
        assert http_a.post(url, {"soort": "overig", "file": pdf_upload(name, content)}).status_code == 302
    assert sorted(Bijlage.objects.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/jpeg",
        "image/png",
    ]
    # Stored under a random name in private media, never under the uploaded one (a fixed substring test of the
    # path would fail whenever the random name happens to end in it, as 'c2011d…aa8baeea.pdf' does with 'a.pdf').
    for bijlage in Bijlage.objects.all():
        stored = Path(bijlage.file.path)
        assert stored.is_relative_to(_private_media)
        assert re.fullmatch(r"[0-9a-f]{32}\.(pdf|png|jpg)", stored.name), stored.name


def test_wrong_file_type_is_refused_even_with_a_pdf_name(http_a, concept):
    url = reverse("aanvragen:bijlagen", args=[concept.pk])
    response = http_a.post(url, {"soort": "diagnose", "file": pdf_upload("virus.pdf", b"MZ\x90\x00 not a pdf")})
    assert response.context["form"].errors["file"] == ["Voeg een PDF-, PNG- of JPEG-bestand toe."]
    assert 'id="id_file_error"' in response.content.decode()
    assert not Bijlage.objects.exists()


def test_too_large_file_is_refused(http_a, concept, settings):
    settings.PORTERO_ATTACHMENT_MAX_BYTES = 1024
    url = reverse("aanvragen:bijlagen", args=[concept.pk])
    response = http_a.post(url, {"soort": "diagnose", "file": pdf_upload(content=PDF + b"0" * 2000)})
    assert "te groot" in response.context["form"].errors["file"][0]


def test_attachment_is_downloaded_by_its_organisation_and_by_ciz_staff(http_a, concept, client_as, staff):
    fill_complete(http_a, concept)
    bijlage = Bijlage.objects.get()
    response = http_a.get(reverse("aanvragen:bijlage_download", args=[concept.pk, bijlage.pk]))
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    staff_http = client_as(staff)
    response = staff_http.get(reverse("admin:aanvragen_aanvraag_bijlage", args=[concept.pk, bijlage.pk]))
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    ("name", "content", "content_type", "served_as"),
    [
        ("report.html", PDF, "application/pdf", "report.pdf"),
        ("foto.svg", PNG, "image/png", "foto.png"),
        ("scan", b"\xff\xd8\xff\xe0" + b"0" * 20, "image/jpeg", "scan.jpg"),
        ("brief.pdf.html", PDF, "application/pdf", "brief.pdf.pdf"),
    ],
)
def test_an_attachment_is_stored_and_served_under_the_type_its_content_has(
    http_a, concept, client_as, staff, name, content, content_type, served_as
):
    """'report.html' starting with %PDF- is a PDF: stored as .pdf and served as application/pdf with a .pdf name,
    so no browser or desktop opens it as HTML. The name the user gave stays the text on the page."""
    url = reverse("aanvragen:bijlagen", args=[concept.pk])
    assert http_a.post(url, {"soort": "overig", "file": pdf_upload(name, content)}).status_code == 302
    bijlage = Bijlage.objects.get()
    assert bijlage.content_type == content_type and bijlage.original_name == name
    assert Path(bijlage.file.name).suffix == Path(served_as).suffix
    assert f">{name}</a>" in http_a.get(url).content.decode()  # the user's name, as text on the page
    organisation_download = http_a.get(reverse("aanvragen:bijlage_download", args=[concept.pk, bijlage.pk]))
    # http_a and client_as share one test client: staff log in last.
    staff_download = client_as(staff).get(reverse("admin:aanvragen_aanvraag_bijlage", args=[concept.pk, bijlage.pk]))
    for response in (organisation_download, staff_download):
        assert b"".join(response.streaming_content) == content
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == f'attachment; filename="{served_as}"'


@pytest.mark.parametrize(
    ("name", "content_type", "served_as"),
    [
        ('a"b;c\r\nSet-Cookie: x=1.html', "application/pdf", "a_b_c_Set-Cookie_x_1.pdf"),
        ("..\\..\\windows\\verslag.exe", "image/png", "verslag.png"),
        ("<img src=x onerror=alert(1)>.pdf", "application/pdf", "img_src_x_onerror_alert_1.pdf"),
        ("Cliënt Jansen — verslag.PDF", "image/jpeg", "Client_Jansen_verslag.jpg"),
        (".html", "application/pdf", "bijlage.pdf"),
        ("", "application/pdf", "bijlage.pdf"),
        ("x" * 300 + ".html", "application/pdf", "x" * 100 + ".pdf"),
    ],
)
def test_the_served_name_is_plain_ascii_with_the_detected_extension(name, content_type, served_as):
    assert bijlage_download_name(Bijlage(original_name=name, content_type=content_type)) == served_as


def test_an_odd_upload_name_comes_back_escaped_on_the_page_and_plain_in_the_header(http_a, concept):
    url = reverse("aanvragen:bijlagen", args=[concept.pk])
    name = "<img src=x onerror=alert(1)>.html"
    assert http_a.post(url, {"soort": "overig", "file": pdf_upload(name, PDF)}).status_code == 302
    bijlage = Bijlage.objects.get()
    page = http_a.get(url).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;.html" in page
    response = http_a.get(reverse("aanvragen:bijlage_download", args=[concept.pk, bijlage.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="img_src_x_onerror_alert_1.pdf"'


def test_attachment_has_no_public_url(concept, http_a):
    fill_complete(http_a, concept)
    with pytest.raises(ValueError):
        Bijlage.objects.get().file.url


# --- Submitting -------------------------------------------------------------------------------------------


@time_machine.travel("2026-03-10 14:00:00+01:00", tick=False)
def test_complete_application_is_submitted_with_reference_deadline_and_receipt_mail(
    client_as, user_a, org_a, django_capture_on_commit_callbacks
):
    type(org_a).objects.filter(pk=org_a.pk).update(contract_start="2025-01-01")
    http = client_as(user_a)
    aanvraag = aanvraag_create(user=user_a, soort="wlz")
    fill_complete(http, aanvraag)
    review = http.get(reverse("aanvragen:review", args=[aanvraag.pk])).content.decode()
    assert "Dementie van het Alzheimertype." in review and "De aanvraag is nog niet compleet" not in review
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(reverse("aanvragen:review", args=[aanvraag.pk]))
    assert response.url == reverse("aanvragen:receipt", args=[aanvraag.pk])
    aanvraag.refresh_from_db()
    assert aanvraag.status == AanvraagStatus.INGEDIEND
    assert aanvraag.reference == f"WLZ-2026-{aanvraag.pk:06d}"
    assert aanvraag.deadline.isoformat() == "2026-04-21"
    receipt = http.get(response.url).content.decode()
    assert aanvraag.reference in receipt
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user_a.email]
    assert aanvraag.reference in message.subject and aanvraag.reference in message.body
    assert "111222333" not in message.body + message.subject and "Smit" not in message.body


def test_submitting_twice_creates_one_application(http_a, concept, django_capture_on_commit_callbacks):
    fill_complete(http_a, concept)
    url = reverse("aanvragen:review", args=[concept.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = http_a.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        second = http_a.post(url)
    assert first.url == second.url == reverse("aanvragen:receipt", args=[concept.pk])
    assert Aanvraag.objects.count() == 1
    assert AanvraagStatusChange.objects.count() == 1
    assert len(mail.outbox) == 1


def test_submit_service_is_idempotent(http_a, concept, user_a):
    fill_complete(http_a, concept)
    first = aanvraag_submit(aanvraag_id=concept.pk, user=user_a)
    second = aanvraag_submit(aanvraag_id=concept.pk, user=user_a)
    assert first.reference == second.reference and first.submitted_at == second.submitted_at


def test_incomplete_application_is_not_submitted_and_says_what_is_missing(http_a, concept):
    post_step(http_a, concept, "client")
    response = http_a.post(reverse("aanvragen:review", args=[concept.pk]))
    page = response.content.decode()
    assert "De aanvraag is nog niet compleet" in page
    assert "Beschrijf het ziekteverloop." in page
    assert "Diagnose van de behandelaar" in page
    concept.refresh_from_db()
    assert concept.status == "concept" and concept.client_bsn == "111222333"


def test_gemachtigde_needs_a_machtiging_attachment(http_a, concept):
    fill_complete(http_a, concept)
    post_step(http_a, concept, "aanvrager", {"aanvrager_rol": "gemachtigde"})
    page = http_a.post(reverse("aanvragen:review", args=[concept.pk])).content.decode()
    assert "Machtigingsformulier" in page
    assert Aanvraag.objects.get().status == "concept"


@pytest.mark.parametrize("change", [{"is_suspended": True}, {"contract_end": "2020-01-01"}])
def test_suspended_or_ended_organisation_cannot_submit_and_keeps_its_data(
    http_a, concept, org_a, change, django_capture_on_commit_callbacks
):
    fill_complete(http_a, concept)
    type(org_a).objects.filter(pk=org_a.pk).update(**change)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = http_a.post(reverse("aanvragen:review", args=[concept.pk]))
    # the running session ended with the organisation's access (accounts.selectors.organisation_closed) ...
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")
    # ... and the service refuses too, with the reason, should a submission get that far
    with pytest.raises(ValidationError, match="U kunt daarom geen aanvragen indienen."):
        aanvraag_submit(aanvraag_id=concept.pk, user=concept.created_by)
    assert callbacks == []
    concept.refresh_from_db()
    assert (concept.status, concept.reference, concept.client_last_name) == ("concept", None, "Smit")
    assert not mail.outbox


def test_submitted_application_can_no_longer_be_edited(http_a, concept):
    fill_complete(http_a, concept)
    http_a.post(reverse("aanvragen:review", args=[concept.pk]))
    assert post_step(http_a, concept, "client", {"client_last_name": "Anders"}).status_code == 404
    assert Aanvraag.objects.get().client_last_name == "Smit"


# --- Another organisation gets 404 everywhere -----------------------------------------------------------


def test_other_organisation_gets_404_on_every_application_url(http_a, concept, client_as, org_b):
    fill_complete(http_a, concept)
    bijlage = Bijlage.objects.get()
    other = client_as(UserFactory(organisation=org_b))
    urls = [
        reverse("aanvragen:detail", args=[concept.pk]),
        step_url(concept, "client"),
        reverse("aanvragen:bijlagen", args=[concept.pk]),
        reverse("aanvragen:bijlage_download", args=[concept.pk, bijlage.pk]),
        reverse("aanvragen:review", args=[concept.pk]),
        reverse("aanvragen:receipt", args=[concept.pk]),
    ]
    for url in urls:
        assert other.get(url).status_code == 404, url
    assert other.post(reverse("aanvragen:bijlage_delete", args=[concept.pk, bijlage.pk])).status_code == 404
    assert other.post(reverse("aanvragen:review", args=[concept.pk])).status_code == 404
    assert other.post(step_url(concept, "client"), STEP_DATA["client"]).status_code == 404
    assert Bijlage.objects.exists() and Aanvraag.objects.get().status == "concept"


def test_ciz_staff_without_organisation_get_403_on_application_pages(client_as, staff, concept):
    http = client_as(staff)
    for url in (NEW, reverse("aanvragen:list"), reverse("aanvragen:detail", args=[concept.pk])):
        assert http.get(url).status_code == 403


def test_kies_aanvraag_without_a_choice_gives_a_dutch_error(http_a):
    response = http_a.post(NEW, {})
    assert response.context["form"].errors["soort"] == ["Kies een soort aanvraag."]
    assert not Aanvraag.objects.exists()


def test_home_page_offers_the_three_entries(http_a):
    page = http_a.get(reverse("aanvragen:home")).content.decode()
    for url in (reverse("aanvragen:client_search"), NEW, reverse("aanvragen:list")):
        assert f'href="{url}"' in page


def test_review_page_query_count_is_bounded(http_a, concept, django_assert_max_num_queries):
    fill_complete(http_a, concept)
    with django_assert_max_num_queries(12):
        assert http_a.get(reverse("aanvragen:review", args=[concept.pk])).status_code == 200


def test_suspended_organisation_is_sent_to_the_login_which_says_why(http_a, org_a, user_a, password):
    type(org_a).objects.filter(pk=org_a.pk).update(is_suspended=True)
    assert http_a.get(NEW)["Location"].startswith("/inloggen/")
    page = password_step(http_a, user_a.username, password).content.decode()
    assert "De toegang van uw organisatie tot Portero is door het CIZ opgeschort." in page


def test_receipt_mail_task_sends_once_even_when_run_twice(http_a, concept, user_a):
    from aanvragen.tasks import send_receipt_mail

    fill_complete(http_a, concept)
    aanvraag_submit(aanvraag_id=concept.pk, user=user_a)
    send_receipt_mail(concept.pk)
    send_receipt_mail(concept.pk)
    assert len(mail.outbox) == 1
    assert Aanvraag.objects.get().receipt_sent_at is not None


def test_receipt_mail_task_ignores_a_concept(concept):
    from aanvragen.tasks import send_receipt_mail

    send_receipt_mail(concept.pk)
    assert not mail.outbox
