"""Fill a migrated PostgreSQL database with a country's worth of Portero data, fast, through COPY.

At scale 1.0: 10,000 organisations with 1,000,000 accounts (the largest organisation 50,000, then a long
tail), 10,000,000 clients in the CIZ register, 5,000,000 applications. The largest organisation keeps its
50,000 accounts at every scale (the search figures depend on the size of one organisation, not on the
country); everything else is multiplied by --scale.

Rows are generated in Python and streamed with psycopg2's copy_expert in chunks; every column the bench does
not set gets its model default, so a new model field does not break the seeder.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portero_bench .venv/bin/python bench/seed.py --scale 0.05
"""

import io
import json
import math
import random
import secrets
import time
from datetime import UTC, date, datetime, timedelta

FULL = {"organisations": 10_000, "accounts": 1_000_000, "clients": 10_000_000, "aanvragen": 5_000_000}
LARGE_ORGANISATION_ACCOUNTS = 50_000
SAFE_ACCOUNTS = 500  # the first accounts of the large organisation: active, recent login, valid password
CHUNK = 50_000
PASSWORD = "Bench-wachtwoord-2026!"

FIRST_NAMES = """Jan Johannes Pieter Kees Henk Gerrit Willem Hendrik Cornelis Bram Daan Sem Lucas Finn Levi Milan
Thijs Jesse Ruben Joost Mark Wouter Sander Bas Tim Tom Niels Jeroen Martijn Rick Stijn Koen Mohammed Ahmed Youssef
Anna Emma Julia Sophie Lotte Sanne Femke Iris Noor Roos Lisa Eva Fleur Vera Yara Maria Johanna Cornelia Elisabeth
Hanna Janneke Marjan Ingrid Monique Petra Sandra Linda Esther Marieke Anouk Floor Fatima Aisha Samira Zeynep Nina
Inge Wilma Ria Truus Greetje Astrid Ilse Karin Nicole Saskia Bianca Mirjam Suzanne Renate Ellen Margreet Dewi
Priya Ramon Giovanni Kevin Dennis Patrick Erik Marco Frank Peter Paul Michiel Arjen Hans Rob Ton Ad Jos""".split()
LAST_NAMES = [
    tuple(entry.split("|")) if "|" in entry else ("", entry)
    for entry in """de|Jong Jansen de|Vries van den|Berg van|Dijk Bakker Janssen Visser Smit Meijer de|Boer Mulder
de|Groot Bos Vos Peters Hendriks van|Leeuwen Dekker Brouwer de|Wit Dijkstra Smits de|Graaf van der|Meer
van der|Linden Kok Jacobs de|Haan Vermeulen van den|Heuvel van der|Veen van den|Broek de|Bruijn de|Bruin
van der|Heijden Schouten van|Beek Willems van|Vliet van de|Ven Hoekstra Maas Verhoeven Koster van|Dam
van der|Wal Prins Blom Huisman Peeters de|Jonge Kuipers van|Veen Post Kuiper Veenstra Kramer van den|Brink
Scholten van|Wijk Postma Martens Vink de|Ruiter Timmermans Groen Gerritsen Jonker van|Loon Boer van der|Velde
Willemsen Smeets de|Lange de|Vos Bosch van|Dongen Schipper de|Koning van der|Laan Koning van der|Velden
Driessen van|Doorn Hermans Evers van den|Bosch van der|Meulen Hofman Bosman Wolters Sanders van der|Horst
Mol Kuijpers Molenaar van de|Pol de|Leeuw Verbeek Yilmaz Kaya Demir el|Amrani Öztürk Çelik Nguyen Bouzid
Rahman Pinas Doelwijt Ramdin Hoogendoorn Zwart Wijnands Heemskerk""".split()
]
CITIES = """Amsterdam Rotterdam Utrecht Eindhoven Groningen Tilburg Almere Breda Nijmegen Apeldoorn Haarlem Arnhem
Enschede Amersfoort Zaanstad Zwolle Leiden Maastricht Dordrecht Zoetermeer Emmen Ede Venlo Deventer Delft Helmond
Oss Hengelo Sittard Alkmaar Leeuwarden Heerlen Hilversum Assen Zeist Gouda Roermond Vlaardingen Hoorn
Veenendaal""".split()
ORGANISATION_KINDS = ["Zorggroep", "Stichting Thuiszorg", "Woonzorgcentrum", "Zorgcentrum", "Stichting",
                      "Thuiszorg", "GGZ", "Gehandicaptenzorg", "Verpleeghuis", "Huisartsenpraktijk"]  # fmt: skip
