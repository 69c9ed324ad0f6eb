from django.db import models
from django.utils.translation import gettext_lazy as _


class Profile(models.TextChoices):
    """The organisation's access profile ('Actieve rollen'), chosen by CIZ (seeds, chapter 3.4)."""

    BASIS = "basis", _("Basis")
    VOLLEDIG = "volledig", _("Volledig")
