"""Second factors beyond SMS on 'Inlogmethoden': an authenticator app confirmed with a first code computed from the
shown secret, within its time window and never twice; recovery codes that work once, are voided by new ones and
mailed on use; removal with the password; the choice at login among one's own factors only; and an organisation
that forbids SMS."""

import re
import time
from base64 import b32decode
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent
from accounts.services import factors
from tests.conftest import latest_sms_code, login_client, password_step, sms_count

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action
# The start of a 30-second TOTP step a little ahead of now (the sessions' idle clock must not see a jump back).
STEP_START = datetime.fromtimestamp((int(time.time()) // 30 + 4) * 30, tz=UTC)


def shown_secret(page: str) -> bytes:
    text = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    return b32decode(text + "=" * (-len(text) % 8))


def code_at(secret: bytes, when: datetime) -> str:
    """The code an authenticator app shows at `when` for this secret (RFC 6238: 30 seconds, 6 digits)."""
    generator = TOTP(secret, step=30, t0=0, digits=6)
    generator.time = when.timestamp()
    return f"{generator.token():06d}"


def add_app(client, when=STEP_START, code_when=None, name="Telefoon werk", capture=None):
    """Open 'Authenticator-app toevoegen' at `when`, confirm it with the code for `code_when`; returns the
    confirmation's response and the secret read from the page."""
    with time_machine.travel(when, tick=False):
        page = client.get("/inlogmethoden/app/").content.decode()
        secret = shown_secret(page)
        response = client.post(
            "/inlogmethoden/app/", {"code": code_at(secret, code_when or when), "name": name}, follow=True
        )
    return response, secret


def audit(action, user, **detail):
    return [
        e.detail for e in AuditEvent.objects.filter(action=action, target=user) if detail.items() <= e.detail.items()
    ]


def test_the_page_is_in_the_user_menu_of_both_sites(client, user_a, admin_a):
    login_client(client, user_a)
    assert 'href="/inlogmethoden/"' in client.get("/").content.decode()
    page = client.get("/inlogmethoden/").content.decode()
    assert "Inlogmethoden" in page and "Authenticator-app toevoegen" in page
    login_client(client, admin_a)
    assert 'href="/inlogmethoden/"' in client.get("/beheer/").content.decode()


def test_an_app_is_added_with_a_code_computed_from_the_shown_secret_and_gets_ten_recovery_codes(
    client, user_a, django_capture_on_commit_callbacks
):
    login_client(client, user_a)
    with django_capture_on_commit_callbacks(execute=True):
        response, secret = add_app(client)
    device = TOTPDevice.objects.get(user=user_a)
    assert device.confirmed and device.name == "Telefoon werk" and device.bin_key == secret
    page = response.content.decode()
    assert "Uw herstelcodes" in page
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(codes) == 10 and set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    download = client.get("/inlogmethoden/herstelcodes/download/")
    assert download["Content-Disposition"].startswith("attachment") and all(
        c in download.content.decode() for c in codes
    )
    assert audit(Action.FACTOR_ADDED, user_a, kind="totp") and audit(Action.FACTOR_ADDED, user_a, kind="recovery")
    assert AuditEvent.objects.filter(action=Action.FACTOR_ADDED, target=user_a).exclude(ip_address=None).count() == 2
    assert mail.outbox and "authenticator-app" in mail.outbox[-1].body
    # Shown once: back on the overview, the codes are gone from the session and the page.
    client.get("/inlogmethoden/")
    assert client.get("/inlogmethoden/herstelcodes/").status_code == 302
    assert client.get("/inlogmethoden/herstelcodes/download/").status_code == 302


def test_the_qr_code_is_an_svg_made_on_the_server(client, user_a):
    login_client(client, user_a)
    client.get("/inlogmethoden/app/")
    response = client.get("/inlogmethoden/app/qr.svg")
    assert response["Content-Type"] == "image/svg+xml" and response.content.lstrip().startswith(b"<svg")
    assert b"https://" not in response.content  # no external service


@pytest.mark.parametrize(
    "code_offset, accepted",
    [
        (timedelta(seconds=-31), False),  # two steps before the one the app shows: outside the window
        (timedelta(seconds=-30), True),  # the step before (tolerance 1)
        (timedelta(seconds=59), True),  # the last second of the step after
        (timedelta(seconds=60), False),  # two steps after
    ],
)
def test_the_confirmation_accepts_exactly_one_step_either_side(client, user_a, code_offset, accepted):
    login_client(client, user_a)
    response, _secret = add_app(client, when=STEP_START, code_when=STEP_START + code_offset)
    assert TOTPDevice.objects.filter(user=user_a).exists() is accepted
    if not accepted:
        assert "Deze code is niet juist" in response.content.decode()
        assert audit(Action.FACTOR_FAILED, user_a, kind="totp", reason="confirm_wrong")


def test_a_confirmation_after_the_qr_code_went_stale_is_refused_and_a_new_one_shown(client, user_a):
    login_client(client, user_a)
    with time_machine.travel(STEP_START, tick=False) as traveller:
        secret = shown_secret(client.get("/inlogmethoden/app/").content.decode())
        traveller.shift(timedelta(seconds=factors.TOTP_SETUP_SECONDS + 1))
        page = client.post("/inlogmethoden/app/", {"code": code_at(secret, STEP_START + timedelta(seconds=601))})
        page = page.content.decode()
    assert "De QR-code was verlopen" in page
    assert shown_secret(page) != secret
    assert not TOTPDevice.objects.exists()
    assert audit(Action.FACTOR_FAILED, user_a, kind="totp", reason="confirm_stale")


def test_exactly_at_the_qr_codes_ten_minutes_the_confirmation_still_counts(client, user_a):
    login_client(client, user_a)
    with time_machine.travel(STEP_START, tick=False) as traveller:
        secret = shown_secret(client.get("/inlogmethoden/app/").content.decode())
        traveller.shift(timedelta(seconds=factors.TOTP_SETUP_SECONDS))
        client.post("/inlogmethoden/app/", {"code": code_at(secret, STEP_START + timedelta(seconds=600))})
    assert TOTPDevice.objects.filter(user=user_a).exists()


def app_user(client, user):
    login_client(client, user)
    _response, secret = add_app(client)
    client.logout()
    return secret


def token_post(client, data):
    return client.post("/inloggen/", {"portero_login_view-current_step": "token", **data})


def test_the_login_asks_the_app_first_without_an_sms_and_refuses_a_replayed_code(client, user_a, password, sms_outbox):
    secret = app_user(client, user_a)
    when = STEP_START + timedelta(minutes=5)
    with time_machine.travel(when, tick=False):
        page = password_step(client, user_a.username, password).content.decode()
        assert "Code uit de authenticator-app" in page and sms_count(sms_outbox) == 0
        code = code_at(secret, when)
        response = token_post(client, {"token-otp_token": code})
        assert response.status_code == 302
        assert client.session[DEVICE_ID_SESSION_KEY] == TOTPDevice.objects.get(user=user_a).persistent_id
        assert audit(Action.FACTOR_USED, user_a, kind="totp")
        client.logout()
        password_step(client, user_a.username, password)
        page = token_post(client, {"token-otp_token": code}).content.decode()
    assert "niet juist" in page and DEVICE_ID_SESSION_KEY not in client.session
    assert audit(Action.FACTOR_FAILED, user_a, kind="totp", reason="login_wrong")
    assert sms_count(sms_outbox) == 0


@pytest.mark.parametrize(
    "login_offset, accepted",
    [
        (timedelta(seconds=-31), False),  # the app's code is two steps ahead of the server
        (timedelta(seconds=-30), True),
        (timedelta(seconds=59), True),  # the last second of the next step
        (timedelta(seconds=60), False),  # two steps late
    ],
)
def test_at_login_an_app_code_counts_one_step_either_side_and_no_further(
    client, user_a, password, login_offset, accepted
):
    secret = app_user(client, user_a)
    shown_at = STEP_START + timedelta(minutes=5)
    with time_machine.travel(shown_at + login_offset, tick=False):
        password_step(client, user_a.username, password)
        response = token_post(client, {"token-otp_token": code_at(secret, shown_at)})
    assert (response.status_code == 302) is accepted
    assert (DEVICE_ID_SESSION_KEY in client.session) is accepted


def test_the_choice_at_login_offers_only_the_persons_own_factors(client, user_a, org_a, password, sms_outbox):
    from tests.factories import UserFactory

    app_user(client, user_a)
    with time_machine.travel(STEP_START + timedelta(minutes=5), tick=False):
        page = password_step(client, user_a.username, password).content.decode()
        assert 'value="sms:' in page and 'value="recovery:' in page and "Telefoon werk" not in page.split("<h2>")[-1]
        # SMS chosen with the link: a code is sent then, and only then.
        phone_value = re.search(r'name="factor" value="(sms:\d+)"', page).group(1)
        page = client.post("/inloggen/", {"portero_login_view-current_step": "token", "factor": phone_value})
        assert sms_count(sms_outbox) == 1 and "U heeft een sms met een code ontvangen" in page.content.decode()
        response = token_post(client, {"token-otp_token": latest_sms_code(sms_outbox)})
        assert response.status_code == 302
    # Someone with only SMS sees no link at all; another account's device is refused.
    other = UserFactory(organisation=org_a)
    client.logout()
    page = password_step(client, other.username, password).content.decode()
    assert 'name="factor"' not in page
    foreign = f"totp:{TOTPDevice.objects.get(user=user_a).pk}"
    response = client.post("/inloggen/", {"portero_login_view-current_step": "token", "factor": foreign})
    assert response.status_code == 400 and "authenticator-app" not in response.content.decode().split("<main")[-1]


def test_recovery_codes_work_once_and_each_use_is_audited_and_mailed(
    client, user_a, password, sms_outbox, django_capture_on_commit_callbacks
):
    login_client(client, user_a)
    page = add_app(client)[0].content.decode()
    code = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)[0]
    client.logout()
    mail.outbox.clear()
    recovery = f"recovery:{StaticDevice.objects.get(user=user_a).pk}"
    for attempt in range(2):
        password_step(client, user_a.username, password)
        client.post("/inloggen/", {"portero_login_view-current_step": "token", "factor": recovery})
        with django_capture_on_commit_callbacks(execute=True):
            response = token_post(client, {"token-otp_token": code})
        if attempt == 0:
            assert response.status_code == 302
            assert audit(Action.FACTOR_USED, user_a, kind="recovery", left=9)
            assert len(mail.outbox) == 1 and "herstelcode" in mail.outbox[0].subject
            assert "nog 9 herstelcodes" in mail.outbox[0].body and code not in mail.outbox[0].body
            client.logout()
        else:
            assert response.status_code == 200 and "niet juist" in response.content.decode()
            assert audit(Action.FACTOR_FAILED, user_a, kind="recovery")
    assert sms_count(sms_outbox) == 0


def test_regenerating_voids_the_old_codes(client, user_a):
    login_client(client, user_a)
    old = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", add_app(client)[0].content.decode())
    page = client.post("/inlogmethoden/herstelcodes/nieuw/", follow=True).content.decode()
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)
    assert StaticDevice.objects.filter(user=user_a).count() == 1
    assert audit(Action.FACTOR_ADDED, user_a, kind="recovery", regenerated=True)


