from django.core.management.base import BaseCommand

from accounts import services


class Command(BaseCommand):
    help = "Markeer verlopen wachtwoorden en stuur de waarschuwing 2 weken voor het verlopen (ook de nachtelijke taak)."

    def handle(self, *args, **options):
        expired, warned = services.passwords_expire()
        self.stdout.write(f"{expired} wachtwoord(en) verlopen, {warned} waarschuwing(en) verstuurd.")
