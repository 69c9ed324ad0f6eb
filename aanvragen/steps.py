"""Every step of every application form, declared once: its fields in fieldsets with their legends, the fields a
complete application needs there with the message for each, the form class that adds widgets and cleaning, and
its template. The step forms, the 'Controleren' summary and the required fields of the submit check are derived
from these declarations. A flow is the list of steps of one kind of application; the combination has its own (Wlz
part first).

This module imports neither the forms nor the services (both import it); it reaches them inside functions."""

from dataclasses import dataclass, field, replace

from django.http import Http404
from django.urls import reverse
from django.utils import formats
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from aanvragen.choices import AanvraagSoort, BijlageSoort, Grondslag
from aanvragen.models import Aanvraag

STEP_URL = "aanvragen:step"


def _name(entry: str | tuple[str, str]) -> str:
    return entry[0] if isinstance(entry, tuple) else entry


@dataclass(frozen=True)
class Step:
    """One page of an application's form. Each fieldset is (legend, fields); a field is its name, or (name,
    message) when a complete application needs it, with the message shown while it is empty. `required` collects
    those, in the order in which 'Controleren' lists what is missing; a step made from another with replace() keeps
    the other's `required` unless it is given. The rules beyond 'required' are those of the application type
    (services.aanvraag_errors); each step shows the messages for its own fields."""

    slug: str
    title: str
    fieldsets: list[tuple[str, list]] = field(default_factory=list, repr=False)
    required: dict[str, str] | None = field(default=None, repr=False)
    form_name: str = ""  # the class in aanvragen.forms that adds the widgets, labels and cleaning of the fields
    template: str = "aanvragen/step.html"
    url_name: str = STEP_URL
    derived: tuple[str, ...] = ()  # fields a service fills in on this step: shown in the summary, not asked
    flow: str = ""  # set when the step is placed in a flow

    def __post_init__(self):
        if self.required is None:
            marked = [entry for _legend, entries in self.fieldsets for entry in entries if isinstance(entry, tuple)]
            object.__setattr__(self, "required", dict(marked))

    def __hash__(self) -> int:
        return hash((self.flow, self.slug))

    @property
    def form_fieldsets(self) -> list[tuple[str, list[str]]]:
        """The fieldsets as the step's page shows them: each legend with the names of its fields."""
        return [(legend, [_name(entry) for entry in entries]) for legend, entries in self.fieldsets]

    @property
    def fields(self) -> list[str]:
        return [name for _legend, names in self.form_fieldsets for name in names]

    @property
    def summary_fields(self) -> list[str]:
        """What 'Controleren' and the detail page show for this step: its fields, plus what a service derived."""
        return [*self.fields, *self.derived]

    @property
    def form(self):
        """The step's form class, or None for a page without one (the attachments, 'Controleren')."""
        if not self.form_name:
            return None
        from aanvragen import forms

        return getattr(forms, self.form_name)

    @property
    def steps(self) -> list["Step"]:
        return FLOWS[self.flow].steps

    @property
    def number(self) -> int:
        return self.steps.index(self) + 1

    def url(self, pk: int) -> str:
        if self.url_name == STEP_URL:
            return reverse(STEP_URL, args=[pk, self.slug])
        return reverse(self.url_name, args=[pk])

    def next_url(self, pk: int) -> str:
        return self.steps[self.number].url(pk)

    def previous_url(self, pk: int) -> str | None:
        return self.steps[self.number - 2].url(pk) if self.number > 1 else None


def required_fields(*steps: Step) -> dict[str, str]:
    """Field → message for everything the steps need, in the order of the steps."""
    required: dict[str, str] = {}
    for step in steps:
        required.update(step.required)
    return required


@dataclass(frozen=True)
class Flow:
    key: str
    title: str
    steps: list[Step]
    bijlagen_help: str
    bijlage_soorten: tuple[str, ...]

    def step(self, slug: str) -> Step:
        for step in self.steps:
            if step.slug == slug:
                return step
        raise Http404

    @property
    def required(self) -> dict[str, str]:
        """Field → message for every field a complete application of this kind needs."""
        return required_fields(*self.steps)


