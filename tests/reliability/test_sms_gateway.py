"""Twilio answering an error, through twilio's own client with a fake HTTP transport: the person gets a clear
Dutch message, no login is granted, and 'Code opnieuw versturen' works once Twilio answers again."""

import json
import re

import pytest
from twilio.http import HttpClient
from twilio.http.response import Response

from accounts.sms import TwilioGateway

pytestmark = pytest.mark.django_db
FAILED = "De sms met uw code kon nu niet worden verstuurd."
TWILIO_ERROR = {
    "code": 20500,
    "message": "Internal Server Error",
    "more_info": "https://www.twilio.com/docs/errors/20500",
}


class ScriptedTwilio(HttpClient):
    """Answers Twilio API calls from a script of (status, body) pairs and keeps what was sent."""

    def __init__(self, answers):
        super().__init__(logger=None, is_async=False, timeout=10)
        self.answers = list(answers)
        self.sent = []

    def request(self, method, uri, params=None, data=None, headers=None, auth=None, timeout=None, **kwargs):
        assert uri.endswith("/Messages.json")
        self.sent.append(data)
        status, body = self.answers.pop(0)
        return Response(status, json.dumps(body))


@pytest.fixture
def twilio(settings, monkeypatch):
    settings.TWO_FACTOR_SMS_GATEWAY = "accounts.sms.TwilioGateway"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC" + "0" * 32, "test-token"
    settings.TWILIO_CALLER_ID, settings.TWILIO_MESSAGING_SERVICE_SID = "+3197010000000", None
    transport = ScriptedTwilio([])
    monkeypatch.setattr(TwilioGateway, "http_client", lambda self: transport)
    return transport


def password_step(client, user, password):
    data = {"portero_login_view-current_step": "auth", "auth-username": user.username, "auth-password": password}
    return client.post("/inloggen/", data)


def sent_code(transport) -> str:
    return re.search(r"\b(\d{6})\b", transport.sent[-1]["Body"]).group(1)


@pytest.mark.parametrize("status", [500, 400, 429])
def test_twilio_error_gives_a_dutch_message_no_login_and_a_working_retry(client, user_a, password, twilio, status):
    twilio.answers = [(status, TWILIO_ERROR), (201, {"sid": "SM" + "1" * 32, "status": "queued"})]
    response = password_step(client, user_a, password)
    assert response.status_code == 200
    assert FAILED in response.content.decode()
    assert client.get("/aanvragen/").status_code == 302  # no login granted
    assert len(twilio.sent) == 1 and twilio.sent[0]["To"] == str(user_a.mobile)

    response = client.post("/inloggen/", {"portero_login_view-current_step": "token", "resend": "1"})
    assert "Er is een nieuwe code verstuurd." in response.content.decode()
    response = client.post(
        "/inloggen/", {"portero_login_view-current_step": "token", "token-otp_token": sent_code(twilio)}
    )
    assert response.status_code == 302
    assert client.get("/aanvragen/").status_code == 200


def test_twilio_unreachable_is_the_same_clear_message(client, user_a, password, twilio, monkeypatch):
    def unreachable(*args, **kwargs):
        from twilio.base.exceptions import TwilioRestException

        raise TwilioRestException(503, "https://api.twilio.com", "Service Unavailable")

    monkeypatch.setattr(twilio, "request", unreachable)
    response = password_step(client, user_a, password)
    assert FAILED in response.content.decode()
    assert client.get("/aanvragen/").status_code == 302


def test_the_real_transport_gives_up_after_10_seconds():
    assert TwilioGateway.http_client(TwilioGateway).timeout == 10
