"""Celery tasks of the beheer site: thin adapters around orgadmin.import_services. Each run stops once it has used
a share of the task time limit and queues the rest as a new run; a run delivered twice (acks_late, a worker
killed) finds the rows already done and skips them."""

import math
import time

from celery import shared_task
from django.conf import settings

from orgadmin import import_services

RUN_SHARE = 0.6  # of CELERY_TASK_SOFT_TIME_LIMIT, as accounts.tasks.send_password_expiry_warnings
WELCOME_TICK_SECONDS = 6  # the welcome mails of an import go out in a batch every this many seconds


def _deadline() -> float:
    return time.monotonic() + settings.CELERY_TASK_SOFT_TIME_LIMIT * RUN_SHARE


@shared_task
def user_import_check(import_id: int) -> None:
    if not import_services.import_check(import_id=import_id, deadline=_deadline()):
        user_import_check.delay(import_id)


@shared_task
def user_import_apply(import_id: int) -> None:
    if not import_services.import_apply(import_id=import_id, deadline=_deadline()):
        user_import_apply.delay(import_id)


def welcome_batch() -> int:
    """Welcome mails per tick, from PORTERO_USER_IMPORT_MAIL_RATE (per minute)."""
    return max(1, math.ceil(settings.PORTERO_USER_IMPORT_MAIL_RATE * WELCOME_TICK_SECONDS / 60))


@shared_task
def user_import_welcomes(import_id: int) -> None:
    if import_services.welcomes_send(import_id=import_id, limit=welcome_batch()):
        user_import_welcomes.apply_async((import_id,), countdown=WELCOME_TICK_SECONDS)
