"""Scaling out: what lets the web processes and the Celery workers be started any number of times."""

import re
from pathlib import Path

from django.db import connection

from aanvragen.models import Client

COMPOSE = Path(__file__).resolve().parents[1] / "docker-compose.yml"


def compose_blocks() -> dict[str, str]:
    """docker-compose.yml's services and its top-level x-… anchors (which services merge in), each with its text."""
    blocks, top, name = {}, None, None
    for line in COMPOSE.read_text().splitlines():
        if re.match(r"^[\w.-]+:", line):
            top = line.split(":")[0]
            name = top if top.startswith("x-") else None
        elif top == "services" and (service := re.match(r"^  ([\w.-]+):\s*$", line)):
            name = service.group(1)
        elif name:
            blocks[name] = blocks.get(name, "") + line + "\n"
    return blocks


def test_compose_web_and_worker_can_be_scaled_and_only_the_proxy_publishes_the_site():
    """docker compose up --scale web=N --scale worker=M: a fixed container name or a published host port would make
    the second replica fail to start. `docker compose config` in .ci/run checks the file itself."""
    blocks = compose_blocks()
    assert {"web", "worker", "beat", "proxy"} <= blocks.keys()
    assert not [name for name, text in blocks.items() if re.search(r"^\s+container_name:", text, re.M)]
    published = {name for name, text in blocks.items() if re.search(r"^\s+ports:", text, re.M)}
    assert published <= {"proxy", "mailpit"} and "proxy" in published


def test_the_register_finds_a_client_by_bsn_through_a_unique_index(db):
    """The BSN lookup in 10,000,000 clients (p95 under 5 ms, docs/PERFORMANCE.md) rests on this index."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Client._meta.db_table)
    assert any(c["unique"] and c["columns"] == ["bsn"] for c in constraints.values())
