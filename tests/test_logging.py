"""Logs: one line per request and per task with a request id, JSON when configured, and never a password,
SMS code, link token or BSN, also with every logger at DEBUG (SQL with its parameters included)."""

import io
import json
import logging
import os
import re
import subprocess
import sys

import pytest
from django.core import mail
from django.db import connection

from aanvragen.demo import seed_demo_clients
from portero.logging import JsonFormatter, redact
from tests.accounts.test_lifecycle import NEW, set_password_via
from tests.conftest import latest_sms_code, request_password_link, two_factor_login

pytestmark = pytest.mark.django_db
BSN = "100023757"  # in the demo register


@pytest.fixture
def all_records(caplog):
    """Every record of every logger at DEBUG, and the same records as the JSON lines production writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")  # Django's default config holds it at INFO
    connection.force_debug_cursor = True  # django.db.backends logs every query with its parameters
    try:
        yield caplog, stream
    finally:
        connection.force_debug_cursor = False
        root.removeHandler(handler)


def everything_logged(caplog, stream) -> str:
    texts = [stream.getvalue()]
    for record in caplog.records:
        texts.append(record.getMessage())
        texts.append(record.exc_text or "")
        texts.extend(str(value) for value in vars(record).values())
    return "\n".join(texts)


def test_login_password_link_and_bsn_lookup_leave_no_secret_in_any_log_record(
    client, user_a, password, sms_outbox, all_records, django_capture_on_commit_callbacks
):
    caplog, stream = all_records
    seed_demo_clients()
    # Set-password link from 'Wachtwoord aanvragen', a new password, then the full login with the SMS code.
    link = request_password_link(client, user_a.username, django_capture_on_commit_callbacks)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert set_password_via(client, link).status_code == 302
    client.get(link)  # a used link, requested again
    assert two_factor_login(client, user_a.username, NEW, sms_outbox).status_code == 302
    code = latest_sms_code(sms_outbox)
    client.post("/inloggen/", {"auth-username": user_a.username, "auth-password": password})  # old password
    # BSN lookup, also in a query string where a careless link might put it.
    assert client.post("/clienten/zoeken/", {"bsn": BSN}).status_code == 302
    assert client.get("/clienten/gegevens/").status_code == 200
    client.get(f"/clienten/zoeken/?bsn={BSN}")
    logging.getLogger("tests").info("auth-password=%s otp_token=%s bsn: %s", password, code, BSN)

    logged = everything_logged(caplog, stream)
    assert "SELECT" in logged and len(caplog.records) > 50  # the capture really saw the SQL and the requests
    for secret in (password, NEW, code, BSN, token):
        assert secret not in logged, f"{secret!r} appears in a log line"
    assert mail.outbox  # the link really went out


def test_one_json_line_per_request_with_the_request_id_echoed(client, all_records):
    caplog, stream = all_records
    response = client.get("/inloggen/", HTTP_X_REQUEST_ID="proxy-abc-12345")
    assert response["X-Request-ID"] == "proxy-abc-12345"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    request_lines = [line for line in lines if line["logger"] == "portero.request"]
    assert len(request_lines) == 1
    line = request_lines[0]
    assert (line["method"], line["path"], line["status"], line["request_id"]) == (
        "GET",
        "/inloggen/",
        200,
        "proxy-abc-12345",
    )
    assert line["duration_ms"] >= 0
    # Every record made while handling the request carries its id.
    assert all(r.request_id == "proxy-abc-12345" for r in caplog.records if r.name.startswith("django.db"))


@pytest.mark.parametrize("offered", ["", "kort", "x" * 65, "a b c d e f g h", "abc\ninjected-line"])
def test_an_insane_request_id_is_replaced_by_a_new_one(client, offered):
    response = client.get("/inloggen/", HTTP_X_REQUEST_ID=offered)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_by_a_request_logs_one_line_with_that_request_id(client, user_a, all_records):
    caplog, _stream = all_records
    # Real commits: the mail is queued (and, eagerly, sent) while the request is handled.
    client.post("/wachtwoord/aanvragen/", {"username": user_a.username}, HTTP_X_REQUEST_ID="req-0000-task")
    task_lines = [r for r in caplog.records if r.name == "portero.task"]
    assert [(r.task, r.state, r.request_id) for r in task_lines] == [
        ("accounts.tasks.send_password_link_mail", "SUCCESS", "req-0000-task")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "password=Geheim123!",
        "new_password1=Geheim123! new_password2=Geheim123!",
        '{"auth-password": "Geheim123!", "token-otp_token": "123456"}',
        "otp_token=123456&next=/",
        "GET /wachtwoord/instellen/MTI/cz1abc-0123456789abcdef/ 200",
        "bsn 100023757 gezocht",
        "password: ['Geheim123!'] token: ['123456']",
        "Data: {'To': '+31687650000', 'Body': 'Uw Portero-verificatiecode is 123456. Geef deze code aan niemand'}",
    ],
)
def test_redact_hides_each_kind_of_secret(text):
    redacted = redact(text)
    for secret in ("Geheim123!", "123456", "cz1abc-0123456789abcdef", "100023757"):
        assert secret not in redacted or secret not in text


def test_redact_keeps_ordinary_numbers_and_paths():
    assert redact("GET /aanvragen/42/ 200 in 12.5 ms, 1234567890 bytes") == (
        "GET /aanvragen/42/ 200 in 12.5 ms, 1234567890 bytes"
    )


@pytest.mark.parametrize("log_format", ["json", "plain"])
def test_the_configured_format_is_what_a_fresh_process_writes(log_format, tmp_path):
    """LOG_FORMAT as in production: a new process with the real settings writes one line per record."""
    script = "import django, logging; django.setup(); logging.getLogger('portero.x').warning('bsn %s', '100023757')"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portero.settings",
        "LOG_FORMAT": log_format,
        "PORTERO_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    (line,) = result.stderr.splitlines()
    if log_format == "json":
        assert json.loads(line) | {"time": "-"} == {
            "time": "-",
            "level": "WARNING",
            "logger": "portero.x",
            "message": "bsn [verborgen]",
            "request_id": "-",
        }
    else:
        assert line.endswith("WARNING portero.x [-] bsn [verborgen]")


def test_the_request_line_names_the_logged_in_user_by_id(client_as, user_a, all_records):
    caplog, _stream = all_records
    client_as(user_a).get("/aanvragen/")
    (line,) = [r for r in caplog.records if r.name == "portero.request"]
    assert (line.path, line.status, line.user_id) == ("/aanvragen/", 200, user_a.pk)


def test_a_traceback_is_kept_redacted_in_the_json_line(all_records):
    _caplog, stream = all_records
    try:
        raise ValueError("lookup of bsn 100023757 failed")
    except ValueError:
        logging.getLogger("portero.x").exception("password=%s", "Geheim123!")
    (line,) = [json.loads(text) for text in stream.getvalue().splitlines() if '"portero.x"' in text]
    assert line["message"] == "password=[verborgen]"
    assert "ValueError: lookup of bsn [verborgen] failed" in line["exception"]


def test_the_standard_library_is_not_patched():
    """Redaction is a filter on the handlers: the record factory and Logger.makeRecord are the standard ones."""
    assert logging.getLogRecordFactory() is logging.LogRecord
    assert logging.Logger.makeRecord.__module__ == "logging"
