"""Account reads. Every lookup of organisation data for a request goes through a function here."""

from django.db.models import Q
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from accounts.models import Organisation, User


def domain_allowed(*, organisation: Organisation, domain: str) -> bool:
    domain = domain.lower()
    for allowed in organisation.email_domains.all():
        if domain == allowed.domain.lower():
            return True
        if allowed.include_subdomains and domain.endswith("." + allowed.domain.lower()):
            return True
    return False


def active_user_with_email(*, email: str, exclude_user: User | None = None) -> User | None:
    users = User.objects.filter(email__iexact=email, deleted_at__isnull=True, deactivated_at__isnull=True)
    if exclude_user is not None:
        users = users.exclude(pk=exclude_user.pk)
    return users.first()


def login_names_starting_with(base: str) -> set[str]:
    return set(User.objects.filter(username__startswith=base).values_list("username", flat=True))


def user_from_uidb64(uidb64: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return User.objects.filter(pk=pk).select_related("organisation").first()


def active_users() -> "Q":
    return Q(deleted_at__isnull=True, deactivated_at__isnull=True)
