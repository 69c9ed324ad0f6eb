"""'Inlogmethoden herstellen' in the beheer site: every device of the account removed, every session ended, a mail
with a set-password link, an audit row with the address; the account enrols again (link → password → phone). Not
for the admin's own account; another organisation's account is a 404."""

import django_otp
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.plugins.phonenumber.models import PhoneDevice

from accounts.models import AuditEvent, User
from orgadmin import services
from tests.conftest import latest_sms_code, link_in_mail, login_client, password_step, sms_count
from tests.factories import OrgAdminFactory

pytestmark = pytest.mark.django_db
NEW = "Qx7#Bw9!Zt4k"
SETUP = "/inloggen/telefoon/"


def reset_url(user):
    return reverse("orgadmin:user_factors_reset", kwargs={"username": user.username})


def all_devices(user):
    return list(django_otp.devices_for_user(user, confirmed=None))


@pytest.fixture
def strong_user(user_a):
    """user_a with every kind of factor: SMS, an authenticator app, recovery codes and one app not yet confirmed."""
    TOTPDevice.objects.create(user=user_a, name="Telefoon")
    TOTPDevice.objects.create(user=user_a, name="Nieuw", confirmed=False)
    codes = StaticDevice.objects.create(user=user_a, name="Herstelcodes")
    StaticToken.objects.create(device=codes, token="abcd1234")
    return user_a


def test_the_users_page_offers_the_reset_and_the_confirmation_page_shows_the_kinds(admin_client, strong_user):
    page = admin_client.get(reverse("orgadmin:user_detail", kwargs={"username": strong_user.username}))
    assert f'href="{reset_url(strong_user)}">Inlogmethoden herstellen</a>' in page.content.decode()
    html = admin_client.get(reset_url(strong_user)).content.decode()
    assert "Weet u zeker dat u de inlogmethoden van Bram Jansen (gebruikera) wilt herstellen?" in html
    assert "Sms, Authenticator-app, Herstelcodes" in html
    assert ">Ja, herstellen</button>" in html and "abcd1234" not in html
    assert len(all_devices(strong_user)) == 4  # a GET changes nothing


def test_ja_removes_every_device_ends_every_session_mails_and_audits(
    admin_client, admin_a, strong_user, django_capture_on_commit_callbacks
):
    running = login_client(Client(), strong_user)
    assert running.get("/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reset_url(strong_user), REMOTE_ADDR="192.0.2.44")
    assert response.url == reverse("orgadmin:user_detail", kwargs={"username": strong_user.username})
    user = User.objects.get(pk=strong_user.pk)
    assert all_devices(user) == [] and not StaticToken.objects.exists()
    assert user.mobile == "" and user.sessions_revoked_at is not None and user.is_active
    # the running session of the user is logged out on its next request
    assert running.get("/").status_code == 302
    (message,) = mail.outbox
    assert message.to == [user.email] and "hersteld" in message.subject
    assert "De organisatiebeheerder van uw organisatie heeft de inlogmethoden" in message.body
    assert "/wachtwoord/instellen/" in link_in_mail(message.body)
    event = AuditEvent.objects.get(action=AuditEvent.Action.FACTORS_RESET, target=user)
    assert (event.actor, event.ip_address, event.organisation_id) == (admin_a, "192.0.2.44", admin_a.organisation_id)
    assert event.detail["removed"] == {
        "otp_static.staticdevice": 1,
        "otp_totp.totpdevice": 2,
        "phonenumber.phonedevice": 1,
    }
    assert event.detail["mobile_cleared"] is True and event.detail["by_ciz"] is False
    assert AuditEvent.objects.filter(action="password_link_sent", target=user).get().detail["purpose"] == (
        "factors_reset"
    )
    followed = admin_client.get(response.url)
    assert "De inlogmethoden van Bram Jansen zijn hersteld." in followed.content.decode()


def test_the_user_enrols_again_through_the_link_password_and_phone(
    admin_client, strong_user, password, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reset_url(strong_user))
    # the old password no longer logs in (whoever has the lost phone or laptop may know it), and trying it leaves
    # the link valid
    stranger = Client()
    refused = password_step(stranger, strong_user.username, password, REMOTE_ADDR="127.0.0.1")
    assert "_auth_user_id" not in stranger.session and "is niet juist" in refused.content.decode()
    assert stranger.get(SETUP).status_code == 302
    assert sms_count(sms_outbox) == 0

    person = Client()
    response = person.get(link_in_mail(mail.outbox[-1].body), follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        person.post(response.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert mail.outbox[-1].subject == "Portero: uw wachtwoord is opnieuw ingesteld"  # not a new account's first
    password_step(person, strong_user.username, NEW)
    person.post(SETUP, {"phone_setup_view-current_step": "welcome"})
    person.post(SETUP, {"phone_setup_view-current_step": "sms", "sms-number": "06 87654321"})
    code = latest_sms_code(sms_outbox)
    done = person.post(SETUP, {"phone_setup_view-current_step": "validation", "validation-token": code})
    assert done.status_code == 302
    user = User.objects.get(pk=strong_user.pk)
    assert user.mobile.as_e164 == "+31687654321" and user.check_password(NEW)
    assert [d.__class__ for d in all_devices(user)] == [PhoneDevice]
    assert person.get("/").status_code == 200


def test_the_admin_cannot_reset_their_own_factors(admin_client, admin_a):
    html = admin_client.get(reverse("orgadmin:user_detail", kwargs={"username": admin_a.username})).content.decode()
    assert "U kunt de inlogmethoden van uw eigen account niet zelf herstellen." in html
    assert f'href="{reset_url(admin_a)}"' not in html
    page = admin_client.get(reset_url(admin_a)).content.decode()
    assert "U kunt de inlogmethoden van uw eigen account niet zelf herstellen." in page and "Ja, herstellen" not in page
    admin_client.post(reset_url(admin_a))
    assert PhoneDevice.objects.filter(user=admin_a).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.FACTORS_RESET).exists() and not mail.outbox
    with pytest.raises(ValidationError, match="eigen account"):
        services.user_factors_reset(admin=admin_a, user=admin_a)


def test_another_organisations_account_is_a_404_and_keeps_its_factors(admin_client, admin_a, admin_b):
    for method in (admin_client.get, admin_client.post):
        assert method(reset_url(admin_b)).status_code == 404
    assert PhoneDevice.objects.filter(user=admin_b).exists()
    admin_b.refresh_from_db()
    assert admin_b.mobile and admin_b.sessions_revoked_at is None
    with pytest.raises(PermissionDenied):
        services.user_factors_reset(admin=admin_a, user=admin_b)


def test_a_deleted_account_is_a_404(admin_client, deleted_a):
    assert admin_client.post(reset_url(deleted_a)).status_code == 404


def test_another_org_admin_of_the_same_organisation_may_reset_an_admin(client_as, org_a, admin_a):
    second = OrgAdminFactory(organisation=org_a, username="tweedebeheerder")
    client = client_as(second)
    assert client.post(reset_url(admin_a)).status_code == 302
    assert not PhoneDevice.objects.filter(user=admin_a).exists()


def test_a_plain_user_gets_403(client_as, user_a, admin_a):
    assert client_as(user_a).post(reset_url(admin_a)).status_code == 403
    assert PhoneDevice.objects.filter(user=admin_a).exists()
