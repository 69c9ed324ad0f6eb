"""Form building blocks both sites use: dates as Dutch people write them, and choice lists that start with
'Kies …'.

Dates. A native date picker shows "mm/dd/yyyy" in many browsers and cannot be typed into predictably, so:
- a date of birth is three boxes, dag, maand and jaar, in a fieldset with its legend and one hint, as NL Design
  System and GOV.UK forms ask for a date someone knows by heart (DateOfBirthField);
- every other date is one text box with the hint dd-mm-jjjj (DutchDateField).
Both take ASCII digits only, and an impossible date (31-02-2020) gets one Dutch message next to the field.
"""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

DATE_HINT = _("Schrijf de datum als dd-mm-jjjj, bijvoorbeeld 15-03-2025.")
DATE_INVALID = _("Vul een datum in als dd-mm-jjjj, bijvoorbeeld 15-03-2025.")
DATE_INPUT_FORMATS = ["%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d"]  # the last as a browser's own date value
DATE_DISPLAY_FORMAT = "%d-%m-%Y"
BIRTH_HINT = _("Bijvoorbeeld 15 3 1940.")
DATE_DOES_NOT_EXIST = _("Deze datum bestaat niet. Controleer de dag, de maand en het jaar.")
DATE_INCOMPLETE = _("Vul de dag, de maand en het jaar in.")
YEAR_FOUR_DIGITS = _("Vul het jaar in met 4 cijfers, bijvoorbeeld 1940.")
ASCII_NUMBER = re.compile(r"[0-9]+")


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError shown next to the form's fields, or above the form when it names no field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


def _with_hint(help_text, hint):
    return format_lazy("{} {}", help_text, hint) if help_text else hint


class DutchDateField(forms.DateField):
    """A date in one text box, written dd-mm-jjjj (also with / or . between); shown back the same way."""

    widget = forms.DateInput(format=DATE_DISPLAY_FORMAT)
    input_formats = DATE_INPUT_FORMATS
    default_error_messages = {"invalid": DATE_INVALID}

    def __init__(self, **kwargs):
        kwargs["help_text"] = _with_hint(kwargs.get("help_text"), DATE_HINT)
        super().__init__(**kwargs)
        # A widget given by a ModelForm's Meta.widgets keeps the Dutch display format as well.
        self.widget.format = DATE_DISPLAY_FORMAT
        self.widget.input_type = "text"

    def to_python(self, value):
        if isinstance(value, str) and not value.isascii():  # strptime would read Arabic-Indic digits as digits
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class DatePartsWidget(forms.MultiWidget):
    """Dag, maand and jaar, each a numeric text box with its own visible label. The field template renders it
    inside a fieldset whose legend is the field's label (MultiWidget.use_fieldset)."""

    date_parts = True
    PARTS = ((_("Dag"), "day", 2), (_("Maand"), "month", 2), (_("Jaar"), "year", 4))

    def __init__(self, attrs=None, *, autocomplete: bool = False):
        # autocomplete: the bday-* tokens are for a person's own date of birth. Portero asks for the date of birth
        # of a client or a partner, never the user's own: the browser must not offer the user's birthday there.
        widgets = [
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "maxlength": length,
                    "autocomplete": f"bday-{part}" if autocomplete else "off",
                    "class": f"date-part date-part-{length}",
                }
            )
            for _label, part, length in self.PARTS
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        parts = []
        for (label, _part, _length), sub in zip(self.PARTS, context["widget"]["subwidgets"], strict=True):
            sub_attrs = {**sub["attrs"], "type": "text", "name": sub["name"]}
            if sub["value"] not in (None, ""):
                sub_attrs["value"] = sub["value"]
            parts.append((sub["attrs"]["id"], label, flatatt(sub_attrs)))
        return format_html(
            '<div class="date-parts">{}</div>',
            format_html_join("", '<div class="date-part-item"><label for="{}">{}</label><input{}></div>', parts),
        )

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else id_


class DateOfBirthField(forms.MultiValueField):
    """A date of birth as dag, maand and jaar. Each impossible or incomplete date gets one message for the whole
    group; whether a date may lie in the future is the model's rule (validate_not_in_future)."""

    def __init__(self, *, autocomplete: bool = False, **kwargs):
        kwargs.pop("max_length", None)
        kwargs["help_text"] = _with_hint(kwargs.get("help_text"), BIRTH_HINT)
        kwargs.setdefault("widget", DatePartsWidget(autocomplete=autocomplete))
        parts = [forms.CharField(required=False, strip=True) for _part in DatePartsWidget.PARTS]
        super().__init__(fields=parts, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        day, month, year = (list(data_list) + ["", "", ""])[:3]
        if not (day or month or year):
            return None
        if not (day and month and year):
            raise ValidationError(DATE_INCOMPLETE, code="incomplete")
        if not all(ASCII_NUMBER.fullmatch(part) for part in (day, month, year)) or len(day) > 2 or len(month) > 2:
            raise ValidationError(DATE_DOES_NOT_EXIST, code="invalid")
        if len(year) != 4:
            raise ValidationError(YEAR_FOUR_DIGITS, code="invalid_year")
        try:
            return date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise ValidationError(DATE_DOES_NOT_EXIST, code="invalid") from None


class KiesChoicesMixin:
    """Every choice list of the form starts with 'Kies …' instead of Django's '---------'. A list with its own
    first entry ('Alle statussen', 'Kies de soort bijlage') keeps it; radio groups have no blank entry at all."""

    KIES = _("Kies …")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kies_blank_choices(self)


def kies_blank_choices(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None:
                field.empty_label = KiesChoicesMixin.KIES
        elif isinstance(field, forms.ChoiceField) and any(label == "---------" for _v, label in field.choices):
            field.choices = [
                (value, KiesChoicesMixin.KIES if value in ("", None) and label == "---------" else label)
                for value, label in field.choices
            ]
