"""'Aanvragen': a search by BSN goes by POST and is kept in the session, so the BSN never reaches a URL (browser
history, the proxy's access log). A kenmerk may stay in the URL. Each search by BSN is one access-log row."""

import re

import pytest
from django.urls import reverse

from aanvragen.choices import AccessAction
from aanvragen.models import AccessLogEntry
from tests.aanvragen.helpers import submitted_aanvraag

pytestmark = pytest.mark.django_db
LIST = reverse("aanvragen:list")
BSN = "123456782"


@pytest.fixture
def two(user_a):
    return submitted_aanvraag(user_a), submitted_aanvraag(user_a, client_bsn=BSN)


def test_a_bsn_search_is_posted_kept_in_the_session_and_never_in_a_url(two, user_a, client_as):
    first, second = two
    http = client_as(user_a)
    response = http.post(LIST, {"zoek": BSN, "status": "", "soort": ""})
    assert response.status_code == 302
    assert BSN not in response["Location"] and response["Location"].startswith(LIST)
    page = http.get(response["Location"]).content.decode()
    assert second.reference in page and first.reference not in page
    assert not re.search(rf"(?<!\d){BSN}(?!\d)", page)  # not echoed in full: only the masked BSN
    assert "Gefilterd op BSN" in page


def test_a_bsn_search_combines_with_status_and_type_in_the_url(two, user_a, client_as):
    first, second = two
    http = client_as(user_a)
    response = http.post(LIST, {"zoek": BSN, "status": "ingediend", "soort": "wlz"})
    assert "status=ingediend" in response["Location"] and "soort=wlz" in response["Location"]
    assert BSN not in response["Location"]
    page = http.get(response["Location"]).content.decode()
    assert second.reference in page and first.reference not in page


def test_each_bsn_search_writes_one_access_log_row(two, user_a, client_as):
    http = client_as(user_a)
    http.post(LIST, {"zoek": BSN}, REMOTE_ADDR="10.1.2.3")
    http.get(LIST)  # reading the filtered list again is not a new search
    rows = list(AccessLogEntry.objects.filter(action=AccessAction.ZOEKEN))
    assert len(rows) == 1
    row = rows[0]
    assert (row.user, row.organisation, row.client_bsn, row.ip_address) == (
        user_a,
        user_a.organisation,
        BSN,
        "10.1.2.3",
    )
    assert row.at and row.outcome == "gevonden"


def test_a_bsn_in_the_query_string_is_not_searched_and_not_echoed(two, user_a, client_as):
    first, second = two
    page = client_as(user_a).get(LIST, {"zoek": BSN}).content.decode()
    assert BSN not in page
    assert first.reference in page and second.reference in page  # no search happened
    assert "Een BSN hoort niet in het adres van de pagina" in page
    assert not AccessLogEntry.objects.filter(action=AccessAction.ZOEKEN).exists()


def test_a_kenmerk_stays_in_the_url(two, user_a, client_as):
    first, second = two
    http = client_as(user_a)
    response = http.post(LIST, {"zoek": first.reference.lower()})
    assert response.status_code == 302 and f"zoek={first.reference}" in response["Location"]
    page = http.get(response["Location"]).content.decode()
    assert first.reference in page and second.reference not in page


def test_an_invalid_bsn_gets_a_dutch_message_next_to_the_field_and_stores_nothing(two, user_a, client_as):
    http = client_as(user_a)
    response = http.post(LIST, {"zoek": "123456789"})  # 9 digits, fails the 11-proef
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_zoek_error"' in html and "Vul een geldig BSN in" in html
    assert "aanvragen_lijst_bsn" not in http.session
    assert not AccessLogEntry.objects.exists()


def test_clearing_the_filter_forgets_the_bsn(two, user_a, client_as):
    first, second = two
    http = client_as(user_a)
    http.post(LIST, {"zoek": BSN})
    response = http.post(LIST, {"wis": "1"})
    assert response.status_code == 302 and response["Location"] == LIST
    page = http.get(LIST).content.decode()
    assert first.reference in page and second.reference in page and "Gefilterd op BSN" not in page
