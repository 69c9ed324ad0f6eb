r"""Dutch identifiers and formats used by more than one app. The BSN 11-proef, used only by the aanvraag site, lives
in aanvragen.validators.

ASCII digits only: `[0-9]`, not `\d` (which also matches full-width and Arabic-Indic digits), and `\A…\Z`, not
`^…$` (`$` also matches before a trailing newline)."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

agb_validator = RegexValidator(r"\A[0-9]{8}\Z", _("Een AGB-code bestaat uit precies 8 cijfers."))
kvk_validator = RegexValidator(r"\A[0-9]{8}\Z", _("Een KvK-nummer bestaat uit precies 8 cijfers."))
uzi_validator = RegexValidator(r"\A[0-9]{9}\Z", _("Een UZI-nummer bestaat uit precies 9 cijfers."))
postcode_validator = RegexValidator(r"\A[1-9][0-9]{3} ?[A-Za-z]{2}\Z", _("Vul een postcode in als 1234 AB."))
