"""Password hashing: Argon2id at OWASP's recommended minimum.

Django's default Argon2 parameters (100 MiB, 2 passes, 8 lanes) cost ~230 ms per hash on a 2-core machine, so
setting a password, which compares it with the current one and the 12 previous ones (13 hashes), took ~3 s.
OWASP's Password Storage Cheat Sheet sets the floor for Argon2id at m=19 MiB, t=2, p=1: ~40 ms per hash here.
The algorithm name stays 'argon2', so stored hashes keep verifying (their parameters travel in the hash) and
Django re-hashes them with these parameters at the next login.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher

OWASP_MINIMUM = {"memory_cost": 19 * 1024, "time_cost": 2, "parallelism": 1}  # KiB, passes, lanes


class PorteroArgon2PasswordHasher(Argon2PasswordHasher):
    memory_cost = OWASP_MINIMUM["memory_cost"]
    time_cost = OWASP_MINIMUM["time_cost"]
    parallelism = OWASP_MINIMUM["parallelism"]
