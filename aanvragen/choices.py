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
# How the seeds' profile table ('Actieve rollen', chapter 3.4) names each type.
ROLE_LABELS = {
    AanvraagSoort.WLZ: _("Reguliere Wlz-aanvragen"),
    AanvraagSoort.WZD_ARTIKEL_21: _("Wzd-toets artikel 21-aanvragen"),
    AanvraagSoort.PARTNERVERBLIJF: _("Partnerverblijf"),
}


# --- iWlz code lists (DOMAIN.md §5) -----------------------------------------------------------------


class Zorgprofiel(models.TextChoices):
    """COD163 zorgzwaartepakket / zorgprofiel."""

    VV1 = "750", "1VV"
    VV2 = "751", "2VV"
    VV3 = "752", "3VV"
    VV4 = "753", _("4VV beschut wonen, intensieve begeleiding en uitgebreide verzorging")
    VV5 = "754", _("5VV beschermd wonen, intensieve dementiezorg")
    VV6 = "755", _("6VV beschermd wonen, intensieve verzorging en verpleging")
    VV7 = "756", _("7VV zeer intensieve zorg, nadruk op begeleiding")
    VV8 = "757", _("8VV zeer intensieve zorg, nadruk op verzorging/verpleging")
    VV9 = "758", _("9VV herstelgerichte behandeling")
    VV9A = "190", _("9VV A geriatrische revalidatie")
    VV9B = "191", _("9VV B herstelgerichte behandeling")
    VV10 = "759", _("10VV palliatief-terminaal")
    VG1 = "800", "1VG"
    VG2 = "802", "2VG"
    VG3 = "804", "3VG"
    VG4 = "806", "4VG"
    VG5 = "808", "5VG"
    VG6 = "810", "6VG"
    VG7 = "812", "7VG"
    VG8 = "814", "8VG"
    LG1 = "820", "1LG"
    LG2 = "822", "2LG"
    LG3 = "824", "3LG"
    LG4 = "826", "4LG"
    LG5 = "828", "5LG"
    LG6 = "830", "6LG"
    LG7 = "832", "7LG"
    LVG1 = "780", "1LVG"
    LVG2 = "781", "2LVG"
    LVG3 = "782", "3LVG"
    LVG4 = "783", "4LVG"
    LVG5 = "784", "5LVG"
    SGLVG1 = "790", "1SGLVG"
    ZGVIS1 = "840", "1ZGvis"
    ZGVIS2 = "842", "2ZGvis"
    ZGVIS3 = "844", "3ZGvis"
    ZGVIS4 = "846", "4ZGvis"
    ZGVIS5 = "848", "5ZGvis"
    ZGAUD1 = "850", "1ZGaud"
    ZGAUD2 = "852", "2ZGaud"
    ZGAUD3 = "854", "3ZGaud"
    ZGAUD4 = "856", "4ZGaud"
    GGZB1 = "860", "1GGZ B"
    GGZB2 = "862", "2GGZ B"
    GGZB3 = "864", "3GGZ B"
    GGZB4 = "766", "4GGZ B"
    GGZB5 = "768", "5GGZ B"
    GGZB6 = "770", "6GGZ B"
    GGZB7 = "772", "7GGZ B"
    GGZC1 = "760", "1GGZ C"
    GGZC2 = "762", "2GGZ C"
    GGZC3 = "764", "3GGZ C"
    GGZC4 = "866", "4GGZ C"
    GGZC5 = "868", "5GGZ C"
    GGZC6 = "870", "6GGZ C"
    GGZW1 = "880", "1GGZ W"
    GGZW2 = "882", "2GGZ W"
    GGZW3 = "884", "3GGZ W"
    GGZW4 = "886", "4GGZ W"
    GGZW5 = "888", "5GGZ W"
    WLZ_INDICEERBAAR = "996", _("Wlz-indiceerbaar")
    ZZP0 = "999", _("ZZP0: Partnerverblijf")


