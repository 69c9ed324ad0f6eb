"""The audit actions of aanvragen: spot checks and the sanctions that follow them, written to the one audit log
(accounts.audit.AuditEvent) next to the account events."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    SPOT_CHECK_DRAWN = "spot_check_drawn", _("steekproef getrokken")
    SPOT_CHECK_OUTCOME_RECORDED = "spot_check_outcome_recorded", _("uitkomst steekproef vastgelegd")
    SPOT_CHECK_CLOSED = "spot_check_closed", _("steekproef afgerond")
    ORGANISATION_WARNED = "organisation_warned", _("organisatie gewaarschuwd")
    ORGANISATION_SUSPENDED = "organisation_suspended", _("toegang organisatie opgeschort")
    # One per run of aanvragen.services.retention, with the count per kind of data; the orphan sweep's weekly run.
    RETENTION_APPLIED = "retention_applied", _("bewaartermijnen aanvragen toegepast")
    ORPHAN_FILES_REMOVED = "orphan_files_removed", _("bijlagebestanden zonder aanvraag verwijderd")
    # CIZ staff removed a concept or withdrawn application on the client's request, with the reason.
    AANVRAAG_ERASED = "aanvraag_erased", _("aanvraag verwijderd op verzoek")
