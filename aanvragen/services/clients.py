"""The client register: looking a client up under a consent, recording consents, and the NEN 7513 access log that
every showing of client data writes, in the same transaction as the access."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from aanvragen import selectors
from aanvragen.choices import AccessAction, AccessOutcome, ConsentKind
from aanvragen.models.aanvraag import Aanvraag
from aanvragen.models.clients import AccessLogEntry, Client, ClientConsent, Indicatie
from accounts.models import User
from portero.client_ip import client_address

# Which consent each client-data action needs: the consent of the same name; one kind never stands in for another.
ACTION_CONSENT = {AccessAction(kind.value): kind for kind in ConsentKind}


class ConsentRequired(PermissionDenied):
    """The organisation has no valid consent of the kind this action needs."""


def bsn_mask(bsn: str) -> str:
    """A mail never carries a full BSN: the last three digits are enough to find the form in the archive."""
    return "*" * max(len(bsn) - 3, 0) + bsn[-3:]


def access_log_write(
    *, user: User, bsn: str, action: str, found: bool, consent: ClientConsent | None, request: HttpRequest | None
) -> AccessLogEntry:
    return AccessLogEntry.objects.create(
        user=user,
        organisation=user.organisation,
        client_bsn=bsn,
        action=action,
        consent=consent,
        outcome=AccessOutcome.FOUND if found else AccessOutcome.NOT_FOUND,
        ip_address=client_address(request),
    )


def access_log_write_many(
    *, user: User, clients: Iterable[tuple[str, ClientConsent | None]], action: str, request: HttpRequest | None
) -> list[AccessLogEntry]:
    """One row per client shown on a page (a list shows many): one insert for all of them. A client listed twice
    on the page (two applications) is one access, one row; an empty BSN is no client."""
    address = client_address(request)
    rows, seen = [], set()
    for bsn, consent in clients:
        if not bsn or (bsn, consent) in seen:
            continue
        seen.add((bsn, consent))
        rows.append(
            AccessLogEntry(
                user=user,
                organisation=user.organisation,
                client_bsn=bsn,
                action=action,
                consent=consent,
                outcome=AccessOutcome.FOUND,
                ip_address=address,
            )
        )
    return AccessLogEntry.objects.bulk_create(rows)


def client_access_by_staff(*, user: User, bsn: str, changed: bool, request: HttpRequest | None) -> None:
    """CIZ staff open (or change) a client or an application in the CIZ admin: logged like every other access."""
    clients_access_by_staff(user=user, clients=[(bsn, None)], changed=changed, request=request)


def clients_access_by_staff(
    *, user: User, clients: Iterable[tuple[str, ClientConsent | None]], changed: bool, request: HttpRequest | None
) -> None:
    """CIZ staff see clients in the CIZ admin: a list page, a record, or a spot check's drawn consents."""
    action = AccessAction.CIZ_WIJZIGEN if changed else AccessAction.CIZ_INZIEN
    access_log_write_many(user=user, clients=clients, action=action, request=request)


def client_search_by_staff(*, user: User, bsn: str, found: bool, request: HttpRequest | None) -> None:
    """A search by BSN in a list of the CIZ admin: one row per search, found or not."""
    access_log_write(user=user, bsn=bsn, action=AccessAction.ZOEKEN, found=found, consent=None, request=request)


def aanvraag_access(*, user: User, aanvraag: Aanvraag, action: str, request: HttpRequest | None) -> None:
    """An application (or one of its attachments) holds client data: every view or download is logged."""
    if aanvraag.client_bsn:
        access_log_write(user=user, bsn=aanvraag.client_bsn, action=action, found=True, consent=None, request=request)


def aanvragen_shown(*, user: User, aanvragen: Iterable[Aanvraag], request: HttpRequest | None) -> None:
    """A list of the organisation's applications that shows who each client is: one row per client shown."""
    access_log_write_many(
        user=user,
        clients=((aanvraag.client_bsn, None) for aanvraag in aanvragen),
        action=AccessAction.AANVRAAG_INZIEN,
        request=request,
    )


def aanvragen_search_by_bsn(*, user: User, bsn: str, request: HttpRequest | None) -> None:
    """'Aanvragen' searched by BSN: one row per search, found (the organisation has applications for this BSN)
    or not."""
    organisation = selectors.organisation_of(user)
    found = Aanvraag.objects.filter(organisation=organisation, client_bsn=bsn).exists()
    access_log_write(user=user, bsn=bsn, action=AccessAction.ZOEKEN, found=found, consent=None, request=request)


@transaction.atomic
def client_search(*, user: User, bsn: str, request: HttpRequest | None = None) -> None:
    """'Cliënt zoeken': logged, found or not, with the same queries; shows nothing without a consent."""
    selectors.organisation_of(user)
    found = Client.objects.filter(bsn=bsn).exists()
    access_log_write(user=user, bsn=bsn, action=AccessAction.ZOEKEN, found=found, consent=None, request=request)


@dataclass(frozen=True)
class ClientData:
    consent: ClientConsent
    client: Client | None = None
    indicaties: tuple[Indicatie, ...] = ()

    @property
    def found(self) -> bool:
        return self.client is not None or bool(self.indicaties)


@transaction.atomic
def client_data_access(*, user: User, bsn: str, action: str, request: HttpRequest | None = None) -> ClientData:
    """The one door to client data: checks the consent of exactly this kind and logs the access.

    Found and not found take the same queries (consent, one read, one log insert)."""
    organisation = selectors.organisation_of(user)
    consent = selectors.consent_valid(organisation=organisation, bsn=bsn, kind=ACTION_CONSENT[action])
    if consent is None:
        raise ConsentRequired(action)
    if action == AccessAction.INDICATIE_RAADPLEGEN:
        indicaties = tuple(Indicatie.objects.filter(client__bsn=bsn).order_by("-valid_from"))
        data = ClientData(consent=consent, indicaties=indicaties)
    else:
        data = ClientData(consent=consent, client=Client.objects.filter(bsn=bsn).first())
    access_log_write(user=user, bsn=bsn, action=action, found=data.found, consent=consent, request=request)
    return data


@transaction.atomic
def consent_record(
    *, user: User, bsn: str, kind: str, given_by: str, signed_on: date, archive_reference: str
) -> ClientConsent:
    consent = ClientConsent(
        organisation=selectors.organisation_of(user),
        client_bsn=bsn,
        kind=kind,
        given_by=given_by,
        signed_on=signed_on,
        archive_reference=archive_reference.strip(),
        recorded_by=user,
    )
    consent.full_clean()
    consent.save()
    return consent