class Leveringsvorm(models.TextChoices):
    """COD578 leveringsvorm."""

    PGB = "2", _("PGB")
    VERBLIJF = "4", _("Verblijf")
    VPT = "5", _("VPT (volledig pakket thuis)")
    MPT = "7", _("MPT (modulair pakket thuis)")
    DTV = "8", _("Deeltijdverblijf")
    VERKEERDE_BED = "9", _("Verkeerde bed")


class VoorkeurClient(models.TextChoices):
    """COD999 voorkeur cliënt (the care wish on the application)."""

    PGB = "2", _("PGB")
    ZORG_THUIS = "3", _("Zorg thuis (nog niet gekozen hoe)")
    VERBLIJF = "4", _("Verblijf in een instelling")
    VPT = "5", _("VPT (volledig pakket thuis)")
    PGB_MPT = "6", _("PGB en MPT")
    MPT = "7", _("MPT (modulair pakket thuis)")
    VPT_PGB = "8", _("VPT en PGB")
    VERBLIJF_PGB = "9", _("Verblijf en PGB")
    DEELTIJDVERBLIJF = "10", _("Deeltijdverblijf")


# An opnamedatum only makes sense when the client is admitted to an instelling (DOMAIN.md §4.1).
VOORKEUR_MET_VERBLIJF = {VoorkeurClient.VERBLIJF, VoorkeurClient.VERBLIJF_PGB, VoorkeurClient.DEELTIJDVERBLIJF}


class Grondslag(models.TextChoices):
    """COD736 grondslag."""

    SOMATISCH = "01", _("Somatische aandoening")
    PSYCHOGERIATRISCH = "02", _("Psychogeriatrische aandoening")
    PSYCHIATRISCH = "03", _("Psychische stoornis")
    LICHAMELIJK = "04", _("Lichamelijke handicap")
    VERSTANDELIJK = "05", _("Verstandelijke handicap")
    ZINTUIGLIJK = "06", _("Zintuiglijke handicap")
    PSYCHOSOCIAAL = "07", _("Psychosociaal")


class Prognose(models.TextChoices):
    """COD737 prognose."""

    HERSTEL = "1", _("Volledig herstel binnen 1 jaar")
    GEDEELTELIJK_HERSTEL = "2", _("Gedeeltelijk herstel binnen 1 jaar")
    STABIEL = "3", _("Stabiel")
    VERSLECHTERING = "4", _("Verslechtering verwacht binnen 1 jaar")
    ONBEKEND = "5", _("Onbekend")


class Relatie(models.TextChoices):
    """COD472 soort relatie (the ones that occur on a Wlz application)."""

    PARTNER = "partner", _("Partner")
    OUDER = "ouder", _("Ouder")
    KIND = "kind", _("Zoon of dochter")
    FAMILIELID = "familielid", _("Ander familielid")
    MENTOR = "mentor", _("Mentor")
    CURATOR = "curator", _("Curator")
    BEWINDVOERDER = "bewindvoerder", _("Bewindvoerder")
    VOOGD = "voogd", _("Voogd")
    MANTELZORGER = "mantelzorger", _("Mantelzorger")
    BUUR = "buur", _("Buurman of buurvrouw")
    VRIEND = "vriend", _("Vriend of vriendin")
    CLIENTONDERSTEUNER = "clientondersteuner", _("Cliëntondersteuner")
    HUISARTS = "huisarts", _("Huisarts")
    ZORGAANBIEDER = "zorgaanbieder", _("Medewerker zorgaanbieder")


class Geslacht(models.TextChoices):
    MAN = "M", _("Man")
    VROUW = "V", _("Vrouw")
    ONBEKEND = "O", _("Onbekend")


# --- Consents and the access log -------------------------------------------------------------------


class ConsentKind(models.TextChoices):
    """The three separate consents of the FAQ; one never implies another."""

    NAW_INZIEN = "naw_inzien", _("NAW-gegevens inzien")
    INDICATIE_RAADPLEGEN = "indicatie_raadplegen", _("Indicatie raadplegen")
    INDICATIEGEGEVENS_OVERNEMEN = "indicatiegegevens_overnemen", _("Indicatiegegevens overnemen")


