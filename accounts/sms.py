"""SMS gateways. Production uses django-two-factor-auth's Twilio gateway; this module holds the local one."""

import logging
import uuid

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

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
        outbox = settings.SMS_OUTBOX_DIR
        outbox.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
        path = outbox / f"{stamp}-{uuid.uuid4().hex[:8]}.txt"
        path.write_text(f"Aan: {device.number.as_e164}\n\n{sms_text(token)}\n", encoding="utf-8")
        logger.info("SMS naar %s in het postvak gezet: %s", device.number.as_e164, path.name)
