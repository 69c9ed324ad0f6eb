"""The rules of each application type, read-only: the fields a complete application needs, the answers that
contradict each other, and the attachments it needs. Pure functions of an application that write nothing; the forms,
the review page and aanvraag_submit ask them."""

from collections.abc import Callable
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from aanvragen import steps
from aanvragen.choices import (
    FAMILIE_ROLLEN,
    VOORKEUR_MET_VERBLIJF,
    WZD_MACHTIGERS,
    AanvraagSoort,
    AanvragerRol,
    BijlageSoort,
    PartnerRelatie,
    WlzAanvraagType,
)
from aanvragen.models.aanvraag import Aanvraag

# The required fields of each type, each with its message, come from the step declarations (aanvragen/steps.py).
CLIENT_REQUIRED = steps.CLIENT.required
AANVRAGER_REQUIRED = steps.AANVRAGER.required
WLZ_REQUIRED = steps.required_by_flow(AanvraagSoort.WLZ)
# The art. 21 part; a combination asks it after the Wlz part, which already holds the diagnosis.
ARTIKEL_21_REQUIRED = steps.required_by_flow(steps.COMBINATIE, beyond=AanvraagSoort.WLZ)
WZD_REQUIRED = steps.required_by_flow(AanvraagSoort.WZD_ARTIKEL_21)
PARTNERVERBLIJF_REQUIRED = steps.required_by_flow(AanvraagSoort.PARTNERVERBLIJF)
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


# Every rule takes the application, whether it must be complete ('Verder', 'Indienen') or may still be a concept, and
# the day it is judged on; it answers field → Dutch message for what it finds wrong, or nothing.
Rule = Callable[..., dict[str, str]]


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
    rules apply to whatever has been filled in, also for a concept. A combination gets both sets of rules; a missing
    field's message comes first, then each type's own, then the rules of every type, which say more."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if complete:
        required = aanvraag_required(aanvraag)
        errors.update(
            {name: message for name, message in required.items() if getattr(aanvraag, name) in ("", None, [])}
        )
    for type_errors in _type_rules(aanvraag):
        for name, message in type_errors(aanvraag, complete=complete, today=today).items():
            errors.setdefault(name, message)
    for rule in EVERY_TYPE_RULES:
        errors.update(rule(aanvraag, complete=complete, today=today))
    return errors


def _type_rules(aanvraag: Aanvraag) -> list[Rule]:
    rule_sets = []
    if has_wlz(aanvraag):
        rule_sets.append(wlz_errors)
    if has_artikel_21(aanvraag):
        rule_sets.append(artikel_21_errors)
    if aanvraag.soort == AanvraagSoort.PARTNERVERBLIJF:
        rule_sets.append(partnerverblijf_errors)
    return rule_sets


