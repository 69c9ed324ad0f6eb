from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django_otp import middleware as otp_middleware

from accounts import auth_cache, selectors, services


class SessionIdleMiddleware:
    """Ends a session after 30 minutes without a request, or 12 hours after its login, before anything reads the
    user from it (accounts.services.session_touch). Requests without a session cookie pass untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        auth_cache.request_reset()  # a worker thread serves one request after another
        if request.session.session_key is not None:
            services.session_touch(session=request.session)
        try:
            return self.get_response(request)
        finally:
            auth_cache.request_end(session_key=request.session.session_key)


class OTPMiddleware(otp_middleware.OTPMiddleware):
    """django-otp's middleware, with the verifying device of a running session taken from the request's one Redis
    round trip (accounts.auth_cache) while it is unchanged, instead of a query on every request."""

    def _device_from_persistent_id(self, persistent_id):
        device = auth_cache.device_cached(persistent_id)
        if device is None:
            device = super()._device_from_persistent_id(persistent_id)
            if device is not None:
                auth_cache.device_loaded(persistent_id, device)
        return device


class SecondFactorRequiredMiddleware:
    """A person logged in with a password only (no phone registered yet) may do nothing but register and
    verify a mobile number, or log out; in an organisation that forbids SMS, add an authenticator app or passkey.
    django-two-factor-auth leaves this enforcement to the project."""

    allowed_url_names = {"two_factor:setup", "accounts:logout", "healthz"}
    # An account whose organisation forbids SMS adds an authenticator app (or a passkey) instead of a number.
    enrol_url_names = {
        "accounts:factor_enrol",
        "accounts:totp_add",
        "accounts:totp_qr",
        "accounts:passkeys",
        "accounts:passkey_register_begin",
        "accounts:passkey_register_complete",
        "accounts:passkey_js_catalog",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            view_name = request.resolver_match.view_name
            if not selectors.factor_usable(kind=selectors.FACTOR_SMS, organisation=user.organisation):
                if view_name not in self.enrol_url_names | {"accounts:logout", "healthz"}:
                    return redirect(reverse("accounts:factor_enrol"))
            elif view_name not in self.allowed_url_names:
                return redirect(reverse("two_factor:setup"))
        return None


class NeverCacheWhenLoggedInMiddleware:
    """Pages for a logged-in person hold personal or client data: no browser or proxy may keep them (shared
    computers at care organisations; the back button after logging out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
