"""SMS pumping and rebinding the second factor: every SMS goes through services.sms_code_send, only Dutch
mobile numbers, phone setup only for a first number in the session of the set-password link, and no 500 from
a crafted login POST."""

import pytest
from django.contrib.auth import get_user

from tests.conftest import password_step, sms_count
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("step", ["auth", "token", None])
def test_anonymous_challenge_device_post_is_refused_cleanly(client, step):
    data = {"challenge_device": "x"}
    if step:
        data["portero_login_view-current_step"] = step
    response = client.post("/inloggen/", data)
    assert response.status_code in (200, 400)
    assert not get_user(client).is_authenticated


def test_challenge_device_post_in_a_password_only_session_is_refused_cleanly(client, org_a, password, sms_outbox):
    user = UserFactory(organisation=org_a, mobile="")
    password_step(client, user.username, password)
    response = client.post("/inloggen/", {"challenge_device": "x", "portero_login_view-current_step": "token"})
    assert response.status_code in (200, 302, 400)
    assert sms_count(sms_outbox) == 0


def test_challenge_device_post_at_the_code_step_sends_no_extra_sms(client, user_a, password, sms_outbox):
    password_step(client, user_a.username, password)
    assert sms_count(sms_outbox) == 1
    device = user_a.phonedevice_set.get()
    for value in ("x", device.persistent_id):
        response = client.post("/inloggen/", {"challenge_device": value, "portero_login_view-current_step": "token"})
        assert response.status_code in (200, 400)
    assert sms_count(sms_outbox) == 1
