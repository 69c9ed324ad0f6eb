"""Passkeys and security keys (accounts/passkeys.py, accounts/services/passkeys.py): the second step of the login
with a key, its refusals (unknown key, another person's key, a cloned key whose counter goes back), and removing
a key only with the password. A software key in this module signs the answers a browser's authenticator would."""

import hashlib
import json
import os

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential
from webauthn.helpers import bytes_to_base64url

from accounts.audit import Action, AuditEvent
from accounts.webauthn import relying_party_id
from tests.conftest import login_client, password_step, sms_count
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class SoftKey:
    """A passkey in software: an ES256 key pair and a credential id, answering a challenge as a browser would."""

    def __init__(self):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)

    def cose_key(self) -> bytes:
        """The public key as the authenticator hands it over: COSE, EC2 on P-256 with ES256."""
        numbers = self.private_key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def register(self, user, *, name="Laptop", sign_count=0):
        return WebAuthnCredential.objects.create(
            user=user,
            name=name,
            credential_id=self.credential_id,
            public_key=self.cose_key(),
            sign_count=sign_count,
            aaguid="00000000-0000-0000-0000-000000000000",
            transports=["internal"],
        )

    def attest(self, *, challenge, origin="http://testserver", rp_id="testserver"):
        """The browser's answer to a registration: attestation 'none', the public key and credential id inside."""
        client_data = json.dumps(
            {"type": "webauthn.create", "challenge": challenge, "origin": origin, "crossOrigin": False}
        ).encode()
        flags = bytes([0x45])  # user present and verified, attested credential data included
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + flags
            + (0).to_bytes(4, "big")
            + bytes(16)  # AAGUID
            + len(self.credential_id).to_bytes(2, "big")
            + self.credential_id
            + self.cose_key()
        )
        return self.credential(
            clientDataJSON=bytes_to_base64url(client_data),
            attestationObject=bytes_to_base64url(cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})),
            transports=["internal"],
        )

    def credential(self, **response) -> dict:
        """The PublicKeyCredential as the browser's JSON has it, around a registration's or a login's response."""
        credential_id = bytes_to_base64url(self.credential_id)
        return {
            "id": credential_id,
            "rawId": credential_id,
            "type": "public-key",
            "response": response,
            "clientExtensionResults": {},
        }

    def answer(self, *, challenge, sign_count, origin="http://testserver", rp_id="testserver"):
        client_data = json.dumps(
            {"type": "webauthn.get", "challenge": challenge, "origin": origin, "crossOrigin": False}
        ).encode()
        flags = bytes([0x05])  # user present and verified
        auth_data = hashlib.sha256(rp_id.encode()).digest() + flags + sign_count.to_bytes(4, "big")
        signature = self.private_key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return self.credential(
            clientDataJSON=bytes_to_base64url(client_data),
            authenticatorData=bytes_to_base64url(auth_data),
            signature=bytes_to_base64url(signature),
            userHandle=None,
        )


def key_step(client, key, *, sign_count, **answer):
    options = client.post("/inloggen/sleutel/begin/")
    assert options.status_code == 200, options.content
    body = key.answer(challenge=options.json()["challenge"], sign_count=sign_count, **answer)
    return client.post("/inloggen/sleutel/voltooien/", data=json.dumps(body), content_type="application/json")


def logged_in(client) -> bool:
    return client.get("/").status_code == 200


@pytest.fixture
def user_with_key(user_a):
    key = SoftKey()
    key.register(user_a, sign_count=10)
    return user_a, key


def test_a_key_after_the_password_logs_in_without_any_sms(client, user_with_key, password, sms_outbox):
    user, key = user_with_key
    response = password_step(client, user.username, password)
    assert response.status_code == 302 and response["Location"] == "/inloggen/sleutel/"
    assert client.get("/inloggen/sleutel/").status_code == 200
    assert not logged_in(client)  # the password alone logs nobody in

    response = key_step(client, key, sign_count=11)

    assert response.status_code == 200, response.content
    assert response.json()["redirect_url"] == "/"
    assert logged_in(client)
    assert sms_count(sms_outbox) == 0
    device = WebAuthnCredential.objects.get(user=user)
    assert device.sign_count == 11 and device.last_used_at is not None
    used = AuditEvent.objects.get(action=Action.PASSKEY_USED)
    assert used.target == user and used.ip_address == "127.0.0.1" and used.detail["passkey"] == device.pk
    assert AuditEvent.objects.filter(action=Action.LOGIN_SUCCEEDED, target=user).exists()


