"""The login page and the admin's login URL for a person who already passed both factors: sent on to a `next` of
this site only; a verified person without CIZ rights gets a refusal at the admin, not a login loop."""

import pytest

pytestmark = pytest.mark.django_db


def test_verified_person_at_the_login_goes_to_next_or_home(client_as, admin_a):
    client = client_as(admin_a)
    assert client.get("/inloggen/")["Location"] == "/"
    assert client.get("/inloggen/?next=/beheer/")["Location"] == "/beheer/"


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_verified_person_at_the_login_never_leaves_the_site(client_as, admin_a, unsafe):
    client = client_as(admin_a)
    response = client.get("/inloggen/", {"next": unsafe})
    assert response.status_code == 302 and response["Location"] == "/"


def test_verified_staff_at_the_admin_login_goes_to_next(client_as, staff):
    client = client_as(staff)
    assert client.get("/admin/login/?next=/admin/aanvragen/aanvraag/")["Location"] == "/admin/aanvragen/aanvraag/"
    assert client.get("/admin/login/")["Location"] == "/admin/"
    assert client.get("/admin/login/?next=https://evil.example/")["Location"] == "/admin/"


def test_verified_person_without_ciz_rights_is_refused_at_the_admin_login(client_as, admin_a):
    response = client_as(admin_a).get("/admin/login/?next=/admin/")
    assert response.status_code == 403


def test_anonymous_at_the_admin_login_goes_to_the_one_login_with_next(client):
    response = client.get("/admin/login/?next=/admin/aanvragen/aanvraag/")
    assert response["Location"] == "/inloggen/?next=/admin/aanvragen/aanvraag/"
