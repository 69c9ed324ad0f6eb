from datetime import date

import factory
from django.utils import timezone

from accounts import services
from accounts.choices import Profile
from accounts.models import EmailDomain, Organisation, User

PASSWORD = "Zomer#Tulp2026"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Zorgorganisatie {n}")
    agb_code = factory.Sequence(lambda n: f"41{n:06d}")
    kvk_number = factory.Sequence(lambda n: f"{10000000 + n}")
    street = "Dorpsstraat 1"
    postcode = "1234 AB"
    city = "Utrecht"
    profile = Profile.BASIS
    contract_start = date(2020, 1, 1)  # tests travel back in time; the contract must already run then
    domain = factory.Sequence(lambda n: f"zorg{n}.nl")

    @classmethod
    def _create(cls, model_class, *args, domain, **kwargs):
        organisation = super()._create(model_class, *args, **kwargs)
        EmailDomain.objects.create(organisation=organisation, domain=domain)
        return organisation


class UserFactory(factory.django.DjangoModelFactory):
    """An active account with a known password and a confirmed SMS device (when it has a mobile)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    username = factory.Sequence(lambda n: f"gebruiker{n}")
    initials = "J."
    first_name = factory.Sequence(lambda n: f"Jan{n}")
    last_name = factory.Sequence(lambda n: f"Achternaam{n}")
    email = factory.LazyAttribute(
        lambda u: (
            f"{u.username}@{u.organisation.email_domains.first().domain}" if u.organisation else f"{u.username}@ciz.nl"
        )
    )
    mobile = factory.Sequence(lambda n: f"+316{10000000 + n}")
    password_changed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save()
            if obj.mobile:
                services.phone_device_reset(user=obj)


class OrgAdminFactory(UserFactory):
    is_org_admin = True


class StaffFactory(UserFactory):
    organisation = None
    is_staff = True
    is_superuser = True
