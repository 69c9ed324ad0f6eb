"""Try the time rules on the local demo without editing the database (see the README, 'De tijdregels proberen')."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import date_format

from accounts import selectors, services
from accounts.models import User
from accounts.services.demo import ORGANISATIONS, STAFF_USERNAME

DEMO_USERNAMES = {STAFF_USERNAME, *(user[0] for organisation in ORGANISATIONS for user in organisation["users"])}


class Command(BaseCommand):
    help = (
        "Verzet de datums van een demo-account om de tijdregels te zien: de waarschuwing dat het wachtwoord "
        "binnenkort verloopt (binnen 14 dagen), het verlopen wachtwoord (na 3 maanden) en het inactief maken na "
        "6 maanden zonder login. Alleen met DJANGO_DEBUG=1 en alleen voor de demo-accounts van seed_demo."
    )

    def add_arguments(self, parser):
        parser.add_argument("gebruiker", help="inlognaam van een demo-account, bijvoorbeeld bjansen")
        parser.add_argument(
            "--wachtwoord-verloopt-over",
            type=int,
            metavar="DAGEN",
            dest="dagen",
            help="het wachtwoord verloopt over zoveel dagen (14 of minder: waarschuwing na het inloggen; "
            "0: nu verlopen)",
        )
        idle = parser.add_mutually_exclusive_group()
        idle.add_argument(
            "--niet-ingelogd-dagen",
            type=int,
            metavar="DAGEN",
            dest="idle_days",
            help="laatste login zoveel dagen geleden",
        )
        idle.add_argument(
            "--inactief",
            action="store_true",
            help="laatste login precies 6 maanden geleden: de volgende login (of de nachtelijke taak "
            "deactivate_idle_accounts) maakt het account inactief",
        )

    def handle(self, *args, gebruiker, dagen, idle_days, inactief, **options):
        if not settings.DEBUG:
            raise CommandError(
                "demo_tijd werkt alleen met DJANGO_DEBUG=1 (lokaal): op een echte site verzet niemand datums."
            )
        if gebruiker not in DEMO_USERNAMES:
            raise CommandError(f"{gebruiker!r} is geen demo-account. Kies uit: {', '.join(sorted(DEMO_USERNAMES))}.")
        user = User.objects.filter(username=gebruiker).first()
        if user is None:
            raise CommandError(f"{gebruiker} bestaat nog niet: draai eerst manage.py seed_demo.")
        if dagen is None and idle_days is None and not inactief:
            raise CommandError("Geef --wachtwoord-verloopt-over, --niet-ingelogd-dagen of --inactief.")
        now = timezone.now()
        idle_since = None
        if inactief:
            idle_since = selectors.idle_cutoff(now=now)
        elif idle_days is not None:
            idle_since = now - timedelta(days=idle_days)
        user = services.demo_dates_move(user=user, password_expires_in_days=dagen, idle_since=idle_since)
        if dagen is not None:
            expires_at = date_format(timezone.localtime(selectors.password_expires_at(user=user)), "j F Y \\o\\m H:i")
            self.stdout.write(f"Het wachtwoord van {gebruiker} verloopt op {expires_at}.")
            if dagen <= 0:
                self.stdout.write("Log in: Portero meldt dat het wachtwoord is verlopen en biedt een link aan.")
            elif dagen <= settings.PORTERO_PASSWORD_WARNING_DAYS:
                self.stdout.write(
                    "Log in: na de sms-code ziet u de waarschuwing. De waarschuwingsmail verstuurt de nachtelijke "
                    "taak: manage.py expire_passwords."
                )
        if idle_since is not None:
            since = date_format(timezone.localtime(idle_since), "j F Y \\o\\m H:i")
            self.stdout.write(f"De laatste login van {gebruiker} staat nu op {since}.")
            if inactief:
                self.stdout.write(
                    "Log in (of draai manage.py deactivate_idle_accounts): het account wordt inactief gemaakt."
                )
