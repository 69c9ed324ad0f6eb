"""The steps of each application form, in order, and the read-only summary used by 'Controleren' and the detail
page. A flow is the list of steps of one kind of application; the combination has its own (Wlz part first)."""

from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from aanvragen import forms, services
from aanvragen.choices import AanvraagSoort, BijlageSoort, Grondslag
from aanvragen.models import Aanvraag


@dataclass(frozen=True)
class Step:
    flow: str
    slug: str
    title: str
    form: type[forms.AanvraagStepForm] | None = None

    @property
    def steps(self) -> list["Step"]:
        return FLOWS[self.flow].steps

    @property
    def number(self) -> int:
        return self.steps.index(self) + 1

    def url(self, pk: int) -> str:
        if self.slug == "bijlagen":
            return reverse("aanvragen:bijlagen", args=[pk])
        if self.slug == "controleren":
            return reverse("aanvragen:review", args=[pk])
        return reverse("aanvragen:step", args=[pk, self.slug])

    def next_url(self, pk: int) -> str:
        return self.steps[self.number].url(pk)

    def previous_url(self, pk: int) -> str | None:
        return self.steps[self.number - 2].url(pk) if self.number > 1 else None


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


def _flow(key: str, title, bijlagen_help, bijlage_soorten, steps: list[tuple]) -> "Flow":
    all_steps = [
        *(Step(key, slug, title, form) for slug, title, form in steps),
        Step(key, "bijlagen", _("Bijlagen")),
        Step(key, "controleren", _("Controleren en indienen")),
    ]
    return Flow(key, title, all_steps, bijlagen_help, bijlage_soorten)


B = BijlageSoort
BIJLAGE_SOORTEN_WLZ = (B.DIAGNOSE, B.ONDERTEKEND_FORMULIER, B.MACHTIGING, B.BEWIJS_VERTEGENWOORDIGING, B.OVERIG)
WLZ_STEPS = [
    ("aanvraag", _("Soort aanvraag"), forms.SoortStepForm),
    ("client", _("Cliënt"), forms.ClientStepForm),
    ("aanvrager", _("Aanvrager en contactpersonen"), forms.AanvragerStepForm),
    ("zorgvraag", _("Zorgvraag"), forms.ZorgvraagStepForm),
]
FLOWS = {
    flow.key: flow
    for flow in (
        _flow(AanvraagSoort.WLZ, AanvraagSoort.WLZ.label, BIJLAGEN_WLZ, BIJLAGE_SOORTEN_WLZ, WLZ_STEPS),
        _flow(
            AanvraagSoort.WZD_ARTIKEL_21,
            AanvraagSoort.WZD_ARTIKEL_21.label,
            BIJLAGEN_WZD,
            (*BIJLAGE_SOORTEN_WLZ[:-1], B.ZORGPLAN, B.OVERIG),
            [
                ("client", _("Cliënt"), forms.ClientStepForm),
                ("aanvrager", _("Aanvrager"), forms.WzdAanvragerStepForm),
                ("artikel21", _("Accommodatie en gronden"), forms.Artikel21StepForm),
            ],
        ),
        _flow(
            COMBINATIE,
            _("Combinatie-aanvraag Wlz en Wzd artikel 21"),
            BIJLAGEN_COMBINATIE,
            (*BIJLAGE_SOORTEN_WLZ[:-1], B.ZORGPLAN, B.MACHTIGING_COMBINATIE, B.OVERIG),
            [
                WLZ_STEPS[0],
                WLZ_STEPS[1],
                ("aanvrager", _("Aanvrager en contactpersonen"), forms.WzdAanvragerStepForm),
                WLZ_STEPS[3],
                ("artikel21", _("Artikel 21: accommodatie en gronden"), forms.CombinatieArtikel21StepForm),
            ],
        ),
        _flow(
            AanvraagSoort.PARTNERVERBLIJF,
            AanvraagSoort.PARTNERVERBLIJF.label,
            BIJLAGEN_PARTNERVERBLIJF,
            (B.PARTNER_FORMULIER, B.OVERIG),
            [
                ("partner", _("Partner"), forms.PartnerStepForm),
                ("client", _("Cliënt"), forms.PartnerClientStepForm),
                ("instelling", _("Instelling en ingangsdatum"), forms.InstellingStepForm),
            ],
        ),
    )
}


def flow_for(aanvraag: Aanvraag) -> Flow:
    return FLOWS[COMBINATIE if aanvraag.combinatie else aanvraag.soort]


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


def summary_label(form: type[forms.AanvraagStepForm], name: str) -> str:
    field = form.base_fields.get(name)
    return str(field.label if field else Aanvraag._meta.get_field(name).verbose_name.capitalize())


def step_summary(aanvraag: Aanvraag) -> list[tuple[Step, list[tuple[str, str]]]]:
    summary = []
    for step in flow_for(aanvraag).steps:
        if step.form is None:
            continue
        rows = [(summary_label(step.form, name), display(aanvraag, name)) for name in step.form.summary_fields()]
        summary.append((step, rows))
    return summary


def steps_with_errors(aanvraag: Aanvraag) -> list[tuple[Step, list[str]]]:
    """What still stands in the way of 'Indienen', grouped by the step where it is fixed."""
    errors = services.aanvraag_submit_errors(aanvraag)
    grouped = []
    for step in flow_for(aanvraag).steps:
        if step.form is not None:
            messages = [message for name, message in errors.items() if name in step.form.Meta.fields]
        elif step.slug == "bijlagen":
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
    return problems[0][0] if problems else flow_for(aanvraag).step("controleren")
