"""Structured logs: one line per request and per Celery task, each with a request id, and no secrets.

Every log record is redacted when it is created (a log-record factory, so it holds for every handler, also
third-party ones and pytest's): BSN-like 9-digit numbers, values of password/token/code fields and the
token of set-password links never reach a log line. LOG_FORMAT=json writes one JSON object per line.
"""

import contextvars
import json
import logging
import logging.config
import re
import time
import uuid

from celery import signals
from django.utils.functional import empty

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
_default_record_factory = logging.getLogRecordFactory()


def _redacting_record_factory(*args, **kwargs) -> logging.LogRecord:
    record = _default_record_factory(*args, **kwargs)
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken format string must not lose the line
        message = f"{record.msg} {record.args}"
    record.msg, record.args = redact(message), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    record.request_id = request_id_var.get()
    return record


class PlainFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        record.request_id = getattr(record, "request_id", "-")
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line; extra fields given to a log call (extra={...}) are included."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_FIELDS and not key.startswith("_"):
                data[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info or record.exc_text:
            data["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(data, default=str, ensure_ascii=False)


_default_make_record = logging.Logger.makeRecord


def _redacting_make_record(self, *args, **kwargs) -> logging.LogRecord:
    """Fields given with extra={...} (Django's SQL and its parameters, for one) are redacted too."""
    record = _default_make_record(self, *args, **kwargs)
    for key, value in list(vars(record).items()):
        if key not in _STANDARD_FIELDS and isinstance(value, str | list | tuple | dict):
            redacted = redact(value if isinstance(value, str) else repr(value))
            if redacted != (value if isinstance(value, str) else repr(value)):
                setattr(record, key, redacted)
    return record


def configure(logging_settings: dict) -> None:
    """LOGGING_CONFIG: Django's dictConfig plus redaction of every record any logger makes."""
    logging.setLogRecordFactory(_redacting_record_factory)
    logging.Logger.makeRecord = _redacting_make_record
    logging.config.dictConfig(logging_settings)


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
                    "path": redact(request.path),
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
