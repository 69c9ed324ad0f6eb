from django.db import models
from django.utils.translation import gettext_lazy as _


class Profile(models.TextChoices):
    """The organisation's access profile ('Actieve rollen'), chosen by CIZ."""

    BASIS = "basis", _("Basis")
    VOLLEDIG = "volledig", _("Volledig")
