from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.choices import Profile


class AanvraagSoort(models.TextChoices):
    """The application types of the seeds' profile table (chapter 3.4)."""

    WLZ = "wlz", _("Reguliere Wlz-aanvraag")
    WZD_ARTIKEL_21 = "wzd21", _("Wzd-toets artikel 21-aanvraag")
    PARTNERVERBLIJF = "partnerverblijf", _("Partnerverblijf")


# What each organisation profile allows ('Actieve rollen'). The one place this rule lives.
PROFILE_AANVRAAGSOORTEN = {
    Profile.BASIS: (AanvraagSoort.WLZ, AanvraagSoort.WZD_ARTIKEL_21),
    Profile.VOLLEDIG: (AanvraagSoort.WLZ, AanvraagSoort.WZD_ARTIKEL_21, AanvraagSoort.PARTNERVERBLIJF),
}
