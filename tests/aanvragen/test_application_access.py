"""Applications hold client data: viewing one, downloading an attachment, and CIZ staff opening either in the
admin all write an access-log entry. The list pages through every application, nothing cut off."""

import pytest
from django.urls import reverse

from aanvragen.models import Aanvraag, AccessLogEntry
from aanvragen.services.aanvraag import aanvraag_create
from tests.aanvragen.helpers import submitted_aanvraag

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(user_a):
    type(user_a.organisation).objects.filter(pk=user_a.organisation_id).update(contract_start="2020-01-01")
    user_a.organisation.refresh_from_db()
    return submitted_aanvraag(user_a)


def log_actions():
    return list(AccessLogEntry.objects.order_by("pk").values_list("user__username", "client_bsn", "action"))


def test_viewing_an_application_is_logged(client_as, user_a, submitted):
    before = AccessLogEntry.objects.count()
    assert client_as(user_a).get(reverse("aanvragen:detail", args=[submitted.pk])).status_code == 200
    assert AccessLogEntry.objects.count() == before + 1
    assert log_actions()[-1] == (user_a.username, submitted.client_bsn, "aanvraag_inzien")


def test_downloading_an_attachment_is_logged_for_the_organisation_and_for_ciz(client_as, user_a, staff, submitted):
    bijlage = submitted.bijlagen.get()
    http = client_as(user_a)
    b"".join(http.get(reverse("aanvragen:bijlage_download", args=[submitted.pk, bijlage.pk])).streaming_content)
    assert log_actions()[-1] == (user_a.username, submitted.client_bsn, "bijlage_downloaden")
    http.logout()
    staff_http = client_as(staff)
    staff_http.get(reverse("admin:aanvragen_aanvraag_bijlage", args=[submitted.pk, bijlage.pk]))
    assert log_actions()[-1] == (staff.username, submitted.client_bsn, "ciz_inzien")


def test_ciz_opening_an_application_in_the_admin_is_logged(client_as, staff, submitted):
    assert client_as(staff).get(f"/admin/aanvragen/aanvraag/{submitted.pk}/change/").status_code == 200
    entry = AccessLogEntry.objects.latest("pk")
    assert (entry.user, entry.organisation, entry.action) == (staff, None, "ciz_inzien")


def test_another_organisation_cannot_download_and_nothing_is_logged(client_as, admin_b, submitted):
    bijlage = submitted.bijlagen.get()
    before = AccessLogEntry.objects.count()
    response = client_as(admin_b).get(reverse("aanvragen:bijlage_download", args=[submitted.pk, bijlage.pk]))
    assert response.status_code == 404
    assert AccessLogEntry.objects.count() == before


def test_the_list_pages_through_every_application_keeping_the_filter(client_as, user_a):
    for _ in range(30):
        aanvraag_create(user=user_a, soort="wlz")
    http = client_as(user_a)
    first = http.get(reverse("aanvragen:list"), {"status": "concept"})
    assert len(first.context["aanvragen"]) == 25
    assert 'href="?status=concept&amp;pagina=2"' in first.content.decode()
    second = http.get(reverse("aanvragen:list"), {"status": "concept", "pagina": 2})
    assert len(second.context["aanvragen"]) == 5
    shown = {a.pk for a in first.context["aanvragen"]} | {a.pk for a in second.context["aanvragen"]}
    assert shown == set(Aanvraag.objects.values_list("pk", flat=True))
