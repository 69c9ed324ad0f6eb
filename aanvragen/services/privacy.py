"""A data subject's rights in the CIZ admin: the inzageverzoek (AVG art. 15: who accessed my data, when, under
which consent, and which applications exist) and the verzoek tot verwijdering of a concept or withdrawn
application. Both are for CIZ staff; the first is itself an access to the client's data and logged as one."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from aanvragen.audit import Action
from aanvragen.choices import AanvraagStatus, AccessAction
from aanvragen.models import Aanvraag, AccessLogEntry, Client
from aanvragen.services.clients import access_log_write
from aanvragen.services.retention import aanvragen_delete
from aanvragen.validators import bsn_normalise, validate_bsn
from accounts.audit import audit_log
from accounts.models import User

ERASABLE = (AanvraagStatus.CONCEPT, AanvraagStatus.INGETROKKEN)


@dataclass
class InzageReport:
    bsn: str
    client: Client | None
    accesses: list[AccessLogEntry]
    aanvragen: list[Aanvraag]
    made_at: object = field(default_factory=timezone.now)

    @property
    def organisations(self) -> list[str]:
        """The organisations that accessed the data, by name; CIZ itself where no organisation is named."""
        names = {entry.organisation.name if entry.organisation else _("CIZ") for entry in self.accesses}
        return sorted(names)


@transaction.atomic
def inzage_report(*, user: User, bsn: str, request: HttpRequest | None) -> InzageReport:
    """The report of one person for CIZ staff, read before this request is logged (one access-log row)."""
    bsn = bsn_normalise(bsn)
    validate_bsn(bsn)
    accesses = list(
        AccessLogEntry.objects.filter(client_bsn=bsn)
        .select_related("user", "organisation", "consent")
        .order_by("at", "pk")
    )
    aanvragen = list(
        Aanvraag.objects.filter(Q(client_bsn=bsn) | Q(partner_bsn=bsn))
        .select_related("organisation")
        .order_by("created_at", "pk")
    )
    client = Client.objects.filter(bsn=bsn).first()
    found = bool(accesses or aanvragen or client)
    access_log_write(user=user, bsn=bsn, action=AccessAction.INZAGEVERZOEK, found=found, consent=None, request=request)
    return InzageReport(bsn=bsn, client=client, accesses=accesses, aanvragen=aanvragen)


@transaction.atomic
def aanvraag_erase(*, user: User, aanvraag_id: int, reason: str) -> None:
    """Remove a concept or withdrawn application on the client's request, with its attachments (files after
    commit) and status history. The access log keeps its rows; the audit log records who, which and why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Vul de reden van het verwijderen in.")})
    aanvraag = Aanvraag.objects.select_for_update().filter(pk=aanvraag_id).first()
    if aanvraag is None:
        raise ValidationError(_("Deze aanvraag bestaat niet (meer)."))
    if aanvraag.status not in ERASABLE:
        raise ValidationError(_("Alleen een concept of een ingetrokken aanvraag kan op verzoek worden verwijderd."))
    audit_log(
        Action.AANVRAAG_ERASED,
        actor=user,
        organisation=aanvraag.organisation,
        aanvraag=aanvraag.pk,
        reference=aanvraag.reference or "",
        status=aanvraag.status,
        reason=reason,
    )
    aanvragen_delete([aanvraag.pk])