def test_the_key_step_can_be_swapped_for_the_sms_code(client, user_with_key, password, sms_outbox):
    user, _key = user_with_key
    password_step(client, user.username, password)
    response = client.post("/inloggen/", {"sms": "1"})
    assert response.status_code == 200
    assert "Code uit de sms" in response.content.decode()
    assert sms_count(sms_outbox) == 1


@pytest.mark.parametrize("sign_count", [5, 10])
def test_a_counter_that_does_not_go_up_is_refused_as_a_cloned_key(client, user_with_key, password, sign_count):
    user, key = user_with_key
    password_step(client, user.username, password)

    response = key_step(client, key, sign_count=sign_count)

    assert response.status_code == 403
    assert "gekopieerd" in response.json()["detail"]
    assert not logged_in(client)
    device = WebAuthnCredential.objects.get(user=user)
    assert device.sign_count == 10 and device.last_used_at is None
    cloned = AuditEvent.objects.get(action=Action.PASSKEY_CLONED)
    assert cloned.target == user and cloned.ip_address == "127.0.0.1" and cloned.detail["passkey"] == device.pk
    assert not AuditEvent.objects.filter(action__in=[Action.PASSKEY_USED, Action.LOGIN_SUCCEEDED]).exists()


def test_another_persons_key_is_refused_like_an_unknown_one(client, user_with_key, password, org_a):
    user, _key = user_with_key
    colleague_key = SoftKey()
    colleague_key.register(UserFactory(organisation=org_a), sign_count=0)
    password_step(client, user.username, password)

    response = key_step(client, colleague_key, sign_count=1)

    assert response.status_code == 403
    assert "niet bekend bij uw account" in response.json()["detail"]
    assert not logged_in(client)
    failed = AuditEvent.objects.get(action=Action.PASSKEY_FAILED)
    assert failed.target == user and failed.detail["reason"] == "other_account" and failed.ip_address == "127.0.0.1"


def test_an_unknown_key_is_refused_and_audited(client, user_with_key, password):
    user, _key = user_with_key
    password_step(client, user.username, password)

    response = key_step(client, SoftKey(), sign_count=1)

    assert response.status_code == 403
    assert "niet bekend bij uw account" in response.json()["detail"]
    assert not logged_in(client)
    assert AuditEvent.objects.get(action=Action.PASSKEY_FAILED).detail["reason"] == "unknown"


def test_an_answer_signed_for_another_site_is_refused(client, user_with_key, password):
    user, key = user_with_key
    password_step(client, user.username, password)

    response = key_step(client, key, sign_count=11, origin="https://portero.example.com")

    assert response.status_code == 403
    assert not logged_in(client)
    assert AuditEvent.objects.get(action=Action.PASSKEY_FAILED).detail["reason"] == "invalid"
    assert WebAuthnCredential.objects.get(user=user).sign_count == 10


def test_without_a_password_step_there_is_no_key_step(client, user_with_key):
    _user, key = user_with_key
    assert client.get("/inloggen/sleutel/")["Location"] == "/inloggen/"
    assert client.post("/inloggen/sleutel/begin/").status_code == 403
    assert not logged_in(client)


def test_an_account_without_a_key_gets_the_sms_code_as_before(client, user_a, password, sms_outbox):
    response = password_step(client, user_a.username, password)
    assert response.status_code == 200 and "Code uit de sms" in response.content.decode()
    assert sms_count(sms_outbox) == 1


