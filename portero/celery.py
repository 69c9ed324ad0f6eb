import logging.config
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portero.settings")

app = Celery("portero")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def _use_django_logging(**kwargs) -> None:
    """Workers and beat log like the web app (one line per task, request id, secrets redacted)."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