class ConsentGivenBy(models.TextChoices):
    CLIENT = "client", _("Cliënt")
    WETTELIJK_VERTEGENWOORDIGER = "wettelijk_vertegenwoordiger", _("Wettelijk vertegenwoordiger")
    GEMACHTIGDE = "gemachtigde", _("Gemachtigde")


class AccessAction(models.TextChoices):
    ZOEKEN = "zoeken", _("Cliënt zoeken op BSN")
    NAW_INZIEN = "naw_inzien", _("NAW-gegevens inzien")
    INDICATIE_RAADPLEGEN = "indicatie_raadplegen", _("Indicatie raadplegen")
    INDICATIEGEGEVENS_OVERNEMEN = "indicatiegegevens_overnemen", _("Indicatiegegevens overnemen")
    AANVRAAG_INZIEN = "aanvraag_inzien", _("Aanvraag inzien")
    BIJLAGE_DOWNLOADEN = "bijlage_downloaden", _("Bijlage downloaden")
    CIZ_INZIEN = "ciz_inzien", _("CIZ-medewerker bekijkt cliënt in het CIZ-beheer")
    CIZ_WIJZIGEN = "ciz_wijzigen", _("CIZ-medewerker wijzigt cliënt in het CIZ-beheer")


class AccessOutcome(models.TextChoices):
    FOUND = "gevonden", _("Gevonden")
    NOT_FOUND = "niet_gevonden", _("Niet gevonden")


# --- The application --------------------------------------------------------------------------------


class AanvraagStatus(models.TextChoices):
    """DOMAIN.md §7."""

    CONCEPT = "concept", _("Concept")
    INGEDIEND = "ingediend", _("Ingediend")
    ONVOLLEDIG = "onvolledig", _("Onvolledig (termijn opgeschort)")
    IN_BEHANDELING = "in_behandeling", _("In behandeling")
    HUISBEZOEK_GEPLAND = "huisbezoek_gepland", _("Huisbezoek gepland")
    BESLUIT_GENOMEN = "besluit_genomen", _("Besluit genomen")
    AFGESLOTEN = "afgesloten", _("Afgesloten")
    INGETROKKEN = "ingetrokken", _("Ingetrokken")
    NIET_IN_BEHANDELING = "niet_in_behandeling", _("Niet in behandeling genomen")


S = AanvraagStatus
# The status changes CIZ staff may make in the admin; submitting (concept → ingediend) is aanvraag_submit's.
STATUS_TRANSITIONS = {
    S.INGEDIEND: (S.ONVOLLEDIG, S.IN_BEHANDELING, S.INGETROKKEN),
    S.ONVOLLEDIG: (S.IN_BEHANDELING, S.INGETROKKEN, S.NIET_IN_BEHANDELING),
    S.IN_BEHANDELING: (S.ONVOLLEDIG, S.HUISBEZOEK_GEPLAND, S.BESLUIT_GENOMEN, S.INGETROKKEN),
    S.HUISBEZOEK_GEPLAND: (S.ONVOLLEDIG, S.BESLUIT_GENOMEN, S.INGETROKKEN),
    S.BESLUIT_GENOMEN: (S.AFGESLOTEN,),
    S.AFGESLOTEN: (),
    S.INGETROKKEN: (),
    S.NIET_IN_BEHANDELING: (),
    S.CONCEPT: (),
}


class Besluit(models.TextChoices):
    TOEGEKEND = "toegekend", _("Toegekend")
    AFGEWEZEN = "afgewezen", _("Afgewezen")


class WlzAanvraagType(models.TextChoices):
    EERSTE_AANVRAAG = "eerste_aanvraag", _("Eerste aanvraag")
    HERINDICATIE = "herindicatie", _("Herindicatie (de zorgvraag is veranderd)")


