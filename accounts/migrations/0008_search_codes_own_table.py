"""The beheer search's codes (migration 0007) move out of accounts_user into their own table, accounts_user_search
(one row per account: user_id, codes), on PostgreSQL. The nightly jobs change hundreds of thousands of accounts at
national scale, never in a searched field; in accounts_user every such update recomputed the generated codes
(about 160 md5 sums per account) and, unless the row stayed on its page, wrote every one of them into the GIN
index again. Here the codes are written only when one of the six searched fields or the organisation changes.

Triggers keep the table: a statement-level one per INSERT (a COPY of a million accounts is one INSERT … SELECT)
and per DELETE, one per TRUNCATE (Django's test flush), and a row-level one only for an UPDATE OF the searched
fields whose search_text or organisation actually changed. There is no foreign key, so TRUNCATE of accounts_user
alone keeps working; the triggers are what keep the two tables in step. Not a Django model: Django never reads or
writes it, orgadmin.selectors searches through it with SQL. SQLite searches without it."""

from importlib import import_module

from django.db import migrations

SEARCHED = "username, first_name, last_name, initials, name_prefix, email, organisation_id"

FORWARD = f"""
CREATE TABLE accounts_user_search (user_id bigint PRIMARY KEY, codes integer[] NOT NULL);
INSERT INTO accounts_user_search (user_id, codes) SELECT id, coalesce(search_codes, '{{}}') FROM accounts_user;
ALTER TABLE accounts_user DROP COLUMN search_codes;
CREATE INDEX user_search_codes_idx ON accounts_user_search USING gin (codes);

CREATE FUNCTION portero_user_search_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO accounts_user_search (user_id, codes)
    SELECT id, coalesce(portero_search_codes(organisation_id, search_text), '{{}}') FROM added
    ON CONFLICT (user_id) DO UPDATE SET codes = EXCLUDED.codes;
    RETURN NULL;
END $$;
CREATE FUNCTION portero_user_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO accounts_user_search (user_id, codes)
    VALUES (NEW.id, coalesce(portero_search_codes(NEW.organisation_id, NEW.search_text), '{{}}'))
    ON CONFLICT (user_id) DO UPDATE SET codes = EXCLUDED.codes;
    RETURN NULL;
END $$;
CREATE FUNCTION portero_user_search_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM accounts_user_search WHERE user_id IN (SELECT id FROM removed);
    RETURN NULL;
END $$;
CREATE FUNCTION portero_user_search_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE accounts_user_search;
    RETURN NULL;
END $$;

CREATE TRIGGER user_search_added AFTER INSERT ON accounts_user
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION portero_user_search_added();
CREATE TRIGGER user_search_changed AFTER UPDATE OF {SEARCHED} ON accounts_user FOR EACH ROW
    WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)
    EXECUTE FUNCTION portero_user_search_changed();
CREATE TRIGGER user_search_removed AFTER DELETE ON accounts_user
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION portero_user_search_removed();
CREATE TRIGGER user_search_truncated AFTER TRUNCATE ON accounts_user
    FOR EACH STATEMENT EXECUTE FUNCTION portero_user_search_truncated();
"""

# Going back, 0007's own step puts the generated column and its index back (functions included).
add_search_codes = import_module("accounts.migrations.0007_search_codes").add_search_codes


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for trigger in ("added", "changed", "removed", "truncated"):
        schema_editor.execute(f"DROP TRIGGER user_search_{trigger} ON accounts_user", params=None)
        schema_editor.execute(f"DROP FUNCTION portero_user_search_{trigger}()", params=None)
    schema_editor.execute("DROP TABLE accounts_user_search", params=None)
    add_search_codes(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_search_codes")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
