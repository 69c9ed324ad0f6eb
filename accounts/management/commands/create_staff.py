from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import services
from accounts.management.commands.create_organisation import Command as CreateOrganisation
from accounts.models import AuditEvent, User


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
            with transaction.atomic():
                user = self.create(options)
        except ValidationError as exc:
            raise CommandError(CreateOrganisation.describe(exc)) from exc
        self.stdout.write(f"CIZ-medewerker aangemaakt; de welkomstmail is verstuurd naar {user.email}.")
        self.stdout.write(user.username)

    @staticmethod
    def create(options) -> User:
        email = options["email"].strip().lower()
        if User.objects.filter(email=email, deactivated_at=None, deleted_at=None).exists():
            raise ValidationError({"email": "Dit e-mailadres is al in gebruik."})
        mobile = services.mobile_parse(options["phone"])
        if mobile is None:  # staff log in with the SMS code too
            raise ValidationError({"mobile": "Een mobiel nummer is verplicht voor de sms-code."})
        user = User(
            username=services.login_name_generate(
                first_name=options["first_name"], name_prefix=options["prefix"], last_name=options["last_name"]
            ),
            initials=options["initials"].strip(),
            first_name=options["first_name"].strip(),
            name_prefix=options["prefix"].strip(),
            last_name=options["last_name"].strip(),
            email=email,
            mobile=mobile,
            is_staff=True,
            is_superuser=True,
        )
        user.set_unusable_password()
        user.full_clean(validate_constraints=False)
        user.save()
        services.phone_device_reset(user=user)
        services.audit_log(AuditEvent.Action.USER_CREATED, target=user, is_staff=True, username=user.username)
        services.password_link_send(user=user, purpose="welcome")
        return user
