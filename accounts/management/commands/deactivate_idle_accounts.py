from django.core.management.base import BaseCommand

from accounts import services


class Command(BaseCommand):
    help = "Maak accounts inactief die 6 maanden niet hebben ingelogd (ook de nachtelijke taak)."

    def handle(self, *args, **options):
        count = services.idle_accounts_deactivate()
        self.stdout.write(f"{count} account(s) inactief gemaakt.")
