"""Mobile numbers: accounts.services.mobile_parse is the one rule for every path that stores a number (beheer,
the CIZ admin's new organisation, commands, phone setup): a mobile number from an allowed region only."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from tests.orgadmin.conftest import user_form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("raw", ["06 12345678", "+31612345678", "0031 6 12345678", "+31 97 012345678"])
def test_dutch_mobile_numbers_are_accepted(raw):
    assert services.mobile_parse(raw).as_e164.startswith("+31")


@pytest.mark.parametrize(
    "raw",
    [
        "+447911123456",  # a British mobile
        "+32470123456",  # a Belgian mobile
        "+12025550123",  # the United States
        "020 123 4567",  # a Dutch landline
        "+31201234567",
        "0800 0432",  # a free-phone number
        "085 123 4567",  # a Dutch non-geographic number
    ],
)
def test_foreign_and_non_mobile_numbers_are_refused_with_a_dutch_message(raw):
    with pytest.raises(ValidationError) as info:
        services.mobile_parse(raw)
    assert "mobiel nummer" in info.value.messages[0]


def test_the_allowed_regions_are_a_setting(settings):
    settings.PORTERO_SMS_ALLOWED_REGIONS = ["NL", "BE"]
    assert services.mobile_parse("+32470123456").as_e164 == "+32470123456"
    with pytest.raises(ValidationError):
        services.mobile_parse("+447911123456")
    with pytest.raises(ValidationError):
        services.mobile_parse("+3225551234")  # a Belgian landline


def test_beheer_refuses_a_foreign_number_next_to_the_field_and_stores_nothing(client_as, admin_a, user_a):
    from tests.orgadmin.test_user_update import current_data, detail_url

    admin_client = client_as(admin_a)
    before = str(user_a.mobile)
    response = admin_client.post(detail_url(user_a), current_data(user_a, mobile="+447911123456"))
    assert response.status_code == 200
    assert response.context["form"].errors["mobile"]
    user_a.refresh_from_db()
    assert str(user_a.mobile) == before


def test_beheer_refuses_a_landline_for_a_new_user(client_as, admin_a):
    admin_client = client_as(admin_a)
    response = admin_client.post(reverse("orgadmin:user_add"), user_form_data(mobile="030 123 4567"))
    assert response.status_code == 200
    assert "mobiel nummer" in " ".join(response.context["form"].errors["mobile"])
