"""Only routed when DEBUG: the local outbox, so a person can follow mail → link → SMS code in the browser."""

from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def _header(value: str | None) -> str:
    return str(make_header(decode_header(value))) if value else ""


def outbox_mails(folder: Path) -> list[dict]:
    mails = []
    for path in folder.glob("*.log") if folder.exists() else []:
        for chunk in path.read_bytes().split(SEPARATOR):
            if not chunk.strip():
                continue
            message = message_from_bytes(chunk.strip())
            part = next((p for p in message.walk() if p.get_content_type() == "text/plain"), message)
            body = part.get_payload(decode=True) or b""
            mails.append(
                {
                    "when": path.stat().st_mtime,
                    "to": _header(message["To"]),
                    "subject": _header(message["Subject"]),
                    "body": body.decode(part.get_content_charset() or "utf-8", errors="replace"),
                }
            )
    return sorted(mails, key=lambda mail: mail["when"], reverse=True)


def outbox_sms(folder: Path) -> list[dict]:
    messages = []
    for path in folder.glob("*.txt") if folder.exists() else []:
        recipient, _blank, text = path.read_text(encoding="utf-8").partition("\n\n")
        messages.append({"name": path.name, "to": recipient.removeprefix("Aan: "), "text": text.strip()})
    return sorted(messages, key=lambda sms: sms["name"], reverse=True)


@login_not_required
@never_cache
def postvak(request):
    context = {
        "mails": outbox_mails(Path(settings.EMAIL_FILE_PATH))[:50],
        "sms_messages": outbox_sms(Path(settings.SMS_OUTBOX_DIR))[:50],
    }
    return render(request, "accounts/postvak.html", context)
