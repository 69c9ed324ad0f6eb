"""The production settings plus one bare reference view, for the benchmark's gunicorn only (never deployed).

Configured from the environment exactly like production (bench/run.py sets DJANGO_DEBUG off, SECRET_KEY,
ALLOWED_HOSTS); only the URLconf and the folder of collected static files differ.
"""

from portero.settings import *  # noqa: F403
from portero.settings import VAR_DIR

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = VAR_DIR / "staticfiles"
