"""The 403 page keeps the menu of the site the person is on: the beheer menu for an org admin on a beheer page,
the aanvraag menu everywhere else (also for someone who is not an org admin and opens a beheer page)."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import resolve

from portero.views import permission_denied


def render_403(rf, user, path, reason):
    request = rf.get(path)
    request.user = user
    user.is_verified = lambda: True
    request.resolver_match = resolve(path)
    request.session = {}
    response = permission_denied(request, PermissionDenied(reason))
    assert response.status_code == 403
    html = response.content.decode()
    menu = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    return html, re.findall(r">([^<>]+)</a>", menu)


@pytest.mark.django_db
def test_an_org_admin_on_a_beheer_page_keeps_the_beheer_menu(rf, admin_a):
    _html, links = render_403(rf, admin_a, "/beheer/gebruikers/nieuw/", "organisatie gesloten")
    assert links == ["Start", "Gebruikers", "Organisatie", "Logboek", "Naar Portero aanvragen"]


@pytest.mark.django_db
def test_an_org_admin_on_the_aanvraag_site_keeps_the_aanvraag_menu(rf, admin_a):
    html, links = render_403(rf, admin_a, "/aanvragen/nieuw/", "profiel")
    assert links == ["Start", "Cliënt zoeken", "Nieuwe aanvraag", "Aanvragen", "Gebruikersbeheer"]
    assert "Deze soort aanvraag hoort niet bij het profiel van uw organisatie." in html


@pytest.mark.django_db
def test_a_user_on_a_beheer_page_gets_the_aanvraag_menu(rf, user_a):
    html, links = render_403(rf, user_a, "/beheer/gebruikers/", "beheer")
    assert links == ["Start", "Cliënt zoeken", "Nieuwe aanvraag", "Aanvragen"]
    assert "Het gebruikersbeheer is alleen voor organisatiebeheerders." in html
