#!/usr/bin/env python
"""Soak test (not part of `make test`): N logged-in virtual users doing the main journeys against gunicorn +
PostgreSQL + Redis + a Celery worker + beat on loopback, then every application and mail accounted for.

    .venv/bin/python scripts/soak.py --users 10 --minutes 10

Uses its own database (portero_soak on the machine's PostgreSQL, dropped and created) and Redis db 9; only
ever sends traffic to 127.0.0.1. Exit status 0 only with zero errors and everything accounted for.
"""

# ruff: noqa: S603, S607 - starts the project's own programs with fixed arguments
import argparse
import email
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.reliability.conftest import find_free_port, production_env  # noqa: E402 - root is on the path now

PASSWORD = "Zomer#Tulp2026"  # tests.factories.PASSWORD (that module needs Django set up)
BSN = "100023757"  # in the demo register


def run(env, *args, **kwargs):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)


SEED = """
from datetime import date
from aanvragen.demo import seed_demo_clients
from accounts.models import Organisation
from tests.factories import OrganisationFactory, UserFactory
seed_demo_clients()
org = OrganisationFactory(name="Soak Zorg", domain="soak-zorg.nl")
Organisation.objects.filter(pk=org.pk).update(contract_start=date(2020, 1, 1))
for n in range({users}):
    UserFactory(organisation=org, username=f"soak{{n}}", email=f"soak{{n}}@soak-zorg.nl", mobile=f"+3161000{{n:04d}}")
"""


class VirtualUser(threading.Thread):
    def __init__(self, n, base, sms_dir, until, stats):
        super().__init__(daemon=True)
        self.n, self.base, self.sms_dir, self.until, self.stats = n, base, sms_dir, until, stats
        self.http = requests.Session()
        self.submitted: list[str] = []
        self.password_requests = 0

    def call(self, method, path, expect=(200, 302), **kwargs):
        started = time.monotonic()
        try:
            response = self.http.request(method, self.base + path, allow_redirects=False, timeout=30, **kwargs)
        except requests.RequestException as exc:
            self.stats["errors"].append(f"{method} {path}: {exc}")
            raise
        self.stats["latencies"].append(time.monotonic() - started)
        self.stats["requests"][method] += 1
        if response.status_code not in expect:
            self.stats["errors"].append(f"{method} {path}: {response.status_code}")
            raise RuntimeError(f"{method} {path}: {response.status_code}")
        return response

    def post(self, path, data=None, **kwargs):
        data = {**(data or {}), "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", "")}
        return self.call("POST", path, data=data, headers={"Referer": self.base + path}, **kwargs)

    def sms_code(self, since):
        number = f"+3161000{self.n:04d}"
        for _ in range(100):
            for path in sorted(self.sms_dir.glob("*.txt"), reverse=True):
                if path.stat().st_mtime >= since and path.read_text().startswith(f"Aan: {number}"):
                    return re.search(r"\b(\d{6})\b", path.read_text().split("\n", 2)[2]).group(1)
            time.sleep(0.1)
        raise RuntimeError("no SMS code")

    def login(self):
        self.call("GET", "/inloggen/")
        since = time.time() - 1
        step = {"portero_login_view-current_step": "auth", "auth-username": f"soak{self.n}", "auth-password": PASSWORD}
        self.post("/inloggen/", step)
        code = self.sms_code(since)
        response = self.post("/inloggen/", {"portero_login_view-current_step": "token", "token-otp_token": code})
        assert response.status_code == 302, "login refused"

    def submit_application(self):
        from tests.aanvragen.helpers import PDF, STEP_DATA

        response = self.post("/aanvragen/nieuw/", {"soort": "wlz"})
        pk = re.search(r"/aanvragen/(\d+)/", response.headers["Location"]).group(1)
        for step, data in STEP_DATA.items():
            self.call("GET", f"/aanvragen/{pk}/stap/{step}/")
            self.post(f"/aanvragen/{pk}/stap/{step}/", data, expect=(302,))
        self.call("GET", f"/aanvragen/{pk}/bijlagen/")
        files = {"file": ("diagnose.pdf", PDF, "application/pdf")}
        self.post(f"/aanvragen/{pk}/bijlagen/", {"soort": "diagnose"}, files=files, expect=(302,))
        self.call("GET", f"/aanvragen/{pk}/controleren/")
        response = self.post(f"/aanvragen/{pk}/controleren/", {}, expect=(302,))
        assert "/ontvangen/" in response.headers["Location"], response.headers["Location"]
        self.call("GET", response.headers["Location"])
        self.submitted.append(pk)

    def lookup_client(self):
        self.call("GET", "/clienten/zoeken/")
        self.post("/clienten/zoeken/", {"bsn": BSN}, expect=(302,))
        self.call("GET", "/clienten/gegevens/")

    def run(self):
        try:
            self.login()
            anonymous = requests.Session()
            response = anonymous.get(self.base + "/wachtwoord/aanvragen/", timeout=30)
            anonymous.post(
                self.base + "/wachtwoord/aanvragen/",
                {"username": f"soak{self.n}", "csrfmiddlewaretoken": anonymous.cookies.get("csrftoken", "")},
                headers={"Referer": response.url},
                timeout=30,
            ).raise_for_status()
            self.password_requests += 1
            while time.monotonic() < self.until:
                journey = random.choices(  # noqa: S311 - load mix, not security
                    [self.submit_application, self.lookup_client, lambda: self.call("GET", "/aanvragen/")],
                    weights=[2, 3, 5],
                )[0]
                journey()
                time.sleep(random.uniform(0.2, 1.0))  # noqa: S311
        except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
            self.stats["errors"].append(f"user {self.n}: {type(exc).__name__}: {exc}")


