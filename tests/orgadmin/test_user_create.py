"""'Nieuwe gebruiker toevoegen': required fields, e-mail rules next to the field, login name, welcome mail."""

from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from two_factor.plugins.phonenumber.models import PhoneDevice

from accounts import selectors as account_selectors
from accounts.models import AuditEvent, User
from tests.conftest import link_in_mail
from tests.factories import UserFactory
from tests.orgadmin.conftest import user_form_data

pytestmark = pytest.mark.django_db
ADD = reverse("orgadmin:user_add")


def field_errors(response, field):
    return list(response.context["form"].errors.get(field, []))


def test_create_user_generates_login_name_and_mails_the_welcome(
    admin_client, admin_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(ADD, user_form_data())
    user = User.objects.get(email="eva.devries@zorg-a.nl")
    assert user.username == "edevries"
    assert response.status_code == 302
    assert response.url == reverse("orgadmin:user_added", kwargs={"username": "edevries"})
    assert user.organisation == admin_a.organisation and not user.is_org_admin and not user.has_usable_password()
    assert user.initials == "E." and user.name_prefix == "de" and str(user.mobile) == "+31612345678"
    assert PhoneDevice.objects.get(user=user).number == user.mobile
    (message,) = mail.outbox
    assert message.to == ["eva.devries@zorg-a.nl"]
    assert "edevries" in message.body and "8 uur" in message.body
    assert "/wachtwoord/instellen/" in link_in_mail(message.body)
    event = AuditEvent.objects.get(action=AuditEvent.Action.USER_CREATED, target=user)
    assert event.actor == admin_a


def test_confirmation_page_shows_the_login_name_and_verder(admin_client):
    admin_client.post(ADD, user_form_data())
    response = admin_client.get(reverse("orgadmin:user_added", kwargs={"username": "edevries"}))
    html = response.content.decode()
    assert "edevries" in html and "welkomstmail" in html and "eva.devries@zorg-a.nl" in html
    assert f'<a class="button" href="{reverse("orgadmin:user_list")}">Verder</a>' in html


def test_second_person_with_the_same_name_gets_a_number(admin_client):
    admin_client.post(ADD, user_form_data())
    admin_client.post(ADD, user_form_data(email="eva.devries2@zorg-a.nl", first_name="Emma"))
    assert User.objects.filter(username="edevries2", first_name="Emma").exists()


def test_a_login_name_taken_between_its_choice_and_the_save_gets_the_next_number(admin_client, admin_a):
    """Two admins adding two people of the same name at the same moment: both see 'edevries' free, one saves it
    first. The other's save is refused by the unique login name and takes the next number; the person gets an
    account, not the model's 'Er bestaat al een Gebruiker met eenzelfde Inlognaam'."""
    UserFactory(organisation=admin_a.organisation, username="edevries", email="emma.devries@zorg-a.nl")
    real = account_selectors.login_names_starting_with
    looks = []

    def stale_then_real(base):
        looks.append(base)  # the first look is from before the other save; later looks see it
        return set() if len(looks) == 1 else real(base)

    with mock.patch.object(account_selectors, "login_names_starting_with", side_effect=stale_then_real):
        response = admin_client.post(ADD, user_form_data())
    assert response.status_code == 302, response.context["form"].errors
    assert User.objects.get(email="eva.devries@zorg-a.nl").username == "edevries2"


@pytest.mark.parametrize("field", ["initials", "first_name", "last_name", "email"])
def test_required_fields(admin_client, field):
    response = admin_client.post(ADD, user_form_data(**{field: ""}))
    assert response.status_code == 200
    assert field_errors(response, field) == ["Dit veld is verplicht."]
    assert not User.objects.filter(last_name="Vries").exists()


def test_optional_fields_may_stay_empty(admin_client):
    response = admin_client.post(ADD, user_form_data(name_prefix="", mobile="", uzi_number=""))
    assert response.status_code == 302
    user = User.objects.get(email="eva.devries@zorg-a.nl")
    assert user.username == "evries" and not PhoneDevice.objects.filter(user=user).exists()


@pytest.mark.parametrize("uzi", ["12345678", "1234567890", "12345678a"])
def test_uzi_number_has_nine_digits(admin_client, uzi):
    response = admin_client.post(ADD, user_form_data(uzi_number=uzi))
    assert field_errors(response, "uzi_number") == ["Een UZI-nummer bestaat uit precies 9 cijfers."]


def test_uzi_number_of_nine_digits_is_stored(admin_client):
    admin_client.post(ADD, user_form_data(uzi_number="123456789"))
    assert User.objects.get(username="edevries").uzi_number == "123456789"


def test_invalid_mobile_is_refused_next_to_its_field(admin_client):
    response = admin_client.post(ADD, user_form_data(mobile="12"))
    assert "Vul een geldig mobiel nummer in" in field_errors(response, "mobile")[0]


def test_email_outside_the_organisations_domain_is_refused(admin_client):
    response = admin_client.post(ADD, user_form_data(email="eva@gmail.com"))
    assert field_errors(response, "email") == [
        "Het e-mailadres moet binnen het domein van uw organisatie vallen (zorg-a.nl)."
    ]
    assert not User.objects.filter(email="eva@gmail.com").exists()


def test_other_organisations_domain_is_refused(admin_client, org_b):
    response = admin_client.post(ADD, user_form_data(email="eva@zorg-b.nl"))
    assert "binnen het domein van uw organisatie" in field_errors(response, "email")[0]


@pytest.mark.parametrize("local", ["info", "INFO", "secretariaat", "receptie", "planning", "noreply", "contact"])
def test_generic_mailbox_is_refused(admin_client, local):
    response = admin_client.post(ADD, user_form_data(email=f"{local}@zorg-a.nl"))
    assert "Gebruik een persoonlijk werk-e-mailadres" in field_errors(response, "email")[0]


def test_email_clash_in_own_organisation_names_the_login_name(admin_client, admin_a):
    response = admin_client.post(ADD, user_form_data(email=admin_a.email.upper()))
    assert field_errors(response, "email") == [
        "Dit e-mailadres is al in gebruik bij gebruiker beheerdera in uw organisatie."
    ]


def test_email_clash_in_other_organisation_says_only_in_use(admin_client, org_a, org_b):
    from accounts.models import EmailDomain

    EmailDomain.objects.create(organisation=org_b, domain="zorg-a.nl")  # a shared domain (a merger)
    UserFactory(organisation=org_b, username="geheim", email="eva.devries@zorg-a.nl")
    response = admin_client.post(ADD, user_form_data())
    assert field_errors(response, "email") == ["Dit e-mailadres is al in gebruik."]
    assert "geheim" not in response.content.decode()


def test_email_of_a_deleted_account_may_be_used_again(admin_client, deleted_a):
    response = admin_client.post(ADD, user_form_data(email=deleted_a.email))
    assert response.status_code == 302


def test_errors_are_shown_next_to_the_field(admin_client):
    html = admin_client.post(ADD, user_form_data(email="info@zorg-a.nl")).content.decode()
    assert 'id="id_email_error"' in html and "Niet alle gegevens zijn goed ingevuld" in html


def test_race_on_create_ends_in_the_email_form_error(admin_client, user_a):
    """Both saves passed the check before either was stored: the database constraint decides."""
    real = account_selectors.active_user_with_email
    calls = []

    def check_misses_the_other_save(**kwargs):
        calls.append(kwargs)
        return None if len(calls) <= 2 else real(**kwargs)  # the checks before the insert see nothing

    with mock.patch.object(account_selectors, "active_user_with_email", side_effect=check_misses_the_other_save):
        response = admin_client.post(ADD, user_form_data(email=user_a.email))
    assert response.status_code == 200
    assert field_errors(response, "email") == ["Dit e-mailadres is al in gebruik."]
    assert User.objects.filter(email=user_a.email).count() == 1


def test_confirmation_page_is_only_shown_right_after_the_create(admin_client, user_a):
    response = admin_client.get(reverse("orgadmin:user_added", kwargs={"username": user_a.username}))
    assert response.status_code == 302
    assert response.url == reverse("orgadmin:user_detail", kwargs={"username": user_a.username})
