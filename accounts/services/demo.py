"""The local demo's accounts, made through the same services as real ones (staff_create,
organisation_create_with_admin, user_create) and given one known password, and moving a demo account's dates so
that the time rules can be tried (manage.py demo_tijd). The demo clients are aanvragen's (aanvragen.demo)."""

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from accounts import selectors
from accounts.choices import Profile
from accounts.models import Organisation, User
from accounts.services.organisations import organisation_create_with_admin
from accounts.services.passwords import PasswordSetVia, password_set
from accounts.services.users import staff_create, user_create

DEMO_PASSWORD = "Zomer#Tulp2026"
STAFF_USERNAME = "cizbeheer"
STAFF = {"initials": "C.", "first_name": "Carla", "last_name": "Visser", "email": "c.visser@ciz.nl"}
STAFF_MOBILE = "+31610000001"

# Each organisation's users: (login name, initials, first name, prefixes, last name, mobile, organisation admin).
# The first is its admin; the address is first.last@domain.
ORGANISATIONS = [
    {
        "organisation": {"kvk_number": "12345678", "name": "Zorggroep De Linde", "agb_code": "41000001"},
        "address": {"street": "Lindelaan 1", "postcode": "3511 AB", "city": "Utrecht"},
        "profile": Profile.BASIS, "domain": "delinde.nl",
        "users": [
            ("adijkstra", "A.", "Anna", "", "Dijkstra", "+31611111111", True),
            ("bjansen", "B.", "Bram", "", "Jansen", "+31611111112", False),
            ("celmaci", "C.", "Cem", "", "Elmacı", "+31611111113", False),
        ],
    },
    {
        "organisation": {"kvk_number": "87654321", "name": "Stichting Het Baken", "agb_code": "41000002"},
        "address": {"street": "Bakenweg 12", "postcode": "9711 CD", "city": "Groningen"},
        "profile": Profile.VOLLEDIG, "domain": "hetbaken.nl",
        "users": [
            ("mvandenberg", "M.", "Mark", "van den", "Berg", "+31622222221", True),
            ("sbakker", "S.", "Sanne", "", "Bakker", "+31622222222", False),
            ("ldevries", "L.", "Lotte", "de", "Vries", "+31622222223", False),
        ],
    },
]  # fmt: skip


def demo_accounts_seed(stdout=None) -> None:
    """The demo's CIZ staff member, and its organisations with their admin and users, each with DEMO_PASSWORD.
    Idempotent: an account or organisation that exists already is left as it is."""
    if not User.objects.filter(username=STAFF_USERNAME).exists():
        _demo_password_set(staff_create(username=STAFF_USERNAME, mobile=STAFF_MOBILE, **STAFF), stdout)
    for spec in ORGANISATIONS:
        organisation = Organisation.objects.filter(kvk_number=spec["organisation"]["kvk_number"]).first()
        for username, initials, first, prefix, last, mobile, is_admin in spec["users"]:
            if User.objects.filter(username=username).exists():
                continue
            account = {
                "username": username,
                "initials": initials,
                "first_name": first,
                "name_prefix": prefix,
                "last_name": last,
                "email": f"{first.lower()}.{last.lower().replace('ı', 'i')}@{spec['domain']}",
                "mobile": mobile,
            }
            if organisation is None:  # the first account of a new organisation is its admin
                organisation, user = organisation_create_with_admin(
                    **spec["organisation"], **spec["address"], profile=spec["profile"], domains=[spec["domain"]],
                    admin=account,
                )  # fmt: skip
            else:
                user = user_create(organisation=organisation, is_org_admin=is_admin, **account)
            _demo_password_set(user, stdout)


def _demo_password_set(user: User, stdout) -> None:
    password_set(user=user, raw_password=DEMO_PASSWORD, via=PasswordSetVia.COMMAND)
    if stdout is not None:
        stdout.write(f"  {user.username:<12} {user.get_full_name()}")


def demo_dates_move(
    *, user: User, password_expires_in_days: int | None = None, idle_since: datetime | None = None
) -> User:
    """Move a demo account's dates so that the time rules can be tried locally: the password then expires that
    many days from now (0: now; the nightly job's marks are cleared so it warns and marks anew), and the last
    login is put at `idle_since`. Only with DEBUG: on a real site dates are never moved."""
    if not settings.DEBUG:
        raise PermissionError("demo_dates_move only runs with DEBUG")
    fields = []
    if password_expires_in_days is not None:
        expires_at = timezone.localtime() + timedelta(days=password_expires_in_days)
        user.password_changed_at = expires_at - relativedelta(months=settings.PORTERO_PASSWORD_VALID_MONTHS)
        # Calendar months clip at a month's end (31 May - 3 months + 3 months = 28 May): move the rest in time.
        user.password_changed_at += expires_at - selectors.password_expires_at(user=user)
        user.password_expired_at = user.password_expiry_warned_at = user.password_expiry_mailed_at = None
        fields += ["password_changed_at", "password_expired_at", "password_expiry_warned_at"]
        fields += ["password_expiry_mailed_at"]
    if idle_since is not None:
        user.last_login = idle_since
        fields.append("last_login")
    user.save(update_fields=fields)
    return user
