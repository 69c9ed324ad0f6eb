from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def sms_gateway_check(app_configs, **kwargs):
    if settings.SMS_GATEWAY == "outbox" and not settings.DEBUG:
        return [
            Warning(
                "SMS_GATEWAY is 'outbox': verification codes are written to files, not sent.",
                hint="Set SMS_GATEWAY=twilio with the TWILIO_* settings in production.",
                id="portero.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def trusted_proxies_check(app_configs, **kwargs):
    """Behind a proxy with PORTERO_TRUSTED_PROXIES=0, REMOTE_ADDR is the proxy: every request would seem to come
    from one address, and the lockout, the limits and the logs would share one site-wide bucket."""
    if getattr(settings, "BEHIND_PROXY", False) and settings.PORTERO_TRUSTED_PROXIES == 0 and not settings.DEBUG:
        return [
            Warning(
                "DJANGO_BEHIND_PROXY is on but PORTERO_TRUSTED_PROXIES is 0: every client gets the proxy's address.",
                hint="Set PORTERO_TRUSTED_PROXIES to the number of reverse proxies in front (docker-compose.yml: 1).",
                id="portero.W010",
            )
        ]
    return []


@register(Tags.security)
def webauthn_relying_party_check(app_configs, **kwargs):
    """PORTERO_WEBAUTHN_RP_ID, when set, must be each site's host or a parent domain of it: a browser refuses a key
    for any other relying party id (accounts/webauthn.py)."""
    shared = settings.PORTERO_WEBAUTHN_RP_ID
    errors = []
    for host in filter(None, (settings.BEHEER_HOST, settings.AANVRAAG_HOST)):
        domain = host.lower().split(":")[0]
        if shared and domain != shared and not domain.endswith("." + shared):
            errors.append(
                Error(
                    f"PORTERO_WEBAUTHN_RP_ID={shared!r} is not {domain!r} nor a parent domain of it.",
                    hint="Set it to a parent domain of both BEHEER_HOST and AANVRAAG_HOST, or leave it unset.",
                    id="portero.E020",
                )
            )
    return errors
