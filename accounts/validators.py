"""Portero's password policy (8 to 128 characters, 3 of the 4 character classes, no parts of one's name, not the
current password nor one of the 12 before it), as Django password validators.

Django's validate_password() runs every validator and reports all failures at once; every path that sets
a password (set-password link, change-password page, createsuperuser, changepassword) goes through it.
"""

import os
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

NAME_PART_LENGTH = 3


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()


class MaximumLengthValidator:
    """At most 128 characters (ASVS 2.1.2: at least 64 allowed, more than 128 refused), so no path hashes or
    compares against the history a megabyte someone pasted."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                _("Het wachtwoord mag hoogstens %(max)d tekens lang zijn.") % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self):
        return _("Hoogstens %(max)d tekens.") % {"max": self.max_length}


class CharacterClassesValidator:
    """Characters from at least 3 of the 4 classes: capital, small letter, digit, other (punctuation etc.)."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = [
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                _(
                    "Het wachtwoord moet tekens bevatten uit minimaal 3 van deze 4 groepen: hoofdletter, "
                    "kleine letter, cijfer, leesteken."
                ),
                code="password_too_few_classes",
            )

    def get_help_text(self):
        return _("Tekens uit minimaal 3 van de 4 groepen: hoofdletter, kleine letter, cijfer, leesteken.")


class NamePartsValidator:
    """No part of the login name, first name, last name or e-mail local part.

    A 'part' is any run of 3 or more consecutive characters of one of those names, compared case-insensitively
    and with diacritics folded ('Öztürk' → 'ozturk'); spaces, dots and hyphens split a name into pieces.
    """

    def validate(self, password, user=None):
        if user is None:
            return
        folded = _fold(password)
        sources = [
            getattr(user, "username", ""),
            getattr(user, "first_name", ""),
            getattr(user, "last_name", ""),
            (getattr(user, "email", "") or "").partition("@")[0],
        ]
        for source in sources:
            for piece in re.split(r"[\s.\-_'+]+", _fold(source)):
                for start in range(len(piece) - NAME_PART_LENGTH + 1):
                    if piece[start : start + NAME_PART_LENGTH] in folded:
                        raise ValidationError(
                            _(
                                "Het wachtwoord mag geen deel van uw inlognaam, voornaam, achternaam of e-mailadres "
                                "bevatten (3 of meer tekens op een rij)."
                            ),
                            code="password_contains_name_part",
                        )

    def get_help_text(self):
        return _("Geen deel van uw inlognaam, voornaam, achternaam of e-mailadres.")


class PasswordHistoryValidator:
    """Not the current password, nor any of the previous ones kept in the history (the last 12)."""

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        from accounts.selectors import password_hashes_in_use

        if any(_matches_in_parallel(password, password_hashes_in_use(user=user))):
            raise ValidationError(
                _("Het wachtwoord mag niet gelijk zijn aan uw huidige wachtwoord of een van de 12 vorige."),
                code="password_reused",
            )

    def get_help_text(self):
        return _("Niet gelijk aan uw huidige wachtwoord of een van de 12 vorige.")


def _matches_in_parallel(password: str, hashes: list[str]) -> list[bool]:
    """check_password against each hash, on every core: argon2-cffi releases the GIL while hashing, so 13 Argon2
    comparisons take about half the time on 2 cores (docs/PERFORMANCE.md)."""
    if len(hashes) < 2:
        return [check_password(password, encoded) for encoded in hashes]
    with ThreadPoolExecutor(max_workers=min(len(hashes), os.cpu_count() or 1)) as pool:
        return list(pool.map(lambda encoded: check_password(password, encoded), hashes))
