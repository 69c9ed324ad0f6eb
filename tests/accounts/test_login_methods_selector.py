"""The kinds of second factor per account, as the beheer list and the export show them."""

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.selectors import login_methods_by_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_each_account_gets_its_confirmed_kinds_in_a_fixed_order(django_assert_max_num_queries):
    sms_only = UserFactory()
    strong = UserFactory()
    TOTPDevice.objects.create(user=strong, name="Telefoon")
    StaticDevice.objects.create(user=strong, name="Herstelcodes")
    unconfirmed = UserFactory(mobile="")
    TOTPDevice.objects.create(user=unconfirmed, name="Half", confirmed=False)

    with django_assert_max_num_queries(4):
        methods = login_methods_by_user([sms_only.pk, strong.pk, unconfirmed.pk])

    assert methods == {
        sms_only.pk: ["Sms"],
        strong.pk: ["Sms", "Authenticator-app", "Herstelcodes"],
        unconfirmed.pk: [],
    }


def test_no_accounts_no_queries(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert login_methods_by_user([]) == {}
