"""The choices of aanvragen: the application types, the iWlz code lists, the consents and access-log actions, and the
application's statuses, signers and attachment kinds."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.choices import Profile

# Every code list made by code_list, in order. Its labels are data, which makemessages cannot see:
# scripts/messages.py adds them to the catalog from here.
CODE_LISTS: list[type[models.TextChoices]] = []


def code_list(name: str, doc: str, table: str) -> type[models.TextChoices]:
    """TextChoices from a code list written as data: a row per code with the code, the member's name and the Dutch
    label, separated by two or more spaces."""
    rows = [re.split(r"\s{2,}", row.strip(), maxsplit=2) for row in table.strip().splitlines()]
    choices = models.TextChoices(name, [(member, (code, _(label))) for code, member, label in rows], module=__name__)
    choices.__doc__ = doc
    CODE_LISTS.append(choices)
    return choices


class AanvraagSoort(models.TextChoices):
    """The application types an organisation's profile can allow (the profile's 'Actieve rollen')."""

    WLZ = "wlz", _("Reguliere Wlz-aanvraag")
    WZD_ARTIKEL_21 = "wzd21", _("Wzd-toets artikel 21-aanvraag")
    PARTNERVERBLIJF = "partnerverblijf", _("Partnerverblijf")


# What each organisation profile allows ('Actieve rollen'). The one place this rule lives.
PROFILE_AANVRAAGSOORTEN = {
    Profile.BASIS: (AanvraagSoort.WLZ, AanvraagSoort.WZD_ARTIKEL_21),
    Profile.VOLLEDIG: (AanvraagSoort.WLZ, AanvraagSoort.WZD_ARTIKEL_21, AanvraagSoort.PARTNERVERBLIJF),
}
# How the profile's 'Actieve rollen' name each type.
ROLE_LABELS = {
    AanvraagSoort.WLZ: _("Reguliere Wlz-aanvragen"),
    AanvraagSoort.WZD_ARTIKEL_21: _("Wzd-toets artikel 21-aanvragen"),
    AanvraagSoort.PARTNERVERBLIJF: _("Partnerverblijf"),
}


# --- iWlz code lists (iStandaarden, iWlz-codelijsten): code, member, label ------------------------------


Zorgprofiel = code_list(
    "Zorgprofiel",
    "COD163 zorgzwaartepakket / zorgprofiel.",
    """
    750  VV1               1VV
    751  VV2               2VV
    752  VV3               3VV
    753  VV4               4VV beschut wonen, intensieve begeleiding en uitgebreide verzorging
    754  VV5               5VV beschermd wonen, intensieve dementiezorg
    755  VV6               6VV beschermd wonen, intensieve verzorging en verpleging
    756  VV7               7VV zeer intensieve zorg, nadruk op begeleiding
    757  VV8               8VV zeer intensieve zorg, nadruk op verzorging/verpleging
    758  VV9               9VV herstelgerichte behandeling
    190  VV9A              9VV A geriatrische revalidatie
    191  VV9B              9VV B herstelgerichte behandeling
    759  VV10              10VV palliatief-terminaal
    800  VG1               1VG
    802  VG2               2VG
    804  VG3               3VG
    806  VG4               4VG
    808  VG5               5VG
    810  VG6               6VG
    812  VG7               7VG
    814  VG8               8VG
    820  LG1               1LG
    822  LG2               2LG
    824  LG3               3LG
    826  LG4               4LG
    828  LG5               5LG
    830  LG6               6LG
    832  LG7               7LG
    780  LVG1              1LVG
    781  LVG2              2LVG
    782  LVG3              3LVG
    783  LVG4              4LVG
    784  LVG5              5LVG
    790  SGLVG1            1SGLVG
    840  ZGVIS1            1ZGvis
    842  ZGVIS2            2ZGvis
    844  ZGVIS3            3ZGvis
    846  ZGVIS4            4ZGvis
    848  ZGVIS5            5ZGvis
    850  ZGAUD1            1ZGaud
    852  ZGAUD2            2ZGaud
    854  ZGAUD3            3ZGaud
    856  ZGAUD4            4ZGaud
    860  GGZB1             1GGZ B
    862  GGZB2             2GGZ B
    864  GGZB3             3GGZ B
    766  GGZB4             4GGZ B
    768  GGZB5             5GGZ B
    770  GGZB6             6GGZ B
    772  GGZB7             7GGZ B
    760  GGZC1             1GGZ C
    762  GGZC2             2GGZ C
    764  GGZC3             3GGZ C
    866  GGZC4             4GGZ C
    868  GGZC5             5GGZ C
    870  GGZC6             6GGZ C
    880  GGZW1             1GGZ W
    882  GGZW2             2GGZ W
    884  GGZW3             3GGZ W
    886  GGZW4             4GGZ W
    888  GGZW5             5GGZ W
    996  WLZ_INDICEERBAAR  Wlz-indiceerbaar
    999  ZZP0              ZZP0: Partnerverblijf
    """,
)


Leveringsvorm = code_list(
    "Leveringsvorm",
    "COD578 leveringsvorm.",
    """
    2  PGB            PGB
    4  VERBLIJF       Verblijf
    5  VPT            VPT (volledig pakket thuis)
    7  MPT            MPT (modulair pakket thuis)
    8  DTV            Deeltijdverblijf
    9  VERKEERDE_BED  Verkeerde bed
    """,
)


VoorkeurClient = code_list(
    "VoorkeurClient",
    "COD999 voorkeur cliënt (the care wish on the application).",
    """
    2   PGB               PGB
    3   ZORG_THUIS        Zorg thuis (nog niet gekozen hoe)
    4   VERBLIJF          Verblijf in een instelling
    5   VPT               VPT (volledig pakket thuis)
    6   PGB_MPT           PGB en MPT
    7   MPT               MPT (modulair pakket thuis)
    8   VPT_PGB           VPT en PGB
    9   VERBLIJF_PGB      Verblijf en PGB
    10  DEELTIJDVERBLIJF  Deeltijdverblijf
    """,
)


# An opnamedatum only makes sense when the client is admitted to an instelling (the Wlz application form).
VOORKEUR_MET_VERBLIJF = {VoorkeurClient.VERBLIJF, VoorkeurClient.VERBLIJF_PGB, VoorkeurClient.DEELTIJDVERBLIJF}


Grondslag = code_list(
    "Grondslag",
    "COD736 grondslag.",
    """
    01  SOMATISCH          Somatische aandoening
    02  PSYCHOGERIATRISCH  Psychogeriatrische aandoening
    03  PSYCHIATRISCH      Psychische stoornis
    04  LICHAMELIJK        Lichamelijke handicap
    05  VERSTANDELIJK      Verstandelijke handicap
    06  ZINTUIGLIJK        Zintuiglijke handicap
    07  PSYCHOSOCIAAL      Psychosociaal
    """,
)


Prognose = code_list(
    "Prognose",
    "COD737 prognose.",
    """
    1  HERSTEL               Volledig herstel binnen 1 jaar
    2  GEDEELTELIJK_HERSTEL  Gedeeltelijk herstel binnen 1 jaar
    3  STABIEL               Stabiel
    4  VERSLECHTERING        Verslechtering verwacht binnen 1 jaar
    5  ONBEKEND              Onbekend
    """,
)


Relatie = code_list(
    "Relatie",
    "COD472 soort relatie (the ones that occur on a Wlz application).",
    """
    partner             PARTNER             Partner
    ouder               OUDER               Ouder
    kind                KIND                Zoon of dochter
    familielid          FAMILIELID          Ander familielid
    mentor              MENTOR              Mentor
    curator             CURATOR             Curator
    bewindvoerder       BEWINDVOERDER       Bewindvoerder
    voogd               VOOGD               Voogd
    mantelzorger        MANTELZORGER        Mantelzorger
    buur                BUUR                Buurman of buurvrouw
    vriend              VRIEND              Vriend of vriendin
    clientondersteuner  CLIENTONDERSTEUNER  Cliëntondersteuner
    huisarts            HUISARTS            Huisarts
    zorgaanbieder       ZORGAANBIEDER       Medewerker zorgaanbieder
    """,
)


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


# What the access log records. Each consent is also the one action it allows, under the same name and label.
AccessAction = models.TextChoices(
    "AccessAction",
    [
        ("ZOEKEN", ("zoeken", _("Cliënt zoeken op BSN"))),
        *((kind.name, (kind.value, kind.label)) for kind in ConsentKind),
        ("AANVRAAG_INZIEN", ("aanvraag_inzien", _("Aanvraag inzien"))),
        ("BIJLAGE_DOWNLOADEN", ("bijlage_downloaden", _("Bijlage downloaden"))),
        ("CIZ_INZIEN", ("ciz_inzien", _("CIZ-medewerker bekijkt cliënt in het CIZ-beheer"))),
        ("CIZ_WIJZIGEN", ("ciz_wijzigen", _("CIZ-medewerker wijzigt cliënt in het CIZ-beheer"))),
        ("INZAGEVERZOEK", ("inzageverzoek", _("CIZ-medewerker maakt het overzicht voor een inzageverzoek"))),
    ],
    module=__name__,
)


class AccessOutcome(models.TextChoices):
    FOUND = "gevonden", _("Gevonden")
    NOT_FOUND = "niet_gevonden", _("Niet gevonden")


# --- The application --------------------------------------------------------------------------------


class AanvraagStatus(models.TextChoices):
    """From concept to CIZ's decision; while 'onvolledig' the decision term is suspended."""

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
    """Who signs the application: for Wlz as the CIZ's signing rules say, for art. 21 as Wzd art. 22 lid 1 says."""

    CLIENT = "client", _("De cliënt zelf")
    WETTELIJK_VERTEGENWOORDIGER = (
        "wettelijk_vertegenwoordiger",
        _("Wettelijk vertegenwoordiger (mentor, curator, volmacht of levenstestament)"),
    )
    GEMACHTIGDE = "gemachtigde", _("Gemachtigde (met machtigingsformulier)")
    OUDER_MET_GEZAG = "ouder_met_gezag", _("Ouder met gezag")
    VOOGD = "voogd", _("Voogd")
    # The other aanvragers of Wzd art. 22 lid 1; partner and family also sign a combination.
    PARTNER = "partner", _("Echtgenoot, geregistreerd partner of levensgezel")
    FAMILIELID = "familielid", _("Meerderjarig familielid tot en met de tweede graad")
    ZORGAANBIEDER = "zorgaanbieder", _("De zorgaanbieder (uw organisatie)")
    WZD_FUNCTIONARIS = "wzd_functionaris", _("De Wzd-functionaris")


A = AanvragerRol
# Who may sign each kind of application; the form shows these, rules.aanvraag_errors explains a wrong choice.
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
# Family may sign a combination's Wlz part without a machtiging (CIZ's extra signing agreements for the Wlz).
FAMILIE_ROLLEN = (A.PARTNER, A.FAMILIELID)
# Only these may authorise someone else for an art. 21 application; the provider and Wzd-functionaris may not.
WZD_MACHTIGERS = (A.PARTNER, A.WETTELIJK_VERTEGENWOORDIGER, A.OUDER_MET_GEZAG, A.VOOGD, A.FAMILIELID)


WzdVerklaring = code_list(
    "WzdVerklaring",
    "COD127 WzdVerklaring: CIZ's outcome of an art. 21 application.",
    """
    1  AANGEWEZEN              1 — Opname en verblijf op grond van artikel 21 is aangewezen
    2  NIET_AANGEWEZEN         2 — Opname en verblijf is niet aangewezen
    3  NIET_AANGEWEZEN_BEREID  3 — Niet aangewezen, de cliënt is bereid
    4  NIET_AANGEWEZEN_VERZET  4 — Niet aangewezen, de cliënt verzet zich
    9  ONBEKEND                9 — Onbekend
    """,
)


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
