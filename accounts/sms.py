"""SMS gateways: Twilio in production (django-two-factor-auth's, with a timeout and Dutch-friendly errors) and
the local outbox."""

import logging
import uuid

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string
from twilio.base.exceptions import TwilioException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from two_factor.gateways.twilio.gateway import Twilio

logger = logging.getLogger(__name__)


def sms_text(token: str) -> str:
    """The SMS body; the same template the Twilio gateway renders."""
    return render_to_string("two_factor/twilio/sms_message.html", {"token": token}).strip()


class OutboxGateway:
    """Writes every SMS to a file under SMS_OUTBOX_DIR (and the log) instead of sending it.

    One file per message: the first line is the recipient, then the text, in which the code is the only
    6-digit number. `/dev/postvak/` and test scripts read these files.
    """

    def send_sms(self, device, token):
        self.send_text(device.number, sms_text(token))

    def send_text(self, number, text):
        outbox = settings.SMS_OUTBOX_DIR
        outbox.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
        path = outbox / f"{stamp}-{uuid.uuid4().hex[:8]}.txt"
        path.write_text(f"Aan: {number.as_e164}\n\n{text}\n", encoding="utf-8")
        logger.info("SMS naar %s in het postvak gezet: %s", number.as_e164, path.name)


class SmsNotSent(Exception):
    """The SMS gateway refused or could not be reached; the person can ask for a new code."""


class TwilioGateway(Twilio):
    """django-two-factor-auth's Twilio gateway with a timeout on the HTTP call, and Twilio's errors turned into
    SmsNotSent so the login page can say so in Dutch instead of failing."""

    timeout_seconds = 10

    def __init__(self):
        self.client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=self.http_client())

    def http_client(self) -> HttpClient:
        return TwilioHttpClient(timeout=self.timeout_seconds)

    def send_sms(self, device, token):
        try:
            super().send_sms(device, token)
        except TwilioException as exc:
            logger.warning("SMS naar %s niet verstuurd: Twilio gaf %s", device.number.as_e164, type(exc).__name__)
            raise SmsNotSent from exc

    def send_text(self, number, text):
        """A text that is not a code (a notice), with the sender settings of send_sms."""
        send_kwargs = {"to": number.as_e164, "body": text}
        if settings.TWILIO_MESSAGING_SERVICE_SID:
            send_kwargs["messaging_service_sid"] = settings.TWILIO_MESSAGING_SERVICE_SID
        else:
            send_kwargs["from_"] = settings.TWILIO_CALLER_ID
        try:
            self.client.messages.create(**send_kwargs)
        except TwilioException as exc:
            logger.warning("SMS naar %s niet verstuurd: Twilio gaf %s", number.as_e164, type(exc).__name__)
            raise SmsNotSent from exc


def sms_text_send(*, number, text: str) -> None:
    """Send a text through the configured gateway. Only accounts.services.sms_code_send calls this (its limits)."""
    import_string(settings.TWO_FACTOR_SMS_GATEWAY)().send_text(number, text)
