"""Tenant safety and roles: every beheer URL behind org_admin_required and the one scoped selector."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, User
from tests.conftest import login_client
from tests.orgadmin.conftest import user_form_data

pytestmark = pytest.mark.django_db

USER_URLS = ["orgadmin:user_detail", "orgadmin:user_added", "orgadmin:user_delete", "orgadmin:user_deleted"]
PLAIN_URLS = ["orgadmin:user_list", "orgadmin:user_add", "orgadmin:organisation"]


def all_urls(username):
    return (
        [reverse("orgadmin:start")]
        + [reverse(n) for n in PLAIN_URLS]
        + [reverse(n, kwargs={"username": username}) for n in USER_URLS]
    )


@pytest.mark.parametrize("name", USER_URLS)
def test_other_organisations_user_answers_404_on_every_user_url(admin_client, user_b, name):
    assert admin_client.get(reverse(name, kwargs={"username": user_b.username})).status_code == 404


@pytest.mark.parametrize("name", ["orgadmin:user_detail", "orgadmin:user_delete"])
def test_other_organisations_user_answers_404_on_post(admin_client, user_b, name):
    url = reverse(name, kwargs={"username": user_b.username})
    response = admin_client.post(url, {**user_form_data(email="chris.bos@zorg-b.nl"), "deletion_reason": "weg"})
    assert response.status_code == 404
    user_b.refresh_from_db()
    assert user_b.is_active and user_b.first_name == "Chris"
    assert not AuditEvent.objects.filter(target=user_b, action__in=["user_changed", "user_deleted"]).exists()


def test_unknown_login_name_answers_404(admin_client):
    assert admin_client.get(reverse("orgadmin:user_detail", kwargs={"username": "bestaatniet"})).status_code == 404


def test_non_admin_gets_403_pointing_to_the_aanvraag_site_on_every_beheer_url(client_as, user_a, admin_a):
    client = client_as(user_a)
    for url in all_urls(admin_a.username):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "alleen voor organisatiebeheerders" in response.content.decode()
        assert reverse("aanvragen:home") in response.content.decode()


def test_non_admin_post_gets_403_and_changes_nothing(client_as, user_a, admin_a):
    client = client_as(user_a)
    url = reverse("orgadmin:user_delete", kwargs={"username": admin_a.username})
    assert client.post(url, {"deletion_reason": "weg"}).status_code == 403
    admin_a.refresh_from_db()
    assert admin_a.is_active


def test_staff_without_organisation_gets_403(client_as, staff):
    assert client_as(staff).get(reverse("orgadmin:user_list")).status_code == 403


def test_anonymous_is_sent_to_login_on_every_beheer_url_except_start(client, admin_a):
    assert client.get(reverse("orgadmin:start")).status_code == 200
    for url in all_urls(admin_a.username)[1:]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("two_factor:login"))


def test_password_only_session_cannot_reach_beheer(client, admin_a):
    client.force_login(admin_a)  # no verified second factor
    response = client.get(reverse("orgadmin:user_list"))
    assert response.status_code == 302
    assert reverse("orgadmin:user_list") not in response.url


@pytest.mark.parametrize("name", ["orgadmin:user_delete", "orgadmin:user_added"])
def test_deleted_users_edit_urls_answer_404(admin_client, deleted_a, name):
    assert admin_client.get(reverse(name, kwargs={"username": deleted_a.username})).status_code == 404


def test_deleted_users_page_is_read_only_and_post_answers_404(admin_client, deleted_a):
    url = reverse("orgadmin:user_detail", kwargs={"username": deleted_a.username})
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Uit dienst" in html and '<form method="post" action=""' not in html
    assert "Wijzigingen opslaan" not in html and "Gebruiker verwijderen" not in html
    assert admin_client.post(url, user_form_data(email="olga@zorg-a.nl")).status_code == 404
    deleted_a.refresh_from_db()
    assert deleted_a.email != "olga@zorg-a.nl"


def test_inactive_users_page_is_read_only_and_cannot_be_deleted(admin_client, inactive_a):
    url = reverse("orgadmin:user_detail", kwargs={"username": inactive_a.username})
    assert "6 maanden niet ingelogd" in admin_client.get(url).content.decode()
    delete_url = reverse("orgadmin:user_delete", kwargs={"username": inactive_a.username})
    assert admin_client.post(delete_url, {"deletion_reason": "weg"}).status_code == 404


def test_deleted_confirmation_page_answers_404_for_an_active_user(admin_client, user_a):
    assert admin_client.get(reverse("orgadmin:user_deleted", kwargs={"username": user_a.username})).status_code == 404


@pytest.mark.parametrize(
    ("name", "data"),
    [("orgadmin:user_add", None), ("orgadmin:user_detail", "user"), ("orgadmin:user_delete", "user")],
)
def test_posts_need_a_csrf_token(admin_a, user_a, name, data):
    client = login_client(Client(enforce_csrf_checks=True), admin_a)
    url = reverse(name, kwargs={"username": user_a.username}) if data else reverse(name)
    response = client.post(url, {**user_form_data(email="nieuw.iemand@zorg-a.nl"), "deletion_reason": "weg"})
    assert response.status_code == 403
    user_a.refresh_from_db()
    assert user_a.is_active and user_a.first_name == "Bram"
    assert not User.objects.filter(email="nieuw.iemand@zorg-a.nl").exists()


def test_deleting_needs_a_post(admin_client, user_a):
    response = admin_client.get(reverse("orgadmin:user_delete", kwargs={"username": user_a.username}))
    assert response.status_code == 200
    user_a.refresh_from_db()
    assert user_a.is_active


def test_list_and_organisation_refuse_post(admin_client):
    """The list's POST is its search form, which only redirects to the list (orgadmin.views.user_list)."""
    before = list(User.objects.values())
    response = admin_client.post(reverse("orgadmin:user_list"), {"confirm": "Ja", "username": "gebruikera"})
    assert response.status_code == 302 and response["Location"] == reverse("orgadmin:user_list")
    assert list(User.objects.values()) == before
    assert admin_client.post(reverse("orgadmin:organisation")).status_code == 405


def test_beheer_home_has_the_menu_and_the_button(admin_client):
    html = admin_client.get(reverse("orgadmin:start")).content.decode()
    assert f'href="{reverse("orgadmin:user_list")}"' in html
    assert f'href="{reverse("orgadmin:organisation")}"' in html
    assert "Ga naar gebruikers &gt;&gt;" in html
