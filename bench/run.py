"""Portero benchmarks: the everyday pages and the nightly jobs, with a whole country's data in the database.

Run with `make bench` (PostgreSQL when DATABASE_URL is set, otherwise SQLite). The script creates and destroys its
own test database through Django's test machinery, so it never touches a developer's real database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portero_bench make bench
    make bench BENCH_SCALE=0.1          # a quick run with a tenth of the data

Prints a table and writes the same numbers as JSON to var/bench/results-<timestamp>.json.
Speed claims live here, not in timed tests.
"""

import argparse
import json
import logging
import os
import random
import shutil
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client as TestClient  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings, setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from two_factor.plugins.phonenumber.models import PhoneDevice  # noqa: E402

from aanvragen.choices import (  # noqa: E402
    AanvraagSoort,
    AanvraagStatus,
    AccessAction,
    AccessOutcome,
    ConsentGivenBy,
    ConsentKind,
    Leveringsvorm,
    Zorgprofiel,
)
from aanvragen.models import Aanvraag, AccessLogEntry, ClientConsent, Indicatie  # noqa: E402
from aanvragen.models import Client as CizClient  # noqa: E402
from aanvragen.validators import BSN_WEIGHTS  # noqa: E402
from accounts import services as account_services  # noqa: E402
from accounts.models import EmailDomain, Organisation, User  # noqa: E402

SIZES = {
    "organisations": 2_000,
    "users": 60_000,
    "large_organisation_users": 5_000,
    "clients": 300_000,
    "indicaties": 100_000,
    "consents": 600_000,
    "access_log": 600_000,
    "aanvragen": 200_000,
}
MINIMUM = {"organisations": 3, "users": 200, "large_organisation_users": 100}
BATCH = 5_000
PASSWORD = "Bench-wachtwoord-2026!"
PRODUCTION_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

FIRST_NAMES = [
    "Jan", "Janneke", "Jannie", "Marjan", "Anna", "Bram", "Daan", "Emma", "Femke", "Gerrit", "Hanna", "Iris",
    "Joost", "Kees", "Lotte", "Mark", "Noor", "Pieter", "Roos", "Sanne", "Thijs", "Vera", "Wouter", "Yara",
]  # fmt: skip
LAST_NAMES = [
    ("", "Jansen"), ("", "Janssen"), ("de", "Jong"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"),
    ("", "Bakker"), ("", "Visser"), ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"), ("de", "Groot"),
    ("", "Bos"), ("", "Vos"), ("", "Peters"), ("", "Hendriks"), ("van", "Leeuwen"), ("", "Dekker"), ("", "Brouwer"),
]  # fmt: skip
CITIES = ["Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen", "Zwolle", "Maastricht"]


def log(message: str) -> None:
    print(message, flush=True)


@contextmanager
def phase(name: str, timings: dict):
    start = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - start, 1)
    log(f"  {name}: {timings[name]} s")


@contextmanager
def timestamps_as_given(*fields):
    """Let bulk_create keep the spread-out dates we generate instead of auto_now(_add) overwriting them."""
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def in_batches(model, rows):
    """bulk_create an iterable of unsaved instances in batches; returns the saved instances (with pks)."""
    saved, batch = [], []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            saved.extend(model.objects.bulk_create(batch))
            batch = []
    if batch:
        saved.extend(model.objects.bulk_create(batch))
    return saved


def valid_bsns(count: int, rng: random.Random):
    """`count` distinct BSNs passing the 11-proef, spread over the number range."""
    result, number = [], 10_000_000
    while len(result) < count:
        number += rng.randint(1, 40)
        digits = f"{number:08d}"
        check = sum(int(d) * w for d, w in zip(digits, BSN_WEIGHTS[:8], strict=True)) % 11
        if check < 10:
            result.append(digits + str(check))
    return result


