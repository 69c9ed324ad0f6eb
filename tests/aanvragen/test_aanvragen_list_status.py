"""'Aanvragen': the organisation's list and detail; CIZ status changes with history and the moving deadline."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from aanvragen.models import Aanvraag, AanvraagStatusChange
from aanvragen.services.aanvraag import aanvraag_status_change, deadline_compute
from tests.aanvragen.helpers import submitted_aanvraag
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LIST = reverse("aanvragen:list")
AMS = ZoneInfo("Europe/Amsterdam")


# --- Deadline --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "moment, urgent, expected",
    [
        (datetime(2026, 3, 10, 23, 59, 59, tzinfo=AMS), False, date(2026, 4, 21)),
        (datetime(2026, 3, 11, 0, 0, 0, tzinfo=AMS), False, date(2026, 4, 22)),
        (datetime(2026, 3, 10, 23, 59, 59, tzinfo=AMS), True, date(2026, 3, 24)),
        (datetime(2026, 3, 11, 0, 0, 0, tzinfo=AMS), True, date(2026, 3, 25)),
    ],
)
def test_deadline_is_six_weeks_or_two_when_urgent_from_the_dutch_day_of_submission(user_a, moment, urgent, expected):
    with time_machine.travel(moment, tick=False):
        overrides = {"urgent": True, "urgent_reason": "Mantelzorger valt weg."} if urgent else {}
        aanvraag = submitted_aanvraag(user_a, **overrides)
    assert aanvraag.deadline == expected


def test_deadline_compute_uses_amsterdam_time_not_utc():
    late_utc = datetime(2026, 3, 10, 23, 30, tzinfo=ZoneInfo("UTC"))  # already 11 March in Amsterdam
    assert deadline_compute(submitted_at=late_utc, urgent=False) == date(2026, 4, 22)


# --- Status changes --------------------------------------------------------------------------------------


def test_suspension_moves_the_deadline_by_the_days_it_lasted(user_a, staff):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=AMS), tick=False):
        aanvraag = submitted_aanvraag(user_a)
    assert aanvraag.deadline == date(2026, 4, 13)
    with time_machine.travel(datetime(2026, 3, 5, 9, 0, tzinfo=AMS), tick=False):
        aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status="onvolledig", note="Handtekening")
    with time_machine.travel(datetime(2026, 3, 15, 16, 0, tzinfo=AMS), tick=False):
        aanvraag = aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status="in_behandeling")
    assert aanvraag.deadline == date(2026, 4, 23)
    assert aanvraag.suspended_since is None
    history = list(AanvraagStatusChange.objects.filter(aanvraag=aanvraag).values_list("to_status", "changed_by"))
    assert history == [("ingediend", user_a.pk), ("onvolledig", staff.pk), ("in_behandeling", staff.pk)]


def test_full_status_path_to_afgesloten_with_decision(user_a, staff):
    aanvraag = submitted_aanvraag(user_a)
    for status in ("in_behandeling", "huisbezoek_gepland"):
        aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status=status)
    with pytest.raises(ValidationError) as error:
        aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status="besluit_genomen")
    assert "besluit" in error.value.message_dict
    aanvraag_status_change(
        aanvraag_id=aanvraag.pk, user=staff, to_status="besluit_genomen", besluit="toegekend", besluit_zorgprofiel="754"
    )
    aanvraag = aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status="afgesloten")
    assert (aanvraag.status, aanvraag.besluit, aanvraag.besluit_zorgprofiel) == ("afgesloten", "toegekend", "754")


@pytest.mark.parametrize("to_status", ["afgesloten", "besluit_genomen", "concept"])
def test_status_change_not_in_the_process_is_refused(user_a, staff, to_status):
    aanvraag = submitted_aanvraag(user_a)
    with pytest.raises(ValidationError):
        aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status=to_status)
    assert Aanvraag.objects.get().status == "ingediend"


def test_withdrawn_application_cannot_change_again(user_a, staff):
    aanvraag = submitted_aanvraag(user_a)
    aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status="ingetrokken")
    with pytest.raises(ValidationError):
        aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status="in_behandeling")


def test_staff_change_status_in_the_admin_and_the_organisation_sees_it(user_a, staff, client_as):
    aanvraag = submitted_aanvraag(user_a)
    admin_http = client_as(staff)
    url = reverse("admin:aanvragen_aanvraag_status", args=[aanvraag.pk])
    assert (
        "Status wijzigen"
        in admin_http.get(reverse("admin:aanvragen_aanvraag_change", args=[aanvraag.pk])).content.decode()
    )
    response = admin_http.post(url, {"to_status": "onvolledig", "note": "Machtiging ontbreekt"})
    assert response.status_code == 302
    page = client_as(user_a).get(reverse("aanvragen:detail", args=[aanvraag.pk])).content.decode()
    assert "Onvolledig (termijn opgeschort)" in page
    assert "Machtiging ontbreekt" in page
    assert "de termijn is opgeschort sinds" in page


def test_admin_refuses_a_status_outside_the_process(user_a, staff, client_as):
    aanvraag = submitted_aanvraag(user_a)
    response = client_as(staff).post(
        reverse("admin:aanvragen_aanvraag_status", args=[aanvraag.pk]), {"to_status": "afgesloten"}
    )
    assert response.status_code == 200
    assert Aanvraag.objects.get().status == "ingediend"


def test_organisation_user_cannot_reach_the_admin_status_change(user_a, client_as):
    aanvraag = submitted_aanvraag(user_a)
    response = client_as(user_a).post(
        reverse("admin:aanvragen_aanvraag_status", args=[aanvraag.pk]), {"to_status": "ingetrokken"}
    )
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert Aanvraag.objects.get().status == "ingediend"


# --- List and detail -------------------------------------------------------------------------------------


def test_list_shows_status_type_dates_and_deadline(user_a, client_as):
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=AMS), tick=False):
        aanvraag = submitted_aanvraag(user_a)
    page = client_as(user_a).get(LIST).content.decode()
    for text in (aanvraag.reference, "Reguliere Wlz-aanvraag", "Ingediend", "10-3-2026", "21-4-2026"):
        assert text in page


def test_list_filters_by_status_and_type(user_a, staff, client_as):
    first = submitted_aanvraag(user_a)
    second = submitted_aanvraag(user_a)
    aanvraag_status_change(aanvraag_id=second.pk, user=staff, to_status="in_behandeling")
    http = client_as(user_a)
    page = http.get(LIST, {"status": "in_behandeling"}).content.decode()
    assert second.reference in page and first.reference not in page
    page = http.get(LIST, {"soort": "partnerverblijf"}).content.decode()
    assert first.reference not in page and "Geen aanvragen gevonden." in page


def test_list_finds_by_exact_reference_or_exact_bsn_only(user_a, client_as):
    """The BSN is searched by POST and kept in the session (tests/aanvragen/test_list_search.py)."""
    first = submitted_aanvraag(user_a)
    second = submitted_aanvraag(user_a, client_bsn="123456782")
    http = client_as(user_a)
    page = http.get(LIST, {"zoek": first.reference.lower()}).content.decode()
    assert first.reference in page and second.reference not in page
    page = http.get(http.post(LIST, {"zoek": "123456782"})["Location"]).content.decode()
    assert second.reference in page and first.reference not in page
    page = http.get(LIST, {"zoek": "12345"}).content.decode()
    assert "Geen aanvragen gevonden." in page


def test_list_shows_only_the_own_organisation(user_a, org_b, client_as):
    mine = submitted_aanvraag(user_a)
    page = client_as(UserFactory(organisation=org_b)).get(LIST).content.decode()
    assert mine.reference not in page


def test_list_query_count_does_not_grow_with_the_number_of_applications(
    user_a, client_as, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http = client_as(user_a)
    http.get(LIST)  # the session's first request reads its login from the database and keeps it (accounts.auth_cache)

    def queries_with(total):
        while Aanvraag.objects.count() < total:
            submitted_aanvraag(user_a)
        with CaptureQueriesContext(connection) as context:
            assert http.get(LIST).status_code == 200
        return len(context.captured_queries)

    assert queries_with(2) == queries_with(12)
    with django_assert_max_num_queries(9):  # (session, user, device without Redis), organisation, count, page, ...
        http.get(LIST)


def test_detail_shows_the_status_history(user_a, staff, client_as):
    aanvraag = submitted_aanvraag(user_a)
    aanvraag_status_change(aanvraag_id=aanvraag.pk, user=staff, to_status="in_behandeling")
    page = client_as(user_a).get(reverse("aanvragen:detail", args=[aanvraag.pk])).content.decode()
    assert "Statusgeschiedenis" in page
    assert page.count("<tr><td>") >= 2
    assert "Dementie." in page


def test_other_organisation_gets_404_on_the_detail(user_a, org_b, client_as):
    aanvraag = submitted_aanvraag(user_a)
    assert (
        client_as(UserFactory(organisation=org_b)).get(reverse("aanvragen:detail", args=[aanvraag.pk])).status_code
        == 404
    )
