from django.core.management.base import BaseCommand

from aanvragen.services.aanvraag import wzd_renewal_reminders_send


class Command(BaseCommand):
    help = (
        "Herinner organisaties in de 8e week voor het verlopen van een artikel 21-besluit aan de verlenging "
        "(ook de nachtelijke taak)."
    )

    def handle(self, *args, **options):
        count = wzd_renewal_reminders_send()
        self.stdout.write(f"{count} herinnering(en) voor verlenging klaargezet.")
