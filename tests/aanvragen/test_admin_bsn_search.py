"""The CIZ admin's lists that can be searched by BSN (clients, consents, access log, applications): the search box
is POSTed, a BSN is kept in the session and filters the list, each search is one access-log row, and a BSN in
?q= is neither searched nor shown again. Lists that have no BSN refuse a BSN as a search term."""

from datetime import date

import pytest
from django.urls import reverse

from aanvragen.choices import AccessAction, ConsentGivenBy, ConsentKind
from aanvragen.models import AccessLogEntry, Client
from aanvragen.services.clients import client_search, consent_record
from tests.aanvragen.helpers import submitted_aanvraag

pytestmark = pytest.mark.django_db
BSN, OTHER = "123456782", "111222333"
BSN_LISTS = ["client", "clientconsent", "accesslogentry", "aanvraag"]


def changelist(model):
    return reverse(f"admin:aanvragen_{model}_changelist")


@pytest.fixture
def records(user_a):
    for bsn, name in ((BSN, "Quaadvliet"), (OTHER, "Smit")):
        Client.objects.create(
            bsn=bsn, initials="G.", last_name=name, date_of_birth=date(1940, 1, 1), sex="V",
            street="Laan 1", postcode="1234 AB", city="Utrecht",
        )  # fmt: skip
        consent_record(
            user=user_a, bsn=bsn, kind=ConsentKind.NAW_INZIEN, given_by=ConsentGivenBy.CLIENT,
            signed_on=date(2026, 1, 5), archive_reference=f"A-{name}",
        )  # fmt: skip
        submitted_aanvraag(user_a, client_bsn=bsn)
        client_search(user=user_a, bsn=bsn)


def shown_bsns(response) -> set[str]:
    field = response.context["cl"].model_admin.client_bsn_field
    return {getattr(obj, field) for obj in response.context["cl"].result_list}


@pytest.mark.parametrize("model", BSN_LISTS)
def test_a_bsn_search_is_posted_and_kept_out_of_every_url(records, staff, client_as, model):
    http = client_as(staff)
    response = http.post(changelist(model), {"q": BSN, "_zoeken": "1"}, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 302 and BSN not in response["Location"]
    page = http.get(response["Location"])
    assert shown_bsns(page) == {BSN}
    assert "Gefilterd op BSN" in page.content.decode()
    search = AccessLogEntry.objects.filter(action=AccessAction.ZOEKEN, user=staff).get()
    assert (search.client_bsn, search.ip_address, search.outcome) == (BSN, "10.9.8.7", "gevonden")


@pytest.mark.parametrize("model", BSN_LISTS)
def test_the_bsn_filter_is_cleared_with_a_button(records, staff, client_as, model):
    http = client_as(staff)
    http.post(changelist(model), {"q": BSN, "_zoeken": "1"})
    response = http.post(changelist(model), {"_zoeken": "1", "_wis_bsn": "1"})
    assert response.status_code == 302
    page = http.get(response["Location"])
    assert BSN in shown_bsns(page) and OTHER in shown_bsns(page)
    assert "Gefilterd op BSN" not in page.content.decode()


@pytest.mark.parametrize("model", BSN_LISTS)
def test_an_invalid_bsn_gets_the_11_proef_message_next_to_the_search_box(records, staff, client_as, model):
    http = client_as(staff)
    response = http.post(changelist(model), {"q": "123456789", "_zoeken": "1"}, follow=True)
    html = response.content.decode()
    assert 'id="searchbar_error"' in html and "Vul een geldig BSN in" in html
    assert "123456789" not in response.redirect_chain[-1][0]
    assert not AccessLogEntry.objects.filter(action=AccessAction.ZOEKEN, user=staff).exists()


@pytest.mark.parametrize("model", BSN_LISTS)
def test_a_bsn_in_the_query_string_is_not_searched_and_not_echoed(records, staff, client_as, model):
    http = client_as(staff)
    response = http.get(changelist(model), {"q": BSN})
    assert response.status_code == 302 and BSN not in response["Location"]
    page = http.get(response["Location"])
    assert f'value="{BSN}"' not in page.content.decode()
    assert "Een BSN hoort niet in het adres van de pagina" in page.content.decode()


def test_a_kenmerk_search_still_goes_to_the_url(records, staff, user_a, client_as):
    http = client_as(staff)
    reference = submitted_aanvraag(user_a).reference
    response = http.post(changelist("aanvraag"), {"q": reference, "_zoeken": "1"})
    assert response.status_code == 302 and f"q={reference}" in response["Location"]
    page = http.get(response["Location"])
    assert [str(obj) for obj in page.context["cl"].result_list] == [reference]


@pytest.mark.parametrize("model", ["accounts_user", "accounts_organisation", "accounts_auditevent", "auth_group"])
def test_lists_without_a_bsn_refuse_a_bsn_as_search_term(records, staff, client_as, model):
    http = client_as(staff)
    url = reverse(f"admin:{model}_changelist")
    response = http.post(url, {"q": BSN, "_zoeken": "1"})
    assert response.status_code == 302 and BSN not in response["Location"]
    assert "In deze lijst kunt u niet op BSN zoeken" in http.get(response["Location"]).content.decode()
    response = http.post(url, {"q": "zorg", "_zoeken": "1"})
    assert response.status_code == 302 and "q=zorg" in response["Location"]


def test_staff_without_the_right_to_see_a_list_cannot_search_it(records, client_as):
    """The search is answered only for who may see the list: no search row, no BSN kept, a 403."""
    from tests.factories import StaffFactory

    http = client_as(StaffFactory(username="stafzonderrechten", is_superuser=False))
    assert http.post(changelist("client"), {"q": BSN, "_zoeken": "1"}).status_code == 403
    assert not AccessLogEntry.objects.filter(action=AccessAction.ZOEKEN, user__username="stafzonderrechten").exists()
    assert not any(key.startswith("admin_bsn:") for key in http.session.keys())
