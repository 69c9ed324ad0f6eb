"""`manage.py create_organisation` and the same in the Django admin: organisation + first org admin + welcome mail."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from accounts.models import AuditEvent, Organisation, User
from tests.conftest import link_in_mail

pytestmark = pytest.mark.django_db

GOOD = [
    "--name", "Zorggroep Het Anker", "--agb", "41001234", "--kvk", "23456789", "--domain", "hetanker.nl",
    "--domain", "anker-zorg.nl", "--profile", "volledig", "--admin-initials", "P.", "--admin-first-name", "Petra",
    "--admin-prefix", "van der", "--admin-last-name", "Meer", "--admin-email", "p.vandermeer@hetanker.nl",
    "--admin-phone", "06 12345678",
]  # fmt: skip


def replace(args, option, value):
    args = list(args)
    args[args.index(option) + 1] = value
    return args


def test_creates_organisation_and_admin_and_prints_the_login_name():
    out = StringIO()
    call_command("create_organisation", *GOOD, stdout=out)
    login_name = out.getvalue().strip().splitlines()[-1]
    assert login_name == "pvandermeer"
    organisation = Organisation.objects.get(kvk_number="23456789")
    assert organisation.profile == "volledig"
    assert sorted(organisation.email_domains.values_list("domain", flat=True)) == ["anker-zorg.nl", "hetanker.nl"]
    admin = User.objects.get(username=login_name)
    assert admin.is_org_admin and admin.organisation == organisation
    assert admin.mobile.as_e164 == "+31612345678"
    assert not admin.has_usable_password()
    created = AuditEvent.objects.get(action="user_created", target=admin).detail
    assert created["email"] == "p.vandermeer@hetanker.nl" and created["is_org_admin"] is True


def test_welcome_mail_has_login_name_and_a_working_set_password_link(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_organisation", *GOOD, stdout=StringIO())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["p.vandermeer@hetanker.nl"]
    assert "pvandermeer" in message.body
    link = link_in_mail(message.body)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert "Wachtwoord instellen" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "Qx7#Bw9!Zt4k", "new_password2": "Qx7#Bw9!Zt4k"})
    assert response.status_code == 302
    assert User.objects.get(username="pvandermeer").check_password("Qx7#Bw9!Zt4k")
    # the link works once
    assert "Deze link werkt niet meer" in client.get(link, follow=True).content.decode()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--admin-email", "p.vandermeer@gmail.com", "binnen het domein van uw organisatie"),
        ("--admin-email", "info@hetanker.nl", "persoonlijk werk-e-mailadres"),
        ("--agb", "4100123", "AGB-code bestaat uit precies 8 cijfers"),
        ("--kvk", "2345678x", "KvK-nummer bestaat uit precies 8 cijfers"),
        ("--admin-phone", "12345", "geldig mobiel nummer"),
        ("--domain", "geen domein", "geen geldig e-maildomein"),
    ],
)
def test_bad_input_ends_with_a_clear_message_and_creates_nothing(option, value, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_organisation", *replace(GOOD, option, value), stdout=StringIO())
    assert not Organisation.objects.exists()
    assert not User.objects.exists()
    assert mail.outbox == []


def test_unknown_profile_is_refused():
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("create_organisation", *replace(GOOD, "--profile", "premium"), stdout=StringIO())
    assert not Organisation.objects.exists()


def test_ciz_staff_create_the_same_in_the_admin(client, client_as, staff, django_capture_on_commit_callbacks):
    client_as(staff)
    data = {
        "name": "Zorggroep Het Anker", "agb_code": "41001234", "kvk_number": "23456789",
        "domains": "hetanker.nl", "profile": "basis", "admin_initials": "P.", "admin_first_name": "Petra",
        "admin_name_prefix": "", "admin_last_name": "Meer", "admin_email": "info@hetanker.nl", "admin_mobile": "",
    }  # fmt: skip
    response = client.post("/admin/accounts/organisation/add/", data)
    assert response.status_code == 200
    assert "persoonlijk werk-e-mailadres" in response.content.decode()
    assert not Organisation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/accounts/organisation/add/", {**data, "admin_email": "petra@hetanker.nl"})
    assert response.status_code == 302
    assert User.objects.get(username="pmeer").organisation.name == "Zorggroep Het Anker"
    assert len(mail.outbox) == 1


def test_admin_needs_the_second_factor(client, staff):
    client.force_login(staff)  # password only, no verified SMS code
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/inloggen/telefoon/" or "/inloggen/" in response["Location"]


def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=StringIO())
    counts = (Organisation.objects.count(), User.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Organisation.objects.count(), User.objects.count()) == counts
    assert counts[0] == 2
