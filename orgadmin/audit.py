"""The audit actions of the beheer site itself: an import of users, started and finished, with its counts, and the
nightly retention of imports. Each account an import creates or changes has its own normal audit row
(accounts.audit.Action.USER_CREATED, …)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    USER_IMPORT_STARTED = "user_import_started", _("import van gebruikers gestart")
    USER_IMPORT_FINISHED = "user_import_finished", _("import van gebruikers afgerond")
    IMPORTS_RETENTION_APPLIED = "imports_retention_applied", _("bewaartermijn imports toegepast")
