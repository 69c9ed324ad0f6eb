"""No page is reachable with a password alone: every URL pattern of the project is walked."""

import pytest
from django.urls import get_resolver

from accounts import services
from tests.conftest import latest_sms_code
from tests.factories import UserFactory
from tests.security.test_url_sweep import walk

pytestmark = pytest.mark.django_db

# Pages a person may see before or without the second factor.
PUBLIC = {
    "two_factor:login", "two_factor:setup", "accounts:logout", "accounts:password_request",
    "accounts:password_request_done", "accounts:password_set", "accounts:password_set_done",
    "accounts:password_renew", "healthz", "orgadmin:start",
}  # fmt: skip


def concrete(route: str) -> str:
    """A URL for the pattern, with placeholder values for its parameters."""
    import re

    path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) in ("int", None) else "x", route)
    return "/" + path.lstrip("^").rstrip("$").replace("\\Z", "")


def project_urls():
    for name, route in walk(get_resolver()):
        if route.startswith("admin/") or name in PUBLIC or "(?P" in route:
            continue
        yield pytest.param(concrete(route), id=name)


@pytest.mark.parametrize("url", list(project_urls()))
def test_password_only_session_reaches_nothing_but_phone_setup(client, org_a, password, url):
    user = UserFactory(organisation=org_a, mobile="", is_org_admin=True)
    client.post(
        "/inloggen/",
        {"portero_login_view-current_step": "auth", "auth-username": user.username, "auth-password": password},
    )
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"] == "/inloggen/telefoon/"


def test_admin_with_password_only_is_sent_to_phone_setup(client, password):
    staff = UserFactory(organisation=None, mobile="", is_staff=True, is_superuser=True)
    client.post(
        "/inloggen/",
        {"portero_login_view-current_step": "auth", "auth-username": staff.username, "auth-password": password},
    )
    assert client.get("/admin/accounts/user/").url == "/inloggen/telefoon/"


def test_changing_the_mobile_number_resets_the_sms_device(client, user_a, password, sms_outbox):
    client.post(
        "/inloggen/",
        {"portero_login_view-current_step": "auth", "auth-username": user_a.username, "auth-password": password},
    )
    old_code = latest_sms_code(sms_outbox)
    device = services.user_set_mobile(user=user_a, mobile="06 87654321")
    assert device.number.as_e164 == "+31687654321"
    assert user_a.phonedevice_set.count() == 1
    response = client.post("/inloggen/", {"portero_login_view-current_step": "token", "token-otp_token": old_code})
    assert response.status_code == 200  # the code sent to the old number no longer works