# --- Managing keys ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password_given", "reason"), [("", "no_password"), ("Verkeerd#Wachtwoord1", "wrong_password")]
)
def test_removal_without_the_right_password_changes_nothing(client_as, client, user_with_key, password_given, reason):
    user, _key = user_with_key
    device = WebAuthnCredential.objects.get(user=user)
    client_as(user)

    response = client.post(f"/inlogmethoden/sleutels/{device.pk}/", {"remove": "1", "password": password_given})

    assert response.status_code == 200
    text = response.content.decode()
    assert "Vul uw wachtwoord in" in text if reason == "no_password" else "Het wachtwoord is niet juist" in text
    assert WebAuthnCredential.objects.filter(pk=device.pk).exists()
    refused = AuditEvent.objects.get(action=Action.PASSKEY_REMOVAL_REFUSED)
    assert refused.detail["reason"] == reason and refused.ip_address == "127.0.0.1"


def test_removal_with_the_password_removes_the_key_and_ends_other_sessions(client_as, client, user_with_key, password):
    user, _key = user_with_key
    device = WebAuthnCredential.objects.get(user=user)
    elsewhere = login_client(Client(), user)
    client_as(user)

    response = client.post(f"/inlogmethoden/sleutels/{device.pk}/", {"remove": "1", "password": password})

    assert response.status_code == 302 and response["Location"] == "/inlogmethoden/sleutels/"
    assert not WebAuthnCredential.objects.filter(pk=device.pk).exists()
    assert AuditEvent.objects.get(action=Action.PASSKEY_REMOVED).detail["passkey"] == device.pk
    assert logged_in(client)  # this session was verified by SMS and stays
    assert not logged_in(elsewhere)


def test_another_persons_key_cannot_be_seen_renamed_or_removed(client_as, client, user_with_key, admin_a, password):
    user, _key = user_with_key
    device = WebAuthnCredential.objects.get(user=user)
    client_as(admin_a)
    url = f"/inlogmethoden/sleutels/{device.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"rename": "1", "name": "Van mij"}).status_code == 404
    assert client.post(url, {"remove": "1", "password": password}).status_code == 404
    device.refresh_from_db()
    assert device.name == "Laptop"


