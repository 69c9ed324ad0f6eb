"""The field for the code from an SMS is labelled "Code uit de sms" on every page that asks for one: the login,
the registration of a first number and 'Mobiel nummer wijzigen' (not "Verificatiecode", not "Token")."""

import re

import pytest
from django.core import mail

from tests.conftest import link_in_mail, password_step

pytestmark = pytest.mark.django_db


def label_of(page: str, name: str) -> str:
    field_id = re.search(rf'name="{name}"[^>]*id="([^"]+)"|id="([^"]+)"[^>]*name="{name}"', page)
    field_id = next(group for group in field_id.groups() if group)
    return re.search(rf'<label[^>]*for="{field_id}"[^>]*>\s*([^<]+?)\s*<', page).group(1)


def test_login_code_step(client, user_a, password, sms_outbox):
    page = password_step(client, user_a.username, password).content.decode()
    assert label_of(page, "token-otp_token") == "Code uit de sms"


def test_first_number_registration(client, org_a, sms_outbox, django_capture_on_commit_callbacks):
    from accounts import services
    from tests.factories import UserFactory

    user = UserFactory(organisation=org_a, mobile="")
    with django_capture_on_commit_callbacks(execute=True):
        services.password_link_send(user=user, purpose="welcome")
    link = client.get(link_in_mail(mail.outbox[-1].body), follow=True).redirect_chain[-1][0]
    client.post(link, {"new_password1": "Qx7#Bw9!Zt4k", "new_password2": "Qx7#Bw9!Zt4k"})
    password_step(client, user.username, "Qx7#Bw9!Zt4k")
    client.post("/inloggen/telefoon/", {"phone_setup_view-current_step": "welcome"})
    response = client.post("/inloggen/telefoon/", {"phone_setup_view-current_step": "sms", "sms-number": "06 12345678"})
    page = response.content.decode()
    assert label_of(page, "validation-token") == "Code uit de sms"
    assert "Token" not in page


def test_phone_change(client_as, user_a, password, sms_outbox):
    client = client_as(user_a)
    client.post("/mobiel/wijzigen/", {"password": password})
    page = client.get("/mobiel/wijzigen/").content.decode()
    assert label_of(page, "code") == "Code uit de sms"
