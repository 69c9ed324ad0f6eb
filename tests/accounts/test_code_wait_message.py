"""After a wrong SMS code django-otp refuses any code for 2^(n-1) seconds (ThrottlingMixin, factor 1). The message
then says how long to wait and that the code still works, tested at the exact end of the wait."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user
from django_otp import DEVICE_ID_SESSION_KEY

from tests.conftest import latest_sms_code, password_step

pytestmark = pytest.mark.django_db
T = datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def code_step(client, code):
    return client.post("/inloggen/", {"portero_login_view-current_step": "token", "token-otp_token": code})


def wrong(code):
    return "000000" if code != "000000" else "111111"


def test_one_wrong_code_asks_to_wait_one_second_and_the_code_then_works(client, user_a, password, sms_outbox):
    with time_machine.travel(T, tick=False):
        password_step(client, user_a.username, password)
        code = latest_sms_code(sms_outbox)
        code_step(client, wrong(code))
    with time_machine.travel(T + timedelta(milliseconds=999), tick=False):
        page = code_step(client, code).content.decode()
        assert "Wacht nog 1 seconde en vul de code dan opnieuw in" in page
        assert "De code uit de sms blijft geldig" in page
        assert "te vaak" not in page
        assert not get_user(client).is_authenticated
    with time_machine.travel(T + timedelta(seconds=1), tick=False):
        response = code_step(client, code)
        assert response.status_code == 302 and DEVICE_ID_SESSION_KEY in client.session


def test_after_three_wrong_codes_the_wait_is_four_seconds(client, user_a, password, sms_outbox):
    with time_machine.travel(T, tick=False) as traveller:
        password_step(client, user_a.username, password)
        code = latest_sms_code(sms_outbox)
        code_step(client, wrong(code))
        traveller.shift(1)
        code_step(client, wrong(code))
        traveller.shift(2)
        code_step(client, wrong(code))
        traveller.shift(3.5)
        page = code_step(client, code).content.decode()
        assert "Wacht nog 1 seconde" in page
        traveller.shift(0.5)
        assert code_step(client, code).status_code == 302
