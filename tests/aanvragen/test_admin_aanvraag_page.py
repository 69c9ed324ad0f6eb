"""The application page in the CIZ admin: that application only, step by step as the applicant filled it in, code
lists by their Dutch names, status history and attachments on top, and the actions as buttons that call the
status service (nothing stored on bad input)."""

import re

import pytest
from django.urls import reverse

from aanvragen.models import Aanvraag, AanvraagStatusChange, AccessLogEntry
from tests.aanvragen.helpers import submitted_aanvraag, submitted_wzd

pytestmark = pytest.mark.django_db


def change_url(aanvraag):
    return reverse("admin:aanvragen_aanvraag_change", args=[aanvraag.pk])


def headings(page):
    return re.findall(r"<h2[^>]*>([^<]+)</h2>", page)


def test_a_wlz_page_shows_its_steps_in_order_after_history_and_attachments(user_a, staff, client_as):
    aanvraag = submitted_aanvraag(user_a)
    page = client_as(staff).get(change_url(aanvraag)).content.decode()
    assert headings(page)[-8:] == [
        "Behandeling",
        "Acties",
        "Statusgeschiedenis",
        "Bijlagen",
        "Stap 1: Soort aanvraag",
        "Stap 2: Cliënt",
        "Stap 3: Aanvrager en contactpersonen",
        "Stap 4: Zorgvraag",
    ]
    # Only the fields of its type: nothing of art. 21 or Partnerverblijf.
    for other in ("BSN partner", "Naam van de accommodatie", "Gronden", "wzd_gronden", "partner_bsn"):
        assert other not in page
    # Code lists by their Dutch label, never the code as stored.
    assert "Psychogeriatrische aandoening" in page
    assert "[&quot;02&quot;]" not in page and '["02"]' not in page
    assert "diagnose.pdf" in page and reverse("admin:aanvragen_aanvraag_bijlage", args=[aanvraag.pk, 1])[:-2] in page
    assert "Reguliere Wlz-aanvraag" in page


def test_a_wzd_page_shows_the_art_21_steps_only(user_a, staff, client_as):
    aanvraag = submitted_wzd(user_a)
    page = client_as(staff).get(change_url(aanvraag)).content.decode()
    assert [h for h in headings(page) if h.startswith("Stap")] == [
        "Stap 1: Cliënt",
        "Stap 2: Aanvrager",
        "Stap 3: Accommodatie en gronden",
    ]
    assert "Zorgvraag" not in page and "Zorgwens" not in page


def test_the_actions_are_buttons_for_the_statuses_it_may_move_to(user_a, staff, client_as):
    aanvraag = submitted_aanvraag(user_a)
    page = client_as(staff).get(change_url(aanvraag)).content.decode()
    buttons = re.findall(r'<button type="submit" name="to_status" value="([a-z_]+)"', page)
    assert buttons == ["onvolledig", "in_behandeling", "ingetrokken"]
    assert reverse("admin:aanvragen_aanvraag_besluit", args=[aanvraag.pk]) not in page  # not yet in behandeling
    status_url = reverse("admin:aanvragen_aanvraag_status", args=[aanvraag.pk])
    assert f'action="{status_url}"' in page


def test_a_status_button_changes_the_status_with_history_and_message(user_a, staff, client_as):
    aanvraag = submitted_aanvraag(user_a)
    http = client_as(staff)
    status_url = reverse("admin:aanvragen_aanvraag_status", args=[aanvraag.pk])
    response = http.post(status_url, {"to_status": "onvolledig", "note": "Machtiging ontbreekt"}, follow=True)
    assert response.redirect_chain[-1][0] == change_url(aanvraag)
    page = response.content.decode()
    assert "De status is gewijzigd. Nieuwe status: Onvolledig (termijn opgeschort)." in page
    assert "Machtiging ontbreekt" in page and "termijn opgeschort sinds" in page
    change = AanvraagStatusChange.objects.filter(aanvraag=aanvraag).latest("pk")
    assert (change.to_status, change.changed_by, change.note) == ("onvolledig", staff, "Machtiging ontbreekt")


