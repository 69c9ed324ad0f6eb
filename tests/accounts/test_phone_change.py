"""A mobile number changes only through accounts.services.user_set_mobile: by the organisation admin (beheer) or by
the person on 'Mobiel nummer wijzigen' (password, a code to the old number, a code to the new number). Either
way the person is told by mail and by an SMS to the old number."""

import re
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django_otp import DEVICE_ID_SESSION_KEY
from two_factor.plugins.phonenumber.models import PhoneDevice

from accounts import services
from accounts.models import AuditEvent
from tests.conftest import latest_sms_code, sms_count
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
CHANGE = "/mobiel/wijzigen/"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
OLD_CODE_STEP, NEW_NUMBER = "06 87654321", "+31687654321"


def sms_files(outbox):
    return [path.read_text(encoding="utf-8") for path in sorted(outbox.glob("*.txt"))] if outbox.exists() else []


def assert_told(user, old_number, outbox):
    """One mail to the person, one SMS to the old number; neither holds a code or the new number in full."""
    (message,) = [m for m in mail.outbox if "mobiele nummer" in m.subject]
    assert message.to == [user.email]
    assert not re.search(r"\b\d{6}\b", message.body) and NEW_NUMBER not in message.body
    (notice,) = [text for text in sms_files(outbox) if text.startswith(f"Aan: {old_number}") and "gewijzigd" in text]
    assert not re.search(r"\b\d{6}\b", notice) and NEW_NUMBER not in notice


# --- Beheer -----------------------------------------------------------------------------------------------


def test_a_number_changed_in_beheer_is_told_by_mail_and_by_sms_to_the_old_number(
    client_as, admin_a, user_a, sms_outbox, django_capture_on_commit_callbacks
):
    from tests.orgadmin.test_user_update import current_data, detail_url

    old = user_a.mobile.as_e164
    admin = client_as(admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(detail_url(user_a), current_data(user_a, mobile=OLD_CODE_STEP))
    user_a.refresh_from_db()
    assert user_a.mobile.as_e164 == NEW_NUMBER
    assert_told(user_a, old, sms_outbox)
    assert not any(text.startswith(f"Aan: {NEW_NUMBER}") for text in sms_files(sms_outbox))


def test_the_notice_sms_goes_through_the_one_send_function(user_a, sms_outbox, django_capture_on_commit_callbacks):
    with mock.patch("accounts.services.phone.sms_code_send", wraps=services.sms_code_send) as send:
        with django_capture_on_commit_callbacks(execute=True):
            services.user_set_mobile(user=user_a, mobile=OLD_CODE_STEP)
    assert send.call_count == 1 and send.call_args.kwargs["notice"]


def test_a_first_number_set_in_beheer_is_mailed_and_sends_no_sms(
    client_as, admin_a, org_a, sms_outbox, django_capture_on_commit_callbacks
):
    from tests.orgadmin.test_user_update import current_data, detail_url

    user = UserFactory(organisation=org_a, mobile="")
    with django_capture_on_commit_callbacks(execute=True):
        client_as(admin_a).post(detail_url(user), current_data(user, mobile=OLD_CODE_STEP))
    assert [m.to for m in mail.outbox if "mobiele nummer" in m.subject] == [[user.email]]
    assert sms_count(sms_outbox) == 0


# --- Self-service ------------------------------------------------------------------------------------------


def step(client, **data):
    return client.post(CHANGE, data)


def test_self_service_change_needs_password_old_code_and_new_code(
    client_as, user_a, password, sms_outbox, django_capture_on_commit_callbacks
):
    client = client_as(user_a)
    old = user_a.mobile.as_e164
    with time_machine.travel(T0, tick=False) as traveller:
        assert "Mobiel nummer wijzigen" in client.get("/").content.decode()  # in the user menu
        assert client.get(CHANGE).status_code == 200
        page = step(client, password="Verkeerd#123").content.decode()
        assert "Het wachtwoord is niet juist" in page and sms_count(sms_outbox) == 0
        step(client, password=password)
        assert sms_files(sms_outbox)[-1].startswith(f"Aan: {old}")
        old_code = latest_sms_code(sms_outbox)
        page = step(client, code="000000" if old_code != "000000" else "111111").content.decode()
        assert "niet juist" in page
        traveller.shift(timedelta(seconds=5))
        step(client, code=old_code)
        page = step(client, number="020 123 4567").content.decode()  # a landline
        assert "geen mobiel nummer" in page
        step(client, number=OLD_CODE_STEP)
        assert sms_files(sms_outbox)[-1].startswith(f"Aan: {NEW_NUMBER}")
        user_a.refresh_from_db()
        assert user_a.mobile.as_e164 == old  # not yet: the new number is not proven
        with django_capture_on_commit_callbacks(execute=True):
            response = step(client, code=latest_sms_code(sms_outbox))
        assert response.status_code == 302
        user_a.refresh_from_db()
        assert user_a.mobile.as_e164 == NEW_NUMBER
        device = PhoneDevice.objects.get(user=user_a)
        assert device.number.as_e164 == NEW_NUMBER
        assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id  # still logged in, new device
        assert client.get("/").status_code == 200
    assert_told(user_a, old, sms_outbox)
    steps = list(
        AuditEvent.objects.filter(action=AuditEvent.Action.PHONE_CHANGE, target=user_a)
        .order_by("created_at", "id")
        .values_list("detail__step", flat=True)
    )
    assert steps == [
        "password_wrong",
        "password_confirmed",
        "old_code_wrong",
        "old_code_confirmed",
        "new_code_sent",
        "new_code_confirmed",
    ]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PHONE_SET, target=user_a, actor=user_a).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PHONE_CHANGE, ip_address__isnull=True).exists()


