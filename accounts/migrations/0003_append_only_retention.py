"""The append-only audit log gets one narrow exception: the retention job's DELETE of rows at or before its cutoff.

portero_append_only() still refuses every UPDATE and every DELETE, unless the transaction has set
``portero.retention_before`` (SET LOCAL, accounts.services.retention.allow_retention_delete) and the row's time
column, named by the trigger's argument, lies at or before it. A normal DELETE in any other transaction, or of a newer
row, is refused as before. SQLite refuses only UPDATE (its test databases are emptied with DELETE), so it needs no
exception: its trigger stays as it is.
"""

from django.db import migrations

from portero.db_operations import append_only_trigger, run_sql

FUNCTION = """
CREATE OR REPLACE FUNCTION portero_append_only() RETURNS trigger AS $$
DECLARE
    cutoff text := current_setting('portero.retention_before', true);
BEGIN
    IF TG_OP = 'DELETE' AND TG_NARGS = 1 AND coalesce(cutoff, '') <> ''
       AND (to_jsonb(OLD) ->> TG_ARGV[0])::timestamptz <= cutoff::timestamptz THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'append-only table %: % is not allowed', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""



class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_retention_pseudonym")]

    operations = [
        run_sql(
            {
                "postgresql": (
                    FUNCTION + append_only_trigger("accounts_auditevent", "created_at"),
                    append_only_trigger("accounts_auditevent"),
                )
            }
        )
    ]
