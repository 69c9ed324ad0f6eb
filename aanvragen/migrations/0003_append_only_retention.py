"""The NEN 7513 access log gets the audit log's one exception (accounts/migrations/0003_append_only_retention.py):
the retention job may DELETE rows whose ``at`` lie at or before the cutoff it set for its own transaction. Every other
UPDATE or DELETE is refused as before; SQLite's trigger (UPDATE only) is unchanged."""

from django.db import migrations

FORWARD = """
DROP TRIGGER aanvragen_accesslogentry_append_only ON aanvragen_accesslogentry;
CREATE TRIGGER aanvragen_accesslogentry_append_only
    BEFORE UPDATE OR DELETE ON aanvragen_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION portero_append_only('at');
"""

BACKWARD = """
DROP TRIGGER aanvragen_accesslogentry_append_only ON aanvragen_accesslogentry;
CREATE TRIGGER aanvragen_accesslogentry_append_only
    BEFORE UPDATE OR DELETE ON aanvragen_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION portero_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("aanvragen", "0002_retention_markers"), ("accounts", "0003_append_only_retention")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
