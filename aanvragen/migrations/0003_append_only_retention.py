"""The NEN 7513 access log gets the audit log's one exception (accounts/migrations/0003_append_only_retention.py):
the retention job may DELETE rows whose ``at`` lie at or before the cutoff it set for its own transaction. Every other
UPDATE or DELETE is refused as before; SQLite's trigger (UPDATE only) is unchanged."""

from django.db import migrations

from portero.db_operations import append_only_trigger, run_sql

class Migration(migrations.Migration):
    dependencies = [("aanvragen", "0002_retention_markers"), ("accounts", "0003_append_only_retention")]

    operations = [
        run_sql(
            {
                "postgresql": (
                    append_only_trigger("aanvragen_accesslogentry", "at"),
                    append_only_trigger("aanvragen_accesslogentry"),
                )
            }
        )
    ]
