"""accounts.auth_cache: a logged-in request that changes nothing reads its session, account, organisation and device
in one Redis round trip and no query; and every write that changes one of them is seen by the next request of a
running session, including the writes that send no signal (queryset update(), the nightly jobs' raw UPDATE).

Only with Redis (the PostgreSQL + Redis run of `make test`): without it the cache is not used, every request reads
the database, and the same writes are covered by tests/security."""

import time
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from two_factor.plugins.phonenumber.models import PhoneDevice

from aanvragen.services.steekproeven import SanctionKind, organisation_suspend
from accounts.models import Organisation, User
from accounts.services import sessions_end_all
from accounts.services.jobs import idle_accounts_deactivate, passwords_expire, user_deactivate_idle
from accounts.services.passwords import password_set
from orgadmin.services import user_delete, user_factors_reset, user_update
from tests.conftest import login_client
from tests.factories import OrgAdminFactory, StaffFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("tests.accounts.bare_urls"),
    pytest.mark.skipif(not settings.REDIS_URL, reason="the copies are kept in Redis only"),
]


@pytest.fixture
def redis_round_trips(monkeypatch):
    """Counts the round trips to Redis: each send of one or more commands (a pipeline or a script is one)."""
    from redis.connection import AbstractConnection

    sent = []
    original = AbstractConnection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health=check_health)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counting)
    return sent


@pytest.fixture
def running(client, user_a):
    """A logged-in, verified session whose account, organisation and device are already kept."""
    login_client(client, user_a)
    assert client.get("/bare/").status_code == 200  # reads the database, and keeps what it read
    return client


def still_logged_in(client) -> bool:
    response = client.get("/bare/")
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def test_a_logged_in_request_that_changes_nothing_costs_no_query_and_one_redis_round_trip(
    running, django_assert_num_queries, redis_round_trips
):
    for _ in range(3):
        with django_assert_num_queries(0):
            assert running.get("/bare/").status_code == 200
    assert len(redis_round_trips) == 3


def changed_data(user, **changes):
    fields = ("initials", "first_name", "name_prefix", "last_name", "email", "uzi_number")
    return {**{name: getattr(user, name) or "" for name in fields}, "mobile": str(user.mobile or ""), **changes}


def test_the_first_request_after_a_change_reads_the_account_once_then_no_query_again(
    running, user_a, django_assert_num_queries
):
    admin = OrgAdminFactory(organisation=user_a.organisation)
    user_update(admin=admin, user=User.objects.get(pk=user_a.pk), data=changed_data(user_a, first_name="Wilma"))
    response = running.get("/bare/")
    assert response.status_code == 200
    assert "Wilma" in response.content.decode()
    with django_assert_num_queries(0):
        assert running.get("/bare/").content.decode() == response.content.decode()


def _staff_suspends(user):
    organisation_suspend(
        user=StaffFactory(),
        organisation_id=user.organisation_id,
        kind=SanctionKind.MISBRUIK,
        note="Misbruik.",
    )


def _contract_ended_by_update(user):
    yesterday = timezone.localdate() - timedelta(days=1)
    Organisation.objects.filter(pk=user.organisation_id).update(contract_end=yesterday)


def _contract_ended_by_save(user):
    organisation = Organisation.objects.get(pk=user.organisation_id)
    organisation.contract_end = timezone.localdate() - timedelta(days=1)
    organisation.save()


def _device_unconfirmed(user):
    device = PhoneDevice.objects.get(user=user)
    device.confirmed = False
    device.save()


def _device_deleted(user):
    PhoneDevice.objects.filter(user=user).delete()


WRITES_THAT_END_THE_SESSION = {
    "account deleted by its admin (save)": lambda user: user_delete(
        admin=OrgAdminFactory(organisation=user.organisation), user=user, reason="Uit dienst"
    ),
    "account deactivated at an idle login (queryset update)": lambda user: user_deactivate_idle(user=user),
    "accounts deactivated by the nightly job (raw UPDATE)": lambda user: idle_accounts_deactivate(
        now=timezone.now() + relativedelta(months=7)
    ),
    "sessions ended everywhere (queryset update)": lambda user: sessions_end_all(user=user),
    "password changed elsewhere (save)": lambda user: password_set(user=user, raw_password="Nieuw-wachtwoord-2026!"),
    "account changed by a bulk update": lambda user: User.objects.filter(pk=user.pk).update(
        deactivated_at=timezone.now()
    ),
    "organisation suspended by CIZ (save)": _staff_suspends,
    "organisation's contract ended (queryset update)": _contract_ended_by_update,
    "organisation's contract ended (save)": _contract_ended_by_save,
    "second factors reset by the admin": lambda user: user_factors_reset(
        admin=OrgAdminFactory(organisation=user.organisation), user=user
    ),
}


