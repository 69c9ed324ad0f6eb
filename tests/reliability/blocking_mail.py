"""A mail backend for the worker-killed test: announces each send, then blocks until released, then writes the
message to a file. Used only by the Celery worker that test starts (EMAIL_BACKEND in its environment)."""

import os
import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class BlockingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"started-{os.getpid()}-{time.time_ns()}").touch()
        deadline = time.monotonic() + 120
        while not (folder / "release").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        for message in messages:
            (folder / f"sent-{time.time_ns()}.eml").write_bytes(message.message().as_bytes())
        return len(messages)