def test_a_key_is_renamed_and_the_rename_audited(client_as, client, user_with_key):
    user, _key = user_with_key
    device = WebAuthnCredential.objects.get(user=user)
    client_as(user)
    response = client.post(f"/inlogmethoden/sleutels/{device.pk}/", {"rename": "1", "name": "Werkplek 3"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.name == "Werkplek 3"
    assert AuditEvent.objects.get(action=Action.PASSKEY_RENAMED).detail["old"] == "Laptop"


def test_the_page_lists_the_keys_and_names_a_new_one_first(client_as, client, user_with_key):
    user, _key = user_with_key
    client_as(user)
    page = client.get("/inlogmethoden/sleutels/").content.decode()
    assert "Laptop" in page and "passkey-register-button" not in page

    client.post("/inlogmethoden/sleutels/", {"name": "Sleutelbos"})
    page = client.get("/inlogmethoden/sleutels/").content.decode()
    assert "passkey-register-button" in page and "Sleutelbos" in page
    assert 'id="otp_webauthn_config" hidden' in page
    options = client.post("/inlogmethoden/sleutels/registreren/begin/")
    assert options.status_code == 200
    assert options.json()["rp"] == {"name": "Portero", "id": "testserver"}
    assert options.json()["excludeCredentials"][0]["id"] == bytes_to_base64url(_key.credential_id)


def register_key(client, key, *, name="Laptop"):
    """Name the key on the page, then the two steps the library's script takes with the browser's answer."""
    client.post("/inlogmethoden/sleutels/", {"name": name})
    options = client.post("/inlogmethoden/sleutels/registreren/begin/")
    assert options.status_code == 200, options.content
    body = key.attest(challenge=options.json()["challenge"])
    return client.post(
        "/inlogmethoden/sleutels/registreren/voltooien/", data=json.dumps(body), content_type="application/json"
    )


def test_a_first_key_brings_ten_recovery_codes_shown_once_and_a_second_key_none(client_as, client, user_a):
    from django_otp.plugins.otp_static.models import StaticToken

    client_as(user_a)
    response = register_key(client, SoftKey(), name="Laptop")
    assert response.status_code == 200, response.content
    assert response.json()["redirect_url"] == "/inlogmethoden/herstelcodes/"
    assert WebAuthnCredential.objects.get(user=user_a).name == "Laptop"
    codes = set(StaticToken.objects.filter(device__user=user_a).values_list("token", flat=True))
    assert len(codes) == 10
    page = client.get("/inlogmethoden/herstelcodes/").content.decode()
    assert all(code in page for code in codes)
    assert AuditEvent.objects.filter(action=Action.FACTOR_ADDED, target_id=user_a.pk, detail__kind="recovery").exists()

    client.get("/inlogmethoden/")  # moving on: the codes are not shown again
    response = register_key(client, SoftKey(), name="Sleutelbos")
    assert response.json()["redirect_url"] == "/inlogmethoden/sleutels/"
    assert set(StaticToken.objects.filter(device__user=user_a).values_list("token", flat=True)) == codes
    assert client.get("/inlogmethoden/herstelcodes/").url == "/inlogmethoden/"


def test_sms_forbidden_in_the_session_of_the_link_a_key_is_enrolled_and_logs_in(
    client, user_a, org_a, password, sms_outbox
):
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.services import phone_enrolment_mark

    type(org_a).objects.filter(pk=org_a.pk).update(sms_allowed=False)
    password_step(client, user_a.username, password)
    session = client.session
    phone_enrolment_mark(session=session, user=user_a)
    session.save()
    assert client.get("/").url == "/inlogmethoden/instellen/"
    response = register_key(client, SoftKey(), name="Afdelingssleutel")
    assert response.status_code == 200, response.content
    assert response.json()["redirect_url"] == "/inlogmethoden/herstelcodes/"
    device = WebAuthnCredential.objects.get(user=user_a)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert "Uw herstelcodes" in client.get("/inlogmethoden/herstelcodes/").content.decode()
    assert client.get("/").status_code == 200
    assert sms_count(sms_outbox) == 0


def test_sms_forbidden_outside_the_session_of_the_link_the_password_alone_registers_no_key(
    client, user_a, org_a, password
):
    type(org_a).objects.filter(pk=org_a.pk).update(sms_allowed=False)
    password_step(client, user_a.username, password)
    assert client.get("/inlogmethoden/sleutels/").status_code == 403
    assert client.post("/inlogmethoden/sleutels/", {"name": "Laptop"}).status_code == 403
    session = client.session
    session["portero_passkey_name"] = "Laptop"  # as if a name had been given: the ceremony itself still refuses
    session.save()
    assert client.post("/inlogmethoden/sleutels/registreren/begin/").status_code == 403
    assert not WebAuthnCredential.objects.exists()


def test_registering_needs_a_name_first(client_as, client, user_a):
    client_as(user_a)
    response = client.post("/inlogmethoden/sleutels/registreren/begin/")
    assert response.status_code >= 400 and "naam" in response.json()["detail"]


# --- The relying party -------------------------------------------------------------------------------------


class FakeRequest:
    def __init__(self, host):
        self.host = host

    def get_host(self):
        return self.host


def test_the_relying_party_follows_the_host(settings):
    settings.PORTERO_WEBAUTHN_RP_ID = ""
    assert relying_party_id(FakeRequest("aanvraag.example.nl")) == "aanvraag.example.nl"
    assert relying_party_id(FakeRequest("localhost:8123")) == "localhost"
    settings.PORTERO_WEBAUTHN_RP_ID = "portero.example.nl"
    assert relying_party_id(FakeRequest("beheer.portero.example.nl")) == "portero.example.nl"
    assert relying_party_id(FakeRequest("aanvraag.portero.example.nl")) == "portero.example.nl"
    assert relying_party_id(FakeRequest("elders.example.nl")) == "elders.example.nl"


def test_a_shared_relying_party_must_cover_both_hosts(settings):
    from accounts.checks import webauthn_relying_party_check

    settings.BEHEER_HOST, settings.AANVRAAG_HOST = "beheer.portero.example.nl", "aanvraag.portero.example.nl"
    settings.PORTERO_WEBAUTHN_RP_ID = "portero.example.nl"
    assert webauthn_relying_party_check(None) == []
    settings.PORTERO_WEBAUTHN_RP_ID = "beheer.portero.example.nl"
    assert [error.id for error in webauthn_relying_party_check(None)] == ["portero.E020"]
