"""Portero's password policy, enforced by accounts.services.password_set on every path."""

import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import PasswordHistory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
GOOD = "Qx7#Bw9!Zt4k"


@pytest.fixture
def person(org_a):
    return UserFactory(
        organisation=org_a, username="jpdevries", first_name="Jóse", last_name="de Vries", email="j.devries@zorg-a.nl"
    )


def errors_for(user, password):
    with pytest.raises(ValidationError) as info:
        services.password_set(user=user, raw_password=password)
    return " ".join(info.value.messages)


def test_a_good_password_is_accepted_and_starts_a_new_period(person):
    services.password_set(user=person, raw_password=GOOD)
    person.refresh_from_db()
    assert person.check_password(GOOD)
    assert person.password_changed_at is not None


def test_at_least_8_characters(person):
    assert "te kort" in errors_for(person, "Qx7#Bw9")
    services.password_set(user=person, raw_password="Qx7#Bw9!")


@pytest.mark.parametrize(
    ("password", "ok"),
    [("qxbwztkmpl", False), ("qxbwztkm12", False), ("QXBWzt#!", True), ("qxbwz7#!", True), ("QXBW7#!9", True)],
)
def test_characters_from_at_least_3_of_the_4_classes(person, password, ok):
    if ok:
        services.password_set(user=person, raw_password=password)
    else:
        assert "minimaal 3 van deze 4 groepen" in errors_for(person, password)


@pytest.mark.parametrize(
    "password",
    ["Xq7#jpdQ!", "Xq7#JOS9!k", "Xq7#jose!k", "Xq7#VRIes!", "Xq7#devr!k", "Xq7#ries!k"],
    ids=["login-name", "first-name-case", "first-name-diacritics", "last-name-case", "email-local-part", "last-name"],
)
def test_no_run_of_3_characters_of_the_names(person, password):
    assert "geen deel van uw inlognaam" in errors_for(person, password)


def test_two_characters_of_a_name_are_allowed(person):
    services.password_set(user=person, raw_password="Xq7#jo!Vr9k")


def test_not_the_current_password(person):
    services.password_set(user=person, raw_password=GOOD)
    assert "huidige wachtwoord of een van de 12 vorige" in errors_for(person, GOOD)


def test_not_one_of_the_12_previous_but_the_13th_is_allowed_again(person):
    passwords = [f"Qx7#Bw9!Zt{n:02d}" for n in range(14)]
    for password in passwords:
        services.password_set(user=person, raw_password=password)
    # current = passwords[13]; previous 12 = passwords[1..12]; passwords[0] fell out of the history
    assert PasswordHistory.objects.filter(user=person).count() == 12
    assert "12 vorige" in errors_for(person, passwords[1])
    assert "12 vorige" in errors_for(person, passwords[12])
    services.password_set(user=person, raw_password=passwords[0])


def test_history_holds_hashes_never_the_password(person):
    services.password_set(user=person, raw_password=GOOD)
    services.password_set(user=person, raw_password=GOOD + "x")
    stored = PasswordHistory.objects.filter(user=person).first().password  # newest: GOOD
    assert GOOD not in stored
    assert stored.startswith(("md5$", "argon2$", "pbkdf2"))


def test_common_passwords_are_refused(person):
    assert "te algemeen" in errors_for(person, "P@ssw0rd")


def test_all_failures_are_listed_at_once(person):
    messages = errors_for(person, "vries")
    assert "te kort" in messages
    assert "minimaal 3 van deze 4 groepen" in messages
    assert "geen deel van uw inlognaam" in messages


def test_long_passwords_of_64_characters_and_more_are_accepted(person):
    long_password = "Qx7#Bw9!Zt4k" * 8  # 96 characters
    services.password_set(user=person, raw_password=long_password)
    person.refresh_from_db()
    assert person.check_password(long_password)


def test_createsuperuser_applies_the_policy_too(db):
    from django.contrib.auth.password_validation import validate_password

    with pytest.raises(ValidationError):
        validate_password("cizadmin1", None)


def test_passwords_longer_than_128_characters_are_refused_and_128_is_accepted(person):
    """ASVS 2.1.2: at least 64 characters allowed, more than 128 refused (no megabyte hashed on every path)."""
    assert "hoogstens 128 tekens" in errors_for(person, "Qx7#Bw9!" * 16 + "a")
    assert "hoogstens 128 tekens" in errors_for(person, "Qx7#Bw9!" * 125_000)  # 1 MB
    services.password_set(user=person, raw_password="Qx7#Bw9!" * 16)
    person.refresh_from_db()
    assert person.check_password("Qx7#Bw9!" * 16)


def test_the_change_page_puts_the_length_message_next_to_the_new_password(client_as, person):
    from django.urls import reverse

    from tests.factories import PASSWORD

    too_long = "Qx7#Bw9!" * 16 + "a"
    response = client_as(person).post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": too_long, "new_password2": too_long},
    )
    assert response.status_code == 200
    assert "Het wachtwoord mag hoogstens 128 tekens lang zijn." in response.context["form"].errors["new_password1"]
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    response = client_as(person).post(
        reverse("accounts:password_change"),
        {"old_password": "x" * 1025, "new_password1": GOOD, "new_password2": GOOD},
    )
    assert response.context["form"].errors["old_password"] == ["Gebruik maximaal 1024 tekens (nu 1025)."]
    assert "minimaal 8 en hoogstens 128 tekens" in response.content.decode()  # the rules on the page say so