def test_removing_an_app_needs_the_password_and_changes_nothing_without_it(client, user_a, password):
    login_client(client, user_a)
    add_app(client)
    device = TOTPDevice.objects.get(user=user_a)
    for data in ({"kind": "totp", "device": device.pk}, {"kind": "totp", "device": device.pk, "password": "fout"}):
        page = client.post("/inlogmethoden/verwijderen/", data, follow=True).content.decode()
        assert "Er is niets verwijderd" in page
        assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert len(audit(Action.FACTOR_FAILED, user_a, kind="totp")) == 2
    page = client.post(
        "/inlogmethoden/verwijderen/", {"kind": "totp", "device": device.pk, "password": password}, follow=True
    ).content.decode()
    assert "De inlogmethode is verwijderd" in page and not TOTPDevice.objects.exists()
    assert audit(Action.FACTOR_REMOVED, user_a, kind="totp")


def test_another_accounts_device_cannot_be_removed(client, user_a, admin_a, password):
    login_client(client, admin_a)
    add_app(client)
    device = TOTPDevice.objects.get(user=admin_a)
    login_client(client, user_a)
    client.post("/inlogmethoden/verwijderen/", {"kind": "totp", "device": device.pk, "password": password})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def forbid_sms(org):
    type(org).objects.filter(pk=org.pk).update(sms_allowed=False)