def test_a_bad_status_change_stores_nothing_and_says_why(user_a, staff, client_as):
    aanvraag = submitted_aanvraag(user_a)
    http = client_as(staff)
    status_url = reverse("admin:aanvragen_aanvraag_status", args=[aanvraag.pk])
    before = AanvraagStatusChange.objects.count()
    response = http.post(status_url, {"to_status": "besluit_genomen"})  # not from 'ingediend'
    assert response.status_code == 200
    assert response.context["form"].errors["to_status"]
    response = http.post(status_url, {"to_status": "onvolledig", "note": "x" * 5000})
    assert response.status_code == 200 and response.context["form"].errors["note"]
    aanvraag.refresh_from_db()
    assert aanvraag.status == "ingediend" and AanvraagStatusChange.objects.count() == before


def test_the_page_is_read_only_a_post_changes_nothing(user_a, staff, client_as):
    aanvraag = submitted_aanvraag(user_a)
    response = client_as(staff).post(change_url(aanvraag), {"reference": "X", "status": "afgesloten"})
    assert response.status_code == 403
    assert Aanvraag.objects.get().status == "ingediend"


def test_opening_the_page_logs_the_client(user_a, staff, client_as):
    aanvraag = submitted_aanvraag(user_a)
    before = AccessLogEntry.objects.count()
    client_as(staff).get(change_url(aanvraag))
    rows = AccessLogEntry.objects.order_by("pk")[before:]
    assert [(row.client_bsn, row.action) for row in rows] == [(aanvraag.client_bsn, "ciz_inzien")]


# --- Besluit vastleggen: the outcome fields of the type only --------------------------------------------


def in_behandeling(aanvraag, staff):
    from aanvragen.services.aanvraag import aanvraag_status_change

    return aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status="in_behandeling")


def test_besluit_button_opens_a_form_with_the_wlz_outcome_only(user_a, staff, client_as):
    aanvraag = in_behandeling(submitted_aanvraag(user_a), staff)
    http = client_as(staff)
    besluit_url = reverse("admin:aanvragen_aanvraag_besluit", args=[aanvraag.pk])
    assert besluit_url in http.get(change_url(aanvraag)).content.decode()
    response = http.get(besluit_url)
    assert list(response.context["form"].fields) == ["besluit", "besluit_zorgprofiel", "note"]
    response = http.post(besluit_url, {"besluit": "toegekend"})
    assert response.context["form"].errors["besluit_zorgprofiel"] == ["Kies het toegekende zorgprofiel."]
    assert Aanvraag.objects.get().status == "in_behandeling"
    response = http.post(besluit_url, {"besluit": "toegekend", "besluit_zorgprofiel": "754"}, follow=True)
    assert "Het besluit is vastgelegd." in response.content.decode()
    aanvraag.refresh_from_db()
    assert (aanvraag.status, aanvraag.besluit, aanvraag.besluit_zorgprofiel) == ("besluit_genomen", "toegekend", "754")
    page = response.content.decode()
    assert "5VV beschermd wonen, intensieve dementiezorg" in page  # the code list's Dutch label


def test_besluit_form_of_a_wzd_application_asks_the_verklaring(user_a, staff, client_as):
    aanvraag = in_behandeling(submitted_wzd(user_a), staff)
    response = client_as(staff).get(reverse("admin:aanvragen_aanvraag_besluit", args=[aanvraag.pk]))
    assert list(response.context["form"].fields) == ["wzd_verklaring", "wzd_besluit_tot", "note"]


def test_no_besluit_before_in_behandeling(user_a, staff, client_as):
    aanvraag = submitted_aanvraag(user_a)
    http = client_as(staff)
    besluit_url = reverse("admin:aanvragen_aanvraag_besluit", args=[aanvraag.pk])
    response = http.post(besluit_url, {"besluit": "afgewezen"})
    assert response.status_code == 200 and response.context["form"] is None
    assert "Zet de aanvraag eerst op ‘In behandeling’." in response.content.decode()
    assert Aanvraag.objects.get().status == "ingediend"


def test_organisation_users_cannot_open_the_besluit_form(user_a, client_as):
    aanvraag = submitted_aanvraag(user_a)
    response = client_as(user_a).post(
        reverse("admin:aanvragen_aanvraag_besluit", args=[aanvraag.pk]), {"besluit": "afgewezen"}
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Aanvraag.objects.get().status == "ingediend"