def _person(prefix: str, whom) -> list:
    """The name fields of a person on the application (the client, the partner), which all but the name prefix
    are required, with the message for each."""
    return [
        (f"{prefix}_bsn", format_lazy(_("Vul het BSN van {whom} in."), whom=whom)),
        (f"{prefix}_initials", format_lazy(_("Vul de voorletters van {whom} in."), whom=whom)),
        f"{prefix}_name_prefix",
        (f"{prefix}_last_name", format_lazy(_("Vul de achternaam van {whom} in."), whom=whom)),
        (f"{prefix}_date_of_birth", format_lazy(_("Vul de geboortedatum van {whom} in."), whom=whom)),
    ]


def _address(prefix: str, whom) -> list:
    """The address of a person on the application, all required."""
    return [
        (f"{prefix}_street", format_lazy(_("Vul de straat en het huisnummer van {whom} in."), whom=whom)),
        (f"{prefix}_postcode", format_lazy(_("Vul de postcode van {whom} in."), whom=whom)),
        (f"{prefix}_city", format_lazy(_("Vul de woonplaats van {whom} in."), whom=whom)),
    ]


# --- The steps (a field written (name, message) is required, with that message) -----------------------------

SOORT = Step(
    "aanvraag",
    _("Soort aanvraag"),
    fieldsets=[
        (
            _("Eerste aanvraag of herindicatie"),
            [("wlz_type", _("Kies of dit een eerste aanvraag of een herindicatie is.")), "huidig_zorgprofiel"],
        ),
        (_("Bijzondere omstandigheden"), ["urgent", "urgent_reason"]),
    ],
    form_name="SoortStepForm",
)
CLIENT = Step(
    "client",
    _("Cliënt"),
    fieldsets=[
        (
            _("Gegevens van de cliënt"),
            [*_person("client", _("de cliënt")), ("client_sex", _("Kies het geslacht van de cliënt."))],
        ),
        (_("Adres van de cliënt"), [*_address("client", _("de cliënt")), "client_zorgverzekeraar"]),
    ],
    form_name="ClientStepForm",
)
AANVRAGER = Step(
    "aanvrager",
    _("Aanvrager en contactpersonen"),
    fieldsets=[
        (
            _("Wie ondertekent de aanvraag?"),
            [
                (
                    "heeft_wettelijk_vertegenwoordiger",
                    _("Geef aan of de cliënt een wettelijk vertegenwoordiger heeft."),
                ),
                ("aanvrager_rol", _("Kies wie de aanvraag ondertekent.")),
            ],
        ),
        (
            _("Gegevens van de aanvrager"),
            [
                ("aanvrager_naam", _("Vul de naam van de aanvrager in.")),
                ("aanvrager_telefoon", _("Vul het telefoonnummer van de aanvrager in.")),
                "aanvrager_email",
                ("aanvrager_straat", _("Vul het postadres van de aanvrager in.")),
                ("aanvrager_postcode", _("Vul de postcode van het postadres in.")),
                ("aanvrager_plaats", _("Vul de plaats van het postadres in.")),
            ],
        ),
        (_("Contactpersoon"), ["contactpersoon_naam", "contactpersoon_relatie", "contactpersoon_telefoon"]),
        (_("Tweede contactpersoon"), ["contactpersoon2_naam", "contactpersoon2_relatie", "contactpersoon2_telefoon"]),
    ],
    form_name="AanvragerStepForm",
)
ZORGVRAAG = Step(
    "zorgvraag",
    _("Zorgvraag"),
    fieldsets=[
        (_("Grondslag"), [("grondslagen", _("Kies ten minste één grondslag."))]),
        (
            _("Diagnose"),
            [
                ("diagnose", _("Beschrijf de diagnose.")),
                ("diagnose_behandelaar_naam", _("Vul de naam in van de behandelaar die de diagnose stelde.")),
                ("diagnose_behandelaar_functie", _("Vul de functie in van de behandelaar die de diagnose stelde.")),
                ("diagnose_datum", _("Vul de datum van de diagnose in.")),
            ],
        ),
        (
            _("Ziekteverloop en prognose"),
            [("ziekteverloop", _("Beschrijf het ziekteverloop.")), "prognose", "beperkingen"],
        ),
        (_("Zorgwens"), [("voorkeur_client", _("Kies de zorgwens van de cliënt.")), "opnamedatum"]),
        (
            _("Medische informatie opvragen"),
            [
                (
                    "machtiging_behandelaar",
                    _("Geef aan of de cliënt het CIZ machtigt medische informatie op te vragen."),
                ),
                "behandelaar_naam",
                "behandelaar_functie",
            ],
        ),
    ],
    form_name="ZorgvraagStepForm",
)

