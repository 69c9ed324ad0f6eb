"""Access control beyond the URL sweep (ASVS V4): closed organisations, inactive and deleted accounts by every
path, and the profile gate on the server. Roles per beheer URL: tests/orgadmin/test_access.py."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from accounts import services
from accounts.models import User
from orgadmin import services as orgadmin_services
from tests.conftest import login_client, password_step, request_password_link
from tests.factories import UserFactory
from tests.orgadmin.conftest import user_form_data

pytestmark = pytest.mark.django_db
NEW = "Qx7#Bw9!Zt4k"
YESTERDAY = timezone.localdate() - timedelta(days=1)
TOMORROW = timezone.localdate() + timedelta(days=1)
CLOSURES = {
    "opgeschort": ({"is_suspended": True}, "De toegang van uw organisatie tot Portero is door het CIZ opgeschort."),
    "contract beëindigd": ({"contract_end": YESTERDAY}, "geen geldig contract met het CIZ"),
    "contract nog niet ingegaan": ({"contract_start": TOMORROW}, "geen geldig contract met het CIZ"),
}


def close(organisation, change):
    type(organisation).objects.filter(pk=organisation.pk).update(**change)


@pytest.mark.parametrize("closure", CLOSURES.values(), ids=CLOSURES.keys())
def test_a_closed_organisations_people_cannot_log_in_and_are_told_why(client, org_a, admin_a, password, closure):
    change, message = closure
    close(org_a, change)
    for person in (admin_a, UserFactory(organisation=org_a)):
        page = password_step(Client(), person.username, password).content.decode()
        assert message in page and "contractbeheer@ciz.nl" in page
        assert 'name="token-otp_token"' not in page  # no SMS step: the password alone opened nothing


@pytest.mark.parametrize("closure", CLOSURES.values(), ids=CLOSURES.keys())
def test_running_sessions_end_when_the_organisation_closes_and_its_admin_creates_nobody(
    client, org_a, admin_a, closure
):
    login_client(client, admin_a)
    assert client.get("/beheer/gebruikers/nieuw/").status_code == 200
    close(org_a, closure[0])
    data = user_form_data(last_name="Nieuw")
    response = client.post("/beheer/gebruikers/nieuw/", data)
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")
    assert client.get("/aanvragen/nieuw/")["Location"].startswith("/inloggen/")
    with pytest.raises(PermissionDenied):  # the service refuses too, whoever calls it
        orgadmin_services.user_add(admin=User.objects.get(pk=admin_a.pk), data=data)
    assert not User.objects.filter(last_name="Nieuw").exists()
    close(org_a, {"is_suspended": False, "contract_start": YESTERDAY, "contract_end": None})
    orgadmin_services.user_add(admin=User.objects.get(pk=admin_a.pk), data=data)  # the data itself was good
    assert User.objects.filter(last_name="Nieuw").exists()


@pytest.fixture(params=["inactive", "deleted"])
def gone(request, org_a):
    """An account that may no longer be used, and how it got that way."""
    user = UserFactory(organisation=org_a)
    if request.param == "inactive":
        services.user_deactivate_idle(user=user)
    else:
        User.objects.filter(pk=user.pk).update(deleted_at=timezone.now())
    return User.objects.get(pk=user.pk)


def test_inactive_and_deleted_accounts_cannot_log_in(client, gone, password):
    page = password_step(client, gone.username, password).content.decode()
    assert 'name="token-otp_token"' not in page and ("inactief" in page or "verwijderd" in page)


def test_inactive_and_deleted_accounts_get_no_link_and_an_old_link_is_dead(
    client, org_a, password, django_capture_on_commit_callbacks
):
    user = UserFactory(organisation=org_a)
    link = request_password_link(client, user.username, django_capture_on_commit_callbacks)
    services.user_deactivate_idle(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/wachtwoord/aanvragen/", {"username": user.username})
    assert len(mail.outbox) == 1  # only the link from before
    response = client.get(link, follow=True)
    assert "Deze link werkt niet meer" in response.content.decode()
    user.refresh_from_db()
    assert not user.check_password(NEW)


def test_an_old_session_of_an_inactive_or_deleted_account_opens_nothing(client, org_a):
    user = UserFactory(organisation=org_a)
    login_client(client, user)
    assert client.get("/aanvragen/").status_code == 200
    services.user_deactivate_idle(user=user)
    assert client.get("/aanvragen/")["Location"].startswith("/inloggen/")


def test_the_organisation_form_cannot_lift_a_suspension(client_as, staff, org_a):
    """Suspending and lifting go only through 'Organisatie opschorten' and 'Opschorting opheffen', each with its
    reason (tests/accounts/test_suspension_lift.py): the organisation form shows the suspension read-only, and a
    post without the tick box (as an unticked box posts) leaves it in place; the other changes are audited."""
    from django.urls import reverse

    from accounts.models import AuditEvent

    type(org_a).objects.filter(pk=org_a.pk).update(is_suspended=True)
    http = client_as(staff)
    url = reverse("admin:accounts_organisation_change", args=[org_a.pk])
    form = http.get(url).context["adminform"].form
    assert "is_suspended" not in form.fields
    data = {name: value for name, value in form.initial.items() if value is not None and name != "is_suspended"}
    data.update({
        "contract_start": "2020-01-01", "email_domains-TOTAL_FORMS": "1", "email_domains-INITIAL_FORMS": "1",
        "email_domains-0-id": str(org_a.email_domains.get().pk), "email_domains-0-domain": "zorg-a.nl",
        "email_domains-0-organisation": str(org_a.pk),
    })  # fmt: skip
    response = http.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    org_a.refresh_from_db()
    assert org_a.is_suspended
    event = AuditEvent.objects.get(action="organisation_changed", organisation=org_a)
    assert event.actor == staff
    assert event.detail["after"] == {"contract_start": "2020-01-01"}
