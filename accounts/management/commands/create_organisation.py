from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.choices import Profile


class Command(BaseCommand):
    help = "Maak een organisatie met haar eerste organisatiebeheerder aan en stuur die de welkomstmail."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="naam zoals op het KvK-uittreksel")
        parser.add_argument("--agb", required=True, help="AGB-code (8 cijfers)")
        parser.add_argument("--kvk", required=True, help="KvK-nummer (8 cijfers)")
        parser.add_argument("--domain", action="append", required=True, help="e-maildomein (herhaalbaar)")
        parser.add_argument("--profile", required=True, choices=Profile.values, help="basis of volledig")
        parser.add_argument("--admin-initials", required=True)
        parser.add_argument("--admin-first-name", required=True)
        parser.add_argument("--admin-prefix", default="")
        parser.add_argument("--admin-last-name", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-phone", default="", help="mobiel nummer: +316… of 06…")

    def handle(self, *args, **options):
        try:
            organisation, org_admin = services.organisation_create_with_admin(
                name=options["name"],
                agb_code=options["agb"],
                kvk_number=options["kvk"],
                domains=options["domain"],
                profile=options["profile"],
                admin={
                    "initials": options["admin_initials"],
                    "first_name": options["admin_first_name"],
                    "name_prefix": options["admin_prefix"],
                    "last_name": options["admin_last_name"],
                    "email": options["admin_email"],
                    "mobile": options["admin_phone"],
                },
            )
        except ValidationError as exc:
            raise CommandError(self.describe(exc)) from exc
        self.stdout.write(f"Organisatie {organisation.name} aangemaakt.")
        self.stdout.write(org_admin.username)

    @staticmethod
    def describe(error: ValidationError) -> str:
        if not hasattr(error, "error_dict"):
            return " ".join(error.messages)
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
