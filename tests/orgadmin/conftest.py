"""Personas of the beheer tests on top of tests/conftest.py: a second user and an outsider in org B."""

import pytest
from django.utils import timezone

from tests.factories import UserFactory


@pytest.fixture
def user_b(org_b):
    """The other organisation's user: every beheer URL with this login name must answer 404 for admin A."""
    return UserFactory(organisation=org_b, username="gebruikerb", first_name="Chris", last_name="Bos")


@pytest.fixture
def deleted_a(org_a, admin_a):
    return UserFactory(
        organisation=org_a,
        username="oudgebruiker",
        first_name="Olga",
        last_name="Oud",
        deleted_at=timezone.now(),
        deletion_reason="Uit dienst",
        deleted_by=admin_a,
    )


@pytest.fixture
def inactive_a(org_a):
    return UserFactory(
        organisation=org_a,
        username="slaper",
        first_name="Sam",
        last_name="Slaap",
        deactivated_at=timezone.now(),
        deactivation_reason="6 maanden niet ingelogd",
    )


@pytest.fixture
def admin_client(client_as, admin_a):
    return client_as(admin_a)


def user_form_data(**overrides):
    data = {
        "initials": "E.",
        "first_name": "Eva",
        "name_prefix": "de",
        "last_name": "Vries",
        "email": "eva.devries@zorg-a.nl",
        "mobile": "06 12345678",
        "uzi_number": "",
    }
    data.update(overrides)
    return data
