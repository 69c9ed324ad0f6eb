"""The audit log's target column loses its own index: audit_target_idx (target, -created_at) serves every lookup
by account, and the nightly jobs insert one audit row per changed account (issue 10)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_search_codes_own_table"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="target",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="betreft account",
            ),
        ),
    ]