def test_sms_forbidden_the_app_is_asked_and_no_sms_can_be_chosen(client, user_a, org_a, password, sms_outbox):
    app_user(client, user_a)
    forbid_sms(org_a)
    with time_machine.travel(STEP_START + timedelta(minutes=5), tick=False):
        page = password_step(client, user_a.username, password).content.decode()
        assert 'value="sms:' not in page and "Code uit de authenticator-app" in page
        phone = user_a.phonedevice_set.get()
        response = client.post("/inloggen/", {"portero_login_view-current_step": "token", "factor": f"sms:{phone.pk}"})
        assert response.status_code == 400
        token_post(client, {"resend": "1"})
    assert sms_count(sms_outbox) == 0


def test_sms_forbidden_without_another_factor_no_sms_is_sent_and_the_person_is_led_to_enrol(
    client, user_a, org_a, password, sms_outbox
):
    forbid_sms(org_a)
    response = password_step(client, user_a.username, password)
    assert sms_count(sms_outbox) == 0
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get("/").url == "/inlogmethoden/instellen/"
    assert client.get("/inloggen/telefoon/").url == "/inlogmethoden/instellen/"
    # Not in the session of a set-password link: the password alone binds no factor.
    page = client.get("/inlogmethoden/instellen/")
    assert page.status_code == 403 and "organisatiebeheerder" in page.content.decode()
    assert client.get("/inlogmethoden/app/").status_code == 403
    assert client.post("/inlogmethoden/app/", {"code": "123456"}).status_code == 403
    assert not TOTPDevice.objects.exists()
    assert response.status_code == 302


