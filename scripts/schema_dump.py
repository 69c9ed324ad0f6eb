"""The database schema the migrations build, on PostgreSQL and on SQLite, written so that two of them can be diffed.

    .venv/bin/python scripts/schema_dump.py dump OUT_DIR [--tree DIR] [--label new]
    .venv/bin/python scripts/schema_dump.py compare GIT_REF [--keep DIR]

`dump` migrates a fresh PostgreSQL database and a fresh SQLite file with the code of DIR (default: this checkout)
and writes OUT_DIR/postgresql_new.sql (pg_dump --schema-only) and OUT_DIR/sqlite_new.sql (sqlite_master).
`compare` does so for GIT_REF (exported with git archive, label "old") and for this checkout ("new"), and prints
the diff: empty when both migration histories build the same database. Order is normalised away: objects are
sorted, and so are the columns and constraints inside each CREATE TABLE (a column added by a later migration comes
last in its table, one created with its model in the model's order; the database is the same). Exit status 1
when the schemas differ.

PostgreSQL: PORTERO_SCHEMA_PG (default postgres://postgres@127.0.0.1:5432) is the server; the databases
<PORTERO_SCHEMA_DB>_<label> (default portero_schema_old and portero_schema_new) are dropped and created again
there.
"""

# ruff: noqa: S603, S607 - runs git, pg_dump and the project's manage.py with fixed arguments

import argparse
import difflib
import io
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("PORTERO_SCHEMA_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
# What pg_dump writes around the objects: settings for the restore, its random \restrict key, comments.
NOISE = ("--", "SET ", "SELECT pg_catalog.set_config", "\\restrict", "\\unrestrict")
DATABASE = os.environ.get("PORTERO_SCHEMA_DB", "portero_schema")


def normalised_table(sql: str) -> str:
    """CREATE TABLE with its columns and constraints one a line, sorted (commas in parentheses and quotes kept)."""
    head, _, rest = sql.partition("(")
    items, depth, quote, start = [], 0, None, 0
    for i, char in enumerate(rest):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif char in ",)" and depth == 0:
            items.append(rest[start:i].strip())
            start = i + 1
            if char == ")":
                break
    tail = " ".join(rest[start:].split())
    return "\n".join([head.strip() + " (", *sorted("    " + item for item in items if item), ")" + tail])


def migrate(tree: Path, database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=tree, env=env, check=True)


def postgresql_schema(tree: Path, database: str) -> str:
    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {database}")
        cursor.execute(f"CREATE DATABASE {database}")
    connection.close()
    migrate(tree, f"{SERVER}/{database}")
    dump = subprocess.run(
        ["pg_dump", "--schema-only", "--no-owner", "--no-privileges", f"{SERVER}/{database}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # pg_dump heads every object with a "-- Name: …; Type: …" comment: one block per object.
    blocks = []
    for block in re.split(r"^--\n-- (?=Name: )", dump, flags=re.M)[1:]:
        lines = [line for line in block.splitlines()[2:] if line.strip() and not line.startswith(NOISE)]
        sql = "\n".join(lines)
        blocks.append(normalised_table(sql) if sql.startswith("CREATE TABLE ") else sql)
    return "\n\n".join(sorted(blocks)) + "\n\n" + postgresql_index_order(database)


def postgresql_index_order(database: str) -> str:
    """Each table's indexes in the order they were created: of two indexes that cost the same (a small table), the
    planner takes the one created last, so the order is part of what the migrations build."""
    connection = psycopg2.connect(f"{SERVER}/{database}")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.relname, string_agg(i.relname, ', ' ORDER BY i.oid) FROM pg_index AS x"
            " JOIN pg_class AS t ON t.oid = x.indrelid JOIN pg_class AS i ON i.oid = x.indexrelid"
            " WHERE t.relnamespace = 'public'::regnamespace GROUP BY t.relname ORDER BY t.relname"
        )
        rows = cursor.fetchall()
    connection.close()
    return "".join(f"-- indexes of {table} in creation order: {names}\n" for table, names in rows)


def sqlite_schema(tree: Path, path: Path) -> str:
    path.unlink(missing_ok=True)
    migrate(tree, f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT type, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        # The planner's list of each table's indexes, in its order (see postgresql_index_order).
        order = {table: [row[1] for row in connection.execute(f'PRAGMA index_list("{table}")')] for table in tables}
    blocks = [normalised_table(sql) if kind == "table" else " ".join(sql.split()) for kind, sql in rows]
    indexes = "".join(f"-- indexes of {table}: {', '.join(names)}\n" for table, names in sorted(order.items()))
    return "\n\n".join(sorted(blocks)) + "\n\n" + indexes


def dump(tree: Path, out: Path, label: str) -> tuple[str, str]:
    out.mkdir(parents=True, exist_ok=True)
    schemas = (
        postgresql_schema(tree, f"{DATABASE}_{label}"),
        sqlite_schema(tree, out / f"schema_{label}.sqlite3"),
    )
    for name, schema in zip(("postgresql", "sqlite"), schemas, strict=True):
        (out / f"{name}_{label}.sql").write_text(schema)
    return schemas


def compare(ref: str, keep: Path | None) -> int:
    work = keep or Path(tempfile.mkdtemp(prefix="portero-schema-"))
    tree = work / "old_tree"
    tree.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    theirs = dump(tree, work, "old")
    ours = dump(ROOT, work, "new")
    differs = 0
    for name, old, new in zip(("postgresql", "sqlite"), theirs, ours, strict=True):
        diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), f"{ref}/{name}", name, lineterm=""))
        print(f"{name}: {'same schema' if not diff else f'{len(diff)} diff lines'}")
        print("\n".join(diff))
        differs |= bool(diff)
    print(f"dumps in {work}")
    return differs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    dump_command = commands.add_parser("dump")
    dump_command.add_argument("out", type=Path)
    dump_command.add_argument("--tree", type=Path, default=ROOT)
    dump_command.add_argument("--label", default="new")
    compare_command = commands.add_parser("compare")
    compare_command.add_argument("ref")
    compare_command.add_argument("--keep", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.tree.resolve(), args.out, args.label)
        return 0
    return compare(args.ref, args.keep)


if __name__ == "__main__":
    sys.exit(main())
