"""Sessions end after 30 minutes without activity, and when the browser closes (no persistent cookie)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
        traveller.shift(timedelta(minutes=1))  # the session row is written again, and its cookie sent
        response = client.get("/")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"] is True


def session_writes(queries) -> int:
    return sum(q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"] for q in queries)


def test_the_session_row_is_written_at_most_once_a_minute(client, client_as, user_a):
    with time_machine.travel(T0, tick=False) as traveller:
        client_as(user_a)
        assert client.get("/").status_code == 200
        with CaptureQueriesContext(connection) as within_the_minute:
            for _ in range(5):
                traveller.shift(timedelta(seconds=11))
                assert client.get("/").status_code == 200
        traveller.shift(timedelta(seconds=5))  # 60 s after the last write
        with CaptureQueriesContext(connection) as after_the_minute:
            assert client.get("/").status_code == 200
    assert session_writes(within_the_minute) == 0
    assert session_writes(after_the_minute) == 1


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
