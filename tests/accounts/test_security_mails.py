"""Mails that tell a person their login data changed (ASVS 2.2.3): after a password change, after a password set by
a link (first password or reset), and to the OLD address after the organisation admin changed the e-mail address.
Each says what happened in that case, when and what to do if it was not them; none holds a secret: no link with a
token, no password, no code."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import User
from tests.conftest import link_in_mail, request_password_link
from tests.factories import PASSWORD
from tests.orgadmin.conftest import user_form_data

pytestmark = pytest.mark.django_db
NEW = "Vx8#Qm3!Rt6w"
AT = datetime(2026, 3, 2, 14, 5, tzinfo=ZoneInfo("Europe/Amsterdam"))
NOT_ME = "Heeft u dit niet zelf gedaan?"


def assert_no_secret(message, *passwords):
    body = message.subject + message.body
    for secret in passwords:
        assert secret not in body
    assert "/wachtwoord/instellen/" not in body and "token" not in body.lower()
    assert not re.search(r"(?<![0-9])[0-9]{6}(?![0-9])", body)  # no SMS-code-shaped number
    assert not re.search(r"https?://\S+/[0-9a-z]+-[0-9a-f]{20,}", body)  # no link carrying a token


def change_password(http, old=PASSWORD, new=NEW):
    return http.post(
        reverse("accounts:password_change"), {"old_password": old, "new_password1": new, "new_password2": new}
    )


@time_machine.travel(AT, tick=False)
def test_changing_the_password_mails_the_user_without_any_secret(client_as, user_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert change_password(client_as(user_a)).status_code == 302
    (message,) = mail.outbox
    assert message.to == [user_a.email]
    assert message.subject == "Portero: uw wachtwoord is gewijzigd"
    assert "Het wachtwoord van uw Portero-account (inlognaam gebruikera) is gewijzigd" in message.body
    assert "2 maart 2026 om 14:05" in message.body and NOT_ME in message.body
    assert "ingesteld" not in message.body.split(NOT_ME)[0]
    assert_no_secret(message, PASSWORD, NEW)


def test_a_refused_password_change_sends_no_mail(client_as, user_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert change_password(client_as(user_a), old="fout").status_code == 200
        assert change_password(client_as(user_a), new="kort").status_code == 200
    assert mail.outbox == []


@time_machine.travel(AT, tick=False)
def test_a_password_reset_by_link_is_mailed_as_reset_without_the_link(
    client, user_a, django_capture_on_commit_callbacks
):
    link = request_password_link(client, user_a.username, django_capture_on_commit_callbacks)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    link_mail, message = mail.outbox
    assert message.to == [user_a.email]
    assert message.subject == "Portero: uw wachtwoord is opnieuw ingesteld"
    assert "is opnieuw ingesteld via een link die per e-mail is verstuurd" in message.body
    assert "2 maart 2026 om 14:05" in message.body and NOT_ME in message.body
    assert link not in message.body and link_in_mail(link_mail.body) == link
    assert_no_secret(message, PASSWORD, NEW)


def test_the_first_password_of_a_new_account_is_confirmed_not_called_a_change(
    client, client_as, admin_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_as(admin_a).post(reverse("orgadmin:user_add"), user_form_data())
    client.logout()
    link = link_in_mail(mail.outbox[-1].body)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(form_url, {"new_password1": NEW, "new_password2": NEW}).status_code == 302
    message = mail.outbox[-1]
    assert message.to == ["eva.devries@zorg-a.nl"]
    assert message.subject == "Portero: uw wachtwoord is ingesteld"
    assert "U heeft het wachtwoord van uw nieuwe Portero-account (inlognaam edevries) ingesteld" in message.body
    assert "gewijzigd" not in message.body and "opnieuw" not in message.body
    assert_no_secret(message, NEW)


def test_a_password_set_on_the_command_line_is_mailed_too(user_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.password_set(user=user_a, raw_password=NEW, via=services.PasswordSetVia.COMMAND)
    (message,) = mail.outbox
    assert message.subject == "Portero: uw wachtwoord is gewijzigd"
    assert "is gewijzigd door een beheerder van het CIZ" in message.body
    assert_no_secret(message, NEW)


# --- E-mail address changed by the organisation admin ---------------------------------------------------------


def detail_data(user, **overrides):
    data = {
        name: str(getattr(user, name) or "")
        for name in ("initials", "first_name", "name_prefix", "last_name", "email", "uzi_number")
    }
    return {**data, "mobile": user.mobile.as_national if user.mobile else "", **overrides}


@time_machine.travel(AT, tick=False)
def test_the_old_address_is_told_when_the_org_admin_changes_the_email_address(
    client_as, admin_a, user_a, django_capture_on_commit_callbacks
):
    old = user_a.email
    url = reverse("orgadmin:user_detail", kwargs={"username": user_a.username})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(admin_a).post(url, detail_data(user_a, email="bram.jansen@zorg-a.nl"))
    assert response.status_code == 302
    user_a.refresh_from_db()
    assert user_a.email == "bram.jansen@zorg-a.nl"
    (message,) = mail.outbox
    assert message.to == [old]
    assert message.subject == "Portero: uw e-mailadres is gewijzigd"
    assert "Het e-mailadres van uw Portero-account (inlognaam gebruikera) is gewijzigd" in message.body
    assert "door Anna Dijkstra, organisatiebeheerder van Zorggroep A" in message.body
    assert (
        "2 maart 2026 om 14:05" in message.body
        and "Mails van Portero gaan voortaan naar het nieuwe adres" in message.body
    )
    assert "bram.jansen@zorg-a.nl" not in message.body  # the old mailbox learns nothing it did not know
    assert_no_secret(message, PASSWORD)


def test_no_mail_when_the_address_stays_or_the_change_is_refused(
    client_as, admin_a, user_a, django_capture_on_commit_callbacks
):
    url = reverse("orgadmin:user_detail", kwargs={"username": user_a.username})
    http = client_as(admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert http.post(url, detail_data(user_a, first_name="Bart")).status_code == 302
        assert http.post(url, detail_data(user_a, email=user_a.email.upper())).status_code == 302  # the same address
        assert http.post(url, detail_data(user_a, email="bram@gmail.com")).status_code == 200  # refused
    assert mail.outbox == []
    assert User.objects.get(pk=user_a.pk).email == user_a.email
