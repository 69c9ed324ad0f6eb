"""'Organisatie': the organisation's data read-only and 'Actieve rollen' from the one profile rule."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import EmailDomain

pytestmark = pytest.mark.django_db
URL = reverse("orgadmin:organisation")


def test_shows_the_organisations_data_read_only(admin_client, org_a):
    org_a.contract_start = datetime.date(2026, 1, 1)
    org_a.contract_end = datetime.date(2027, 12, 31)
    org_a.save()
    EmailDomain.objects.create(organisation=org_a, domain="zorg-a-thuis.nl", include_subdomains=True)
    html = admin_client.get(URL).content.decode()
    for text in (org_a.name, org_a.agb_code, org_a.kvk_number, "Dorpsstraat 1", "1234 AB Utrecht", "zorg-a.nl"):
        assert text in html
    assert "zorg-a-thuis.nl (ook subdomeinen)" in html
    assert "1 januari 2026 tot en met 31 december 2027" in html
    assert '<a href="mailto:contractbeheer@ciz.nl">contractbeheer@ciz.nl</a>' in html
    assert '<form method="post"' not in html.split('id="inhoud"')[1]


def test_open_ended_contract_shows_the_start(admin_client, org_a):
    org_a.contract_start = datetime.date(2025, 3, 18)
    org_a.save()
    assert "vanaf 18 maart 2025" in admin_client.get(URL).content.decode()


def test_basis_profile_allows_wlz_and_wzd21(admin_client, org_a):
    response = admin_client.get(URL)
    assert response.context["aanvraagsoorten"] == ["Reguliere Wlz-aanvragen", "Wzd-toets artikel 21-aanvragen"]
    html = response.content.decode()
    assert "Actieve rollen" in html and "<td>Basis</td>" in html
    assert "Partnerverblijf" not in html


def test_volledig_profile_adds_partnerverblijf(client_as, admin_b, org_b):
    response = client_as(admin_b).get(URL)
    assert response.context["aanvraagsoorten"] == [
        "Reguliere Wlz-aanvragen",
        "Wzd-toets artikel 21-aanvragen",
        "Partnerverblijf",
    ]
    html = response.content.decode()
    assert "<td>Volledig</td>" in html and "<li>Partnerverblijf</li>" in html
    assert org_b.name in html and "Zorggroep A" not in html