ORGANISATION_NAMES = """De Linde Het Baken De Horst Rivierenland Het Anker De Wilgen Zonnehuis Vitalis Careyn
Amaris Het Gastenhuis De Hoven Saffier Laurens Cordaan Zorgbalans Vivium Sensire Marga Klompé Aveant Beweging 3.0
Driezorg Leger des Heils Philadelphia Ipse de Bruggen Abrona Koraal Ons Tweede Thuis Parnassia Arkin""".split()


def sizes_for(scale: float) -> dict:
    """Row counts at this scale (the large organisation stays at 50,000 accounts)."""
    organisations = max(20, round(FULL["organisations"] * scale))
    others = max(organisations * 2, round((FULL["accounts"] - LARGE_ORGANISATION_ACCOUNTS) * scale))
    return {
        "organisations": organisations,
        "accounts": LARGE_ORGANISATION_ACCOUNTS + others,
        "large_organisation_accounts": LARGE_ORGANISATION_ACCOUNTS,
        "clients": max(10_000, round(FULL["clients"] * scale)),
        "aanvragen": max(5_000, round(FULL["aanvragen"] * scale)),
    }


def organisation_sizes(organisations: int, others: int) -> list[int]:
    """Accounts per organisation: the large one first, then a long tail (power law, at least 2 each)."""
    weights = [1 / (i + 10) ** 0.9 for i in range(1, organisations)]
    total = sum(weights)
    sizes = [max(2, math.floor(w / total * others)) for w in weights]
    sizes[-1] += others - sum(sizes)  # rounding rest to the smallest organisation keeps the total exact
    return [LARGE_ORGANISATION_ACCOUNTS, *sizes]


