"""The NEN 7513 access log is append-only in the database too (see accounts 0003 for the function)."""

from django.db import migrations

POSTGRES_UP = """
CREATE TRIGGER aanvragen_accesslogentry_append_only
    BEFORE UPDATE OR DELETE ON aanvragen_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION portero_append_only();
"""
POSTGRES_DOWN = "DROP TRIGGER IF EXISTS aanvragen_accesslogentry_append_only ON aanvragen_accesslogentry;"
SQLITE_UP = """
CREATE TRIGGER aanvragen_accesslogentry_append_only BEFORE UPDATE ON aanvragen_accesslogentry
BEGIN SELECT RAISE(ABORT, 'append-only table aanvragen_accesslogentry: UPDATE is not allowed'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS aanvragen_accesslogentry_append_only;"
SQL = {"postgresql": (POSTGRES_UP, POSTGRES_DOWN), "sqlite": (SQLITE_UP, SQLITE_DOWN)}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor in SQL:
        schema_editor.execute(SQL[schema_editor.connection.vendor][0], params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor in SQL:
        schema_editor.execute(SQL[schema_editor.connection.vendor][1], params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("aanvragen", "0003_access_log_for_ciz_staff"),
        ("accounts", "0003_auditevent_append_only"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
