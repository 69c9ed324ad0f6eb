"""'Gebruiker verwijderen': a required reason, 'Ja'/'Nee', soft delete, self-delete and last-admin rules."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import AuditEvent, User
from orgadmin import services
from tests.conftest import login_client, sms_count
from tests.factories import OrgAdminFactory

pytestmark = pytest.mark.django_db


def delete_url(user):
    return reverse("orgadmin:user_delete", kwargs={"username": user.username})


def test_confirmation_page_asks_a_reason_with_ja_and_nee(admin_client, user_a):
    html = admin_client.get(delete_url(user_a)).content.decode()
    assert "Reden van verwijderen" in html and ">Ja</button>" in html
    nee = reverse("orgadmin:user_detail", kwargs={"username": user_a.username})
    assert f'<a class="button button-secondary" href="{nee}">Nee</a>' in html


def test_reason_is_required(admin_client, user_a):
    response = admin_client.post(delete_url(user_a), {"deletion_reason": "   "})
    assert response.context["form"].errors["deletion_reason"] == ["Vul de reden van verwijderen in."]
    user_a.refresh_from_db()
    assert user_a.is_active


def test_ja_soft_deletes_with_reason_and_audit(admin_client, admin_a, user_a):
    response = admin_client.post(delete_url(user_a), {"deletion_reason": "Uit dienst per 1 mei"})
    assert response.url == reverse("orgadmin:user_deleted", kwargs={"username": user_a.username})
    user_a.refresh_from_db()
    assert not user_a.is_active and user_a.deleted_by == admin_a and user_a.deletion_reason == "Uit dienst per 1 mei"
    assert User.objects.filter(pk=user_a.pk).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.USER_DELETED, target=user_a)
    assert event.actor == admin_a
    assert event.detail["changes"]["deletion_reason"] == {"before": "", "after": "Uit dienst per 1 mei"}
    assert event.detail["changes"]["deleted_at"]["before"] is None
    html = admin_client.get(response.url).content.decode()
    assert "is verwijderd" in html and "Terug naar overzicht" in html


def test_deleted_user_can_no_longer_log_in_and_their_session_dies(client, admin_a, user_a, password, sms_outbox):
    user_client = login_client(Client(), user_a)
    assert user_client.get("/").status_code == 200
    services.user_delete(admin=admin_a, user=user_a, reason="Uit dienst")
    assert user_client.get("/").status_code == 302  # the backend no longer loads a deleted account's session
    assert account_services.login_refusal(user=User.objects.get(pk=user_a.pk)) is not None
    response = client.post(
        "/inloggen/",
        {"portero_login_view-current_step": "auth", "auth-username": user_a.username, "auth-password": password},
        REMOTE_ADDR="127.0.0.1",
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert sms_count(sms_outbox) == 0  # no code step


def test_deleted_user_cannot_be_deleted_again_or_undeleted(admin_a, user_a):
    services.user_delete(admin=admin_a, user=user_a, reason="Uit dienst")
    deleted_at = User.objects.get(pk=user_a.pk).deleted_at
    with pytest.raises(ValidationError, match="al verwijderd"):
        services.user_delete(admin=admin_a, user=user_a, reason="Nogmaals")
    user_a.refresh_from_db()
    assert user_a.deleted_at == deleted_at and user_a.deletion_reason == "Uit dienst"


def test_admin_cannot_delete_own_account(admin_client, admin_a):
    OrgAdminFactory(organisation=admin_a.organisation, username="tweedebeheerder")
    html = admin_client.get(delete_url(admin_a)).content.decode()
    assert "U kunt uw eigen account hier niet verwijderen" in html and ">Ja</button>" not in html
    response = admin_client.post(delete_url(admin_a), {"deletion_reason": "Weg"})
    assert "U kunt uw eigen account hier niet verwijderen" in response.content.decode()
    admin_a.refresh_from_db()
    assert admin_a.is_active


def test_own_page_offers_no_delete_button(admin_client, admin_a):
    html = admin_client.get(reverse("orgadmin:user_detail", kwargs={"username": admin_a.username})).content.decode()
    assert delete_url(admin_a) not in html


def test_another_admin_can_be_deleted_while_one_remains(admin_client, admin_a):
    other = OrgAdminFactory(organisation=admin_a.organisation, username="tweedebeheerder")
    admin_client.post(delete_url(other), {"deletion_reason": "Andere functie"})
    other.refresh_from_db()
    assert not other.is_active


def test_organisation_keeps_at_least_one_active_admin(admin_a):
    """Two admins deleting each other at once: the second sees (under the row lock) that it is no longer an
    active admin itself, so it may not delete the last remaining admin."""
    other = OrgAdminFactory(organisation=admin_a.organisation, username="tweedebeheerder")
    stale_other = User.objects.get(pk=other.pk)  # its request started before admin_a's delete committed
    services.user_delete(admin=admin_a, user=other, reason="Andere functie")
    with pytest.raises(ValidationError, match="minstens één actieve organisatiebeheerder"):
        services.user_delete(admin=stale_other, user=admin_a, reason="Weg")
    admin_a.refresh_from_db()
    assert admin_a.is_active


def test_inactive_admin_does_not_count_as_the_remaining_admin(admin_a, user_a):
    inactive = OrgAdminFactory(
        organisation=admin_a.organisation, username="slapendebeheerder", deactivated_at=timezone.now()
    )
    with pytest.raises(ValidationError, match="minstens één actieve organisatiebeheerder"):
        services.user_delete(admin=inactive, user=admin_a, reason="Weg")


def test_deleted_user_is_listed_under_show_deleted_with_the_reason(admin_client, admin_a, user_a):
    services.user_delete(admin=admin_a, user=user_a, reason="Met pensioen")
    list_url = reverse("orgadmin:user_list")
    assert "gebruikera" not in admin_client.get(list_url).content.decode()
    html = admin_client.get(list_url, {"verwijderd": "on"}).content.decode()
    assert "gebruikera" in html and "Verwijderd: Met pensioen" in html


def test_delete_locks_the_admin_rows_before_it_writes(admin_a, user_a):
    """The last-admin check runs on locked rows (SELECT ... FOR UPDATE where the database has row locks), so
    a concurrent delete of the other admin waits for this transaction instead of reading a stale count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        services.user_delete(admin=admin_a, user=user_a, reason="Uit dienst")
    sql = [q["sql"] for q in queries]
    admin_read = next(i for i, s in enumerate(sql) if '"is_org_admin"' in s and s.lstrip().upper().startswith("SELECT"))
    write = next(i for i, s in enumerate(sql) if s.lstrip().upper().startswith("UPDATE"))
    assert admin_read < write
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in sql[admin_read]
        assert any("FOR UPDATE" in s and str(user_a.pk) in s for s in sql[admin_read + 1 : write])
