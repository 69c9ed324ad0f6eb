"""The one base for Celery tasks that send mail: no mail is lost when SMTP or the broker fails.

- SMTP down or refusing (smtplib.SMTPException is an OSError): the task retries with exponential back-off,
  up to ~12 hours (12 retries, at most an hour apart), then logs an error naming the task.
- Broker (Redis) unreachable when the mail is queued: the mail is sent at once, in the process that queued
  it, instead of being dropped; the broker's short connection timeout keeps the page from hanging.
Mail tasks are idempotent (acks_late: a task may run twice), see aanvragen.tasks.send_receipt_mail.
"""

import logging

from celery import Task
from kombu.exceptions import OperationalError as BrokerUnreachable

logger = logging.getLogger(__name__)


class MailTask(Task):
    autoretry_for = (OSError,)
    retry_backoff = 30
    retry_backoff_max = 60 * 60
    retry_jitter = True
    max_retries = 12

    def apply_async(self, args=None, kwargs=None, **options):
        try:
            return super().apply_async(args, kwargs, **options)
        except BrokerUnreachable:
            if options.get("retries"):
                raise  # a retry from a worker: the worker's own broker handling applies
            logger.warning("Wachtrij onbereikbaar: %s wordt direct verstuurd in plaats van later.", self.name)
            return self.apply(args, kwargs)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        logger.error("Mail niet verstuurd na %s pogingen: %s %s", self.request.retries + 1, self.name, args)
