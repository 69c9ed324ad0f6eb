"""The steps of the Wlz form, in order, and the read-only summary used by 'Controleren' and the detail page."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from aanvragen import forms, services
from aanvragen.choices import Grondslag
from aanvragen.models import Aanvraag


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form: type[forms.WlzStepForm] | None = None

    @property
    def number(self) -> int:
        return STEPS.index(self) + 1

    def url(self, pk: int) -> str:
        if self.slug == "bijlagen":
            return reverse("aanvragen:bijlagen", args=[pk])
        if self.slug == "controleren":
            return reverse("aanvragen:review", args=[pk])
        return reverse("aanvragen:step", args=[pk, self.slug])

    def next_url(self, pk: int) -> str:
        return STEPS[self.number].url(pk)

    def previous_url(self, pk: int) -> str | None:
        return STEPS[self.number - 2].url(pk) if self.number > 1 else None


STEPS = [
    Step("aanvraag", _("Soort aanvraag"), forms.SoortStepForm),
    Step("client", _("Cliënt"), forms.ClientStepForm),
    Step("aanvrager", _("Aanvrager en contactpersonen"), forms.AanvragerStepForm),
    Step("zorgvraag", _("Zorgvraag"), forms.ZorgvraagStepForm),
    Step("bijlagen", _("Bijlagen")),
    Step("controleren", _("Controleren en indienen")),
]


def step_by_slug(slug: str) -> Step:
    from django.http import Http404

    for step in STEPS:
        if step.slug == slug:
            return step
    raise Http404


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


def step_summary(aanvraag: Aanvraag) -> list[tuple[Step, list[tuple[str, str]]]]:
    summary = []
    for step in STEPS:
        if step.form is None:
            continue
        rows = [
            (str(Aanvraag._meta.get_field(name).verbose_name).capitalize(), display(aanvraag, name))
            for name in step.form.Meta.fields
        ]
        summary.append((step, rows))
    return summary


def steps_with_errors(aanvraag: Aanvraag) -> list[tuple[Step, list[str]]]:
    """What still stands in the way of 'Indienen', grouped by the step where it is fixed."""
    errors = services.wlz_errors(aanvraag, complete=True)
    grouped = []
    for step in STEPS:
        if step.form is not None:
            messages = [message for name, message in errors.items() if name in step.form.Meta.fields]
        elif step.slug == "bijlagen":
            messages = services.bijlagen_missing(aanvraag)
        else:
            messages = []
        if messages:
            grouped.append((step, messages))
    return grouped
