"""Sessions end after 30 minutes without activity, and when the browser closes (no persistent cookie)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

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
    client_as(user_a)
    response = client.get("/")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"] is True
