"""SMTP failing: a real SMTP conversation with a local server that refuses the first connections. The mail
task retries with growing back-off and the mail arrives once; the person sees the same confirmation page."""

import socketserver
import threading

import pytest
from celery import signals

from accounts.tasks import send_password_link_mail

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


class FlakySmtp(socketserver.ThreadingTCPServer):
    """Minimal SMTP: answers 421 (service not available) to the first `failures` connections, then accepts."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, failures: int):
        self.failures = failures
        self.connections = 0
        self.messages: list[bytes] = []
        super().__init__(("127.0.0.1", 0), SmtpSession)


class SmtpSession(socketserver.StreamRequestHandler):
    timeout = 10

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        server = self.server
        server.connections += 1
        if server.connections <= server.failures:
            self.reply("421 stub.local Service not available, try again later")
            return
        self.reply("220 stub.local ESMTP")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 stub.local")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                body = b"".join(iter(lambda: self.rfile.readline(), b".\r\n"))
                server.messages.append(body)
                self.reply("250 OK queued")
            elif command == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


@pytest.fixture
def smtp(settings):
    def start(failures):
        server = FlakySmtp(failures)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.server_address[1], 5
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        servers.append(server)
        return server

    servers = []
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def retries():
    seen = []

    def record(sender=None, reason=None, **kwargs):
        seen.append((sender.name, reason.when))

    signals.task_retry.connect(record, weak=False)
    yield seen
    signals.task_retry.disconnect(record)


def request_password(client, user):
    return client.post("/wachtwoord/aanvragen/", {"username": user.username}, follow=True)


def test_smtp_refusing_twice_the_mail_is_retried_with_back_off_and_arrives_once(
    client, user_a, smtp, retries, settings
):
    settings.CELERY_TASK_EAGER_PROPAGATES = False
    working = request_password(client, user_a)  # SMTP fine (the test settings' in-memory backend)

    flaky = smtp(failures=2)
    response = request_password(client, user_a)
    assert response.status_code == 200
    assert response.redirect_chain == working.redirect_chain
    assert response.content == working.content  # the same confirmation page
    assert flaky.connections == 3
    (message,) = flaky.messages
    assert user_a.email.encode() in message and b"/wachtwoord/instellen/" in message
    assert [name for name, _when in retries] == ["accounts.tasks.send_password_link_mail"] * 2
    # Exponential back-off from 30 s (with jitter: anywhere up to the cap of that attempt).
    assert all(0 <= when <= cap for (_name, when), cap in zip(retries, (30, 60), strict=True))


def test_mail_tasks_retry_on_every_smtp_and_network_error_for_hours():
    import smtplib

    task = send_password_link_mail
    assert issubclass(smtplib.SMTPException, task.autoretry_for) and issubclass(ConnectionError, task.autoretry_for)
    assert task.max_retries == 12 and task.retry_backoff == 30 and task.retry_backoff_max == 3600
    assert task.acks_late