def test_sms_forbidden_in_the_session_of_the_link_the_app_is_enrolled_and_logs_in(
    client, user_a, org_a, password, sms_outbox
):
    from accounts.services import phone_enrolment_mark

    forbid_sms(org_a)
    password_step(client, user_a.username, password)
    session = client.session
    phone_enrolment_mark(session=session, user=user_a)
    session.save()
    assert "Authenticator-app toevoegen" in client.get("/inlogmethoden/instellen/").content.decode()
    response, _secret = add_app(client)
    assert "Uw herstelcodes" in response.content.decode()
    assert client.session[DEVICE_ID_SESSION_KEY] == TOTPDevice.objects.get(user=user_a).persistent_id
    assert client.get("/").status_code == 200
    assert sms_count(sms_outbox) == 0


def test_the_last_factor_that_can_log_in_cannot_be_removed(client, user_a, org_a, password):
    login_client(client, user_a)
    add_app(client)
    forbid_sms(org_a)
    device = TOTPDevice.objects.get(user=user_a)
    page = client.post(
        "/inlogmethoden/verwijderen/", {"kind": "totp", "device": device.pk, "password": password}, follow=True
    ).content.decode()
    assert "enige manier om in te loggen" in page and TOTPDevice.objects.filter(pk=device.pk).exists()


def test_the_ciz_admin_sets_sms_allowed(client, staff, org_a):
    login_client(client, staff)
    page = client.get(f"/admin/accounts/organisation/{org_a.pk}/change/").content.decode()
    assert 'name="sms_allowed"' in page and "SMS toegestaan" in page


def test_the_recovery_codes_are_removed_with_the_password_from_the_page(client, user_a, password):
    login_client(client, user_a)
    add_app(client)
    page = client.get("/inlogmethoden/").content.decode()
    device = re.search(r'name="kind" value="recovery">\s*<input type="hidden" name="device" value="(\d+)"', page)
    data = {"kind": "recovery", "device": device.group(1), "password": password}
    client.post("/inlogmethoden/verwijderen/", data)
    assert not StaticDevice.objects.filter(user=user_a).exists()
    assert audit(Action.FACTOR_REMOVED, user_a, kind="recovery")