def sized(scale: float) -> dict:
    sizes = {key: max(MINIMUM.get(key, 1), int(value * scale)) for key, value in SIZES.items()}
    sizes["large_organisation_users"] = min(sizes["large_organisation_users"], sizes["users"] // 2)
    return sizes


# --- Data ------------------------------------------------------------------------------------------------


def generate(sizes: dict, rng: random.Random, timings: dict) -> dict:
    now = timezone.now()
    today = timezone.localdate()
    days = lambda n: timedelta(days=n)  # noqa: E731
    password_hash = make_password(PASSWORD)

    with phase("organisaties + e-maildomeinen", timings):
        organisations = in_batches(
            Organisation,
            (
                Organisation(
                    name="Zorggroep Groot" if i == 0 else f"Zorgorganisatie {i:04d}",
                    agb_code=f"{20_000_000 + i}",
                    kvk_number=f"{30_000_000 + i}",
                    street=f"Zorglaan {i}",
                    postcode="3511 AB",
                    city=CITIES[i % len(CITIES)],
                    profile="volledig" if i % 3 == 0 else "basis",
                    contract_start=today - days(800),
                )
                for i in range(sizes["organisations"])
            ),
        )
        org_ids = [o.pk for o in organisations]
        in_batches(EmailDomain, (EmailDomain(organisation_id=pk, domain=f"org{pk}.nl") for pk in org_ids))

    large_org = org_ids[0]
    bench_users = 200  # the first users of the large organisation: active, recent login, valid password

    def user_rows():
        for i in range(sizes["users"]):
            if i < sizes["large_organisation_users"]:
                org, first_of_org = large_org, i == 0
            else:
                index = (i - sizes["large_organisation_users"]) % (len(org_ids) - 1) + 1
                org, first_of_org = org_ids[index], i - sizes["large_organisation_users"] < len(org_ids) - 1
            first = FIRST_NAMES[rng.randrange(len(FIRST_NAMES))]
            prefix, last = LAST_NAMES[rng.randrange(len(LAST_NAMES))]
            username = f"{first[0]}{prefix.replace(' ', '')}{last}{i}".lower()
            safe = i < bench_users
            roll = rng.random()
            deleted = not safe and roll < 0.04
            deactivated = not safe and 0.04 <= roll < 0.10
            yield User(
                username=username,
                initials=f"{first[0]}.",
                first_name=first,
                name_prefix=prefix,
                last_name=last,
                email=f"{username}@org{org}.nl",
                mobile=f"+316{10_000_000 + i:08d}",
                organisation_id=org,
                is_org_admin=first_of_org,
                password=password_hash,
                date_joined=now - days(rng.randint(30, 1500)),
                last_login=now - days(rng.randint(0, 5)) if safe else (
                    None if rng.random() < 0.08 else now - days(rng.randint(0, 260))
                ),
                password_changed_at=now - days(rng.randint(0, 30) if safe else rng.randint(0, 120)),
                deleted_at=now - days(rng.randint(1, 400)) if deleted else None,
                deletion_reason="Uit dienst" if deleted else "",
                deactivated_at=now - days(rng.randint(1, 400)) if deactivated else None,
            )  # fmt: skip

    with phase("gebruikers + sms-apparaten", timings):
        in_batches(User, user_rows())
        users_by_org: dict[int, list[int]] = {}
        devices = []
        for pk, org, mobile in User.objects.order_by("pk").values_list("pk", "organisation_id", "mobile"):
            users_by_org.setdefault(org, []).append(pk)
            devices.append(PhoneDevice(user_id=pk, name="default", number=mobile, method="sms", confirmed=True))
        in_batches(PhoneDevice, devices)
        del devices

    # Work is spread over organisations in proportion to their number of users.
    weighted_orgs = [org for org, pks in users_by_org.items() for _ in pks]

    with phase("cliënten + indicaties", timings):
        bsns = valid_bsns(sizes["clients"], rng)
        rng.shuffle(bsns)
        in_batches(
            CizClient,
            (
                CizClient(
                    bsn=bsn,
                    initials="A.B.",
                    first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
                    name_prefix=LAST_NAMES[i % len(LAST_NAMES)][0],
                    last_name=LAST_NAMES[i % len(LAST_NAMES)][1],
                    date_of_birth=date(1925, 1, 1) + days(i % 30_000),
                    sex="MVO"[i % 3],
                    street=f"Dorpsstraat {i % 300 + 1}",
                    postcode=f"{1000 + i % 8999} AB",
                    city=CITIES[i % len(CITIES)],
                )
                for i, bsn in enumerate(bsns)
            ),
        )
        client_ids = dict(CizClient.objects.values_list("bsn", "pk"))
        profielen = [Zorgprofiel.VV4, Zorgprofiel.VV5, Zorgprofiel.VV6, Zorgprofiel.VG3, Zorgprofiel.GGZW2]
        in_batches(
            Indicatie,
            (
                Indicatie(
                    client_id=client_ids[bsns[i]],
                    zorgprofiel=profielen[i % len(profielen)],
                    leveringsvorm=Leveringsvorm.VERBLIJF,
                    valid_from=today - days(i % 2000),
                )
                for i in range(min(sizes["indicaties"], len(bsns)))
            ),
        )
        del client_ids

    # The benchmark client: known to CIZ, with an indicatie, and with consents of the large organisation.
    bench_bsn = bsns[0]
    bench_user = users_by_org[large_org][1]
    kinds = list(ConsentKind.values)
    given_by = list(ConsentGivenBy.values)

    def consent_rows():
        for kind in (ConsentKind.NAW_INZIEN, ConsentKind.INDICATIE_RAADPLEGEN):
            yield ClientConsent(
                organisation_id=large_org,
                client_bsn=bench_bsn,
                kind=kind,
                given_by=ConsentGivenBy.CLIENT,
                signed_on=today - days(10),
                archive_reference="BENCH-1",
                recorded_by_id=bench_user,
                recorded_at=now - days(10),
            )
        for i in range(sizes["consents"] - 2):
            org = weighted_orgs[rng.randrange(len(weighted_orgs))]
            age = rng.randint(0, 730)
            yield ClientConsent(
                organisation_id=org,
                client_bsn=bsns[rng.randrange(len(bsns))],
                kind=kinds[i % len(kinds)],
                given_by=given_by[i % len(given_by)],
                signed_on=today - days(age),
                archive_reference=f"ARCH-{i}",
                recorded_by_id=rng.choice(users_by_org[org]),
                recorded_at=now - days(age),
            )

    with phase("toestemmingen + toegangslog", timings):
        consent_fields = [ClientConsent._meta.get_field("recorded_at"), AccessLogEntry._meta.get_field("at")]
        actions = {
            ConsentKind.NAW_INZIEN: AccessAction.NAW_INZIEN,
            ConsentKind.INDICATIE_RAADPLEGEN: AccessAction.INDICATIE_RAADPLEGEN,
            ConsentKind.INDICATIEGEGEVENS_OVERNEMEN: AccessAction.INDICATIEGEGEVENS_OVERNEMEN,
        }
        log_left = sizes["access_log"]
        with timestamps_as_given(*consent_fields):
            batch = []
            for consent in consent_rows():
                batch.append(consent)
                if len(batch) >= BATCH:
                    log_left -= write_consents_and_log(batch, actions, log_left, sizes, rng)
                    batch = []
            if batch:
                log_left -= write_consents_and_log(batch, actions, log_left, sizes, rng)

    statuses = [s for s in AanvraagStatus.values if s != AanvraagStatus.CONCEPT]

    def aanvraag_rows():
        for i in range(sizes["aanvragen"]):
            org = weighted_orgs[rng.randrange(len(weighted_orgs))]
            user = rng.choice(users_by_org[org])
            created = now - days(rng.randint(0, 1000)) - timedelta(minutes=rng.randint(0, 1440))
            concept = rng.random() < 0.15
            bsn = bsns[rng.randrange(len(bsns))]
            prefix, last = LAST_NAMES[i % len(LAST_NAMES)]
            yield Aanvraag(
                organisation_id=org,
                created_by_id=user,
                submitted_by_id=None if concept else user,
                soort=AanvraagSoort.WLZ,
                status=AanvraagStatus.CONCEPT if concept else statuses[i % len(statuses)],
                reference=None if concept else f"WLZ-{i:08d}",
                created_at=created,
                updated_at=created + days(rng.randint(0, 30)),
                submitted_at=None if concept else created + days(1),
                deadline=None if concept else (created + days(43)).date(),
                client_bsn=bsn,
                client_initials="A.B.",
                client_name_prefix=prefix,
                client_last_name=last,
                client_date_of_birth=date(1935, 1, 1) + days(i % 20_000),
                client_sex="MVO"[i % 3],
                client_street=f"Dorpsstraat {i % 300 + 1}",
                client_postcode="3511 AB",
                client_city=CITIES[i % len(CITIES)],
                grondslagen=["01", "02"],
                diagnose="Dementie; valt regelmatig; heeft 24 uur per dag toezicht nodig." if not concept else "",
            )

    with phase("aanvragen", timings):
        fields = [Aanvraag._meta.get_field("created_at"), Aanvraag._meta.get_field("updated_at")]
        with timestamps_as_given(*fields):
            in_batches(Aanvraag, aanvraag_rows())

    with phase("statistieken (ANALYZE)", timings):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    large_users = users_by_org[large_org]
    bench_aanvraag = (
        Aanvraag.objects.filter(organisation_id=large_org, status=AanvraagStatus.INGEDIEND).order_by("pk").first()
    )
    return {
        "large_org": large_org,
        "admin": large_users[0],
        "user": bench_user,
        "login_users": large_users[2:bench_users],
        "bench_bsn": bench_bsn,
        "aanvraag_bsn": bench_aanvraag.client_bsn if bench_aanvraag else bench_bsn,
    }


def write_consents_and_log(batch, actions, log_left, sizes, rng) -> int:
    """One batch of consents, and its share of the access log: a search and a consented look per consent."""
    saved = ClientConsent.objects.bulk_create(batch)
    if log_left <= 0:
        return 0
    per_consent = max(1, round(sizes["access_log"] / sizes["consents"]))
    entries = []
    for consent in saved:
        for n in range(per_consent):
            search = n % 2 == 1
            entries.append(
                AccessLogEntry(
                    user_id=consent.recorded_by_id,
                    organisation_id=consent.organisation_id,
                    at=consent.recorded_at + timedelta(minutes=rng.randint(1, 60 * 24 * 30)),
                    client_bsn=consent.client_bsn,
                    action=AccessAction.ZOEKEN if search else actions[consent.kind],
                    consent=None if search else consent,
                    outcome=AccessOutcome.FOUND,
                    ip_address="10.0.0.1",
                )
            )
    entries = entries[:log_left]
    AccessLogEntry.objects.bulk_create(entries, batch_size=BATCH)
    return len(entries)


# --- Measuring -------------------------------------------------------------------------------------------


def logged_in(user_pk: int) -> TestClient:
    """Like tests/conftest.py login_client: a password session plus the verified SMS device."""
    user = User.objects.get(pk=user_pk)
    client = TestClient()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = PhoneDevice.objects.get(user=user).persistent_id
    session.save()
    return client


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def explain(sql: str) -> list[str]:
    """PostgreSQL's plan (with actual times) of a read query, so a slow page points at its cause."""
    if connection.vendor != "postgresql" or not sql.lstrip().upper().startswith("SELECT"):
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return [row[0] for row in cursor.fetchall()]


def measure(name: str, request, *, repeat: int, warmup: int, expect: int = 200, before=None) -> dict:
    """Call request() warmup + repeat times; durations of the last `repeat`, queries of every call."""
    durations, query_counts, slowest = [], [], (0.0, "")
    for i in range(warmup + repeat):
        if before:
            before(i)
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = request(i)
            elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != expect:
            raise RuntimeError(f"{name}: status {response.status_code}, expected {expect}")
        if i >= warmup:
            durations.append(elapsed)
            query_counts.append(len(queries.captured_queries))
            for query in queries.captured_queries:
                if float(query["time"]) * 1000 > slowest[0]:
                    slowest = (float(query["time"]) * 1000, query["sql"])
    plan = explain(slowest[1])
    result = {
        "name": name,
        "runs": repeat,
        "median_ms": round(statistics.median(durations), 1),
        "p95_ms": round(percentile(durations, 0.95), 1),
        "max_ms": round(max(durations), 1),
        "queries": max(query_counts),
        "slowest_query_ms": round(slowest[0], 1),
        "slowest_query": slowest[1][:500],
        "slowest_query_plan": plan,
    }
    log(f"  {name}: median {result['median_ms']} ms, p95 {result['p95_ms']} ms, {result['queries']} queries")
    return result


def measure_once(name: str, job) -> dict:
    """A nightly job on the full user table, inside a transaction that is rolled back (so it can be repeated)."""
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        with transaction.atomic():
            outcome = job()
            transaction.set_rollback(True)
        elapsed = (time.perf_counter() - start) * 1000
    slowest = max(queries.captured_queries, key=lambda q: float(q["time"]), default={"time": 0, "sql": ""})
    result = {
        "name": name,
        "runs": 1,
        "median_ms": round(elapsed, 1),
        "p95_ms": round(elapsed, 1),
        "max_ms": round(elapsed, 1),
        "queries": len(queries.captured_queries),
        "slowest_query_ms": round(float(slowest["time"]) * 1000, 1),
        "slowest_query": slowest["sql"][:500],
        "outcome": str(outcome),
    }
    log(f"  {name}: {result['median_ms']} ms, {result['queries']} queries, result {outcome}")
    return result


def run_measurements(ids: dict, *, repeat: int, warmup: int) -> list[dict]:
    results = []
    admin = logged_in(ids["admin"])
    active = User.objects.filter(organisation_id=ids["large_org"], deleted_at=None, deactivated_at=None).count()
    late_page = max(1, (active * 9 // 10) // 25)
    beheer = "/beheer/gebruikers/"
    for name, url in [
        ("beheer: gebruikers (standaard)", beheer),
        ("beheer: gebruikers zoeken 'jan'", f"{beheer}?zoeken=jan"),
        ("beheer: gebruikers op laatste inlog aflopend", f"{beheer}?sort=-laatste_inlog"),
        ("beheer: gebruikers met verwijderde", f"{beheer}?verwijderd=on"),
        (f"beheer: gebruikers pagina {late_page}", f"{beheer}?pagina={late_page}"),
        (f"beheer: zoeken 'jan' + verwijderde, pagina {max(1, late_page // 6)}",
         f"{beheer}?zoeken=jan&verwijderd=on&sort=naam&pagina={max(1, late_page // 6)}"),
    ]:  # fmt: skip
        results.append(measure(name, lambda _i, url=url: admin.get(url), repeat=repeat, warmup=warmup))

    user = logged_in(ids["user"])
    bsn = ids["bench_bsn"]
    results.append(
        measure(
            "aanvragen: cliënt zoeken op BSN (POST)",
            lambda _i: user.post("/clienten/zoeken/", {"bsn": bsn}),
            repeat=repeat,
            warmup=warmup,
            expect=302,
        )
    )
    results.append(
        measure(
            "aanvragen: cliëntgegevens met toestemming",
            lambda _i: user.get("/clienten/gegevens/"),
            repeat=repeat,
            warmup=warmup,
        )
    )
    for name, url in [
        ("aanvragen: lijst 'Aanvragen'", "/aanvragen/"),
        ("aanvragen: lijst, status Ingediend", "/aanvragen/?status=ingediend"),
        ("aanvragen: lijst, zoeken op BSN", f"/aanvragen/?zoek={ids['aanvraag_bsn']}"),
    ]:
        results.append(measure(name, lambda _i, url=url: user.get(url), repeat=repeat, warmup=warmup))

    results.append(measure_once("nacht: idle_accounts_deactivate", account_services.idle_accounts_deactivate))
    results.append(measure_once("nacht: passwords_expire", account_services.passwords_expire))

    login_users = list(User.objects.filter(pk__in=ids["login_users"]).order_by("pk").values_list("username", flat=True))

    def login_post(i):
        return TestClient().post(
            "/inloggen/",
            {
                "portero_login_view-current_step": "auth",
                "auth-username": login_users[i % len(login_users)],
                "auth-password": PASSWORD,
            },
            REMOTE_ADDR=f"10.1.{i // 250}.{i % 250 + 1}",
        )

    def fresh(_i):
        cache.clear()  # SMS cooldowns and rate limits; not what is measured

    results.append(
        measure("inloggen: wachtwoordstap (MD5 van tests.settings)", login_post, repeat=repeat, warmup=warmup,
                before=fresh)
    )  # fmt: skip
    with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS):
        User.objects.filter(pk__in=ids["login_users"]).update(password=make_password(PASSWORD))
        results.append(
            measure("inloggen: wachtwoordstap (Argon2, als productie)", login_post, repeat=repeat, warmup=warmup,
                    before=fresh)
        )  # fmt: skip
    return results


def table(results: list[dict]) -> str:
    width = max(len(r["name"]) for r in results)
    lines = [f"{'meting':<{width}}  {'n':>3}  {'mediaan ms':>10}  {'p95 ms':>8}  {'queries':>7}  {'traagste q ms':>13}"]
    lines.append("-" * len(lines[0]))
    for r in results:
        lines.append(
            f"{r['name']:<{width}}  {r['runs']:>3}  {r['median_ms']:>10.1f}  {r['p95_ms']:>8.1f}  {r['queries']:>7}  "
            f"{r['slowest_query_ms']:>13.1f}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="data size factor (default 1.0 = national scale)")
    parser.add_argument("--repeat", type=int, default=30, help="measured requests per page (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured requests first (default 3)")
    parser.add_argument("--seed", type=int, default=7513)
    args = parser.parse_args()

    sizes = sized(args.scale)
    logging.getLogger("accounts.sms").setLevel(logging.WARNING)  # one line per login SMS is noise here
    vendor = connection.vendor
    database = "PostgreSQL" if vendor == "postgresql" else "SQLite" if vendor == "sqlite" else vendor
    log(f"Portero benchmark on {database} (DATABASE_URL {'set' if os.environ.get('DATABASE_URL') else 'not set'})")
    log(f"scale {args.scale}: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
    log("Password hashing: tests.settings uses MD5; the login step is measured with MD5 and with Argon2.")

    started = time.perf_counter()
    old_config = setup_databases(verbosity=1, interactive=False, serialized_aliases=set())
    settings.SMS_OUTBOX_DIR = Path(settings.VAR_DIR) / "bench-sms"
    timings: dict[str, float] = {}
    version = getattr(connection, "pg_version", None) or getattr(connection.Database, "sqlite_version", "")
    try:
        log("Generating data:")
        ids = generate(sizes, random.Random(args.seed), timings)
        log("Measuring:")
        results = run_measurements(ids, repeat=args.repeat, warmup=args.warmup)
    finally:
        teardown_databases(old_config, verbosity=1)
        shutil.rmtree(settings.SMS_OUTBOX_DIR, ignore_errors=True)

    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": database,
        "database_version": version,
        "scale": args.scale,
        "sizes": sizes,
        "repeat": args.repeat,
        "warmup": args.warmup,
        "password_hashing": "login step measured with MD5 (tests.settings) and with Argon2 (production)",
        "data_generation_seconds": timings,
        "total_seconds": round(time.perf_counter() - started, 1),
        "results": results,
    }
    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"results-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log("")
    log(f"Portero benchmark: {database}, scale {args.scale}, {args.repeat} runs per page after {args.warmup} warm-up")
    log("(the login with MD5 excludes password hashing cost; the Argon2 line includes it)")
    log(table(results))
    for r in results:
        scans = [
            line.strip() for line in r.get("slowest_query_plan", []) if "Seq Scan" in line or "Sort Method" in line
        ]
        if r["slowest_query_ms"] >= 10 and scans:
            log(f"plan of the slowest query of '{r['name']}': " + "; ".join(scans))
    log(f"\nTotal {report['total_seconds']} s. JSON: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
