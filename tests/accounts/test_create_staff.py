"""`manage.py create_staff`: the first CIZ staff account at installation, with SMS device and welcome mail."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from two_factor.plugins.phonenumber.models import PhoneDevice

from accounts.models import AuditEvent, User
from tests.conftest import link_in_mail, two_factor_login

pytestmark = pytest.mark.django_db
ARGS = ["--initials", "J.", "--first-name", "Joke", "--last-name", "Bakker", "--email", "J.Bakker@ciz.nl"]
NEW = "Qx7#Bw9!Zt4k"


def test_create_staff_makes_an_admin_who_sets_a_password_and_logs_in_with_the_sms_code(
    client, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_staff", *ARGS, "--phone", "06 87654321")
    user = User.objects.get(email="j.bakker@ciz.nl")
    assert user.is_staff and user.is_superuser and user.organisation is None
    assert not user.has_usable_password()
    assert PhoneDevice.objects.get(user=user).number.as_e164 == "+31687654321"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.USER_CREATED, target=user).exists()
    link = link_in_mail(mail.outbox[-1].body)
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert two_factor_login(client, user.username, NEW, sms_outbox).status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("phone", ["", "12345"])
def test_create_staff_refuses_without_a_valid_mobile(phone):
    with pytest.raises(CommandError):
        call_command("create_staff", *ARGS, "--phone", phone)
    assert not User.objects.exists()


def test_create_staff_refuses_an_address_in_use(staff):
    with pytest.raises(CommandError, match="al in gebruik"):
        call_command("create_staff", *ARGS[:-1], staff.email, "--phone", "0687654321")
