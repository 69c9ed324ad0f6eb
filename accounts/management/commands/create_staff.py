from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.management.commands.create_organisation import Command as CreateOrganisation
from accounts.services.users import staff_create


class Command(BaseCommand):
    help = (
        "Maak een CIZ-medewerker aan (toegang tot /admin/) met een mobiel nummer voor de sms-code, en stuur de "
        "welkomstmail met de link om het wachtwoord in te stellen. Voor de eerste medewerker bij de installatie."
    )

    def add_arguments(self, parser):
        parser.add_argument("--initials", required=True)
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--prefix", default="")
        parser.add_argument("--last-name", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--phone", required=True, help="mobiel nummer: +316… of 06…")

    def handle(self, *args, **options):
        try:
            user = staff_create(
                initials=options["initials"],
                first_name=options["first_name"],
                name_prefix=options["prefix"],
                last_name=options["last_name"],
                email=options["email"],
                mobile=options["phone"],
            )
        except ValidationError as exc:
            raise CommandError(CreateOrganisation.describe(exc)) from exc
        self.stdout.write(f"CIZ-medewerker aangemaakt; de welkomstmail is verstuurd naar {user.email}.")
        self.stdout.write(user.username)
