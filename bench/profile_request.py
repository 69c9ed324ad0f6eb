"""Where the time of one request goes: each middleware's own time (without what the layers inside it take), the
view, the template, the SQL queries and Redis round trips, for the anonymous and the logged-in bare view and two
real pages. In-process (Django's test client, the production settings of bench/settings.py), on the database the
last `make bench` seeded:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portero_bench .venv/bin/python bench/profile_request.py

The figures are per request, the median of --rounds rounds of --requests requests each. A middleware's time is its
own: what the layers inside it take is not in it. The session and request.user are read lazily, so their cost shows
in the first layer that needs them (SessionIdleMiddleware, LoginRequiredMiddleware); the "of which" rows book those
reads on their own as well, and they nest (the check of the verified device first reads the account). The
database's own health check (CONN_HEALTH_CHECKS: `SELECT 1` when a request reuses a connection) is counted apart.
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402 - the bench's environment (production settings, bench-only secrets) before Django starts

CASES = (
    ("bare view, anonymous", "/bench/bare/", False),
    ("bare view, logged in", "/bench/bare/", True),
    ("beheer: gebruikers, zoeken 'a', op naam", "/beheer/gebruikers/?zoeken=a&sort=naam", True),
    ("aanvraag: home", "/", True),
)


class Clock:
    """Seconds spent per part of a request, summed over the requests of one round."""

    def __init__(self):
        self.spent = Counter()
        self.queries = 0
        self.health_checks = 0
        self.redis = 0


CLOCK = Clock()


def timed_middleware(path: str, *, innermost: bool):
    """A stand-in for one entry of MIDDLEWARE that builds the real middleware and books its own time: its whole call
    minus the call of the layer inside it, and its process_view hooks (which Django runs inside the innermost
    layer) booked to it instead of to the view. The innermost layer books what it calls to the view."""
    from django.utils.module_loading import import_string

    name = path.rsplit(".", 1)[-1]

    class Timed:
        def __init__(self, get_response):
            def inner(request):
                started = time.perf_counter()
                try:
                    return get_response(request)
                finally:
                    spent = time.perf_counter() - started
                    CLOCK.spent[name] -= spent
                    if innermost:
                        CLOCK.spent["view"] += spent

            self.middleware = import_string(path)(inner)  # at the handler's start, after django.setup()
            hook = getattr(self.middleware, "process_view", None)
            if hook is not None:

                def process_view(*args, **kwargs):
                    started = time.perf_counter()
                    try:
                        return hook(*args, **kwargs)
                    finally:
                        spent = time.perf_counter() - started
                        CLOCK.spent[name] += spent
                        CLOCK.spent["view"] -= spent

                self.process_view = process_view
            for other in ("process_exception", "process_template_response"):
                if hasattr(self.middleware, other):
                    setattr(self, other, getattr(self.middleware, other))

        def __call__(self, request):
            started = time.perf_counter()
            try:
                return self.middleware(request)
            finally:
                CLOCK.spent[name] += time.perf_counter() - started

    Timed.__name__ = name
    return Timed


def install_counters() -> None:
    import redis.client
    from django.db.backends.postgresql.base import DatabaseWrapper
    from django.template.backends.django import Template

    real_render = Template.render

    def render(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return real_render(self, *args, **kwargs)
        finally:
            spent = time.perf_counter() - started
            CLOCK.spent["template"] += spent
            CLOCK.spent["view"] -= spent

    Template.render = render

    real_usable = DatabaseWrapper.is_usable

    def is_usable(self):
        CLOCK.health_checks += 1
        return real_usable(self)

    DatabaseWrapper.is_usable = is_usable

    real_command = redis.client.Redis.execute_command
    real_pipeline = redis.client.Pipeline.execute

    def execute_command(self, *args, **options):
        CLOCK.redis += 1
        return real_command(self, *args, **options)

    def pipeline_execute(self, *args, **kwargs):
        CLOCK.redis += 1
        return real_pipeline(self, *args, **kwargs)

    redis.client.Redis.execute_command = booked(execute_command, "of which: Redis round trips")
    redis.client.Pipeline.execute = booked(pipeline_execute, "of which: Redis round trips")

    # Parts that run inside whichever layer first needs them (the session, request.user): booked on their own too.
    from django.contrib import auth

    from accounts import auth_cache, services
    from accounts.middleware import OTPMiddleware
    from accounts.session_store import SessionStore

    for owner, attribute, part in (
        (auth_cache, "request_begin", "of which: session, idle clock, account and device from Redis (one call)"),
        (SessionStore, "load", "of which: the session read"),
        (auth, "get_user", "of which: the account and its organisation"),
        (OTPMiddleware, "_verify_user_sync", "of which: the verified device"),
        (services, "session_touch", "of which: the idle rule (session_touch)"),
    ):
        setattr(owner, attribute, booked(getattr(owner, attribute), part))


def booked(function, part: str):
    def call(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            CLOCK.spent[part] += time.perf_counter() - started

    return call


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import django
    from django.conf import settings

    # Each entry of MIDDLEWARE replaced by its timed stand-in, found under this module's name.
    sys.modules.setdefault("bench.profile_request", sys.modules[__name__])
    real = list(settings.MIDDLEWARE)
    for i, path in enumerate(real):
        globals()[f"timed_{i}"] = timed_middleware(path, innermost=i == len(real) - 1)
    settings.MIDDLEWARE = [f"bench.profile_request.timed_{i}" for i in range(len(real))]
    django.setup()
    from django.db import connection
    from django.test import Client

    install_counters()

    def count_query(execute, sql, params, many, context):
        CLOCK.queries += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            CLOCK.spent["of which: SQL queries"] += time.perf_counter() - started

    seed_file = run.OUT / f"seed-{connection.settings_dict['NAME']}.json"
    ids = json.loads(seed_file.read_text())
    cookies = run.cookie_values(run.session_cookie(ids["admin"]))
    results = []
    global CLOCK
    for label, url, logged_in in CASES:
        client = Client(HTTP_HOST="127.0.0.1")
        if logged_in:
            for name, value in cookies.items():
                client.cookies[name] = value
        CLOCK = Clock()  # the warm-up is booked to no round
        for _ in range(20):
            assert client.get(url).status_code == 200, url
        rounds = []
        for _ in range(args.rounds):
            CLOCK = Clock()
            started = time.perf_counter()
            with connection.execute_wrapper(count_query):
                for _ in range(args.requests):
                    client.get(url)
            CLOCK.spent["total"] = time.perf_counter() - started
            rounds.append(CLOCK)
        results.append((label, rounds, args.requests))
    print(report(results))
    return 0


def report(results) -> str:
    lines = []
    for label, rounds, requests in results:

        def per_request(value_of, rounds=rounds, requests=requests):
            return statistics.median(value_of(clock) for clock in rounds) / requests

        total = per_request(lambda clock: clock.spent["total"])
        lines += [f"### {label}", ""]
        queries, checks = per_request(lambda c: c.queries), per_request(lambda c: c.health_checks)
        lines.append(
            f"{total * 1000:.2f} ms a request; {queries:.1f} SQL queries and {checks:.1f} health checks (SELECT 1); "
            f"{per_request(lambda c: c.redis):.1f} Redis round trips"
        )
        lines += ["", "| part | ms | share |", "| --- | --- | --- |"]
        names = {name for clock in rounds for name in clock.spent} - {"total"}
        parts = {name: per_request(lambda clock, name=name: clock.spent[name]) for name in names}
        for name, seconds in sorted(parts.items(), key=lambda item: (item[0].startswith("of which"), -item[1])):
            if seconds * 1000 >= 0.005:
                lines.append(f"| {name} | {seconds * 1000:.2f} | {seconds / total:.0%} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.exit(main())
