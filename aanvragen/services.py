"""Rules that write: client access with consents and the access log, concepts, submitting, status changes.

Views, forms, the admin and tasks call these functions; none of them re-implements a rule.
"""

import math
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from aanvragen import selectors
from aanvragen.audit import Action as SpotCheckAction
from aanvragen.choices import (
    FAMILIE_ROLLEN,
    STATUS_TRANSITIONS,
    VOORKEUR_MET_VERBLIJF,
    WZD_MACHTIGERS,
    AanvraagSoort,
    AanvraagStatus,
    AanvragerRol,
    AccessAction,
    AccessOutcome,
    Besluit,
    BijlageSoort,
    ConsentKind,
    Geslacht,
    Leveringsvorm,
    PartnerRelatie,
    WlzAanvraagType,
    WzdVerklaring,
    Zorgprofiel,
)
from aanvragen.models import (
    BIJLAGE_EXTENSIONS,
    Aanvraag,
    AanvraagStatusChange,
    AccessLogEntry,
    Bijlage,
    Client,
    ClientConsent,
    Indicatie,
    OrganisationSanction,
    SpotCheck,
    SpotCheckItem,
)
from accounts.models import Organisation, User
from accounts.services import audit_log
from portero.client_ip import client_address

# Which consent each client-data action needs; one kind never stands in for another.
ACTION_CONSENT = {
    AccessAction.NAW_INZIEN: ConsentKind.NAW_INZIEN,
    AccessAction.INDICATIE_RAADPLEGEN: ConsentKind.INDICATIE_RAADPLEGEN,
    AccessAction.INDICATIEGEGEVENS_OVERNEMEN: ConsentKind.INDICATIEGEGEVENS_OVERNEMEN,
}


class ConsentRequired(PermissionDenied):
    """The organisation has no valid consent of the kind this action needs."""


# --- Client register: lookup, consents, access log ---------------------------------------------------


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


# --- Concepts ----------------------------------------------------------------------------------------


@transaction.atomic
def aanvraag_create(*, user: User, soort: str, combinatie: bool = False) -> Aanvraag:
    """A new concept. A combination is a Wlz application with an art. 21 part, so both must be in the profile."""
    organisation = selectors.organisation_of(user)
    # Gated here, not only in the form: a hand-made POST must not get past the profile.
    allowed = selectors.aanvraagsoorten_allowed(organisation)
    if soort not in allowed or (combinatie and AanvraagSoort.WZD_ARTIKEL_21 not in allowed):
        raise PermissionDenied("profiel")
    if combinatie and soort != AanvraagSoort.WLZ:
        raise ValidationError(_("Alleen een Wlz-aanvraag kan worden gecombineerd met artikel 21."))
    aanvraag = Aanvraag(organisation=organisation, created_by=user, soort=soort, combinatie=combinatie)
    aanvraag.full_clean()
    aanvraag.save()
    return aanvraag


def aanvraag_profile_check(aanvraag: Aanvraag) -> None:
    """The profile may have changed since the concept was made (or the POST is hand-made): refuse, store nothing."""
    if aanvraag.soort not in selectors.aanvraagsoorten_allowed(aanvraag.organisation):
        raise PermissionDenied("profiel")


@transaction.atomic
def aanvraag_concept_save(*, aanvraag: Aanvraag, values: dict) -> Aanvraag:
    locked = Aanvraag.objects.select_for_update().select_related("organisation").get(pk=aanvraag.pk)
    if locked.status != AanvraagStatus.CONCEPT:
        raise ValidationError(_("Deze aanvraag is al ingediend en kan niet meer worden gewijzigd."))
    aanvraag_profile_check(locked)
    if (
        locked.soort == AanvraagSoort.PARTNERVERBLIJF
        and values.get("client_bsn", locked.client_bsn) != locked.client_bsn
    ):
        # The indication was checked for another client: check again.
        values = {"client_indicatie_zorgprofiel": "", **values}
    for name, value in values.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def aanvraag_client_take_over(*, aanvraag: Aanvraag, user: User, bsn: str, request: HttpRequest | None = None) -> bool:
    """Fill the client block from the register; needs the 'Indicatiegegevens overnemen' consent."""
    data = client_data_access(user=user, bsn=bsn, action=AccessAction.INDICATIEGEGEVENS_OVERNEMEN, request=request)
    client = data.client
    if client is None:
        aanvraag_concept_save(aanvraag=aanvraag, values={"client_bsn": bsn, "client_taken_over": False})
        return False
    aanvraag_concept_save(
        aanvraag=aanvraag,
        values={
            "client_bsn": client.bsn,
            "client_initials": client.initials,
            "client_name_prefix": client.name_prefix,
            "client_last_name": client.last_name,
            "client_date_of_birth": client.date_of_birth,
            "client_sex": client.sex,
            "client_street": client.street,
            "client_postcode": client.postcode,
            "client_city": client.city,
            "client_taken_over": True,
        },
    )
    return True


def aanvraag_step_save(
    *, aanvraag: Aanvraag, user: User, values: dict, concept: bool, request: HttpRequest | None = None
) -> Aanvraag:
    """Save one step. For Partnerverblijf, 'Verder' on the client's BSN first checks the register for a current
    indication with verblijf (under the 'Indicatie raadplegen' consent); the check is logged even when it fails,
    and nothing of the step is stored unless it passes."""
    aanvraag_profile_check(aanvraag)
    if aanvraag.soort == AanvraagSoort.PARTNERVERBLIJF and values.get("client_bsn") and not concept:
        indicatie = partnerverblijf_indicatie_check(user=user, bsn=values["client_bsn"], request=request)
        if indicatie is None:
            raise ValidationError({"client_bsn": INDICATIE_ZONDER_VERBLIJF})
        values = {**values, "client_indicatie_zorgprofiel": indicatie.zorgprofiel}
    return aanvraag_concept_save(aanvraag=aanvraag, values=values)


