"""The beheer list search at national scale (issue 10): one lower-cased search column, an index that serves
page 1 sorted by name, one that counts the matches without reading the table, and on PostgreSQL a pg_trgm GIN
index for 'contains' searches of three letters or more, and a fillfactor that keeps the nightly jobs' updates HOT.
SQLite keeps working without the PostgreSQL parts."""

import django.db.models.functions.text
from django.db import migrations, models

TRIGRAM_INDEX = "user_search_trgm_idx"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Room on every page for a new row version, so the nightly jobs' UPDATEs of columns no index covers
    # (password_expired_at, password_expiry_warned_at) are HOT: no entry in any index, the GIN one included.
    # Applies to pages written from now on; VACUUM FULL (or pg_repack) once applies it to an existing table.
    schema_editor.execute("ALTER TABLE accounts_user SET (fillfactor = 85)")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON accounts_user USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")
        schema_editor.execute("ALTER TABLE accounts_user RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_auditevent_append_only"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="search_text",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Lower(
                    django.db.models.functions.text.Concat(
                        "username",
                        models.Value(" "),
                        "first_name",
                        models.Value(" "),
                        "last_name",
                        models.Value(" "),
                        "initials",
                        models.Value(" "),
                        "name_prefix",
                        models.Value(" "),
                        "email",
                        output_field=models.TextField(),
                    )
                ),
                output_field=models.TextField(),
            ),
        ),  # fmt: skip
        migrations.AddIndex(
            model_name="user",
            index=models.Index(
                models.F("organisation"),
                django.db.models.functions.text.Lower("last_name"),
                django.db.models.functions.text.Lower("first_name"),
                django.db.models.functions.text.Lower("name_prefix"),
                models.F("username"),
                name="user_org_name_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="user",
            index=models.Index(
                condition=models.Q(("deactivated_at", None), ("deleted_at", None)),
                fields=["organisation"],
                include=("search_text",),
                name="user_org_active_search_idx",
            ),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
    ]