@pytest.mark.parametrize("write", WRITES_THAT_END_THE_SESSION.values(), ids=WRITES_THAT_END_THE_SESSION.keys())
def test_the_next_request_of_a_running_session_sees_a_write_that_ends_it(running, user_a, write):
    assert_kept(running)
    write(User.objects.get(pk=user_a.pk))
    assert not still_logged_in(running)


WRITES_TO_THE_DEVICE = {"device no longer confirmed (save)": _device_unconfirmed, "device removed": _device_deleted}


@pytest.mark.parametrize("write", WRITES_TO_THE_DEVICE.values(), ids=WRITES_TO_THE_DEVICE.keys())
def test_the_next_request_sees_its_verifying_device_changed(running, user_a, write):
    assert_kept(running)
    write(User.objects.get(pk=user_a.pk))
    response = running.get("/bare/")
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor:setup")  # logged in with the password only: add a factor


def test_the_nightly_password_expiry_reaches_running_sessions(running, user_a, django_assert_max_num_queries):
    passwords_expire(now=timezone.now() + relativedelta(months=4))
    response = running.get("/bare/")
    assert response.wsgi_request.user.password_expired_at is not None


def assert_kept(client):
    """The session's next request is served from what is kept: no query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/bare/").status_code == 200
    assert len(queries) == 0, [q["sql"] for q in queries.captured_queries]


@pytest.fixture
def redis_down():
    """Redis taken as down, as after a failed call (portero.cache); redis_down(0) brings it back."""
    from django.core.cache import caches

    backend = caches["default"]

    def down(seconds=60):
        backend._down_until = time.monotonic() + seconds

    yield down
    backend._down_until = 0.0
    backend._missed_shared = False


def test_a_session_ended_while_redis_was_down_does_not_come_back_with_redis(running, redis_down):
    """Redis keeps a copy of the session; the logout during an outage cannot remove it. When Redis is back, the epoch
    moves and that copy is never used: the old cookie is logged out."""
    assert_kept(running)
    cookie = running.cookies[settings.SESSION_COOKIE_NAME].value
    redis_down()
    assert running.post("/uitloggen/").status_code == 302
    redis_down(0)
    running.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert not still_logged_in(running)


def test_an_account_deactivated_while_redis_was_down_is_logged_out_when_redis_is_back(running, user_a, redis_down):
    assert_kept(running)
    redis_down()
    assert still_logged_in(running)  # from the database meanwhile
    user_deactivate_idle(user=User.objects.get(pk=user_a.pk))
    assert not still_logged_in(running)
    redis_down(0)
    assert not still_logged_in(running)


def test_without_redis_every_request_reads_the_database(running, django_assert_num_queries, redis_down):
    redis_down()
    with django_assert_num_queries(3):  # session, account with organisation, device
        assert running.get("/bare/").status_code == 200


def test_a_session_read_just_before_it_ended_cannot_put_its_copy_back(running, django_assert_num_queries):
    """A request that read the row just before another one ended the session (the 12 hours, the idle rule) writes
    its copy after the end: the mark the end left stays, and the old cookie opens nothing."""
    from django.contrib.sessions.models import Session

    from accounts import auth_cache
    from accounts.session_store import SessionStore

    key = running.cookies[settings.SESSION_COOKIE_NAME].value
    row = Session.objects.get(session_key=key)
    SessionStore(key).delete()
    auth_cache.session_kept(session_key=key, encoded=row.session_data, seconds=1800)  # the late request's copy
    assert not still_logged_in(running)


def test_a_lost_version_never_makes_an_old_copy_current(client, user_a):
    """A copy is stamped only with versions that exist: were it stamped with a missing one, a change that then set
    that version, and the version's loss (it expires after a day), would make the old copy look current again."""
    from django.core.cache import caches

    backend = caches["default"]

    def version_lost():
        backend.shared(lambda client: client.delete(f"{backend.shared_prefix}v:u:{user_a.pk}"))

    login_client(client, user_a)
    version_lost()
    assert still_logged_in(client)  # the copy is made now
    user_deactivate_idle(user=User.objects.get(pk=user_a.pk))
    version_lost()
    assert not still_logged_in(client)


def test_a_search_of_the_beheer_list_costs_its_three_queries_and_one_redis_round_trip(
    client, admin_a, user_a, django_assert_num_queries, redis_round_trips
):
    """The login from its one round trip; the search statistics from this process's copy (orgadmin.user_search)."""
    login_client(client, admin_a)
    search = {"zoeken": "a", "sort": "naam"}
    assert client.get(reverse("orgadmin:user_list"), search).status_code == 200  # keeps the login and the statistics
    redis_round_trips.clear()
    with django_assert_num_queries(3):  # the count, the page, the login methods of its rows
        assert client.get(reverse("orgadmin:user_list"), search).status_code == 200
    assert len(redis_round_trips) == 1
