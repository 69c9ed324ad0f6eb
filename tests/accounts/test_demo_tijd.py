"""`manage.py demo_tijd`: a newcomer moves a demo account's dates to see the time rules without editing the
database: the expiry warning, the expired password, the idle deactivation. Only with DEBUG, only demo accounts."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.management import CommandError, call_command

from accounts import selectors, services
from accounts.models import Organisation, User

pytestmark = pytest.mark.django_db
T = datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    Organisation.objects.update(contract_start=date(2020, 1, 1))  # the seed's contracts start today
    return User.objects.get(username="bjansen")


def demo_tijd(*args):
    out = StringIO()
    call_command("demo_tijd", *args, stdout=out)
    return out.getvalue()


def test_refused_without_debug(demo, settings):
    settings.DEBUG = False
    before = User.objects.values_list("password_changed_at", "last_login").get(pk=demo.pk)
    with pytest.raises(CommandError, match="alleen met DJANGO_DEBUG=1"):
        demo_tijd("bjansen", "--wachtwoord-verloopt-over", "5")
    assert User.objects.values_list("password_changed_at", "last_login").get(pk=demo.pk) == before


def test_refused_for_an_account_that_is_not_a_demo_account(demo, org_a):
    from tests.factories import UserFactory

    other = UserFactory(organisation=org_a, username="echtpersoon")
    with pytest.raises(CommandError, match="geen demo-account"):
        demo_tijd("echtpersoon", "--wachtwoord-verloopt-over", "5")
    assert User.objects.get(pk=other.pk).password_changed_at == other.password_changed_at


def test_password_expires_in_5_days_to_the_second(demo):
    with time_machine.travel(T, tick=False):
        out = demo_tijd("bjansen", "--wachtwoord-verloopt-over", "5")
    demo.refresh_from_db()
    assert selectors.password_expires_at(user=demo) == T + timedelta(days=5)
    assert "15 maart 2026 om 12:00" in out
    with time_machine.travel(T, tick=False):
        assert selectors.password_expiry_warning(user=demo) == T + timedelta(days=5)
    with time_machine.travel(T + timedelta(days=5, seconds=-1), tick=False):
        assert services.login_refusal(user=demo) is None
    with time_machine.travel(T + timedelta(days=5), tick=False):
        assert services.login_refusal(user=demo) == services.LoginRefusal.PASSWORD_EXPIRED


def test_password_expired_now_with_zero_days_and_the_nightly_marks_forgotten(demo):
    User.objects.filter(pk=demo.pk).update(password_expired_at=T - timedelta(days=400))
    with time_machine.travel(T, tick=False):
        demo_tijd("bjansen", "--wachtwoord-verloopt-over", "20")
        demo.refresh_from_db()
        assert demo.password_expired_at is None and demo.password_expiry_warned_at is None
        assert services.login_refusal(user=demo) is None
        demo_tijd("bjansen", "--wachtwoord-verloopt-over", "0")
        demo.refresh_from_db()
        assert services.login_refusal(user=demo) == services.LoginRefusal.PASSWORD_EXPIRED


def test_inactief_puts_the_last_login_exactly_6_months_back(demo):
    with time_machine.travel(T, tick=False):
        demo_tijd("bjansen", "--inactief")
    demo.refresh_from_db()
    assert demo.last_login == T - relativedelta(months=6)
    with time_machine.travel(T - timedelta(seconds=1), tick=False):
        assert services.login_refusal(user=demo) is None
    with time_machine.travel(T, tick=False):
        assert services.login_refusal(user=demo) == services.LoginRefusal.INACTIVE


def test_idle_in_days(demo):
    with time_machine.travel(T, tick=False):
        demo_tijd("bjansen", "--niet-ingelogd-dagen", "200")
        demo.refresh_from_db()
        assert T - demo.last_login == timedelta(days=200)