class AanvragerRol(models.TextChoices):
    """Who signs the application (DOMAIN.md §4.1)."""

    CLIENT = "client", _("De cliënt zelf")
    WETTELIJK_VERTEGENWOORDIGER = (
        "wettelijk_vertegenwoordiger",
        _("Wettelijk vertegenwoordiger (mentor, curator, volmacht of levenstestament)"),
    )
    GEMACHTIGDE = "gemachtigde", _("Gemachtigde (met machtigingsformulier)")
    OUDER_MET_GEZAG = "ouder_met_gezag", _("Ouder met gezag")
    VOOGD = "voogd", _("Voogd")
    # The other aanvragers of Wzd art. 22 lid 1 (DOMAIN.md §4.3); partner and family also sign a combination.
    PARTNER = "partner", _("Echtgenoot, geregistreerd partner of levensgezel")
    FAMILIELID = "familielid", _("Meerderjarig familielid tot en met de tweede graad")
    ZORGAANBIEDER = "zorgaanbieder", _("De zorgaanbieder (uw organisatie)")
    WZD_FUNCTIONARIS = "wzd_functionaris", _("De Wzd-functionaris")


A = AanvragerRol
# Who may sign each kind of application; the form shows these, services.aanvraag_errors explains a wrong choice.
AANVRAGER_ROLLEN_WLZ = (A.CLIENT, A.WETTELIJK_VERTEGENWOORDIGER, A.GEMACHTIGDE, A.OUDER_MET_GEZAG, A.VOOGD)
AANVRAGER_ROLLEN_WZD = (
    A.PARTNER,
    A.WETTELIJK_VERTEGENWOORDIGER,
    A.OUDER_MET_GEZAG,
    A.VOOGD,
    A.FAMILIELID,
    A.ZORGAANBIEDER,
    A.WZD_FUNCTIONARIS,
    A.GEMACHTIGDE,
)
# Family may sign a combination's Wlz part without a machtiging (DOMAIN.md §4.1).
FAMILIE_ROLLEN = (A.PARTNER, A.FAMILIELID)
# Only these may authorise someone else for an art. 21 application; the provider and Wzd-functionaris may not.
WZD_MACHTIGERS = (A.PARTNER, A.WETTELIJK_VERTEGENWOORDIGER, A.OUDER_MET_GEZAG, A.VOOGD, A.FAMILIELID)


class WzdVerklaring(models.TextChoices):
    """COD127 WzdVerklaring: CIZ's outcome of an art. 21 application."""

    AANGEWEZEN = "1", _("1 — Opname en verblijf op grond van artikel 21 is aangewezen")
    NIET_AANGEWEZEN = "2", _("2 — Opname en verblijf is niet aangewezen")
    NIET_AANGEWEZEN_BEREID = "3", _("3 — Niet aangewezen, de cliënt is bereid")
    NIET_AANGEWEZEN_VERZET = "4", _("4 — Niet aangewezen, de cliënt verzet zich")
    ONBEKEND = "9", _("9 — Onbekend")


class PartnerRelatie(models.TextChoices):
    """Who counts as partner for Partnerverblijf (Wlz art. 3.1.2)."""

    ECHTGENOOT = "echtgenoot", _("Echtgenoot")
    GEREGISTREERD_PARTNER = "geregistreerd_partner", _("Geregistreerd partner")
    GEDEELDE_HUISHOUDING = "gedeelde_huishouding", _("Gedeelde huishouding (ongehuwd samenwonend)")


class BijlageSoort(models.TextChoices):
    DIAGNOSE = "diagnose", _("Diagnose van de behandelaar")
    ONDERTEKEND_FORMULIER = "ondertekend_formulier", _("Ondertekend aanvraagformulier")
    MACHTIGING = "machtiging", _("Machtigingsformulier")
    BEWIJS_VERTEGENWOORDIGING = (
        "bewijs_vertegenwoordiging",
        _("Bewijs van vertegenwoordiging (uitspraak rechter, volmacht of levenstestament)"),
    )
    ZORGPLAN = "zorgplan", _("Zorgplan")
    MACHTIGING_COMBINATIE = (
        "machtiging_combinatie",
        _("Machtiging 'Aanvraag combinatie Wlz en besluit tot opname en verblijf'"),
    )
    PARTNER_FORMULIER = "partner_formulier", _("Door de partner ondertekend formulier")
    OVERIG = "overig", _("Overig")
