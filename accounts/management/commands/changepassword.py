import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import User


class Command(BaseCommand):
    """Replaces Django's changepassword so that the policy, the history and the 3-month period apply here too."""

    help = "Stel een nieuw wachtwoord in voor een account, volgens het wachtwoordbeleid."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Onbekende inlognaam: {username}")
        for _attempt in range(3):
            first = getpass.getpass("Nieuw wachtwoord: ")
            if first != getpass.getpass("Herhaal het nieuwe wachtwoord: "):
                self.stderr.write("De twee wachtwoorden zijn niet gelijk.")
                continue
            try:
                services.password_set(user=user, raw_password=first, via=services.PasswordSetVia.COMMAND)
            except ValidationError as exc:
                self.stderr.write("\n".join(exc.messages))
                continue
            self.stdout.write(f"Wachtwoord van {username} ingesteld.")
            return
        raise CommandError("Te veel pogingen; het wachtwoord is niet gewijzigd.")