# The art. 21 part of a combination, after the Wlz part, which already holds the diagnosis and the limitations.
COMBINATIE_ARTIKEL_21 = Step(
    "artikel21",
    _("Artikel 21: accommodatie en gronden"),
    fieldsets=[
        (
            _("Verlenging"),
            [
                ("wzd_verlenging", _("Geef aan of dit een verlenging van een bestaand artikel 21-besluit is.")),
                "wzd_huidig_besluit_tot",
            ],
        ),
        (
            _("Wzd-accommodatie"),
            [
                ("instelling_naam", _("Vul de naam van de Wzd-accommodatie in.")),
                ("instelling_locatie", _("Vul de locatie van de accommodatie in.")),
                ("instelling_agb_code", _("Vul de AGB-code van de locatie in.")),
            ],
        ),
        (_("Gronden"), [("wzd_gronden", _("Beschrijf de gronden voor de aanvraag."))]),
    ],
    form_name="CombinatieArtikel21StepForm",
)
# A Wzd art. 21 application on its own asks the diagnosis and the limitations on this step.
ARTIKEL_21 = replace(
    COMBINATIE_ARTIKEL_21,
    title=_("Accommodatie en gronden"),
    fieldsets=[
        *COMBINATIE_ARTIKEL_21.fieldsets[:2],
        (_("Gronden, diagnose en beperkingen"), ["wzd_gronden", "diagnose", "beperkingen"]),
    ],
    required={
        **COMBINATIE_ARTIKEL_21.required,
        "beperkingen": _("Beschrijf de relevante stoornissen en beperkingen."),
        "diagnose": ZORGVRAAG.required["diagnose"],
    },
    form_name="Artikel21StepForm",
)
# Who applies for an art. 21 decision (Wzd art. 22 lid 1); with its own message for the applicant's role.
VERBLIJF_REQUIRED = {
    "verblijft_in_accommodatie": _("Geef aan of de cliënt al in een accommodatie verblijft."),
    "zorgplan_onvrijwillige_zorg": _("Geef aan of de cliënt een zorgplan met onvrijwillige zorg heeft."),
}
WZD_AANVRAGER = replace(
    AANVRAGER,
    title=_("Aanvrager"),
    fieldsets=[
        (_("Verblijf en zorgplan"), list(VERBLIJF_REQUIRED)),
        (_("De aanvrager"), ["heeft_wettelijk_vertegenwoordiger", "aanvrager_rol", "wzd_machtiging_door"]),
        *AANVRAGER.fieldsets[1:],
    ],
    required={**AANVRAGER.required, "aanvrager_rol": _("Kies wie de aanvraag doet."), **VERBLIJF_REQUIRED},
    form_name="WzdAanvragerStepForm",
)
# The signer of a combination: the same questions, the Wlz part's message for the role.
COMBINATIE_AANVRAGER = replace(
    WZD_AANVRAGER, title=AANVRAGER.title, required={**AANVRAGER.required, **VERBLIJF_REQUIRED}
)
COMBINATIE_ZORGVRAAG = replace(
    ZORGVRAAG, required={**ZORGVRAAG.required, "beperkingen": ARTIKEL_21.required["beperkingen"]}
)