def test_self_service_steps_cannot_be_skipped(client_as, user_a, sms_outbox):
    client = client_as(user_a)
    old = user_a.mobile
    step(client, number=OLD_CODE_STEP)
    step(client, code="123456")
    user_a.refresh_from_db()
    assert user_a.mobile == old and sms_count(sms_outbox) == 0


def test_wrong_passwords_on_the_change_page_are_limited(client_as, user_a, password, sms_outbox):
    client = client_as(user_a)
    for _attempt in range(5):
        step(client, password="Verkeerd#123")
    page = step(client, password=password).content.decode()
    assert "te vaak" in page and sms_count(sms_outbox) == 0


@pytest.mark.parametrize(
    ("after", "allowed"), [(timedelta(minutes=10), True), (timedelta(minutes=10, seconds=1), False)]
)
def test_the_change_must_be_finished_within_10_minutes_to_the_second(
    client_as, user_a, password, sms_outbox, after, allowed
):
    client = client_as(user_a)
    with time_machine.travel(T0, tick=False) as traveller:
        step(client, password=password)
        step(client, code=latest_sms_code(sms_outbox))
        traveller.move_to(T0 + after)
        page = step(client, number=OLD_CODE_STEP).content.decode()
        assert any(text.startswith(f"Aan: {NEW_NUMBER}") for text in sms_files(sms_outbox)) == allowed
        if not allowed:
            assert "Begin opnieuw met uw wachtwoord" in page and 'name="password"' in page


def test_right_after_the_login_the_change_sends_a_fresh_code_to_the_old_number(client, user_a, password, sms_outbox):
    from tests.conftest import two_factor_login

    with time_machine.travel(T0, tick=False) as traveller:
        two_factor_login(client, user_a.username, password, sms_outbox)  # its code is used: no cooldown left
        traveller.shift(timedelta(seconds=5))
        step(client, password=password)
        assert sms_count(sms_outbox) == 2
        assert step(client, code=latest_sms_code(sms_outbox)).status_code == 302


# --- The CIZ admin ------------------------------------------------------------------------------------------


def test_the_admin_cannot_change_an_sms_device_around_the_one_service(client_as, staff, user_a, sms_outbox):
    """The SMS devices have no admin pages at all (accounts/admin.py): not to read, change or add."""
    client = client_as(staff)
    device = PhoneDevice.objects.get(user=user_a)
    url = f"/admin/phonenumber/phonedevice/{device.pk}/change/"
    assert client.get(url).status_code == 404
    response = client.post(
        url, {"user": user_a.pk, "name": "default", "number": NEW_NUMBER, "key": device.key, "method": "sms"}
    )
    assert response.status_code == 404
    assert client.post("/admin/phonenumber/phonedevice/add/", {"user": user_a.pk}).status_code == 404
    device.refresh_from_db()
    assert device.number == user_a.mobile
    # What staff need, on the user's page: whether the SMS second factor is set up.
    page = client.get(f"/admin/accounts/user/{user_a.pk}/change/").content.decode()
    assert "ingesteld op het mobiele nummer dat eindigt op" in page


def test_the_mail_says_who_changed_the_number(
    client_as, admin_a, user_a, org_a, sms_outbox, django_capture_on_commit_callbacks
):
    from tests.orgadmin.test_user_update import current_data, detail_url

    first = UserFactory(organisation=org_a, mobile="")
    with django_capture_on_commit_callbacks(execute=True):
        client_as(admin_a).post(detail_url(user_a), current_data(user_a, mobile=OLD_CODE_STEP))
        client_as(admin_a).post(detail_url(first), current_data(first, mobile="06 23456789"))
        services.user_set_mobile(user=user_a, mobile="06 34567890", actor=user_a)
    bodies = {
        (m.to[0], "gewijzigd" in m.body, "organisatiebeheerder van uw organisatie." in m.body) for m in mail.outbox
    }
    assert (first.email, False, True) in bodies  # a first number, by the admin
    texts = [m.body for m in mail.outbox if m.to == [user_a.email]]
    assert "gewijzigd door de organisatiebeheerder" in texts[0] and "eindigt op 21" in texts[0]
    assert "gewijzigd via 'Mobiel nummer wijzigen'" in texts[1] and "eindigt op 90" in texts[1]
