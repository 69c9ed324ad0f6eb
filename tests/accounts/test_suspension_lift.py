"""'Opschorting opheffen': CIZ staff lift an organisation's suspension only with a reason, audited."""

import pytest
from django.core.exceptions import ValidationError

from aanvragen.services.steekproeven import organisation_suspend
from accounts import services
from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def suspended(staff, org_a):
    organisation_suspend(
        user=staff, organisation_id=org_a.pk, kind="misbruik", note="Cliëntgegevens gebruikt voor werving."
    )
    org_a.refresh_from_db()
    return org_a


def test_lifting_opens_the_access_and_audits_the_reason(staff, suspended):
    services.organisation_suspension_lift(user=staff, organisation_id=suspended.pk, note="  Werkwijze aangepast. ")
    suspended.refresh_from_db()
    assert not suspended.is_suspended
    event = AuditEvent.objects.get(action=AuditEvent.Action.ORGANISATION_SUSPENSION_LIFTED)
    assert event.actor == staff and event.organisation == suspended
    assert event.detail == {
        "note": "Werkwijze aangepast.",
        "before": {"is_suspended": True},
        "after": {"is_suspended": False},
    }


@pytest.mark.parametrize("note", ["", "   \n"])
def test_no_reason_no_lift(staff, suspended, note):
    with pytest.raises(ValidationError) as refused:
        services.organisation_suspension_lift(user=staff, organisation_id=suspended.pk, note=note)
    assert refused.value.message_dict == {"note": ["Leg vast waarom de opschorting wordt opgeheven."]}
    suspended.refresh_from_db()
    assert suspended.is_suspended
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ORGANISATION_SUSPENSION_LIFTED).exists()


def test_an_open_organisation_has_nothing_to_lift(staff, org_a):
    with pytest.raises(ValidationError, match="De toegang van Zorggroep A is niet opgeschort."):
        services.organisation_suspension_lift(user=staff, organisation_id=org_a.pk, note="Waarom niet.")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ORGANISATION_SUSPENSION_LIFTED).exists()


def test_the_admin_action_asks_the_reason_and_lifts(client_as, staff, suspended):
    http = client_as(staff)
    url = "/admin/accounts/organisation/"
    asked = http.post(url, {"action": "lift_suspension_action", "_selected_action": [suspended.pk]})
    assert asked.status_code == 200 and "Reden" in asked.content.decode()
    refused = http.post(url, {"action": "lift_suspension_action", "_selected_action": [suspended.pk], "apply": "1"})
    assert "Leg vast waarom de opschorting wordt opgeheven." in refused.content.decode()
    suspended.refresh_from_db()
    assert suspended.is_suspended
    done = http.post(
        url, {"action": "lift_suspension_action", "_selected_action": [suspended.pk], "apply": "1", "note": "Gesprek."}
    )
    assert done.status_code == 302
    suspended.refresh_from_db()
    assert not suspended.is_suspended


def test_the_actions_take_one_organisation_at_a_time(client_as, staff, suspended, org_b):
    http = client_as(staff)
    for action in ["lift_suspension_action", "suspend_action"]:
        response = http.post(
            "/admin/accounts/organisation/", {"action": action, "_selected_action": [suspended.pk, org_b.pk]}
        )
        assert response.status_code == 302
    suspended.refresh_from_db()
    assert suspended.is_suspended


def test_suspending_from_the_organisation_list_goes_to_the_sanction_decision(client_as, staff, org_a):
    response = client_as(staff).post(
        "/admin/accounts/organisation/", {"action": "suspend_action", "_selected_action": [org_a.pk]}
    )
    assert response.status_code == 302
    assert response.url == f"/admin/aanvragen/organisationsanction/add/?organisation={org_a.pk}&decision=opgeschort"
    org_a.refresh_from_db()
    assert not org_a.is_suspended