PARTNER = Step(
    "partner",
    _("Partner"),
    fieldsets=[
        (_("Gegevens van de partner"), _person("partner", _("de partner"))),
        (_("Adres van de partner"), _address("partner", _("de partner"))),
        (
            _("Relatie"),
            [("partner_relatie", _("Kies de relatie van de partner tot de cliënt.")), "partner_verklaring"],
        ),
    ],
    form_name="PartnerStepForm",
)
# 'Verder' checks the client's indication in the register (services.aanvraag_step_save) and stores its profile.
PARTNER_CLIENT = Step(
    "client",
    _("Cliënt"),
    fieldsets=[(_("De cliënt met een indicatie"), [("client_bsn", CLIENT.required["client_bsn"])])],
    form_name="PartnerClientStepForm",
    derived=("client_indicatie_zorgprofiel",),
)
INSTELLING = Step(
    "instelling",
    _("Instelling en ingangsdatum"),
    fieldsets=[
        (
            _("Instelling"),
            [
                ("instelling_naam", _("Vul de naam van de instelling in.")),
                ("instelling_locatie", _("Vul de locatie van de instelling in.")),
                ("instelling_agb_code", COMBINATIE_ARTIKEL_21.required["instelling_agb_code"]),
                ("partnerverblijf_ingangsdatum", _("Vul de ingangsdatum van het partnerverblijf in.")),
            ],
        )
    ],
    form_name="InstellingStepForm",
)
BIJLAGEN = Step("bijlagen", _("Bijlagen"), template="aanvragen/bijlagen.html", url_name="aanvragen:bijlagen")
CONTROLEREN = Step(
    "controleren", _("Controleren en indienen"), template="aanvragen/review.html", url_name="aanvragen:review"
)


# --- The flows ----------------------------------------------------------------------------------------------

COMBINATIE = "combinatie"
BIJLAGEN_WLZ = _(
    "Voeg in elk geval de diagnose van de behandelaar toe, met naam, functie en datum. Ondertekent een gemachtigde, "
    "voeg dan het machtigingsformulier toe; ondertekent een wettelijk vertegenwoordiger of voogd, voeg dan het "
    "bewijs van vertegenwoordiging toe."
)
BIJLAGEN_WZD = _(
    "Voeg de diagnose en de beschrijving van de stoornissen en beperkingen toe, en het zorgplan als de cliënt een "
    "zorgplan met onvrijwillige zorg heeft. Doet een gemachtigde de aanvraag, voeg dan de machtiging toe; doet een "
    "vertegenwoordiger of voogd dat, voeg dan het bewijs van vertegenwoordiging toe. Doet de partner of een "
    "familielid de aanvraag, voeg dan een bewijs van vertegenwoordiging of een machtiging toe."
)
BIJLAGEN_COMBINATIE = _(
    "Voeg de diagnose van de behandelaar toe, en het zorgplan als de cliënt een zorgplan met onvrijwillige zorg "
    "heeft. Is de zorgaanbieder of de Wzd-functionaris de aanvrager, voeg dan de machtiging 'Aanvraag combinatie Wlz "
    "en besluit tot opname en verblijf' toe."
)
BIJLAGEN_PARTNERVERBLIJF = _("Voeg het formulier toe dat de partner heeft ondertekend.")


B = BijlageSoort
BIJLAGE_SOORTEN_WLZ = (B.DIAGNOSE, B.ONDERTEKEND_FORMULIER, B.MACHTIGING, B.BEWIJS_VERTEGENWOORDIGING, B.OVERIG)


def _flow(key: str, title, bijlagen_help, bijlage_soorten, steps: list[Step]) -> Flow:
    """The flow `key`: its steps, then the attachments and 'Controleren en indienen'."""
    return Flow(
        key,
        title,
        [replace(step, flow=key) for step in (*steps, BIJLAGEN, CONTROLEREN)],
        bijlagen_help,
        bijlage_soorten,
    )


