from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts import services
from accounts.choices import Profile
from accounts.models import EmailDomain, Organisation, User

DEMO_PASSWORD = "Zomer#Tulp2026"
STAFF_USERNAME = "cizbeheer"

ORGANISATIONS = [
    {
        "kvk_number": "12345678",
        "name": "Zorggroep De Linde",
        "agb_code": "41000001",
        "street": "Lindelaan 1",
        "postcode": "3511 AB",
        "city": "Utrecht",
        "profile": Profile.BASIS,
        "domain": "delinde.nl",
        "users": [
            ("adijkstra", "A.", "Anna", "", "Dijkstra", "+31611111111", True),
            ("bjansen", "B.", "Bram", "", "Jansen", "+31611111112", False),
            ("celmaci", "C.", "Cem", "", "Elmacı", "+31611111113", False),
        ],
    },
    {
        "kvk_number": "87654321",
        "name": "Stichting Het Baken",
        "agb_code": "41000002",
        "street": "Bakenweg 12",
        "postcode": "9711 CD",
        "city": "Groningen",
        "profile": Profile.VOLLEDIG,
        "domain": "hetbaken.nl",
        "users": [
            ("mvandenberg", "M.", "Mark", "van den", "Berg", "+31622222221", True),
            ("sbakker", "S.", "Sanne", "", "Bakker", "+31622222222", False),
            ("ldevries", "L.", "Lotte", "de", "Vries", "+31622222223", False),
        ],
    },
]


class Command(BaseCommand):
    help = "Laad demogegevens: een CIZ-medewerker en twee organisaties met beheerders en gebruikers. Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        self.ensure_user(
            username=STAFF_USERNAME,
            initials="C.",
            first_name="Carla",
            name_prefix="",
            last_name="Visser",
            email="c.visser@ciz.nl",
            mobile="+31600000001",
            organisation=None,
            is_org_admin=False,
            is_staff=True,
        )
        for spec in ORGANISATIONS:
            organisation, _created = Organisation.objects.get_or_create(
                kvk_number=spec["kvk_number"],
                defaults={k: spec[k] for k in ("name", "agb_code", "street", "postcode", "city", "profile")},
            )
            EmailDomain.objects.get_or_create(organisation=organisation, domain=spec["domain"])
            for username, initials, first, prefix, last, mobile, is_admin in spec["users"]:
                self.ensure_user(
                    username=username,
                    initials=initials,
                    first_name=first,
                    name_prefix=prefix,
                    last_name=last,
                    email=f"{first.lower()}.{last.lower().replace('ı', 'i')}@{spec['domain']}",
                    mobile=mobile,
                    organisation=organisation,
                    is_org_admin=is_admin,
                    is_staff=False,
                )
        from aanvragen.demo import seed_demo_clients

        seed_demo_clients(self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"Demogegevens staan klaar. Wachtwoord van elk demo-account: {DEMO_PASSWORD}")
        )

    def ensure_user(self, *, username, mobile, is_staff, **fields):
        if User.objects.filter(username=username).exists():
            return
        user = User(username=username, mobile=mobile, is_staff=is_staff, is_superuser=is_staff, **fields)
        user.set_password(DEMO_PASSWORD)
        user.password_changed_at = timezone.now()
        user.save()
        services.phone_device_reset(user=user)
        self.stdout.write(f"  {username:<12} {user.get_full_name()}")