def partnerverblijf_indicatie_check(*, user: User, bsn: str, request: HttpRequest | None = None) -> Indicatie | None:
    """The client's current indication with verblijf in an instelling, or None. Raises ConsentRequired."""
    data = client_data_access(user=user, bsn=bsn, action=AccessAction.INDICATIE_RAADPLEGEN, request=request)
    return selectors.indicatie_met_verblijf(data.indicaties)


# --- The rules of each application type (DOMAIN.md §4.1, §4.3, §4.4, §6) --------------------------------

CLIENT_REQUIRED = {
    "client_bsn": _("Vul het BSN van de cliënt in."),
    "client_initials": _("Vul de voorletters van de cliënt in."),
    "client_last_name": _("Vul de achternaam van de cliënt in."),
    "client_date_of_birth": _("Vul de geboortedatum van de cliënt in."),
    "client_sex": _("Kies het geslacht van de cliënt."),
    "client_street": _("Vul de straat en het huisnummer van de cliënt in."),
    "client_postcode": _("Vul de postcode van de cliënt in."),
    "client_city": _("Vul de woonplaats van de cliënt in."),
}
AANVRAGER_REQUIRED = {
    "heeft_wettelijk_vertegenwoordiger": _("Geef aan of de cliënt een wettelijk vertegenwoordiger heeft."),
    "aanvrager_rol": _("Kies wie de aanvraag ondertekent."),
    "aanvrager_naam": _("Vul de naam van de aanvrager in."),
    "aanvrager_telefoon": _("Vul het telefoonnummer van de aanvrager in."),
    "aanvrager_straat": _("Vul het postadres van de aanvrager in."),
    "aanvrager_postcode": _("Vul de postcode van het postadres in."),
    "aanvrager_plaats": _("Vul de plaats van het postadres in."),
}
WLZ_REQUIRED = {
    "wlz_type": _("Kies of dit een eerste aanvraag of een herindicatie is."),
    **CLIENT_REQUIRED,
    **AANVRAGER_REQUIRED,
    "grondslagen": _("Kies ten minste één grondslag."),
    "diagnose": _("Beschrijf de diagnose."),
    "diagnose_behandelaar_naam": _("Vul de naam in van de behandelaar die de diagnose stelde."),
    "diagnose_behandelaar_functie": _("Vul de functie in van de behandelaar die de diagnose stelde."),
    "diagnose_datum": _("Vul de datum van de diagnose in."),
    "ziekteverloop": _("Beschrijf het ziekteverloop."),
    "voorkeur_client": _("Kies de zorgwens van de cliënt."),
    "machtiging_behandelaar": _("Geef aan of de cliënt het CIZ machtigt medische informatie op te vragen."),
}
# The art. 21 part; a combination asks it after the Wlz part, which already holds the diagnosis.
ARTIKEL_21_REQUIRED = {
    "verblijft_in_accommodatie": _("Geef aan of de cliënt al in een accommodatie verblijft."),
    "zorgplan_onvrijwillige_zorg": _("Geef aan of de cliënt een zorgplan met onvrijwillige zorg heeft."),
    "wzd_verlenging": _("Geef aan of dit een verlenging van een bestaand artikel 21-besluit is."),
    "instelling_naam": _("Vul de naam van de Wzd-accommodatie in."),
    "instelling_locatie": _("Vul de locatie van de accommodatie in."),
    "instelling_agb_code": _("Vul de AGB-code van de locatie in."),
    "wzd_gronden": _("Beschrijf de gronden voor de aanvraag."),
    "beperkingen": _("Beschrijf de relevante stoornissen en beperkingen."),
}
WZD_REQUIRED = {
    **CLIENT_REQUIRED,
    **AANVRAGER_REQUIRED,
    "aanvrager_rol": _("Kies wie de aanvraag doet."),
    **ARTIKEL_21_REQUIRED,
    "diagnose": _("Beschrijf de diagnose."),
}
PARTNERVERBLIJF_REQUIRED = {
    "partner_bsn": _("Vul het BSN van de partner in."),
    "partner_initials": _("Vul de voorletters van de partner in."),
    "partner_last_name": _("Vul de achternaam van de partner in."),
    "partner_date_of_birth": _("Vul de geboortedatum van de partner in."),
    "partner_street": _("Vul de straat en het huisnummer van de partner in."),
    "partner_postcode": _("Vul de postcode van de partner in."),
    "partner_city": _("Vul de woonplaats van de partner in."),
    "partner_relatie": _("Kies de relatie van de partner tot de cliënt."),
    "client_bsn": _("Vul het BSN van de cliënt in."),
    "instelling_naam": _("Vul de naam van de instelling in."),
    "instelling_locatie": _("Vul de locatie van de instelling in."),
    "instelling_agb_code": _("Vul de AGB-code van de locatie in."),
    "partnerverblijf_ingangsdatum": _("Vul de ingangsdatum van het partnerverblijf in."),
}
MINOR_SIGNERS = (AanvragerRol.OUDER_MET_GEZAG, AanvragerRol.VOOGD)
WZD_MINIMUM_AGE = 12
INDICATIE_ZONDER_VERBLIJF = _(
    "Deze cliënt heeft in het CIZ-register geen geldige indicatie met verblijf in een instelling. Partnerverblijf "
    "kan alleen bij zo'n indicatie."
)
INDICATIE_TOESTEMMING_NODIG = _(
    "Voor de controle van de indicatie is de toestemming 'Indicatie raadplegen' nodig. Leg die eerst vast."
)
INDICATIE_NIET_GECONTROLEERD = _(
    "De indicatie van de cliënt is nog niet gecontroleerd. Vul het BSN van de cliënt in en kies 'Verder'."
)