FLOWS = {
    flow.key: flow
    for flow in (
        _flow(
            AanvraagSoort.WLZ,
            AanvraagSoort.WLZ.label,
            BIJLAGEN_WLZ,
            BIJLAGE_SOORTEN_WLZ,
            [SOORT, CLIENT, AANVRAGER, ZORGVRAAG],
        ),
        _flow(
            AanvraagSoort.WZD_ARTIKEL_21,
            AanvraagSoort.WZD_ARTIKEL_21.label,
            BIJLAGEN_WZD,
            (*BIJLAGE_SOORTEN_WLZ[:-1], B.ZORGPLAN, B.OVERIG),
            [CLIENT, WZD_AANVRAGER, ARTIKEL_21],
        ),
        _flow(
            COMBINATIE,
            _("Combinatie-aanvraag Wlz en Wzd artikel 21"),
            BIJLAGEN_COMBINATIE,
            (*BIJLAGE_SOORTEN_WLZ[:-1], B.ZORGPLAN, B.MACHTIGING_COMBINATIE, B.OVERIG),
            [SOORT, CLIENT, COMBINATIE_AANVRAGER, COMBINATIE_ZORGVRAAG, COMBINATIE_ARTIKEL_21],
        ),
        _flow(
            AanvraagSoort.PARTNERVERBLIJF,
            AanvraagSoort.PARTNERVERBLIJF.label,
            BIJLAGEN_PARTNERVERBLIJF,
            (B.PARTNER_FORMULIER, B.OVERIG),
            [PARTNER, PARTNER_CLIENT, INSTELLING],
        ),
    )
}


def flow_for(aanvraag: Aanvraag) -> Flow:
    return FLOWS[COMBINATIE if aanvraag.combinatie else aanvraag.soort]


def required_by_flow(key: str, *, beyond: str | None = None) -> dict[str, str]:
    """Field → message for every field a complete application of flow `key` needs; with `beyond`, only what it
    needs more than flow `beyond` (a combination beyond a Wlz application: the art. 21 part)."""
    required = FLOWS[key].required
    if beyond is None:
        return required
    other = FLOWS[beyond].required
    return {name: message for name, message in required.items() if other.get(name) != message}


# --- 'Controleren' and the detail page ----------------------------------------------------------------------


def display(aanvraag: Aanvraag, name: str) -> str:
    value = getattr(aanvraag, name)
    field = Aanvraag._meta.get_field(name)
    if name == "grondslagen":
        return ", ".join(str(Grondslag(code).label) for code in value) or "—"
    if field.choices:
        return getattr(aanvraag, f"get_{name}_display")() or "—"
    if value is True:
        return str(_("Ja"))
    if value is False:
        return str(_("Nee"))
    if value is None or value == "":
        return "—"
    if hasattr(value, "year"):
        return formats.date_format(value, "j F Y")
    return str(value)


def summary_label(step: Step, name: str) -> str:
    field = step.form.base_fields.get(name)
    return str(field.label if field else Aanvraag._meta.get_field(name).verbose_name.capitalize())


def step_summary(aanvraag: Aanvraag) -> list[tuple[Step, list[tuple[str, str]]]]:
    return [
        (step, [(summary_label(step, name), display(aanvraag, name)) for name in step.summary_fields])
        for step in flow_for(aanvraag).steps
        if step.form is not None
    ]


def steps_with_errors(aanvraag: Aanvraag) -> list[tuple[Step, list[str]]]:
    """What still stands in the way of 'Indienen', grouped by the step where it is fixed."""
    from aanvragen import services

    errors = services.aanvraag_submit_errors(aanvraag)
    grouped = []
    for step in flow_for(aanvraag).steps:
        if step.form is not None:
            messages = [message for name, message in errors.items() if name in step.fields]
        elif step.slug == BIJLAGEN.slug:
            messages = services.bijlagen_missing(aanvraag)
        else:
            messages = []
        if messages:
            grouped.append((step, messages))
    return grouped


def first_incomplete_step(aanvraag: Aanvraag) -> Step:
    """Where 'Verder met concept' picks up: the first step that still has something the submit check refuses
    (steps_with_errors, so the same rules as 'Indienen'), or 'Controleren en indienen' when nothing is missing."""
    problems = steps_with_errors(aanvraag)
    return problems[0][0] if problems else flow_for(aanvraag).step(CONTROLEREN.slug)