def count_mails(mail_dir: Path) -> Counter:
    counts = Counter()
    for path in mail_dir.glob("*.log") if mail_dir.exists() else []:
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                message = email.message_from_bytes(chunk)
                subject = str(email.header.make_header(email.header.decode_header(message["Subject"] or "")))
                counts["ontvangstbevestiging" if "ontvangstbevestiging" in subject else subject] += 1
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--database", default="portero_soak")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    options = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="portero-soak-"))
    port = find_free_port()
    env = production_env(
        var,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{options.database}",
        REDIS_URL=options.redis,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        SMS_GATEWAY="outbox",
        CELERY_TASK_DEFAULT_QUEUE="portero-soak",
        PORTERO_BASE_URL=f"http://127.0.0.1:{port}",
        LOG_FORMAT="json",
    )
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c"]
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {options.database}"], check=True)
    subprocess.run([*psql, f"CREATE DATABASE {options.database}"], check=True)
    subprocess.run(["redis-cli", "-u", options.redis, "FLUSHDB"], check=True, capture_output=True)
    run(env, "migrate", "--no-input", stdout=subprocess.DEVNULL)
    run(env, "collectstatic", "--no-input", stdout=subprocess.DEVNULL)
    run(env, "shell", "--no-imports", "-c", SEED.format(users=options.users))

    logs = var / "logs"
    logs.mkdir()
    celery = [sys.executable, "-m", "celery", "-A", "portero"]
    processes = {
        "web": [sys.executable, "-m", "gunicorn", "portero.wsgi:application", "--bind", f"127.0.0.1:{port}",
                "--workers", str(options.gunicorn_workers), "--timeout", "60"],
        "worker": [*celery, "worker", "--concurrency=2", "--loglevel=INFO", "--without-gossip", "--without-mingle"],
        "beat": [*celery, "beat", "--loglevel=INFO", f"--schedule={var / 'beat-schedule'}"],
    }  # fmt: skip
    running = {
        name: subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=(logs / f"{name}.log").open("w"), stderr=subprocess.STDOUT
        )
        for name, command in processes.items()
    }
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        stats = {"errors": [], "latencies": [], "requests": Counter()}
        until = time.monotonic() + options.minutes * 60
        users = [VirtualUser(n, base, var / "sms", until, stats) for n in range(options.users)]
        started = time.monotonic()
        for user in users:
            user.start()
            time.sleep(0.3)
        for user in users:
            user.join()
        elapsed = time.monotonic() - started

        submitted = [pk for user in users for pk in user.submitted]
        password_requests = sum(user.password_requests for user in users)
        deadline = time.monotonic() + 120  # the worker drains the queue
        while time.monotonic() < deadline:
            mails = count_mails(var / "mail")
            if (
                mails["ontvangstbevestiging"] >= len(submitted)
                and sum(mails.values()) >= len(submitted) + password_requests
            ):
                break
            time.sleep(1)
        check = (
            "from aanvragen.models import Aanvraag; "
            "print(Aanvraag.objects.exclude(submitted_at=None).count(), "
            "Aanvraag.objects.exclude(receipt_sent_at=None).count())"
        )
        in_db, receipted = map(
            int, run(env, "shell", "--no-imports", "-c", check, capture_output=True, text=True).stdout.split()[-2:]
        )
    finally:
        for process in running.values():
            process.send_signal(signal.SIGTERM)
        for process in running.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    latencies = sorted(stats["latencies"]) or [0]
    server_errors = sum(
        1 for line in (logs / "web.log").read_text().splitlines() if '"status": 5' in line or "Traceback" in line
    )
    report = {
        "virtual users": options.users,
        "duration (s)": round(elapsed),
        "requests": sum(stats["requests"].values()),
        "requests per second": round(sum(stats["requests"].values()) / elapsed, 1),
        "median latency (ms)": round(latencies[len(latencies) // 2] * 1000),
        "p95 latency (ms)": round(latencies[int(len(latencies) * 0.95)] * 1000),
        "max latency (ms)": round(latencies[-1] * 1000),
        "errors (client side)": len(stats["errors"]),
        "5xx or tracebacks in the web log": server_errors,
        "applications submitted (seen by users)": len(submitted),
        "applications submitted (in database)": in_db,
        "receipts marked sent": receipted,
        "receipt mails written": mails["ontvangstbevestiging"],
        "password-link requests": password_requests,
        "password-link mails written": sum(v for k, v in mails.items() if k != "ontvangstbevestiging"),
    }
    for key, value in report.items():
        print(f"| {key} | {value} |")
    for error in stats["errors"][:20]:
        print("ERROR", error)
    accounted = (
        len(submitted) == in_db == receipted == mails["ontvangstbevestiging"]
        and report["password-link mails written"] == password_requests
    )
    print("RESULT", "OK" if accounted and not stats["errors"] and not server_errors else "FAILED", f"(logs: {logs})")
    if accounted and not stats["errors"] and not server_errors:
        shutil.rmtree(var / "private", ignore_errors=True)
    return 0 if accounted and not stats["errors"] and not server_errors else 1


if __name__ == "__main__":
    sys.exit(main())
