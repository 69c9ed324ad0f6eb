"""A Celery worker for the import-killed test: Portero's own worker, except that the Nth account it creates
announces itself (a file 'blocked-<pid>') and then waits, inside the row's transaction, until the test releases it
(a file 'release') or kills the process. Run as `python tests/reliability/import_worker.py worker …`."""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portero.settings")

import django  # noqa: E402

django.setup()

from orgadmin import services  # noqa: E402
from portero.celery import app  # noqa: E402

FOLDER = Path(os.environ["IMPORT_BLOCK_DIR"])
AFTER = int(os.environ["IMPORT_BLOCK_AFTER"])
real_user_add = services.user_add
created = 0


def user_add(**kwargs):
    global created
    user = real_user_add(**kwargs)
    created += 1
    if created == AFTER and not (FOLDER / "release").exists():
        (FOLDER / f"blocked-{os.getpid()}").touch()
        deadline = time.monotonic() + 300
        while not (FOLDER / "release").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    return user


services.user_add = user_add

if __name__ == "__main__":
    app.worker_main(sys.argv[1:])
