"""Structured logs: one line per request and per Celery task, each with a request id, and no secrets.

Redaction is one logging.Filter, RedactSecrets, on every handler of LOGGING. It rewrites the record itself
(message, traceback, extra={...} fields), so a handler that sees the record after ours (pytest's capture,
for one) sees it redacted too: BSN-like 9-digit numbers, values of password/token/code fields, SMS codes and
the token of set-password links never reach a log line. LOG_FORMAT=json writes one JSON object per line
(python-json-logger).
"""

import contextvars
import logging
import re
import time
import uuid

from celery import signals
from django.utils.functional import empty
from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

from portero.client_ip import client_address, current_client_address

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("portero_request_id", default="-")
REQUEST_ID_HEADER = "X-Request-ID"
TASK_HEADER = "portero_request_id"
HIDDEN = "[verborgen]"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

_SECRETS = [
    # The token (and user id) of a set-password link.
    (re.compile(r"(/wachtwoord/instellen/)[^/\s\"']+/[^/\s\"']+"), rf"\g<1>{HIDDEN}"),
    # key=value, key: value, "key": "value" for secret-looking keys (password1, otp_token, auth-password …).
    (
        re.compile(
            r"""(?ix)
            ((?:[\w-]*(?:password|passwd|wachtwoord|token|secret|otp|code|bsn)[\w-]*)["']?\s*[=:]\s*)
            (\[[^\]]*\]|["'][^"']*["']|[^\s&,;}]+)"""
        ),
        rf"\g<1>{HIDDEN}",
    ),
    # A code in running text: "Uw Portero-verificatiecode is 123456" (an SMS body in a gateway's debug log).
    (re.compile(r"(?i)(code\w*\W{0,3}(?:is\s+)?)\d{4,8}\b"), rf"\g<1>{HIDDEN}"),
    # BSN-like: any 9-digit number not part of a longer one.
    (re.compile(r"(?<![\d])\d{9}(?![\d])"), HIDDEN),
]


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


_STANDARD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class RedactSecrets(logging.Filter):
    """Adds the request id and redacts the record in place; lets every record through.

    The message is formatted once and stored redacted (args emptied); a traceback is kept only as redacted text
    (exc_text, exc_info cleared), so no formatter can render the original; an extra={...} field (Django's SQL and
    its parameters, for one) whose text holds a secret is replaced by its redacted text.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_portero_redacted", False):
            return True
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not lose the line
            message = f"{record.msg} {record.args}"
        record.msg, record.args = redact(message), ()
        if record.exc_info:
            record.exc_text = record.exc_text or logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_FIELDS and isinstance(value, str | list | tuple | dict):
                text = value if isinstance(value, str) else repr(value)
                redacted = redact(text)
                if redacted != text:
                    setattr(record, key, redacted)
        record._portero_redacted = True
        return True


class JsonFormatter(_LibraryJsonFormatter):
    """One JSON object per line: time, level, logger, message, request_id, every extra={...} field, exception."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("datefmt", "%Y-%m-%dT%H:%M:%S%z")
        kwargs.setdefault(
            "rename_fields",
            {"asctime": "time", "levelname": "level", "name": "logger", "exc_info": "exception"},
        )
        kwargs.setdefault("json_default", str)
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)


# --- Requests -------------------------------------------------------------------------------------------

request_logger = logging.getLogger("portero.request")


def incoming_request_id(request) -> str:
    """The caller's X-Request-ID when it looks like an id (a proxy's), otherwise a new one."""
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    return offered if _SANE_REQUEST_ID.match(offered) else uuid.uuid4().hex


class RequestLogMiddleware:
    """First in MIDDLEWARE: sets the request id, echoes it in the response, logs one line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = incoming_request_id(request)
        token = request_id_var.set(request.request_id)
        address = client_address(request)
        address_token = current_client_address.set(address)
        started = time.monotonic()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response[REQUEST_ID_HEADER] = request.request_id
            return response
        finally:
            user = getattr(request, "user", None)
            if getattr(user, "_wrapped", None) is empty:
                user = None  # never loaded by this request: don't ask the (possibly unreachable) database now
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                status,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "host": request.get_host() if status != 400 else request.META.get("HTTP_HOST", ""),
                    "status": status,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                    "client_ip": address,
                },
            )
            request_id_var.reset(token)
            current_client_address.reset(address_token)


# --- Celery tasks -----------------------------------------------------------------------------------------

task_logger = logging.getLogger("portero.task")
_task_started: dict[str, float] = {}


@signals.before_task_publish.connect
def _carry_request_id(headers=None, **kwargs) -> None:
    """A task queued while handling a request carries that request's id to the worker."""
    if headers is not None and request_id_var.get() != "-":
        headers.setdefault(TASK_HEADER, request_id_var.get())


@signals.task_prerun.connect
def _task_started_log(task_id=None, task=None, **kwargs) -> None:
    _task_started[task_id] = time.monotonic()
    carried = getattr(task.request, TASK_HEADER, None) or (task.request.headers or {}).get(TASK_HEADER)
    if carried and not task.request.is_eager:
        task.request._portero_token = request_id_var.set(carried)


@signals.task_postrun.connect
def _task_finished_log(task_id=None, task=None, state=None, **kwargs) -> None:
    started = _task_started.pop(task_id, None)
    task_logger.info(
        "task %s %s",
        task.name,
        state,
        extra={
            "task": task.name,
            "task_id": task_id,
            "state": state,
            "retries": task.request.retries,
            "duration_ms": round((time.monotonic() - started) * 1000, 1) if started else None,
        },
    )
    token = getattr(task.request, "_portero_token", None)
    if token is not None:
        request_id_var.reset(token)
        task.request._portero_token = None
