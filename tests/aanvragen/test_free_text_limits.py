"""Every free-text field has a maximum length (a concept once stored 1 MB of diagnosis): in the form, with a Dutch
message next to the field and nothing stored; in the model (full_clean); and in the database (a check constraint),
so no path around the forms stores more either."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from aanvragen.admin.aanvraag import StatusChangeForm
from aanvragen.admin.steekproeven import SanctionForm, SpotCheckItemForm
from aanvragen.models import Aanvraag, AanvraagStatusChange, OrganisationSanction, SpotCheckItem
from aanvragen.services.aanvraag import aanvraag_create
from accounts.forms import OrganisationWithAdminForm
from tests.aanvragen.helpers import STEP_DATA, WZD_STEP_DATA, step_url, submitted_aanvraag

pytestmark = pytest.mark.django_db

LONG, SHORT = 4000, 2000
# (application type, step, field, limit): every free-text field of every step of the aanvraag site.
APPLICATION_FIELDS = [
    ("wlz", "aanvraag", "urgent_reason", SHORT),
    ("wlz", "zorgvraag", "diagnose", LONG),
    ("wlz", "zorgvraag", "ziekteverloop", LONG),
    ("wlz", "zorgvraag", "beperkingen", LONG),
    ("wzd21", "artikel21", "wzd_gronden", LONG),
    ("wzd21", "artikel21", "diagnose", LONG),
    ("wzd21", "artikel21", "beperkingen", LONG),
]
DATA = {"wlz": STEP_DATA, "wzd21": WZD_STEP_DATA}


def message(limit, length):
    return f"Gebruik maximaal {limit} tekens (nu {length})."


def post(http, aanvraag, soort, step, field, value, concept):
    data = {**DATA[soort][step], field: value, **({"concept": "1"} if concept else {})}
    if field == "urgent_reason":
        data["urgent"] = "on"
    return http.post(step_url(aanvraag, step), data)


@pytest.mark.parametrize("concept", [True, False], ids=["opslaan-als-concept", "verder"])
def test_a_megabyte_of_diagnosis_is_refused_next_to_its_field_and_nothing_is_stored(client_as, user_a, concept):
    http = client_as(user_a)
    aanvraag = aanvraag_create(user=user_a, soort="wlz")
    response = post(http, aanvraag, "wlz", "zorgvraag", "diagnose", "x" * 1_000_000, concept)
    assert response.status_code == 200
    assert response.context["form"].errors["diagnose"] == [message(LONG, 1_000_000)]
    html = response.content.decode()
    assert 'id="id_diagnose_error"' in html and message(LONG, "1000000") in html
    assert 'maxlength="4000"' in html  # the browser stops typing at the limit too
    stored = Aanvraag.objects.get(pk=aanvraag.pk)
    assert stored.diagnose == "" and stored.ziekteverloop == ""  # nothing of the step is stored


@pytest.mark.parametrize(("soort", "step", "field", "limit"), APPLICATION_FIELDS)
def test_every_free_text_field_takes_exactly_its_limit_and_refuses_one_more(
    client_as, user_a, soort, step, field, limit
):
    http = client_as(user_a)
    aanvraag = aanvraag_create(user=user_a, soort=soort)
    over = post(http, aanvraag, soort, step, field, "é" * (limit + 1), concept=True)
    assert over.status_code == 200
    assert over.context["form"].errors[field] == [message(limit, limit + 1)]
    assert getattr(Aanvraag.objects.get(pk=aanvraag.pk), field) == ""
    at_limit = post(http, aanvraag, soort, step, field, "é" * limit, concept=True)
    assert at_limit.status_code == 302
    assert getattr(Aanvraag.objects.get(pk=aanvraag.pk), field) == "é" * limit


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        *((Aanvraag, field, limit) for field, limit in {row[2]: row[3] for row in APPLICATION_FIELDS}.items()),
        (AanvraagStatusChange, "note", SHORT),
        (SpotCheckItem, "remark", SHORT),
        (OrganisationSanction, "note", LONG),
    ],
)
def test_the_model_and_the_database_hold_the_same_limits(model, field, limit, django_assert_num_queries):
    model_field = model._meta.get_field(field)
    assert model_field.max_length == limit
    model_field.clean("x" * limit, None)
    with pytest.raises(ValidationError) as error:
        model_field.clean("x" * (limit + 1), None)
    assert error.value.messages == [message(limit, limit + 1)]
    constraint = next(c for c in model._meta.constraints if c.name == f"{model._meta.model_name}_{field}_max_length")
    assert f"{field}" in str(constraint.condition) and f"{limit}" in str(constraint.condition)
    with django_assert_num_queries(0):  # checked in Python, not by a query per constraint on every full_clean
        constraint.validate(model, model(**{field: "x" * limit}))
        with pytest.raises(ValidationError):
            constraint.validate(model, model(**{field: "x" * (limit + 1)}))


def test_the_database_refuses_a_longer_text_written_around_the_model(user_a):
    aanvraag = aanvraag_create(user=user_a, soort="wlz")
    Aanvraag.objects.filter(pk=aanvraag.pk).update(diagnose="x" * LONG)
    for field, limit in (("diagnose", LONG), ("urgent_reason", SHORT)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Aanvraag.objects.filter(pk=aanvraag.pk).update(**{field: "x" * (limit + 1)})
    status_change = AanvraagStatusChange.objects.filter(aanvraag=submitted_aanvraag(user_a)).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        AanvraagStatusChange.objects.filter(pk=status_change.pk).update(note="x" * (SHORT + 1))


@pytest.mark.parametrize(
    ("form", "data", "field", "limit"),
    [
        (
            lambda data: StatusChangeForm(data, aanvraag=Aanvraag(status="ingediend")),
            {"to_status": "in_behandeling"},
            "note",
            SHORT,
        ),
        (SanctionForm, {"decision": "waarschuwing", "kind": "misbruik"}, "note", LONG),
        (SpotCheckItemForm, {"outcome": "niet_in_orde"}, "remark", SHORT),
        (OrganisationWithAdminForm, {"name": "X"}, "domains", SHORT),
    ],
    ids=["status-toelichting", "sanctie-toelichting", "steekproef-opmerking", "organisatie-domeinen"],
)
def test_the_ciz_admin_forms_have_limits_with_the_dutch_message(form, data, field, limit):
    assert field not in form({**data, field: "x" * limit}).errors
    assert form({**data, field: "x" * (limit + 1)}).errors[field] == [message(limit, limit + 1)]


def test_the_beheer_deletion_reason_keeps_its_limit_with_the_dutch_message(client_as, admin_a, user_a):
    url = reverse("orgadmin:user_delete", kwargs={"username": user_a.username})
    response = client_as(admin_a).post(url, {"deletion_reason": "x" * 501})
    assert response.status_code == 200
    assert response.context["form"].errors["deletion_reason"] == [message(500, 501)]
    user_a.refresh_from_db()
    assert user_a.deleted_at is None
