from django.conf import settings
from django.core.checks import Tags, Warning, register


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
