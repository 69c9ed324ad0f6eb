"""The audit log is append-only in the database itself, not only in the admin: UPDATE is refused on every
database, DELETE on PostgreSQL (SQLite test databases are emptied with DELETE between tests; PostgreSQL
uses TRUNCATE, which these triggers do not see)."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION portero_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % is not allowed', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION portero_append_only();
"""
POSTGRES_DOWN = "DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;"
SQLITE_UP = """
CREATE TRIGGER accounts_auditevent_append_only BEFORE UPDATE ON accounts_auditevent
BEGIN SELECT RAISE(ABORT, 'append-only table accounts_auditevent: UPDATE is not allowed'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS accounts_auditevent_append_only;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP, params=None)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_password_history_and_expiry")]

    operations = [migrations.RunPython(forwards, backwards)]
