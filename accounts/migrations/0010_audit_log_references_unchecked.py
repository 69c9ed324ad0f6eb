"""The audit log's references (actor, target, organisation) lose their foreign-key constraints in the database;
the indexes stay. Why: accounts.models.AuditEvent, and docs/PERFORMANCE.md (issue 10).

SQLite changes a column by building the table anew, which drops its triggers: the append-only trigger of
migration 0003 is created again there (tests/accounts/test_models_and_admin.py checks it on both databases)."""

from importlib import import_module

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The append-only trigger as migration 0003 creates it on SQLite (dropped first, should the table have survived).
append_only = import_module("accounts.migrations.0003_auditevent_append_only")


def sqlite_append_only_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(append_only.SQLITE_DOWN, params=None)
        schema_editor.execute(append_only.SQLITE_UP, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0009_audit_target_no_single_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='actor',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uitgevoerd door'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='organisation',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation', verbose_name='organisatie'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='target',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='betreft account'),
        ),
        migrations.RunPython(sqlite_append_only_again, migrations.RunPython.noop, elidable=False),
    ]
