from django.core.management.base import BaseCommand
from django.db import transaction

from aanvragen.demo import seed_demo_clients
from accounts.services.demo import DEMO_PASSWORD, demo_accounts_seed


class Command(BaseCommand):
    help = (
        "Laad demogegevens: een CIZ-medewerker, twee organisaties met beheerders en gebruikers, en demo-cliënten "
        "in het register. Idempotent."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        demo_accounts_seed(self.stdout)
        seed_demo_clients(self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"Demogegevens staan klaar. Wachtwoord van elk demo-account: {DEMO_PASSWORD}")
        )
