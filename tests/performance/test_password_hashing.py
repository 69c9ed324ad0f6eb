"""Argon2id at no less than OWASP's minimum in production, and the 13-hash history check (run on several
threads) still refusing exactly the current and the 12 previous passwords with real Argon2 hashes.
Speed itself is measured by `make bench`, not here."""

import pytest
from django.contrib.auth.hashers import get_hasher, make_password

import portero.settings as production
from accounts import services
from accounts.hashers import OWASP_MINIMUM, PorteroArgon2PasswordHasher
from accounts.models import PasswordHistory
from tests.factories import UserFactory

ARGON2 = ["accounts.hashers.PorteroArgon2PasswordHasher"]


def test_production_hashes_with_argon2id_at_no_less_than_owasps_minimum():
    assert production.PASSWORD_HASHERS[0] == ARGON2[0]
    hasher = PorteroArgon2PasswordHasher()
    assert hasher.memory_cost >= 19 * 1024 and hasher.time_cost >= 2 and hasher.parallelism >= 1
    assert (hasher.memory_cost, hasher.time_cost, hasher.parallelism) == tuple(OWASP_MINIMUM.values())
    assert hasher.encode("Qx7#Bw9!Zt4k", hasher.salt()).startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_hashes_made_with_djangos_stronger_defaults_still_verify_and_are_rehashed(settings):
    settings.PASSWORD_HASHERS = [*ARGON2, "django.contrib.auth.hashers.Argon2PasswordHasher"]
    from django.contrib.auth.hashers import Argon2PasswordHasher, check_password

    old = Argon2PasswordHasher().encode("Qx7#Bw9!Zt4k", "saltsaltsalt")
    assert check_password("Qx7#Bw9!Zt4k", old)
    assert get_hasher("argon2").must_update(old)


@pytest.mark.django_db
def test_history_check_with_real_argon2_refuses_each_of_the_13_and_allows_a_new_one(org_a, settings):
    settings.PASSWORD_HASHERS = ARGON2
    person = UserFactory(organisation=org_a, username="hvisser", first_name="Henk", last_name="Visser")
    passwords = [f"Qx7#Bw9!Zt{n:02d}" for n in range(13)]
    person.set_password(passwords[0])
    person.save()
    PasswordHistory.objects.bulk_create(PasswordHistory(user=person, password=make_password(p)) for p in passwords[1:])
    for reused in (passwords[0], passwords[6], passwords[12]):
        with pytest.raises(Exception, match="12 vorige"):
            services.password_set(user=person, raw_password=reused)
    services.password_set(user=person, raw_password="Nieuw#Wacht7woord")
    person.refresh_from_db()
    assert person.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
