"""Sessions end after 30 minutes without activity, 12 hours after the login however active, and when the browser
closes (no persistent cookie)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import two_factor_login

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def test_session_ends_after_30_minutes_idle_and_activity_extends_it(client, client_as, user_a):
    with time_machine.travel(T0, tick=False) as traveller:
        client_as(user_a)
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200  # activity: 30 more minutes from here
        traveller.shift(timedelta(minutes=29, seconds=59))
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=30))  # exactly 30 minutes without activity
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/inloggen/")


def test_session_cookie_is_not_kept_after_the_browser_closes(client, client_as, user_a):
    with time_machine.travel(T0, tick=False) as traveller:
        client_as(user_a)
        traveller.shift(timedelta(seconds=settings.PORTERO_SESSION_SAVE_INTERVAL))  # written again, the cookie sent
        response = client.get("/")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"] is True


def session_writes(queries) -> int:
    return sum(q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"] for q in queries)


def test_a_click_every_minute_writes_the_session_row_once_in_ten_minutes(client, client_as, user_a):
    """People click about once a minute or less: the row (a database UPDATE and COMMIT) is written once per
    PORTERO_SESSION_SAVE_INTERVAL, not per click; the moment of each click is in Redis."""
    assert settings.PORTERO_SESSION_SAVE_INTERVAL == 10 * 60
    with time_machine.travel(T0, tick=False) as traveller:
        client_as(user_a)
        assert client.get("/").status_code == 200
        with CaptureQueriesContext(connection) as within_the_interval:
            for _ in range(9):
                traveller.shift(timedelta(seconds=60))
                assert client.get("/").status_code == 200
        traveller.shift(timedelta(seconds=59))
        with CaptureQueriesContext(connection) as one_second_before:
            assert client.get("/").status_code == 200
        traveller.shift(timedelta(seconds=1))  # 10 minutes after the last write
        with CaptureQueriesContext(connection) as after_the_interval:
            assert client.get("/").status_code == 200
    assert session_writes(within_the_interval) == 0
    assert session_writes(one_second_before) == 0
    assert session_writes(after_the_interval) == 1


def test_a_request_between_two_writes_still_counts_to_the_second(client, client_as, user_a):
    with time_machine.travel(T0, tick=False) as traveller:
        client_as(user_a)
        assert client.get("/").status_code == 200  # written
        traveller.shift(timedelta(seconds=30))
        assert client.get("/").status_code == 200  # not written; its moment is in the cache
        traveller.shift(timedelta(minutes=29, seconds=59))
        assert client.get("/").status_code == 200  # 29:59 after the last request, 30:29 after the last write
        traveller.shift(timedelta(minutes=30))
        response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")


def test_without_the_cache_a_session_still_ends_and_never_later_than_the_rule(client, client_as, user_a):
    with time_machine.travel(T0, tick=False) as traveller:
        client_as(user_a)
        assert client.get("/").status_code == 200  # written at T0
        traveller.shift(timedelta(seconds=40))
        assert client.get("/").status_code == 200
        cache.clear()  # Redis lost its data (or is down): only the written moment is left
        traveller.shift(timedelta(minutes=29, seconds=20))  # 30 minutes after the written moment
        response = client.get("/")
    assert response.status_code == 302


def test_the_idle_rule_and_the_session_row_lifetime_fit_together():
    assert settings.PORTERO_SESSION_IDLE_SECONDS == 30 * 60
    # The row outlives the rule by the interval between writes, so the rule, not the row, ends a session.
    assert settings.SESSION_COOKIE_AGE == settings.PORTERO_SESSION_IDLE_SECONDS + settings.PORTERO_SESSION_SAVE_INTERVAL
    assert not getattr(settings, "SESSION_SAVE_EVERY_REQUEST", False)


# --- The absolute lifetime: 12 hours after the login, however active the session (ASVS 3.3.2) -------------------


def test_a_session_active_all_the_time_ends_12_hours_after_the_login_to_the_second(client, client_as, user_a):
    with time_machine.travel(T0, tick=False) as traveller:
        client_as(user_a)
        keep_active(client, traveller, until=T0 + timedelta(hours=12))
        traveller.move_to(T0 + timedelta(hours=12) - timedelta(seconds=1))  # 11:59:59 after the login
        assert client.get("/").status_code == 200
        traveller.move_to(T0 + timedelta(hours=12))  # 12:00:00 after the login
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/inloggen/")
        traveller.shift(timedelta(seconds=1))
        assert client.get("/").status_code == 302  # ended, not just refused once


def test_the_12_hours_count_from_the_real_login_not_from_the_first_page(client, user_a, password, sms_outbox):
    with time_machine.travel(T0, tick=False) as traveller:
        client.get("/inloggen/")  # an anonymous session, started before the login
        traveller.shift(timedelta(minutes=20))
        two_factor_login(client, user_a.username, password, sms_outbox)
        logged_in_at = T0 + timedelta(minutes=20)
        keep_active(client, traveller, until=logged_in_at + timedelta(hours=12))
        traveller.move_to(logged_in_at + timedelta(hours=12) - timedelta(seconds=1))
        assert client.get("/").status_code == 200
        traveller.move_to(logged_in_at + timedelta(hours=12))
        assert client.get("/").status_code == 302


def keep_active(client, traveller, *, until):
    """A request every 10 minutes up to `until` (not included): the idle rule never ends the session."""
    while datetime.now(T0.tzinfo) + timedelta(minutes=10) < until:
        traveller.shift(timedelta(minutes=10))
        assert client.get("/").status_code == 200


def test_a_new_login_starts_a_new_12_hours(client, client_as, user_a):
    with time_machine.travel(T0, tick=False) as traveller:
        client_as(user_a)
        keep_active(client, traveller, until=T0 + timedelta(hours=11))
        second_login = datetime.now(T0.tzinfo)
        client_as(user_a)  # logged in again, in the same browser
        keep_active(client, traveller, until=second_login + timedelta(hours=12))
        traveller.move_to(second_login + timedelta(hours=12) - timedelta(seconds=1))
        assert client.get("/").status_code == 200  # 22:59 after the first login: counted from the second
        traveller.move_to(second_login + timedelta(hours=12))
        assert client.get("/").status_code == 302


def test_the_absolute_lifetime_is_a_setting_of_12_hours_without_a_cache_too(client, client_as, user_a, settings):
    assert settings.PORTERO_SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60
    settings.PORTERO_SESSION_ABSOLUTE_SECONDS = 2 * 60 * 60
    with time_machine.travel(T0, tick=False) as traveller:
        client_as(user_a)
        for _ in range(11):
            traveller.shift(timedelta(minutes=10))
            assert client.get("/").status_code == 200
            cache.clear()  # Redis lost its data: the moment of the login is in the session itself
        traveller.move_to(T0 + timedelta(hours=2) - timedelta(seconds=1))
        assert client.get("/").status_code == 200
        traveller.move_to(T0 + timedelta(hours=2))
        assert client.get("/").status_code == 302
