"""Flash messages in a cookie named like the session cookie: `__Host-messages` in production.

Django's CookieStorage always calls its cookie `messages` (a class attribute, no setting), while it takes Secure,
Domain and SameSite from the SESSION_COOKIE_* settings. In production every cookie carries the `__Host-` prefix
(ASVS 3.4.4, portero/settings.py), so this one does too whenever the session cookie does."""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage

HOST_PREFIX = "__Host-"


class HostPrefixCookieStorage(CookieStorage):
    @property
    def cookie_name(self) -> str:
        prefixed = settings.SESSION_COOKIE_NAME.startswith(HOST_PREFIX)
        return f"{HOST_PREFIX}messages" if prefixed else "messages"


class HostPrefixFallbackStorage(FallbackStorage):
    """Django's default (the cookie first, the session for what does not fit), with the prefixed cookie."""

    storage_classes = (HostPrefixCookieStorage, SessionStorage)
