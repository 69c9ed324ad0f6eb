"""accounts.services.factors_reset and the CIZ admin's action: CIZ staff reset an org admin's second factors (the
organisation's other people are reset by their org admin in beheer), audited with the staff member as actor."""

import django_otp
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent, User
from accounts.services import PasswordSetVia, password_set
from accounts.services.factors_reset import factors_reset
from tests.conftest import link_in_mail, login_client

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/accounts/user/"
NEW = "Qx7#Bw9!Zt4k"


def action(http, user, address="127.0.0.1", **extra):
    data = {"action": "factors_reset_action", "_selected_action": [user.pk], **extra}
    return http.post(CHANGELIST, data, REMOTE_ADDR=address)


def test_ciz_staff_reset_an_org_admin_after_a_confirmation(client, staff, admin_a, django_capture_on_commit_callbacks):
    TOTPDevice.objects.create(user=admin_a, name="App")
    running = login_client(Client(), admin_a)
    http = login_client(client, staff)
    asked = action(http, admin_a)
    html = asked.content.decode()
    assert asked.status_code == 200 and "Inlogmethoden herstellen" in html and "Sms, Authenticator-app" in html
    assert len(list(django_otp.devices_for_user(admin_a, confirmed=None))) == 2  # asked only, nothing changed
    with django_capture_on_commit_callbacks(execute=True):
        done = action(http, admin_a, address="192.0.2.9", apply="1")
    assert done.status_code == 302
    user = User.objects.get(pk=admin_a.pk)
    assert list(django_otp.devices_for_user(user, confirmed=None)) == []
    assert not user.mobile and not user.has_usable_password()
    assert running.get("/beheer/gebruikers/").status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.FACTORS_RESET, target=user)
    assert (event.actor, event.ip_address, event.detail["by_ciz"]) == (staff, "192.0.2.9", True)
    (message,) = mail.outbox
    assert message.to == [user.email] and "Het CIZ heeft de inlogmethoden" in message.body
    assert "/wachtwoord/instellen/" in link_in_mail(message.body)


def test_ciz_staff_reset_only_org_admins_here(client, staff, user_a):
    response = action(login_client(client, staff), user_a, apply="1")
    assert response.status_code == 302
    assert user_a.phonedevice_set.exists() and not AuditEvent.objects.filter(action="factors_reset").exists()
    followed = client.get(response.url).content.decode()
    assert "Alleen de inlogmethoden van een organisatiebeheerder worden hier hersteld" in followed


def test_nobody_resets_their_own_factors(admin_a, staff):
    for person in (admin_a, staff):
        with pytest.raises(ValidationError, match="eigen account"):
            factors_reset(user=person, actor=person)
        assert person.phonedevice_set.exists()
    assert not AuditEvent.objects.filter(action="factors_reset").exists()


def test_the_old_password_cannot_come_back_and_the_new_one_is_not_called_a_first(
    admin_a, user_a, password, django_capture_on_commit_callbacks
):
    factors_reset(user=user_a, actor=admin_a)
    user = User.objects.get(pk=user_a.pk)
    with pytest.raises(ValidationError):
        password_set(user=user, raw_password=password)
    with django_capture_on_commit_callbacks(execute=True):
        password_set(user=user, raw_password=NEW, via=PasswordSetVia.LINK)
    assert mail.outbox[-1].subject == "Portero: uw wachtwoord is opnieuw ingesteld"
