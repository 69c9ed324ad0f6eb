"""portero.forms: a date of birth as dag, maand and jaar; other dates as dd-mm-jjjj; 'Kies …' in choice lists."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError

from aanvragen.forms import ClientStepForm, ConsentForm, ZorgvraagStepForm
from aanvragen.services.aanvraag import aanvraag_create
from aanvragen.steps import FLOWS
from portero.forms import (
    DATE_DOES_NOT_EXIST,
    DATE_INCOMPLETE,
    DATE_INVALID,
    YEAR_FOUR_DIGITS,
    DateOfBirthField,
    DutchDateField,
    KiesChoicesMixin,
    add_service_errors,
)
from tests.aanvragen.helpers import date_parts

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class BornForm(forms.Form):
    born = DateOfBirthField(label="Geboortedatum", required=False)


def born(day, month, year):
    form = BornForm({"born_0": day, "born_1": month, "born_2": year})
    form.is_valid()
    return form.cleaned_data.get("born"), form.errors.get("born", [])


@pytest.mark.parametrize(
    "parts, expected",
    [
        (("1", "2", "1940"), date(1940, 2, 1)),
        ((" 01 ", "02", "1940"), date(1940, 2, 1)),
        (("29", "2", "2020"), date(2020, 2, 29)),
        (("", "", ""), None),
    ],
)
def test_a_date_of_birth_from_its_three_boxes(parts, expected):
    assert born(*parts) == (expected, [])


@pytest.mark.parametrize(
    "parts, message",
    [
        (("31", "2", "2020"), DATE_DOES_NOT_EXIST),
        (("29", "2", "2021"), DATE_DOES_NOT_EXIST),
        (("1", "13", "1940"), DATE_DOES_NOT_EXIST),
        (("0", "1", "1940"), DATE_DOES_NOT_EXIST),
        (("١", "2", "1940"), DATE_DOES_NOT_EXIST),  # an Arabic-Indic digit: ASCII digits only
        (("1", "2", "-940"), DATE_DOES_NOT_EXIST),
        (("9" * 500, "1", "1940"), DATE_DOES_NOT_EXIST),  # found by the fuzz test: no OverflowError, no 500
        (("1", "9" * 30, "1940"), DATE_DOES_NOT_EXIST),
        (("001", "2", "1940"), DATE_DOES_NOT_EXIST),
        (("1", "2", "40"), YEAR_FOUR_DIGITS),
        (("1", "", "1940"), DATE_INCOMPLETE),
        (("", "", "1940"), DATE_INCOMPLETE),
    ],
)
def test_an_impossible_or_incomplete_date_of_birth_gets_one_dutch_message(parts, message):
    assert born(*parts) == (None, [message])


def test_the_three_boxes_have_their_own_labels_and_numeric_keyboards():
    html = str(BornForm(initial={"born": date(1940, 2, 1)})["born"])
    for number, (label, value, length) in enumerate((("Dag", "1", 2), ("Maand", "2", 2), ("Jaar", "1940", 4))):
        assert f'<label for="id_born_{number}">{label}</label>' in html
        assert f'name="born_{number}"' in html and f'value="{value}"' in html and f'maxlength="{length}"' in html
    assert html.count('inputmode="numeric"') == 3
    assert html.count('autocomplete="off"') == 3  # someone else's date of birth: not the user's own 'bday'
    assert BornForm()["born"].use_fieldset


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 3, 10, 0, 0, tzinfo=AMSTERDAM), tick=False)  # just after midnight, Dutch time
def test_a_date_of_birth_today_is_accepted_and_tomorrow_refused(user_a):
    aanvraag = aanvraag_create(user=user_a, soort="wlz")
    for iso, errors in (("2026-03-10", None), ("2026-03-11", ["Deze datum mag niet in de toekomst liggen."])):
        form = ClientStepForm(date_parts("client_date_of_birth", iso), instance=aanvraag, concept=True)
        assert form.is_valid() is (errors is None)
        assert form.errors.get("client_date_of_birth") == errors


class DayForm(forms.Form):
    day = DutchDateField(label="Datum", help_text="Eigen uitleg.")


@pytest.mark.parametrize("typed", ["01-12-2025", "1-12-2025", "01/12/2025", "01.12.2025", "2025-12-01"])
def test_other_dates_are_written_dd_mm_jjjj(typed):
    form = DayForm({"day": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == date(2025, 12, 1)


@pytest.mark.parametrize("typed", ["31-02-2025", "12/01/25", "١-١٢-٢٠٢٥", "morgen"])
def test_other_impossible_dates_get_the_dutch_format_message(typed):
    form = DayForm({"day": typed})
    assert form.errors["day"] == [DATE_INVALID]


def test_other_dates_are_a_text_box_with_the_dutch_hint_and_shown_dd_mm_jjjj():
    field = DayForm(initial={"day": date(2025, 12, 1)})["day"]
    assert 'type="text"' in str(field) and 'value="01-12-2025"' in str(field)
    assert str(field.help_text) == "Eigen uitleg. Schrijf de datum als dd-mm-jjjj, bijvoorbeeld 15-03-2025."


@pytest.mark.django_db
def test_every_date_field_of_the_aanvraag_site_is_one_of_the_two(user_a):
    aanvraag = aanvraag_create(user=user_a, soort="wlz")
    step_forms = {step.form for flow in FLOWS.values() for step in flow.steps if step.form}
    for form_class in step_forms:
        for name, field in form_class(instance=aanvraag).fields.items():
            if isinstance(field, forms.DateField | forms.MultiValueField):
                expected = DateOfBirthField if name.endswith("date_of_birth") else DutchDateField
                assert isinstance(field, expected), (form_class.__name__, name)
    assert isinstance(ConsentForm(kind="naw_inzien").fields["signed_on"], DutchDateField)
    assert isinstance(ZorgvraagStepForm(instance=aanvraag).fields["opnamedatum"], DutchDateField)


# --- 'Kies …' -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_choice_list_of_the_steps_starts_with_kies(user_a):
    aanvraag = aanvraag_create(user=user_a, soort="wlz")
    step_forms = {step.form for flow in FLOWS.values() for step in flow.steps if step.form}
    selects = 0
    for form_class in step_forms:
        assert issubclass(form_class, KiesChoicesMixin)
        for field in form_class(instance=aanvraag).fields.values():
            labels = [str(label) for _value, label in getattr(field.widget, "choices", [])]
            assert "---------" not in labels, form_class.__name__
            if isinstance(field.widget, forms.Select) and not isinstance(field.widget, forms.RadioSelect):
                selects += 1
                assert labels[0] == "Kies …", (form_class.__name__, labels[:2])
    assert selects >= 5


def test_a_list_with_its_own_first_entry_keeps_it():
    class Filter(KiesChoicesMixin, forms.Form):
        status = forms.ChoiceField(choices=[("", "Alle statussen"), ("a", "A")])
        soort = forms.ChoiceField(choices=[("", "---------"), ("a", "A")])

    form = Filter()
    assert [label for _v, label in form.fields["status"].choices] == ["Alle statussen", "A"]
    assert [label for _v, label in form.fields["soort"].choices] == ["Kies …", "A"]


class _NameForm(forms.Form):
    name = forms.CharField()


def test_a_service_error_lands_next_to_its_field_or_above_the_form():
    form = _NameForm(data={"name": "x"})
    form.is_valid()
    add_service_errors(form, ValidationError({"name": "Deze naam is al in gebruik.", "elders": "Niet toegestaan."}))
    assert form.errors["name"] == ["Deze naam is al in gebruik."]
    assert form.non_field_errors() == ["Niet toegestaan."]  # a key the form has no field for goes above it

    form = _NameForm(data={"name": "x"})
    form.is_valid()
    add_service_errors(form, ValidationError("De organisatie is opgeheven."))
    assert form.non_field_errors() == ["De organisatie is opgeheven."] and "name" not in form.errors