def _apply(rules: tuple[Rule, ...], a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    for rule in rules:
        for name, message in rule(a, complete=complete, today=today).items():
            errors.setdefault(name, message)
    return errors


# --- Every type ---------------------------------------------------------------------------------------------------


def rule_wettelijk_vertegenwoordiger_declared(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    if a.aanvrager_rol == AanvragerRol.WETTELIJK_VERTEGENWOORDIGER and a.heeft_wettelijk_vertegenwoordiger is False:
        return {
            "heeft_wettelijk_vertegenwoordiger": _(
                "U kiest een wettelijk vertegenwoordiger als ondertekenaar. Geef dan ook aan dat de cliënt er een "
                "heeft."
            )
        }
    return {}


def rule_contactpersoon_relatie(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    return {
        f"{prefix}_relatie": _("Kies de relatie van de contactpersoon tot de cliënt.")
        for prefix in ("contactpersoon", "contactpersoon2")
        if getattr(a, f"{prefix}_naam").strip() and not getattr(a, f"{prefix}_relatie")
    }


EVERY_TYPE_RULES: tuple[Rule, ...] = (rule_wettelijk_vertegenwoordiger_declared, rule_contactpersoon_relatie)


# --- Reguliere Wlz-aanvraag: the Wlz application form ---------------------------------------------------------------


def rule_herindicatie_current_profile(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    if complete and a.wlz_type == WlzAanvraagType.HERINDICATIE and not a.huidig_zorgprofiel:
        return {"huidig_zorgprofiel": _("Kies het huidige zorgprofiel van de cliënt.")}
    return {}


def rule_urgent_reason(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    if complete and a.urgent and not a.urgent_reason.strip():
        return {"urgent_reason": _("Licht toe welke bijzondere omstandigheden er zijn.")}
    return {}


def rule_machtiging_names_behandelaar(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if complete and a.machtiging_behandelaar:
        if not a.behandelaar_naam.strip():
            errors["behandelaar_naam"] = _("Vul de naam van de behandelaar in: de cliënt geeft een machtiging.")
        if not a.behandelaar_functie.strip():
            errors["behandelaar_functie"] = _("Vul de functie van de behandelaar in: de cliënt geeft een machtiging.")
    return errors


def rule_wlz_signer(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    """Who may sign the Wlz part (the Wlz application form), with the family exception of a combination."""
    if not (a.client_date_of_birth and a.aanvrager_rol):
        return {}
    message = _wlz_signer_error(a, minor=age_on(a.client_date_of_birth, today) < 18)
    return {"aanvrager_rol": message} if message else {}


def _wlz_signer_error(a: Aanvraag, *, minor: bool) -> str | None:
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


def rule_combinatie_family_herindicatie_is_renewal(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    """The signer's family rule again, shown on the art. 21 step too, where the renewal is answered."""
    if (
        a.combinatie
        and a.wlz_type == WlzAanvraagType.HERINDICATIE
        and a.aanvrager_rol in FAMILIE_ROLLEN
        and a.wzd_verlenging is False
    ):
        return {
            "wzd_verlenging": _(
                "Familie ondertekent een herindicatie zonder machtiging alleen als de cliënt al een Wzd-besluit "
                "heeft (een verlenging). Kies anders bij de aanvrager 'Gemachtigde'."
            )
        }
    return {}


def rule_opnamedatum_only_with_verblijf(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    if a.opnamedatum and a.voorkeur_client not in VOORKEUR_MET_VERBLIJF:
        return {"opnamedatum": _("Een opnamedatum vult u alleen in bij verblijf in een instelling.")}
    return {}


def rule_diagnose_not_before_birth(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    if a.client_date_of_birth and a.diagnose_datum and a.diagnose_datum < a.client_date_of_birth:
        return {"diagnose_datum": _("De datum van de diagnose ligt vóór de geboortedatum van de cliënt.")}
    return {}


WLZ_RULES: tuple[Rule, ...] = (
    rule_herindicatie_current_profile,
    rule_urgent_reason,
    rule_machtiging_names_behandelaar,
    rule_wlz_signer,
    rule_combinatie_family_herindicatie_is_renewal,
    rule_opnamedatum_only_with_verblijf,
    rule_diagnose_not_before_birth,
)


def wlz_errors(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    """The Wlz application (also the Wlz part of a combination)."""
    return _apply(WLZ_RULES, a, complete=complete, today=today)


# --- Wzd-toets artikel 21: Wzd art. 21 and 22 (age, who may apply, machtiging, renewal) ----------------------------


def rule_wzd_minimum_age(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    if a.client_date_of_birth and age_on(a.client_date_of_birth, today) < WZD_MINIMUM_AGE:
        return {
            "client_date_of_birth": _(
                "De cliënt moet op de datum van de aanvraag 12 jaar of ouder zijn voor een artikel 21-aanvraag."
            )
        }
    return {}


def rule_wzd_applicant(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    """Who may apply (Wzd art. 22 lid 1): never the client; the provider and the Wzd-functionaris only for a client
    already in care; a parent or guardian only for a minor."""
    rol = a.aanvrager_rol
    if rol == AanvragerRol.CLIENT:
        message = _("De cliënt kan een artikel 21-aanvraag nooit zelf doen. Kies wie de aanvraag doet.")
    elif rol == AanvragerRol.ZORGAANBIEDER and a.verblijft_in_accommodatie is not True:
        message = _("De zorgaanbieder mag de aanvraag alleen doen als de cliënt al in een accommodatie verblijft.")
    elif rol == AanvragerRol.WZD_FUNCTIONARIS and not (a.verblijft_in_accommodatie or a.zorgplan_onvrijwillige_zorg):
        message = _(
            "De Wzd-functionaris mag de aanvraag alleen doen als de cliënt al in een accommodatie verblijft of een "
            "zorgplan met onvrijwillige zorg heeft."
        )
    elif rol in MINOR_SIGNERS and a.client_date_of_birth and age_on(a.client_date_of_birth, today) >= 18:
        message = _(
            "De cliënt is 18 jaar of ouder. Een ouder met gezag of voogd doet de aanvraag alleen voor een minderjarige."
        )
    else:
        return {}
    return {"aanvrager_rol": message}


def rule_wzd_machtiging_door(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    """Only a gemachtigde names who authorised them, and only WZD_MACHTIGERS may authorise."""
    if a.aanvrager_rol != AanvragerRol.GEMACHTIGDE:
        if a.wzd_machtiging_door:
            return {"wzd_machtiging_door": _("Vul dit alleen in als een gemachtigde de aanvraag doet.")}
        return {}
    if a.wzd_machtiging_door in (AanvragerRol.ZORGAANBIEDER, AanvragerRol.WZD_FUNCTIONARIS):
        return {"wzd_machtiging_door": _("De zorgaanbieder en de Wzd-functionaris mogen niemand machtigen.")}
    if a.wzd_machtiging_door and a.wzd_machtiging_door not in WZD_MACHTIGERS:
        return {
            "wzd_machtiging_door": _(
                "Alleen de partner, de vertegenwoordiger of een meerderjarig familielid mag iemand machtigen."
            )
        }
    if complete and not a.wzd_machtiging_door:
        return {"wzd_machtiging_door": _("Kies wie de gemachtigde heeft gemachtigd.")}
    return {}


def rule_wzd_verlenging_in_accommodatie(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    if a.wzd_verlenging and a.verblijft_in_accommodatie is False:
        return {
            "wzd_verlenging": _(
                "Een verlenging kan alleen als de cliënt al op grond van een artikel 21-besluit in een accommodatie "
                "verblijft."
            )
        }
    return {}


def rule_wzd_huidig_besluit_tot(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    """A renewal names until when the current decision is valid; anything else does not."""
    if a.wzd_verlenging:
        if complete and not a.wzd_huidig_besluit_tot:
            return {"wzd_huidig_besluit_tot": _("Vul in tot en met wanneer het huidige besluit geldig is.")}
    elif a.wzd_huidig_besluit_tot:
        return {"wzd_huidig_besluit_tot": _("Vul deze datum alleen in bij een verlenging.")}
    return {}


ARTIKEL_21_RULES: tuple[Rule, ...] = (
    rule_wzd_minimum_age,
    rule_wzd_applicant,
    rule_wzd_machtiging_door,
    rule_wzd_verlenging_in_accommodatie,
    rule_wzd_huidig_besluit_tot,
)


def artikel_21_errors(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    """The art. 21 application (also the art. 21 part of a combination)."""
    return _apply(ARTIKEL_21_RULES, a, complete=complete, today=today)


# --- Partnerverblijf: who counts as partner (Wlz art. 3.1.2) -------------------------------------------------------


def rule_partner_not_client(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    if a.partner_bsn and a.partner_bsn == a.client_bsn:
        return {"client_bsn": _("Het BSN van de cliënt is gelijk aan dat van de partner.")}
    return {}


def rule_shared_household_partner_adult(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    if (
        a.partner_relatie == PartnerRelatie.GEDEELDE_HUISHOUDING
        and a.partner_date_of_birth
        and age_on(a.partner_date_of_birth, today) < 18
    ):
        return {"partner_date_of_birth": _("Bij een gedeelde huishouding moet de partner meerderjarig zijn.")}
    return {}


def rule_shared_household_verklaring(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    """A shared household needs the declaration; a marriage or registered partnership does not take it."""
    if a.partner_relatie == PartnerRelatie.GEDEELDE_HUISHOUDING:
        if complete and not a.partner_verklaring:
            return {
                "partner_verklaring": _(
                    "Bij een gedeelde huishouding verklaart u dat beiden meerderjarig en ongehuwd zijn en geen "
                    "bloedverwanten in de eerste graad."
                )
            }
    elif a.partner_verklaring and a.partner_relatie:
        return {"partner_verklaring": _("Deze verklaring hoort alleen bij een gedeelde huishouding.")}
    return {}


PARTNERVERBLIJF_RULES: tuple[Rule, ...] = (
    rule_partner_not_client,
    rule_shared_household_partner_adult,
    rule_shared_household_verklaring,
)


def partnerverblijf_errors(a: Aanvraag, *, complete: bool, today: date) -> dict[str, str]:
    return _apply(PARTNERVERBLIJF_RULES, a, complete=complete, today=today)


# --- Submitting ---------------------------------------------------------------------------------------------------


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
    """Attachments a complete application of this type needs, as the application forms ask them: each entry one kind,
    or kinds of which one is enough."""
    rol = aanvraag.aanvrager_rol
    if aanvraag.soort == AanvraagSoort.PARTNERVERBLIJF:
        return [(BijlageSoort.PARTNER_FORMULIER,)]
    needed = [(BijlageSoort.DIAGNOSE,)]
    if rol == AanvragerRol.GEMACHTIGDE:
        needed.append((BijlageSoort.MACHTIGING,))
    if rol in (AanvragerRol.WETTELIJK_VERTEGENWOORDIGER, AanvragerRol.VOOGD):
        needed.append((BijlageSoort.BEWIJS_VERTEGENWOORDIGING,))
    if aanvraag.soort == AanvraagSoort.WZD_ARTIKEL_21 and rol in FAMILIE_ROLLEN:
        # A family applicant of art. 21 sends proof of representation or a machtiging. Not in a combination: there
        # family applies without a machtiging (the CIZ FAQ 'machtigen bij combinatie-aanvraag').
        needed.append((BijlageSoort.BEWIJS_VERTEGENWOORDIGING, BijlageSoort.MACHTIGING))
    if has_artikel_21(aanvraag) and aanvraag.zorgplan_onvrijwillige_zorg:
        needed.append((BijlageSoort.ZORGPLAN,))
    if aanvraag.combinatie and rol in (AanvragerRol.ZORGAANBIEDER, AanvragerRol.WZD_FUNCTIONARIS):
        needed.append((BijlageSoort.MACHTIGING_COMBINATIE,))
    return needed


def bijlagen_missing(aanvraag: Aanvraag) -> list[str]:
    """A message per needed attachment kind the application has none of (reads its attachments, writes nothing)."""
    present = set(aanvraag.bijlagen.values_list("soort", flat=True))
    return [
        _("Voeg een bijlage toe van de soort %(soort)s.")
        % {"soort": _(" of ").join(f"'{BijlageSoort(kind).label}'" for kind in kinds)}
        for kinds in bijlagen_needed(aanvraag)
        if present.isdisjoint(kinds)
    ]