def age_on(date_of_birth: date, day: date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def has_artikel_21(aanvraag: Aanvraag) -> bool:
    return aanvraag.soort == AanvraagSoort.WZD_ARTIKEL_21 or aanvraag.combinatie


def has_wlz(aanvraag: Aanvraag) -> bool:
    return aanvraag.soort == AanvraagSoort.WLZ


def aanvraag_required(aanvraag: Aanvraag) -> dict[str, str]:
    """Field → Dutch message for every field a complete application of this type needs."""
    if aanvraag.soort == AanvraagSoort.PARTNERVERBLIJF:
        return PARTNERVERBLIJF_REQUIRED
    if aanvraag.soort == AanvraagSoort.WZD_ARTIKEL_21:
        return WZD_REQUIRED
    if aanvraag.combinatie:
        return {**WLZ_REQUIRED, **ARTIKEL_21_REQUIRED}
    return WLZ_REQUIRED


def aanvraag_errors(aanvraag: Aanvraag, *, complete: bool, today: date | None = None) -> dict[str, str]:
    """Field → Dutch message. `complete` adds the required fields (for 'Verder' and 'Indienen'); the consistency
    rules apply to whatever has been filled in, also for a concept. A combination gets both sets of rules."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if complete:
        required = aanvraag_required(aanvraag)
        errors.update(
            {name: message for name, message in required.items() if getattr(aanvraag, name) in ("", None, [])}
        )
    rule_sets = []
    if has_wlz(aanvraag):
        rule_sets.append(_wlz_rules)
    if has_artikel_21(aanvraag):
        rule_sets.append(_artikel_21_rules)
    if aanvraag.soort == AanvraagSoort.PARTNERVERBLIJF:
        rule_sets.append(_partnerverblijf_rules)
    for rules in rule_sets:
        for name, message in rules(aanvraag, complete=complete, today=today).items():
            errors.setdefault(name, message)
    if (
        aanvraag.aanvrager_rol == AanvragerRol.WETTELIJK_VERTEGENWOORDIGER
        and aanvraag.heeft_wettelijk_vertegenwoordiger is False
    ):
        errors["heeft_wettelijk_vertegenwoordiger"] = _(
            "U kiest een wettelijk vertegenwoordiger als ondertekenaar. Geef dan ook aan dat de cliënt er een heeft."
        )
    for prefix in ("contactpersoon", "contactpersoon2"):
        if getattr(aanvraag, f"{prefix}_naam").strip() and not getattr(aanvraag, f"{prefix}_relatie"):
            errors[f"{prefix}_relatie"] = _("Kies de relatie van de contactpersoon tot de cliënt.")
    return errors


def _wlz_rules(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if complete:
        if a.wlz_type == WlzAanvraagType.HERINDICATIE and not a.huidig_zorgprofiel:
            errors["huidig_zorgprofiel"] = _("Kies het huidige zorgprofiel van de cliënt.")
        if a.urgent and not a.urgent_reason.strip():
            errors["urgent_reason"] = _("Licht toe welke bijzondere omstandigheden er zijn.")
        if a.machtiging_behandelaar:
            if not a.behandelaar_naam.strip():
                errors["behandelaar_naam"] = _("Vul de naam van de behandelaar in: de cliënt geeft een machtiging.")
            if not a.behandelaar_functie.strip():
                errors["behandelaar_functie"] = _(
                    "Vul de functie van de behandelaar in: de cliënt geeft een machtiging."
                )
    if a.client_date_of_birth and a.aanvrager_rol:
        message = _wlz_signer_error(a, minor=age_on(a.client_date_of_birth, today) < 18)
        if message:
            errors["aanvrager_rol"] = message
    if (
        a.combinatie
        and a.wlz_type == WlzAanvraagType.HERINDICATIE
        and a.aanvrager_rol in FAMILIE_ROLLEN
        and a.wzd_verlenging is False
    ):
        # The same rule as the signer's, shown on the art. 21 step too, where the renewal is answered.
        errors["wzd_verlenging"] = _(
            "Familie ondertekent een herindicatie zonder machtiging alleen als de cliënt al een Wzd-besluit heeft "
            "(een verlenging). Kies anders bij de aanvrager 'Gemachtigde'."
        )
    if a.opnamedatum and a.voorkeur_client not in VOORKEUR_MET_VERBLIJF:
        errors["opnamedatum"] = _("Een opnamedatum vult u alleen in bij verblijf in een instelling.")
    if a.client_date_of_birth and a.diagnose_datum and a.diagnose_datum < a.client_date_of_birth:
        errors["diagnose_datum"] = _("De datum van de diagnose ligt vóór de geboortedatum van de cliënt.")
    return errors


def _wlz_signer_error(a: Aanvraag, *, minor: bool) -> str | None:
    """Who may sign the Wlz part (DOMAIN.md §4.1), with the family exception of a combination."""
    rol = a.aanvrager_rol
    if minor and rol not in MINOR_SIGNERS:
        return _("De cliënt is jonger dan 18 jaar. Een ouder met gezag of een voogd ondertekent de aanvraag.")
    if not minor and rol in MINOR_SIGNERS:
        return _(
            "De cliënt is 18 jaar of ouder. Een ouder met gezag of voogd ondertekent alleen voor een minderjarige."
        )
    if not minor and a.heeft_wettelijk_vertegenwoordiger and rol != AanvragerRol.WETTELIJK_VERTEGENWOORDIGER:
        return _("De cliënt heeft een wettelijk vertegenwoordiger. Die ondertekent de aanvraag, niet de cliënt.")
    if rol in FAMILIE_ROLLEN:
        if not a.combinatie:
            return _(
                "Familie ondertekent een Wlz-aanvraag alleen met een machtiging van de cliënt: kies dan "
                "'Gemachtigde'. Zonder machtiging kan dat alleen bij een combinatie-aanvraag met artikel 21."
            )
        if a.wlz_type == WlzAanvraagType.HERINDICATIE and a.wzd_verlenging is False:
            return _(
                "Bij een herindicatie ondertekent familie zonder machtiging alleen als de cliënt al een Wzd-besluit "
                "heeft (een verlenging). Kies anders 'Gemachtigde'."
            )
    if rol in (AanvragerRol.ZORGAANBIEDER, AanvragerRol.WZD_FUNCTIONARIS) and not a.combinatie:
        return _("De zorgaanbieder of Wzd-functionaris ondertekent een Wlz-aanvraag alleen als gemachtigde.")
    return None


def _artikel_21_rules(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    """Wzd art. 21/22 (DOMAIN.md §4.3): age, who may apply, machtiging, renewal."""
    errors: dict[str, str] = {}
    if a.client_date_of_birth and age_on(a.client_date_of_birth, today) < WZD_MINIMUM_AGE:
        errors["client_date_of_birth"] = _(
            "De cliënt moet op de datum van de aanvraag 12 jaar of ouder zijn voor een artikel 21-aanvraag."
        )
    rol = a.aanvrager_rol
    if rol == AanvragerRol.CLIENT:
        errors["aanvrager_rol"] = _("De cliënt kan een artikel 21-aanvraag nooit zelf doen. Kies wie de aanvraag doet.")
    elif rol == AanvragerRol.ZORGAANBIEDER and a.verblijft_in_accommodatie is not True:
        errors["aanvrager_rol"] = _(
            "De zorgaanbieder mag de aanvraag alleen doen als de cliënt al in een accommodatie verblijft."
        )
    elif rol == AanvragerRol.WZD_FUNCTIONARIS and not (a.verblijft_in_accommodatie or a.zorgplan_onvrijwillige_zorg):
        errors["aanvrager_rol"] = _(
            "De Wzd-functionaris mag de aanvraag alleen doen als de cliënt al in een accommodatie verblijft of een "
            "zorgplan met onvrijwillige zorg heeft."
        )
    elif rol in MINOR_SIGNERS and a.client_date_of_birth and age_on(a.client_date_of_birth, today) >= 18:
        errors["aanvrager_rol"] = _(
            "De cliënt is 18 jaar of ouder. Een ouder met gezag of voogd doet de aanvraag alleen voor een minderjarige."
        )
    if rol == AanvragerRol.GEMACHTIGDE:
        if a.wzd_machtiging_door in (AanvragerRol.ZORGAANBIEDER, AanvragerRol.WZD_FUNCTIONARIS):
            errors["wzd_machtiging_door"] = _("De zorgaanbieder en de Wzd-functionaris mogen niemand machtigen.")
        elif a.wzd_machtiging_door and a.wzd_machtiging_door not in WZD_MACHTIGERS:
            errors["wzd_machtiging_door"] = _(
                "Alleen de partner, de vertegenwoordiger of een meerderjarig familielid mag iemand machtigen."
            )
        elif complete and not a.wzd_machtiging_door:
            errors["wzd_machtiging_door"] = _("Kies wie de gemachtigde heeft gemachtigd.")
    elif a.wzd_machtiging_door:
        errors["wzd_machtiging_door"] = _("Vul dit alleen in als een gemachtigde de aanvraag doet.")
    if a.wzd_verlenging:
        if a.verblijft_in_accommodatie is False:
            errors["wzd_verlenging"] = _(
                "Een verlenging kan alleen als de cliënt al op grond van een artikel 21-besluit in een accommodatie "
                "verblijft."
            )
        if complete and not a.wzd_huidig_besluit_tot:
            errors["wzd_huidig_besluit_tot"] = _("Vul in tot en met wanneer het huidige besluit geldig is.")
    elif a.wzd_huidig_besluit_tot:
        errors["wzd_huidig_besluit_tot"] = _("Vul deze datum alleen in bij een verlenging.")
    return errors


def _partnerverblijf_rules(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    """Who counts as partner (Wlz art. 3.1.2, DOMAIN.md §4.4)."""
    errors: dict[str, str] = {}
    if a.partner_bsn and a.partner_bsn == a.client_bsn:
        errors["client_bsn"] = _("Het BSN van de cliënt is gelijk aan dat van de partner.")
    if a.partner_relatie == PartnerRelatie.GEDEELDE_HUISHOUDING:
        if a.partner_date_of_birth and age_on(a.partner_date_of_birth, today) < 18:
            errors["partner_date_of_birth"] = _("Bij een gedeelde huishouding moet de partner meerderjarig zijn.")
        if complete and not a.partner_verklaring:
            errors["partner_verklaring"] = _(
                "Bij een gedeelde huishouding verklaart u dat beiden meerderjarig en ongehuwd zijn en geen "
                "bloedverwanten in de eerste graad."
            )
    elif a.partner_verklaring and a.partner_relatie:
        errors["partner_verklaring"] = _("Deze verklaring hoort alleen bij een gedeelde huishouding.")
    return errors


def aanvraag_submit_errors(aanvraag: Aanvraag) -> dict[str, str]:
    """Everything that stands in the way of 'Indienen': the rules with the required fields, and for Partnerverblijf
    the register check, which is done by aanvraag_step_save (not by a form) when the client's BSN is entered."""
    errors = aanvraag_errors(aanvraag, complete=True)
    if (
        aanvraag.soort == AanvraagSoort.PARTNERVERBLIJF
        and aanvraag.client_bsn
        and not aanvraag.client_indicatie_zorgprofiel
    ):
        errors.setdefault("client_bsn", INDICATIE_NIET_GECONTROLEERD)
    return errors


def bijlagen_needed(aanvraag: Aanvraag) -> list[tuple[str, ...]]:
    """Attachments a complete application of this type needs (DOMAIN.md §4.1, §4.3, §4.4): each entry one kind, or
    kinds of which one is enough."""
    rol = aanvraag.aanvrager_rol
    if aanvraag.soort == AanvraagSoort.PARTNERVERBLIJF:
        return [(BijlageSoort.PARTNER_FORMULIER,)]
    needed = [(BijlageSoort.DIAGNOSE,)]
    if rol == AanvragerRol.GEMACHTIGDE:
        needed.append((BijlageSoort.MACHTIGING,))
    if rol in (AanvragerRol.WETTELIJK_VERTEGENWOORDIGER, AanvragerRol.VOOGD):
        needed.append((BijlageSoort.BEWIJS_VERTEGENWOORDIGING,))
    if aanvraag.soort == AanvraagSoort.WZD_ARTIKEL_21 and rol in FAMILIE_ROLLEN:
        # A family applicant of art. 21 sends proof of representation or a machtiging (DOMAIN.md §4.3). Not in a
        # combination: there family applies without a machtiging (machtigen-bij-combinatie-aanvraag, §4.1).
        needed.append((BijlageSoort.BEWIJS_VERTEGENWOORDIGING, BijlageSoort.MACHTIGING))
    if has_artikel_21(aanvraag) and aanvraag.zorgplan_onvrijwillige_zorg:
        needed.append((BijlageSoort.ZORGPLAN,))
    if aanvraag.combinatie and rol in (AanvragerRol.ZORGAANBIEDER, AanvragerRol.WZD_FUNCTIONARIS):
        needed.append((BijlageSoort.MACHTIGING_COMBINATIE,))
    return needed


def bijlagen_missing(aanvraag: Aanvraag) -> list[str]:
    present = set(aanvraag.bijlagen.values_list("soort", flat=True))
    return [
        _("Voeg een bijlage toe van de soort %(soort)s.")
        % {"soort": _(" of ").join(f"'{BijlageSoort(kind).label}'" for kind in kinds)}
        for kinds in bijlagen_needed(aanvraag)
        if present.isdisjoint(kinds)
    ]


# --- Attachments -------------------------------------------------------------------------------------

MAGIC_NUMBERS = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def bijlage_content_type(upload: UploadedFile) -> str:
    """Decide the type by the file's first bytes, never by its name or the browser's claim."""
    if upload.size > settings.PORTERO_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("Het bestand is te groot. Het mag hoogstens %(mb)s MB zijn.")
            % {"mb": settings.PORTERO_ATTACHMENT_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for magic, content_type in MAGIC_NUMBERS:
        if head.startswith(magic):
            return content_type
    raise ValidationError(_("Voeg een PDF-, PNG- of JPEG-bestand toe."), code="file_type")


def bijlage_download_name(bijlage: Bijlage) -> str:
    """The file name a download is served under: the user's name without its extension, folded to plain ASCII
    letters, digits, '-', '_' and '.', plus the extension of the detected type. The original name stays only as
    text on the pages (autoescaped); in a header it could carry quotes, line breaks or a misleading extension."""
    base = re.split(r"[/\\]", bijlage.original_name or "")[-1]
    stem = base.rpartition(".")[0] if "." in base else base
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    safe = re.sub(r"[^A-Za-z0-9.-]+", "_", folded).strip("._-")[:100] or "bijlage"
    return f"{safe}.{BIJLAGE_EXTENSIONS[bijlage.content_type]}"


@transaction.atomic
def bijlage_add(*, aanvraag: Aanvraag, user: User, soort: str, upload: UploadedFile) -> Bijlage:
    locked = Aanvraag.objects.select_for_update().select_related("organisation").get(pk=aanvraag.pk)
    if locked.status != AanvraagStatus.CONCEPT:
        raise ValidationError(_("Deze aanvraag is al ingediend en kan niet meer worden gewijzigd."))
    aanvraag_profile_check(locked)
    bijlage = Bijlage(
        aanvraag=locked,
        soort=soort,
        token=secrets.token_hex(16),
        original_name=(upload.name or "bijlage")[-200:],
        content_type=bijlage_content_type(upload),
        size=upload.size,
        uploaded_by=user,
    )
    bijlage.file.save("upload", upload, save=False)
    try:
        bijlage.full_clean()
        bijlage.save()
    except Exception:
        bijlage.file.delete(save=False)
        raise
    return bijlage


@transaction.atomic
def bijlage_delete(*, bijlage: Bijlage) -> None:
    locked = Aanvraag.objects.select_for_update().select_related("organisation").get(pk=bijlage.aanvraag_id)
    if locked.status != AanvraagStatus.CONCEPT:
        raise ValidationError(_("Deze aanvraag is al ingediend en kan niet meer worden gewijzigd."))
    aanvraag_profile_check(locked)
    name, storage = bijlage.file.name, bijlage.file.storage
    bijlage.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Submitting and processing ---------------------------------------------------------------------

REFERENCE_PREFIX = {
    AanvraagSoort.WLZ: "WLZ",
    AanvraagSoort.WZD_ARTIKEL_21: "WZD",
    AanvraagSoort.PARTNERVERBLIJF: "PV",
}
REFERENCE_PREFIX_COMBINATIE = "CMB"


def deadline_compute(*, submitted_at: datetime, urgent: bool) -> date:
    """6 weeks after the (Dutch) day of submission; 2 weeks under bijzondere omstandigheden."""
    weeks = settings.PORTERO_DEADLINE_WEEKS_URGENT if urgent else settings.PORTERO_DEADLINE_WEEKS
    return timezone.localdate(submitted_at) + timedelta(weeks=weeks)


@transaction.atomic
def aanvraag_submit(*, aanvraag_id: int, user: User) -> Aanvraag:
    """'Indienen'. Idempotent: the concept row is locked and a second submit returns the first result."""
    # The organisation is read fresh: CIZ may have suspended it since the user's request began.
    organisation = Organisation.objects.get(pk=selectors.organisation_of(user).pk)
    aanvraag = Aanvraag.objects.select_for_update().filter(pk=aanvraag_id, organisation=organisation).first()
    if aanvraag is None:
        raise PermissionDenied
    if aanvraag.status != AanvraagStatus.CONCEPT:
        return aanvraag
    refusal = selectors.submit_refusal(organisation)
    if refusal:
        raise ValidationError(refusal, code="organisation")
    if aanvraag.soort not in selectors.aanvraagsoorten_allowed(organisation):
        raise PermissionDenied("profiel")
    errors = aanvraag_submit_errors(aanvraag)
    missing = bijlagen_missing(aanvraag)
    if errors or missing:
        raise ValidationError({**errors, **({"bijlagen": missing} if missing else {})})
    now = timezone.now()
    aanvraag.status = AanvraagStatus.INGEDIEND
    aanvraag.submitted_at = now
    aanvraag.submitted_by = user
    aanvraag.deadline = deadline_compute(submitted_at=now, urgent=aanvraag.urgent)
    prefix = REFERENCE_PREFIX_COMBINATIE if aanvraag.combinatie else REFERENCE_PREFIX[aanvraag.soort]
    aanvraag.reference = f"{prefix}-{timezone.localdate(now).year}-{aanvraag.pk:06d}"
    aanvraag.full_clean()
    aanvraag.save()
    AanvraagStatusChange.objects.create(
        aanvraag=aanvraag,
        from_status=AanvraagStatus.CONCEPT,
        to_status=AanvraagStatus.INGEDIEND,
        changed_by=user,
        deadline=aanvraag.deadline,
    )
    from aanvragen.tasks import send_receipt_mail

    transaction.on_commit(lambda: send_receipt_mail.delay(aanvraag.pk))
    return aanvraag


@transaction.atomic
def aanvraag_status_change(
    *,
    aanvraag_id: int,
    user: User,
    to_status: str,
    note: str = "",
    besluit: str = "",
    besluit_zorgprofiel: str = "",
    wzd_verklaring: str = "",
    wzd_besluit_tot: date | None = None,
) -> Aanvraag:
    """A CIZ status change with its history; the term is suspended while the application is 'onvolledig'."""
    aanvraag = Aanvraag.objects.select_for_update().get(pk=aanvraag_id)
    from_status = aanvraag.status
    if to_status not in STATUS_TRANSITIONS.get(from_status, ()):
        raise ValidationError(
            {
                "to_status": _("Een aanvraag met status '%(van)s' kan niet naar '%(naar)s'.")
                % {"van": AanvraagStatus(from_status).label, "naar": AanvraagStatus(to_status).label}
            }
        )
    today = timezone.localdate()
    if to_status == AanvraagStatus.BESLUIT_GENOMEN:
        _besluit_record(
            aanvraag,
            besluit=besluit,
            besluit_zorgprofiel=besluit_zorgprofiel,
            wzd_verklaring=wzd_verklaring,
            wzd_besluit_tot=wzd_besluit_tot,
            today=today,
        )
    if from_status == AanvraagStatus.ONVOLLEDIG and aanvraag.suspended_since:
        aanvraag.deadline += today - aanvraag.suspended_since
        aanvraag.suspended_since = None
    if to_status == AanvraagStatus.ONVOLLEDIG:
        aanvraag.suspended_since = today
    aanvraag.status = to_status
    aanvraag.full_clean()
    aanvraag.save()
    AanvraagStatusChange.objects.create(
        aanvraag=aanvraag,
        from_status=from_status,
        to_status=to_status,
        changed_by=user,
        note=note.strip(),
        deadline=aanvraag.deadline,
    )
    if (
        to_status == AanvraagStatus.BESLUIT_GENOMEN
        and aanvraag.soort == AanvraagSoort.PARTNERVERBLIJF
        and aanvraag.besluit == Besluit.TOEGEKEND
    ):
        partner_indicatie_register(aanvraag=aanvraag)
    return aanvraag


def wzd_besluit_max_tot(day: date) -> date:
    """An art. 21 decision lasts at most 5 years (Wzd art. 22 lid 5): valid up to the day before the 5th anniversary."""
    try:
        anniversary = day.replace(year=day.year + 5)
    except ValueError:  # 29 February
        anniversary = day.replace(year=day.year + 5, day=28) + timedelta(days=1)
    return anniversary - timedelta(days=1)


def _besluit_record(
    aanvraag: Aanvraag, *, besluit: str, besluit_zorgprofiel: str, wzd_verklaring: str, wzd_besluit_tot, today: date
) -> None:
    """The outcome per type: a Wlz besluit with zorgprofiel, an art. 21 WzdVerklaring (COD127) with its validity,
    both for a combination, and zorgprofiel 999 (ZZP0) for a granted Partnerverblijf."""
    errors = {}
    if has_artikel_21(aanvraag):
        if not wzd_verklaring:
            errors["wzd_verklaring"] = _("Kies de Wzd-verklaring (COD127).")
        elif wzd_verklaring == WzdVerklaring.AANGEWEZEN:
            if not wzd_besluit_tot:
                errors["wzd_besluit_tot"] = _("Vul in tot en met wanneer het artikel 21-besluit geldig is.")
            elif wzd_besluit_tot <= today:
                errors["wzd_besluit_tot"] = _("Het besluit moet na vandaag nog geldig zijn.")
            elif wzd_besluit_tot > wzd_besluit_max_tot(today):
                errors["wzd_besluit_tot"] = _("Een artikel 21-besluit geldt hoogstens 5 jaar.")
        elif wzd_besluit_tot:
            errors["wzd_besluit_tot"] = _("Alleen een besluit met verklaring 1 (aangewezen) heeft een geldigheid.")
    elif wzd_verklaring or wzd_besluit_tot:
        errors["wzd_verklaring"] = _("Een Wzd-verklaring hoort alleen bij een artikel 21-aanvraag.")
    if aanvraag.soort == AanvraagSoort.WZD_ARTIKEL_21:
        # A pure art. 21 application has no Wlz besluit: the verklaring is the outcome.
        besluit = Besluit.TOEGEKEND if wzd_verklaring == WzdVerklaring.AANGEWEZEN else Besluit.AFGEWEZEN
        besluit_zorgprofiel = ""
    elif not besluit:
        errors["besluit"] = _("Kies de uitkomst van het besluit.")
    elif besluit == Besluit.TOEGEKEND and aanvraag.soort == AanvraagSoort.PARTNERVERBLIJF:
        if besluit_zorgprofiel not in ("", Zorgprofiel.ZZP0):
            errors["besluit_zorgprofiel"] = _("Partnerverblijf krijgt altijd zorgprofiel 999 (ZZP0: Partnerverblijf).")
        besluit_zorgprofiel = Zorgprofiel.ZZP0
    elif besluit == Besluit.TOEGEKEND and not besluit_zorgprofiel:
        errors["besluit_zorgprofiel"] = _("Kies het toegekende zorgprofiel.")
    if errors:
        raise ValidationError(errors)
    aanvraag.besluit = besluit
    aanvraag.besluit_zorgprofiel = besluit_zorgprofiel if besluit == Besluit.TOEGEKEND else ""
    aanvraag.wzd_verklaring = wzd_verklaring if has_artikel_21(aanvraag) else ""
    aanvraag.wzd_besluit_tot = wzd_besluit_tot if aanvraag.wzd_verklaring == WzdVerklaring.AANGEWEZEN else None


def partner_indicatie_register(*, aanvraag: Aanvraag) -> Indicatie:
    """A granted Partnerverblijf puts the partner in the register with zorgprofiel 999 (ZZP0), verblijf in the
    client's instelling from the start date. Called inside the status change's transaction."""
    partner, _created = Client.objects.get_or_create(
        bsn=aanvraag.partner_bsn,
        defaults={
            "initials": aanvraag.partner_initials,
            "name_prefix": aanvraag.partner_name_prefix,
            "last_name": aanvraag.partner_last_name,
            "date_of_birth": aanvraag.partner_date_of_birth,
            "sex": Geslacht.ONBEKEND,
            "street": aanvraag.partner_street,
            "postcode": aanvraag.partner_postcode,
            "city": aanvraag.partner_city,
        },
    )
    indicatie = Indicatie(
        client=partner,
        zorgprofiel=Zorgprofiel.ZZP0,
        leveringsvorm=Leveringsvorm.VERBLIJF,
        valid_from=aanvraag.partnerverblijf_ingangsdatum,
    )
    indicatie.full_clean()
    indicatie.save()
    return indicatie


# --- Renewal of art. 21 decisions ----------------------------------------------------------------------


def wzd_renewal_reminders_send(*, today: date | None = None) -> int:
    """The nightly job: one reminder task per decision whose reminder is due. The task marks the decision under a
    row lock, so a second run (or a second beat) sends nothing more."""
    from aanvragen.tasks import send_wzd_renewal_reminder

    ids = list(selectors.wzd_renewal_reminders_due(today).values_list("pk", flat=True))
    for pk in ids:
        send_wzd_renewal_reminder.delay(pk)
    return len(ids)


# --- Steekproeven (spot checks) ---
# Audit actions of the spot checks and sanctions, in the accounts audit log (AuditEvent) next to the account events.
SPOT_CHECK_DRAWN = SpotCheckAction.SPOT_CHECK_DRAWN
SPOT_CHECK_OUTCOME_RECORDED = SpotCheckAction.SPOT_CHECK_OUTCOME_RECORDED
SPOT_CHECK_CLOSED = SpotCheckAction.SPOT_CHECK_CLOSED
ORGANISATION_WARNED = SpotCheckAction.ORGANISATION_WARNED
ORGANISATION_SUSPENDED = SpotCheckAction.ORGANISATION_SUSPENDED

Outcome = SpotCheckItem.Outcome
SanctionKind = OrganisationSanction.Kind


def bsn_mask(bsn: str) -> str:
    """A mail never carries a full BSN: the last three digits are enough to find the form in the archive."""
    return "*" * max(len(bsn) - 3, 0) + bsn[-3:]


@transaction.atomic
def spot_check_draw(
    *,
    user: User,
    organisation: Organisation,
    period_from: date,
    period_to: date,
    sample_size: int | None = None,
    percentage: int | None = None,
    request: HttpRequest | None = None,
) -> SpotCheck:
    """Draw declarations at random (OS randomness) from the organisation's declarations in the period, and ask
    its organisatiebeheerders, after the commit, to produce the signed forms."""
    if period_to < period_from:
        raise ValidationError({"period_to": _("De einddatum ligt voor de begindatum.")})
    if (sample_size is None) == (percentage is None):
        raise ValidationError(_("Vul een aantal of een percentage in, niet allebei."))
    candidates = list(
        selectors.spot_check_candidates(
            organisation=organisation, period_from=period_from, period_to=period_to
        ).values_list("pk", flat=True)
    )
    if not candidates:
        raise ValidationError(_("Deze organisatie heeft in deze periode geen toestemmingen vastgelegd."))
    if percentage is not None:
        if not 0 < percentage <= 100:
            raise ValidationError({"percentage": _("Een percentage ligt tussen 1 en 100.")})
        sample_size = math.ceil(len(candidates) * percentage / 100)
    if sample_size < 1:
        raise ValidationError({"sample_size": _("Trek ten minste één toestemming.")})
    if sample_size > len(candidates):
        raise ValidationError(
            {
                "sample_size": _("In deze periode zijn %(count)s toestemmingen vastgelegd; trek er niet meer dan dat.")
                % {"count": len(candidates)}
            }
        )
    drawn = sorted(secrets.SystemRandom().sample(candidates, sample_size))
    spot_check = SpotCheck(
        organisation=organisation,
        period_from=period_from,
        period_to=period_to,
        sample_size=sample_size,
        reply_deadline=timezone.localdate() + timedelta(days=settings.PORTERO_SPOT_CHECK_REPLY_DAYS),
        created_by=user,
    )
    spot_check.full_clean()
    spot_check.save()
    SpotCheckItem.objects.bulk_create([SpotCheckItem(spot_check=spot_check, consent_id=pk) for pk in drawn])
    audit_log(
        SPOT_CHECK_DRAWN,
        actor=user,
        organisation=organisation,
        request=request,
        spot_check=spot_check.pk,
        period=[period_from.isoformat(), period_to.isoformat()],
        declarations_in_period=len(candidates),
        consents=drawn,
    )
    from aanvragen.tasks import send_spot_check_request

    transaction.on_commit(lambda: send_spot_check_request.delay(spot_check.pk))
    return spot_check


def spot_check_outcome_errors(*, outcome: str, remark: str) -> dict[str, str]:
    if outcome not in Outcome.values:
        return {"outcome": _("Kies 'In orde' of 'Niet in orde'.")}
    if outcome == Outcome.NIET_IN_ORDE and not remark.strip():
        return {"remark": _("Licht toe wat er niet in orde is.")}
    return {}


@transaction.atomic
def spot_check_outcome_record(
    *, user: User, item_id: int, outcome: str, remark: str = "", request: HttpRequest | None = None
) -> SpotCheckItem:
    """CIZ's finding on one drawn declaration; the spot check closes when the last finding is in."""
    item = SpotCheckItem.objects.get(pk=item_id)
    spot_check = (
        SpotCheck.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=item.spot_check_id)
    )
    item.refresh_from_db()
    if spot_check.closed_at is not None:
        raise ValidationError(_("Deze steekproef is afgesloten; de uitkomsten liggen vast."))
    errors = spot_check_outcome_errors(outcome=outcome, remark=remark)
    if errors:
        raise ValidationError(errors)
    remark = remark.strip()
    before = {"outcome": item.outcome, "remark": item.remark}
    after = {"outcome": outcome, "remark": remark}
    if before == after:
        return item
    item.outcome, item.remark = outcome, remark
    item.recorded_by, item.recorded_at = user, timezone.now()
    item.full_clean()
    item.save()
    audit_log(
        SPOT_CHECK_OUTCOME_RECORDED,
        actor=user,
        organisation=spot_check.organisation,
        request=request,
        spot_check=spot_check.pk,
        consent=item.consent_id,
        before=before,
        after=after,
    )
    if not spot_check.items.filter(outcome="").exists():
        spot_check.closed_at = timezone.now()
        spot_check.save(update_fields=["closed_at"])
        audit_log(
            SPOT_CHECK_CLOSED,
            actor=user,
            organisation=spot_check.organisation,
            request=request,
            spot_check=spot_check.pk,
            niet_in_orde=spot_check.items.filter(outcome=Outcome.NIET_IN_ORDE).count(),
            before={"closed_at": None},
            after={"closed_at": spot_check.closed_at.isoformat()},
        )
    return item


def _sanction_checked(*, organisation: Organisation, kind: str, note: str, spot_check: SpotCheck | None) -> str:
    if kind not in SanctionKind.values:
        raise ValidationError({"kind": _("Kies misbruik of onzorgvuldig gebruik.")})
    if spot_check is not None and spot_check.organisation_id != organisation.pk:
        raise ValidationError(_("Deze steekproef hoort bij een andere organisatie."))
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Leg vast wat er is gebeurd en met wie er contact is geweest.")})
    return note


def _sanction_record(
    *,
    user: User,
    organisation: Organisation,
    kind: str,
    decision: str,
    note: str,
    spot_check: SpotCheck | None,
    request: HttpRequest | None,
    **change: dict[str, bool],
) -> OrganisationSanction:
    """The decision (warning or suspension) as a sanction row, and its audit event."""
    sanction = OrganisationSanction.objects.create(
        organisation=organisation, kind=kind, decision=decision, spot_check=spot_check, note=note, decided_by=user
    )
    audit_log(
        ORGANISATION_SUSPENDED if decision == OrganisationSanction.Decision.OPGESCHORT else ORGANISATION_WARNED,
        actor=user,
        organisation=organisation,
        request=request,
        sanction=sanction.pk,
        kind=kind,
        spot_check=spot_check.pk if spot_check else None,
        note=note,
        **change,
    )
    return sanction


@transaction.atomic
def organisation_warn(
    *,
    user: User,
    organisation_id: int,
    kind: str,
    note: str,
    spot_check: SpotCheck | None = None,
    request: HttpRequest | None = None,
) -> OrganisationSanction:
    """CIZ contacted the organisation about careless use and warned it: the first step before a suspension."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    note = _sanction_checked(organisation=organisation, kind=kind, note=note, spot_check=spot_check)
    return _sanction_record(
        user=user,
        organisation=organisation,
        kind=kind,
        decision=OrganisationSanction.Decision.WAARSCHUWING,
        note=note,
        spot_check=spot_check,
        request=request,
    )


@transaction.atomic
def organisation_suspend(
    *,
    user: User,
    organisation_id: int,
    kind: str,
    note: str,
    spot_check: SpotCheck | None = None,
    request: HttpRequest | None = None,
) -> OrganisationSanction:
    """'Organisatie opschorten' (DOMAIN.md §2.4): misuse closes access at once, by a staff decision; careless use
    only when selectors.suspension_advice says it happened again after contact. Its users can then no longer log
    in (accounts.services.login_refusal) nor submit (selectors.submit_refusal)."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    note = _sanction_checked(organisation=organisation, kind=kind, note=note, spot_check=spot_check)
    if organisation.is_suspended:
        raise ValidationError(_("De toegang van %(name)s is al opgeschort.") % {"name": organisation.name})
    if kind == SanctionKind.ONZORGVULDIG:
        advice = selectors.suspension_advice(organisation)
        if not advice.advised:
            raise ValidationError(
                _(
                    "Bij onzorgvuldig gebruik wordt de toegang pas opgeschort na contact en herhaling: ten minste "
                    "%(threshold)s steekproeven met 'niet in orde', waarvan één na een waarschuwing. Deze organisatie "
                    "had tot nu toe %(failed)s, en %(since)s na een waarschuwing."
                )
                % {
                    "threshold": advice.threshold,
                    "failed": advice.failed_spot_checks,
                    "since": advice.failed_since_warning,
                }
            )
    organisation.is_suspended = True
    organisation.save(update_fields=["is_suspended"])
    return _sanction_record(
        user=user,
        organisation=organisation,
        kind=kind,
        decision=OrganisationSanction.Decision.OPGESCHORT,
        note=note,
        spot_check=spot_check,
        request=request,
        before={"is_suspended": False},
        after={"is_suspended": True},
    )


def spot_check_clients(spot_check: SpotCheck) -> list[tuple[str, ClientConsent]]:
    """The clients a spot check shows: one per drawn consent, with that consent (the admin logs these)."""
    return [(item.consent.client_bsn, item.consent) for item in selectors.spot_check_items(spot_check)]


def spot_check_access(*, user: User, spot_check: SpotCheck, changed: bool, request: HttpRequest | None) -> None:
    """CIZ staff opening (or saving) a spot check see its drawn declarations: one access-log row per consent."""
    clients_access_by_staff(user=user, clients=spot_check_clients(spot_check), changed=changed, request=request)
