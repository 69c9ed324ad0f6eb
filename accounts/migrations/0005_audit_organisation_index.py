from django.db import migrations, models


class Migration(migrations.Migration):
    """The beheer logbook reads an organisation's audit rows newest first, a page at a time: this index gives that
    page without reading and sorting all the organisation's rows. (The foreign key keeps its own index: dropping it
    through AlterField would make SQLite rebuild the table without its append-only triggers.)"""

    dependencies = [
        ("accounts", "0004_organisation_sms_allowed"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["organisation", "-created_at", "-id"], name="audit_org_created_idx"),
        ),
    ]