# --- COPY -----------------------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_rows(cursor, model, rows) -> int:
    """COPY dicts (attname → value) into the model's table; unset columns get the field default."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated]
    defaults = {}
    for field in fields:
        default = field.get_default()
        if field.get_internal_type() == "JSONField" and default is not None:
            default = json.loads(json.dumps(default))
        defaults[field.attname] = default
    columns = ", ".join(f'"{f.column}"' for f in fields)
    names = [f.attname for f in fields]
    sql = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
    count, buffer = 0, io.StringIO()
    for row in rows:
        buffer.write("\t".join(_text(row[n] if n in row else defaults[n]) for n in names))
        buffer.write("\n")
        count += 1
        if count % CHUNK == 0:
            buffer.seek(0)
            cursor.copy_expert(sql, buffer)
            buffer = io.StringIO()
    buffer.seek(0)
    cursor.copy_expert(sql, buffer)
    return count


def valid_bsns(count: int, rng: random.Random) -> list[str]:
    """`count` distinct 9-digit BSNs that pass the 11-proef, spread over the number range, shuffled."""
    from aanvragen.validators import BSN_WEIGHTS

    weights = BSN_WEIGHTS[:8]
    step = max(1, 89_000_000 // (count * 11 // 10 + 1))
    result, number = [], 10_000_000
    while len(result) < count:
        number += rng.randint(1, step)
        digits = f"{number:08d}"
        check = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
        if check < 10:
            result.append(digits + str(check))
    rng.shuffle(result)
    return result


# --- The data set ---------------------------------------------------------------------------------------------


def seed(*, scale: float, seed_value: int = 7513, log=print) -> dict:
    """Fill the (empty, migrated) database; returns the sizes, timings and the ids the measurements use."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from two_factor.plugins.phonenumber.models import PhoneDevice

    from aanvragen.choices import AanvraagSoort, AanvraagStatus
    from aanvragen.models import Aanvraag
    from aanvragen.models import Client as RegisterClient
    from accounts.models import EmailDomain, Organisation, User

    rng = random.Random(seed_value)
    sizes = sizes_for(scale)
    timings: dict[str, float] = {}
    now = datetime.now(UTC).replace(microsecond=0)
    today = now.date()

    def phase(name, started):
        timings[name] = round(time.perf_counter() - started, 1)
        log(f"  {name}: {timings[name]} s")

    per_org = organisation_sizes(sizes["organisations"], sizes["accounts"] - LARGE_ORGANISATION_ACCOUNTS)
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg2 cursor, for copy_expert

        started = time.perf_counter()
        names, domains = [], []
        for i in range(sizes["organisations"]):
            kind = ORGANISATION_KINDS[i % len(ORGANISATION_KINDS)]
            city = CITIES[(i // len(ORGANISATION_KINDS)) % len(CITIES)]
            base = "Zorggroep Groot Nederland" if i == 0 else f"{kind} {rng.choice(ORGANISATION_NAMES)} {city}"
            names.append(base if i < 400 else f"{base} {i // 400 + 1}")
            slug = "".join(ch for ch in names[-1].lower() if ch.isalnum())[:40]
            domains.append(f"{slug}{i}.nl")
        copy_rows(
            raw,
            Organisation,
            (
                {
                    "name": names[i],
                    "agb_code": f"{30_000_000 + i}",
                    "kvk_number": f"{40_000_000 + i}",
                    "street": f"Zorglaan {i % 200 + 1}",
                    "postcode": f"{1000 + i % 8999} AB",
                    "city": CITIES[(i // len(ORGANISATION_KINDS)) % len(CITIES)],
                    "profile": "volledig" if i % 3 == 0 else "basis",
                    "contract_start": today - timedelta(days=300 + i % 2000),
                    "created_at": now - timedelta(days=300 + i % 2000),
                }
                for i in range(sizes["organisations"])
            ),
        )
        cursor.execute('SELECT id FROM "accounts_organisation" ORDER BY id')
        org_ids = [row[0] for row in cursor.fetchall()]
        copy_rows(
            raw,
            EmailDomain,
            ({"organisation_id": pk, "domain": domains[i]} for i, pk in enumerate(org_ids)),
        )
        phase("organisaties + e-maildomeinen (COPY)", started)

        started = time.perf_counter()
        password_hash = make_password(PASSWORD)  # one Argon2id hash shared by all: hashing 1M is not the point
        taken: dict[str, int] = {}

        def account_rows():
            number = 0
            for org_index, (org_id, count) in enumerate(zip(org_ids, per_org, strict=True)):
                domain = domains[org_index]
                for n in range(count):
                    safe = org_index == 0 and n < SAFE_ACCOUNTS
                    first = rng.choice(FIRST_NAMES)
                    prefix, last = rng.choice(LAST_NAMES)
                    base = "".join(ch for ch in (first[0] + prefix + last).lower() if ch.isascii() and ch.isalnum())
                    taken[base] = taken.get(base, 0) + 1
                    username = base if taken[base] == 1 else f"{base}{taken[base]}"
                    joined = now - timedelta(days=rng.randint(7, 2500), minutes=rng.randint(0, 1440))
                    roll = rng.random()
                    deleted = not safe and roll < 0.04
                    deactivated = not safe and 0.04 <= roll < 0.09
                    # Last login: most within a month, some within six months, some idle longer, a few never.
                    login_roll = rng.random()
                    if safe or login_roll < 0.70:
                        last_login = now - timedelta(minutes=rng.randint(5, 30 * 1440))
                    elif login_roll < 0.91:
                        last_login = now - timedelta(days=rng.randint(30, 180))
                    elif login_roll < 0.97:
                        last_login = now - timedelta(days=rng.randint(184, 400))
                    else:
                        last_login = None
                    last_login = max(last_login, joined) if last_login else None
                    # Passwords are valid 3 months; ages spread over that, a few just past.
                    changed = now - timedelta(days=rng.randint(0, 30) if safe else rng.randint(0, 95), hours=1)
                    number += 1
                    yield {
                        "username": username,
                        "initials": f"{first[0]}.",
                        "first_name": first,
                        "name_prefix": prefix,
                        "last_name": last,
                        "email": f"{username}@{domain}",
                        "mobile": f"+316{10_000_000 + number:08d}",
                        "organisation_id": org_id,
                        "is_org_admin": n == 0 or (org_index == 0 and n < 3),
                        "password": password_hash,
                        "date_joined": joined,
                        "last_login": last_login,
                        "password_changed_at": changed,
                        "deleted_at": now - timedelta(days=rng.randint(1, 700)) if deleted else None,
                        "deletion_reason": "Uit dienst" if deleted else "",
                        "deactivated_at": now - timedelta(days=rng.randint(1, 700)) if deactivated else None,
                    }

        rows = list(account_rows())
        safe_names = [row["username"] for row in rows[:SAFE_ACCOUNTS]]  # the large organisation's first accounts
        # In the order of years of sign-ups, as a real table fills: every organisation's accounts spread over the
        # whole table, not side by side at its front (which made a scan of one organisation cheap).
        rows.sort(key=lambda row: row["date_joined"])
        accounts = copy_rows(raw, User, iter(rows))
        del rows
        cursor.execute('SELECT username, id FROM "accounts_user" WHERE username = ANY(%s)', [safe_names])
        ids_by_name = dict(cursor.fetchall())
        safe_users = [ids_by_name[name] for name in safe_names]
        phase(f"accounts: {accounts:,} (COPY, interleaved by sign-up)", started)

        started = time.perf_counter()
        cursor.execute('SELECT id, mobile FROM "accounts_user" ORDER BY id')
        copy_rows(
            raw,
            PhoneDevice,
            (
                {
                    "user_id": pk,
                    "name": "default",
                    "number": mobile,
                    "method": "sms",
                    "confirmed": True,
                    "key": secrets.token_hex(20),
                }
                for pk, mobile in cursor.fetchall()
            ),
        )
        phase("sms-apparaten (COPY)", started)

        started = time.perf_counter()
        bsns = valid_bsns(sizes["clients"] + 100, rng)
        bsns, missing = bsns[: sizes["clients"]], bsns[sizes["clients"] :]  # valid numbers not in the register
        copy_rows(
            raw,
            RegisterClient,
            (
                {
                    "bsn": bsn,
                    "initials": f"{FIRST_NAMES[i % len(FIRST_NAMES)][0]}.",
                    "first_name": FIRST_NAMES[(i * 7) % len(FIRST_NAMES)],
                    "name_prefix": LAST_NAMES[(i * 13) % len(LAST_NAMES)][0],
                    "last_name": LAST_NAMES[(i * 13) % len(LAST_NAMES)][1],
                    "date_of_birth": date(1920, 1, 1) + timedelta(days=i % 36_000),
                    "sex": "MVO"[i % 3] if i % 50 else "O",
                    "street": f"Dorpsstraat {i % 300 + 1}",
                    "postcode": f"{1000 + i % 8999} {'ABCDEFGHJK'[i % 10]}{'LMNPRSTVWX'[i // 10 % 10]}",
                    "city": CITIES[i % len(CITIES)],
                }
                for i, bsn in enumerate(bsns)
            ),
        )
        phase(f"cliënten: {len(bsns):,} (COPY)", started)

        started = time.perf_counter()
        cursor.execute('SELECT id, organisation_id FROM "accounts_user" WHERE deleted_at IS NULL ORDER BY id')
        users_by_org: dict[int, list[int]] = {}
        for pk, org in cursor.fetchall():
            users_by_org.setdefault(org, []).append(pk)
        weighted = [org for org, count in zip(org_ids, per_org, strict=True) for _ in range(max(1, count // 10))]
        statuses = [s for s in AanvraagStatus.values if s != AanvraagStatus.CONCEPT]

        def aanvraag_rows():
            for i in range(sizes["aanvragen"]):
                org = weighted[rng.randrange(len(weighted))]
                user = rng.choice(users_by_org[org])
                created = now - timedelta(days=rng.randint(0, 1800), minutes=rng.randint(0, 1440))
                concept = rng.random() < 0.12
                prefix, last = LAST_NAMES[i % len(LAST_NAMES)]
                yield {
                    "organisation_id": org,
                    "created_by_id": user,
                    "submitted_by_id": None if concept else user,
                    "soort": AanvraagSoort.WLZ,
                    "status": AanvraagStatus.CONCEPT if concept else statuses[i % len(statuses)],
                    "reference": None if concept else f"WLZ-{i:09d}",
                    "created_at": created,
                    "updated_at": created + timedelta(days=rng.randint(0, 40)),
                    "submitted_at": None if concept else created + timedelta(hours=2),
                    "deadline": None if concept else (created + timedelta(weeks=6)).date(),
                    "wlz_type": "eerste_aanvraag",
                    "client_bsn": bsns[rng.randrange(len(bsns))],
                    "client_initials": "A.B.",
                    "client_name_prefix": prefix,
                    "client_last_name": last,
                    "client_date_of_birth": date(1930, 1, 1) + timedelta(days=i % 25_000),
                    "client_sex": "MV"[i % 2],
                    "client_street": f"Dorpsstraat {i % 300 + 1}",
                    "client_postcode": "3511 AB",
                    "client_city": CITIES[i % len(CITIES)],
                    "grondslagen": ["02"],
                    "diagnose": "" if concept else "Dementie; heeft 24 uur per dag toezicht nodig.",
                }

        aanvragen = copy_rows(raw, Aanvraag, aanvraag_rows())
        phase(f"aanvragen: {aanvragen:,} (COPY)", started)

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    phase("VACUUM ANALYZE", started)

    return {
        "sizes": sizes,
        "timings": timings,
        "seconds": round(sum(timings.values()), 1),
        "large_org": org_ids[0],
        "admin": safe_users[0],
        "user": safe_users[3],
        "safe_users": safe_users,
        "bsns": bsns[:1000],
        "missing_bsns": missing,
    }
