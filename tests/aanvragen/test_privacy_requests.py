"""A data subject's requests in the CIZ admin: the inzageverzoek report (who accessed which data when, under which
consent, which applications exist), the request itself logged, the BSN never in a URL; and the verzoek tot
verwijdering of a concept or withdrawn application, the access log kept, audited."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from aanvragen.choices import AccessAction, AccessOutcome
from aanvragen.models import Aanvraag, AccessLogEntry, Bijlage, ClientConsent
from accounts.models import AuditEvent
from tests.aanvragen.test_retention import attach, concept, on_disk
from tests.factories import UserFactory

BSN = "111222333"
INZAGE = "/admin/aanvragen/client/inzageverzoek/"


def consent(user):
    return ClientConsent.objects.create(
        organisation=user.organisation, client_bsn=BSN, kind="naw_inzien", given_by="client",
        signed_on="2026-01-02", archive_reference="A-1", recorded_by=user,
    )  # fmt: skip


def access(user, action, consent=None, at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC)):
    with time_machine.travel(at, tick=False):
        AccessLogEntry.objects.create(
            user=user, organisation=user.organisation, client_bsn=BSN, action=action, consent=consent,
            outcome=AccessOutcome.FOUND,
        )  # fmt: skip


def test_the_report_of_a_client_accessed_by_two_organisations(client_as, staff, user_a, org_b):
    user_b = UserFactory(organisation=org_b, first_name="Bea", last_name="Bakker")
    given = consent(user_a)
    access(user_a, AccessAction.NAW_INZIEN, given)
    access(user_b, AccessAction.ZOEKEN, at=datetime(2026, 3, 2, 14, 0, tzinfo=UTC))
    other = UserFactory(organisation=org_b)
    AccessLogEntry.objects.create(
        user=other, organisation=org_b, client_bsn="123456782", action=AccessAction.ZOEKEN, outcome="gevonden"
    )
    aanvraag = concept(user_a)
    http = client_as(staff)
    assert INZAGE in http.get("/admin/aanvragen/client/").content.decode()

    response = http.post(INZAGE, {"bsn": BSN})

    assert response.status_code == 200
    page = response.content.decode()
    assert user_a.organisation.name in page and org_b.name in page
    assert user_a.get_full_name() in page and "Bea Bakker" in page
    assert "NAW-gegevens inzien" in page and "Cliënt zoeken op BSN" in page
    assert "1-3-2026 10:30" in page  # Amsterdam time
    assert "ondertekend op 2 januari 2026" in page
    assert aanvraag.get_soort_display() in page
    assert other.get_full_name() not in page  # another person's access
    # The request itself is an access to the client's data, logged; the BSN went in the POST body only.
    entry = AccessLogEntry.objects.latest("pk")
    assert (entry.user, entry.client_bsn, entry.action) == (staff, BSN, AccessAction.INZAGEVERZOEK)
    assert BSN not in response.request["PATH_INFO"] and not response.request.get("QUERY_STRING")


def test_the_inzage_form_refuses_an_invalid_bsn_and_logs_nothing(client_as, staff):
    response = client_as(staff).post(INZAGE, {"bsn": "123456789"})
    assert response.status_code == 200
    assert response.context["report"] is None and response.context["form"].errors
    assert not AccessLogEntry.objects.exists()


def test_the_inzage_page_is_for_ciz_staff_only(client_as, user_a):
    response = client_as(user_a).post(INZAGE, {"bsn": BSN})
    assert response.status_code in (302, 403)
    assert not AccessLogEntry.objects.filter(action=AccessAction.INZAGEVERZOEK).exists()


@pytest.mark.parametrize("status", ["concept", "ingetrokken"])
def test_ciz_staff_remove_a_concept_or_withdrawn_application_with_a_reason(
    client_as, staff, user_a, status, django_capture_on_commit_callbacks
):
    aanvraag = concept(user_a)
    if status != "concept":
        Aanvraag.objects.filter(pk=aanvraag.pk).update(status=status, reference="K1", submitted_at=aanvraag.created_at)
    bijlage = attach(aanvraag, user_a)
    access(user_a, AccessAction.AANVRAAG_INZIEN)
    http = client_as(staff)
    url = reverse("admin:aanvragen_aanvraag_erase", args=[aanvraag.pk])

    assert http.post(url, {"reason": ""}).status_code == 200  # a reason is required
    assert Aanvraag.objects.filter(pk=aanvraag.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(url, {"reason": "Verzoek tot verwijdering van de cliënt"})

    assert response.status_code == 302
    assert not Aanvraag.objects.filter(pk=aanvraag.pk).exists()
    assert not Bijlage.objects.filter(pk=bijlage.pk).exists() and not on_disk(bijlage)
    assert AccessLogEntry.objects.filter(client_bsn=BSN, action=AccessAction.AANVRAAG_INZIEN).exists()
    event = AuditEvent.objects.get(action="aanvraag_erased")
    assert event.actor == staff and event.detail["reason"] == "Verzoek tot verwijdering van de cliënt"
    assert event.detail["aanvraag"] == aanvraag.pk


def test_an_application_in_processing_cannot_be_removed_on_request(client_as, staff, user_a):
    aanvraag = concept(user_a)
    Aanvraag.objects.filter(pk=aanvraag.pk).update(
        status="in_behandeling", reference="K2", submitted_at=aanvraag.created_at
    )
    response = client_as(staff).post(
        reverse("admin:aanvragen_aanvraag_erase", args=[aanvraag.pk]), {"reason": "Verzoek"}
    )
    assert response.status_code == 200
    assert Aanvraag.objects.filter(pk=aanvraag.pk).exists()
    assert not AuditEvent.objects.filter(action="aanvraag_erased").exists()
