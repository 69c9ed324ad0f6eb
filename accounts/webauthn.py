"""Portero's side of django-otp-webauthn: the relying party id of each host, the origin a ceremony must come from,
and the refusal of a cloned key (its signature counter going back).

The relying party id is the host the request came to (without its port), or PORTERO_WEBAUTHN_RP_ID when that is the
host or a parent domain of it (settings: a parent of both BEHEER_HOST and AANVRAAG_HOST, so that one key works on
both sites). The origin the browser signed into the ceremony must be the request's own origin: the page that ran
the ceremony posts its answer to the host that served it, whose name ALLOWED_HOSTS has already checked.
"""

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.utils.translation import gettext_lazy as _
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.utils import get_credential_model
from webauthn import base64url_to_bytes, verify_authentication_response
from webauthn.helpers import parse_authentication_credential_json


def relying_party_id(request: HttpRequest) -> str:
    domain, _port = split_domain_port(request.get_host())
    domain = domain.lower()
    shared = settings.PORTERO_WEBAUTHN_RP_ID
    if shared and (domain == shared or domain.endswith("." + shared)):
        return shared
    return domain


class CredentialCloned(exceptions.OTPWebAuthnApiError):
    """The key signed correctly, but its counter is not higher than the last one seen: a copy of the key is in use
    (or an old answer is replayed)."""

    status_code = 403
    default_code = "credential_cloned"
    default_detail = _(
        "Deze sleutel wordt geweigerd: hij lijkt gekopieerd. Log in met een sms-code en neem contact op met uw "
        "beheerder."
    )

    def __init__(self, *, device_pk: int):
        super().__init__()
        self.device_pk = device_pk


class PorteroWebAuthnHelper(WebAuthnHelper):
    def get_allowed_origins(self) -> list[str]:
        return [f"{self.request.scheme}://{self.request.get_host()}"]

    def authenticate_complete(self, user, state: dict, data: dict):
        """The library's own steps, except that the signature is verified before the counter is compared, so that a
        refusal as cloned (CredentialCloned) is only ever about an answer the key itself signed."""
        credential = parse_authentication_credential_json(data)
        model = get_credential_model()
        try:
            device = model.get_by_credential_id(credential.raw_id)
        except model.DoesNotExist:
            raise exceptions.CredentialNotFound() from None
        if user and device.user_id != user.pk:
            raise exceptions.CredentialUserMismatch() from None

        response = verify_authentication_response(
            credential=credential,
            credential_current_sign_count=0,  # compared below, after the signature proved the answer genuine
            credential_public_key=device.public_key,
            expected_challenge=base64url_to_bytes(state["challenge"]),
            expected_rp_id=self.get_relying_party_domain(),
            expected_origin=self.get_allowed_origins(),
            require_user_verification=state["require_user_verification"],
        )
        if (response.new_sign_count > 0 or device.sign_count > 0) and response.new_sign_count <= device.sign_count:
            raise CredentialCloned(device_pk=device.pk)

        device.sign_count = response.new_sign_count
        device.backup_state = response.credential_backed_up
        device.set_last_used_timestamp(commit=False)
        device.save(update_fields=["sign_count", "last_used_at", "backup_state"])
        return device
