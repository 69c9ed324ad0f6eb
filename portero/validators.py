"""Dutch identifiers and formats used by more than one app (DOMAIN.md §6). The BSN 11-proef, used only by the
aanvraag site, lives in aanvragen.validators."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

agb_validator = RegexValidator(r"^\d{8}$", _("Een AGB-code bestaat uit precies 8 cijfers."))
kvk_validator = RegexValidator(r"^\d{8}$", _("Een KvK-nummer bestaat uit precies 8 cijfers."))
uzi_validator = RegexValidator(r"^\d{9}$", _("Een UZI-nummer bestaat uit precies 9 cijfers."))
postcode_validator = RegexValidator(r"^[1-9][0-9]{3} ?[A-Za-z]{2}$", _("Vul een postcode in als 1234 AB."))
