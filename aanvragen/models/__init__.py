"""The models of aanvragen, one module per domain: the client register, the applications, the spot checks."""

from aanvragen.models.aanvraag import (
    BIJLAGE_EXTENSIONS,
    Aanvraag,
    AanvraagStatusChange,
    Bijlage,
    PrivateStorage,
    bijlage_path,
    private_storage,
)
from aanvragen.models.clients import AccessLogEntry, Client, ClientConsent, Indicatie
from aanvragen.models.steekproeven import OrganisationSanction, SpotCheck, SpotCheckItem

__all__ = [
    "BIJLAGE_EXTENSIONS",
    "Aanvraag",
    "AanvraagStatusChange",
    "AccessLogEntry",
    "Bijlage",
    "Client",
    "ClientConsent",
    "Indicatie",
    "OrganisationSanction",
    "PrivateStorage",
    "SpotCheck",
    "SpotCheckItem",
    "bijlage_path",
    "private_storage",
]
