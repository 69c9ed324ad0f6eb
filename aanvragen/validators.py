r"""Input rules for client and application data: BSN 11-proef, postcode format, dates.
The shared formats (postcode, AGB, KvK, UZI) are in portero.validators.

Digits are ASCII digits only ([0-9], never `\d`): Python's `\d` and int() also take full-width (１) and Arabic-Indic
(١) digits, so such a BSN passed the 11-proef and was stored as typed, a second spelling of the same person's
number. They are not folded to ASCII either (no NFKC): a BSN typed in other digits is refused with the usual
message, and what is stored is always the one ASCII spelling."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

BSN_MESSAGE = _("Vul een geldig BSN in: 9 cijfers die voldoen aan de elfproef.")
BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def bsn_normalise(raw: str | None) -> str:
    """Strip spaces; an 8-digit number gets its leading zero back (it was lost in a spreadsheet).

    Dots and dashes are not stripped: '12-03-1938' is a date, and must not turn into a BSN."""
    digits = re.sub(r"\s", "", raw or "")  # any space a person typed or pasted (also a non-breaking one)
    if re.fullmatch(r"[0-9]{8}", digits):
        digits = "0" + digits
    return digits


def bsn_is_valid(bsn: str) -> bool:
    if not re.fullmatch(r"[0-9]{9}", bsn or ""):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(bsn, BSN_WEIGHTS, strict=True))
    return total != 0 and total % 11 == 0


def looks_like_bsn(raw: str | None) -> bool:
    """A search term that is meant as a BSN (8 or 9 digits, spaces allowed), valid or not. Such a term is never
    put in a URL, and an invalid one gets the 11-proef message instead of a search on another field."""
    return bool(re.fullmatch(r"\d{9}", bsn_normalise(raw)))


def is_bsn_term(raw: str | None) -> bool:
    """Exactly a BSN (9 digits that pass the 11-proef, spaces allowed): a search term that must not go into a URL,
    also where nothing is searched by BSN. An 8-digit AGB or KvK number is not one."""
    return bsn_is_valid(re.sub(r"\s", "", raw or ""))


def validate_bsn(value: str) -> None:
    if not bsn_is_valid(value):
        raise ValidationError(BSN_MESSAGE, code="invalid_bsn")


def postcode_normalise(raw: str) -> str:
    """'1234ab' → '1234 AB'."""
    compact = re.sub(r"\s", "", raw or "").upper()
    return f"{compact[:4]} {compact[4:]}" if len(compact) == 6 else (raw or "").strip()


def validate_not_in_future(value: date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError(_("Deze datum mag niet in de toekomst liggen."), code="future_date")
