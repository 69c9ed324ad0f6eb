"""The receipt page and mail name what was submitted: a combination as the combination, a Partnerverblijf as an
application for partnerverblijf (not "uw Partnerverblijf")."""

import pytest
from django.core import mail
from django.urls import reverse

from aanvragen.services.aanvraag import aanvraag_create
from tests.aanvragen.helpers import COMBINATIE_STEP_DATA, fill_flow
from tests.aanvragen.test_partnerverblijf import (  # noqa: F401 - fixtures
    PARTNERVERBLIJF_STEP_DATA,
    _register_and_contract,
    consent,
    http_b,
    pv,
    user_b,
)

pytestmark = pytest.mark.django_db
COMBINATION = "Reguliere Wlz-aanvraag met Wzd-toets artikel 21 (combinatie-aanvraag)"


def submit(http, aanvraag, step_data, capture, bijlagen=("diagnose",)):
    fill_flow(http, aanvraag, step_data, bijlagen=bijlagen)
    with capture(execute=True):
        response = http.post(reverse("aanvragen:review", args=[aanvraag.pk]))
    assert response.url == reverse("aanvragen:receipt", args=[aanvraag.pk])
    return http.get(response.url).content.decode()


def test_the_combination_receipt_names_the_combination(http_a, user_a, django_capture_on_commit_callbacks):
    combi = aanvraag_create(user=user_a, soort="wlz", combinatie=True)
    page = submit(http_a, combi, COMBINATIE_STEP_DATA, django_capture_on_commit_callbacks)
    assert f"<dd>{COMBINATION}</dd>" in page
    assert "Het CIZ heeft uw combinatie-aanvraag ontvangen" in page
    assert "combinatie-aanvraag (Reguliere Wlz-aanvraag en Wzd-toets artikel 21)" in mail.outbox[-1].body


def test_the_partnerverblijf_receipt_and_mail_speak_of_an_application(request, django_capture_on_commit_callbacks):
    request.getfixturevalue("consent")  # the partnerverblijf tests' fixtures, imported above
    http, aanvraag = request.getfixturevalue("http_b"), request.getfixturevalue("pv")
    page = submit(http, aanvraag, PARTNERVERBLIJF_STEP_DATA, django_capture_on_commit_callbacks, ("partner_formulier",))
    assert "<dd>Partnerverblijf</dd>" in page
    body = mail.outbox[-1].body
    assert "uw Partnerverblijf" not in body
    assert "Het CIZ heeft uw aanvraag voor partnerverblijf ontvangen." in body
