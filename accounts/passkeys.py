"""Passkeys and security keys: the page 'Passkeys en beveiligingssleutels' (/inlogmethoden/sleutels/), one key's page
(rename, remove with the password), and the key as the second step of the login (/inloggen/sleutel/).

The browser side is django-otp-webauthn's own JavaScript, served from static files. Its configuration is the text of
a hidden element (templates/accounts/passkeys/_config.html), not an inline script, so the CSP needs no
'unsafe-inline'. The JSON endpoints are the library's views with Portero's user, names, audit and Dutch messages.

At login the person is not logged in yet during the second step: PorteroLoginView (accounts/views.py) hands an
account that has a key to login_offer() instead of sending an SMS, and the endpoints here take the account the
password was given for from the login's own session storage. Only after the key's answer verifies is the person
logged in, exactly as the SMS step does it (django's login with the device, then two_factor's user_verified).
"""

import json
import time

import django_otp
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as webauthn_views
from django_otp_webauthn.utils import rewrite_exceptions
from two_factor.plugins.phonenumber.models import PhoneDevice
from two_factor.signals import user_verified
from two_factor.views.utils import LoginStorage

from accounts import selectors
from accounts.services import factors as factor_services
from accounts.services import passkeys as services

PENDING_NAME_KEY = "portero_passkey_name"  # the name typed for the key being registered
LOGIN_KEY = "portero_passkey_login"  # {"wizard": the login's storage prefix, "next": where to go after}


class PasskeyNameForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Naam van de sleutel"),
        help_text=gettext_lazy("Bijvoorbeeld 'Laptop' of 'Sleutel aan mijn sleutelbos', zodat u hem later herkent."),
        max_length=services.NAME_MAX_LENGTH,
        error_messages={
            "required": gettext_lazy("Geef de sleutel een naam."),
            "max_length": gettext_lazy("De naam is te lang: gebruik hoogstens 64 tekens."),
        },
    )


class PasskeyRemoveForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Uw wachtwoord"),
        required=False,  # an empty password is refused and audited by the service, like a wrong one
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


REMOVAL_MESSAGES = {
    services.PasskeyRemoval.NO_PASSWORD: gettext_lazy("Vul uw wachtwoord in om de sleutel te verwijderen."),
    services.PasskeyRemoval.WRONG_PASSWORD: gettext_lazy(
        "Het wachtwoord is niet juist. De sleutel is niet verwijderd."
    ),
    services.PasskeyRemoval.LIMITED: gettext_lazy(
        "U heeft het te vaak geprobeerd. Wacht een kwartier en begin opnieuw."
    ),
}


def webauthn_config(request: HttpRequest, **urls: str) -> str:
    """The library's client configuration (django_otp_webauthn.templatetags.otp_webauthn.get_configuration), as JSON
    for the hidden element its scripts read by the id otp_webauthn_config."""
    return json.dumps(
        {
            "autocompleteLoginFieldSelector": None,
            "nextFieldSelector": "input[name='next']",
            "csrfToken": get_token(request),
            "beginAuthenticationUrl": urls.get("begin_authentication", ""),
            "completeAuthenticationUrl": urls.get("complete_authentication", ""),
            "beginRegistrationUrl": urls.get("begin_registration", ""),
            "completeRegistrationUrl": urls.get("complete_registration", ""),
        }
    )


def section_context(request: HttpRequest, form: PasskeyNameForm | None = None) -> dict:
    """What templates/accounts/passkeys/_section.html needs, for this page and for a page that includes it."""
    pending = request.session.get(PENDING_NAME_KEY)
    return {
        "passkeys": selectors.passkeys_of(user=request.user),
        "passkey_form": form or PasskeyNameForm(),
        "passkey_pending_name": pending,
        "passkey_config": webauthn_config(
            request,
            begin_registration=reverse("accounts:passkey_register_begin"),
            complete_registration=reverse("accounts:passkey_register_complete"),
        )
        if pending
        else None,
    }


@require_http_methods(["GET", "POST"])
def passkey_list(request):
    """The person's keys; adding one takes a name first (this form), then the browser's own dialog (the library's
    script behind the button that then appears)."""
    if not factor_services.factor_adding_allowed(session=request.session, user=request.user):
        return render(request, "accounts/factors/enrol.html", {"allowed": False}, status=403)
    form = None
    if request.method == "POST":
        if "cancel" in request.POST:
            request.session.pop(PENDING_NAME_KEY, None)
            return redirect("accounts:passkeys")
        form = PasskeyNameForm(request.POST)
        if form.is_valid():
            request.session[PENDING_NAME_KEY] = form.cleaned_data["name"]
            return redirect(reverse("accounts:passkeys") + "#sleutel-toevoegen")
    return render(request, "accounts/passkeys/page.html", section_context(request, form))


@require_http_methods(["GET", "POST"])
def passkey_detail(request, pk):
    """One key of the person's own: a new name, or removal with the password. Another person's key is a 404."""
    device = selectors.passkey_of(user=request.user, pk=pk)
    if device is None:
        raise Http404
    name_form = PasskeyNameForm(initial={"name": device.name})
    remove_form = PasskeyRemoveForm()
    if request.method == "POST" and "rename" in request.POST:
        name_form = PasskeyNameForm(request.POST)
        if name_form.is_valid():
            services.passkey_rename(
                user=request.user, device=device, name=name_form.cleaned_data["name"], request=request
            )
            messages.success(request, _("De naam van de sleutel is gewijzigd."))
            return redirect("accounts:passkeys")
    elif request.method == "POST":
        removed_id = device.persistent_id  # before the delete, which clears the pk
        remove_form = PasskeyRemoveForm(request.POST)
        remove_form.is_valid()
        result = services.passkey_remove(
            user=request.user, device=device, raw_password=remove_form.cleaned_data.get("password", ""), request=request
        )
        if result == services.PasskeyRemoval.REMOVED:
            return _removed(request, removed_id)
        remove_form.add_error("password", REMOVAL_MESSAGES[result])
    return render(
        request,
        "accounts/passkeys/detail.html",
        {"passkey": device, "name_form": name_form, "remove_form": remove_form},
    )


def _removed(request, removed_id: str):
    """The key is gone and every other session has ended. This one stays, unless it was logged in with that key:
    it would no longer count as verified, so it ends too and the person logs in again with another factor."""
    verified_with = getattr(request.user, "otp_device", None)
    if verified_with is not None and verified_with.persistent_id == removed_id:
        logout(request)
        messages.success(request, _("De sleutel is verwijderd. U was ermee ingelogd: log opnieuw in."))
        return redirect("two_factor:login")
    update_session_auth_hash(request, request.user)
    messages.success(request, _("De sleutel is verwijderd. U kunt er niet meer mee inloggen."))
    return redirect("accounts:passkeys")


class NameMissing(exceptions.OTPWebAuthnApiError):
    status_code = 400
    default_code = "no_name"
    default_detail = gettext_lazy("Geef de sleutel eerst een naam.")


class RegistrationViewMixin:
    """Registration for the person logged in with both factors, or in the enrolment session of an account whose
    organisation forbids SMS (accounts.services.factors.factor_enrolment_allowed; SecondFactorRequiredMiddleware
    sends any other session away); never for another session with the password only, whatever the library allows."""

    def user_is_mfa_enrolled(self, user):
        # True makes the library refuse a session that is not verified (RegistrationCeremonyMixin)
        return not factor_services.factor_enrolment_allowed(session=self.request.session, user=user)

    def check_can_register(self):
        if not self.request.session.get(PENDING_NAME_KEY):
            raise NameMissing()


class PasskeyRegisterBeginView(RegistrationViewMixin, webauthn_views.BeginCredentialRegistrationView):
    pass


class PasskeyRegisterCompleteView(RegistrationViewMixin, webauthn_views.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        request = self.request
        state = self.get_state()
        with rewrite_exceptions(logger=webauthn_views._get_pywebauthn_logger()):
            device = services.passkey_register(
                user=request.user,
                helper=self.get_helper(),
                state=state,
                data=request.data,
                name=request.session[PENDING_NAME_KEY],
                request=request,
            )
        del request.session[PENDING_NAME_KEY]
        if not request.user.is_verified():
            django_otp.login(request, device)  # the first factor of an account that may not use SMS
        messages.success(
            request, _("De sleutel '%(name)s' is toegevoegd. U kunt er voortaan mee inloggen.") % {"name": device.name}
        )
        # static/js/passkeys.js goes on to redirect_url: the first recovery codes, or the list with the new key
        made = factor_services.recovery_codes_first_set(session=request.session, user=request.user, request=request)
        return JsonResponse(
            {"id": device.pk, "redirect_url": reverse("accounts:recovery_codes" if made else "accounts:passkeys")}
        )


# --- The second step of the login -------------------------------------------------------------------------------


def login_offer(*, request: HttpRequest, user, wizard_prefix: str, next_url: str):
    """Called by PorteroLoginView when the password step is done: for an account with a key, a redirect to the key
    step (and no SMS); None for one without."""
    if not selectors.has_passkey(user=user):
        return None
    request.session[LOGIN_KEY] = {"wizard": wizard_prefix, "next": next_url}
    return redirect("accounts:passkey_login")


def _pending_login(request: HttpRequest):
    """(the login's storage, the account whose password was given) while the login waits for its second step,
    within TWO_FACTOR_LOGIN_TIMEOUT; None otherwise."""
    offer = request.session.get(LOGIN_KEY)
    if not offer:
        return None
    storage = LoginStorage(offer["wizard"], request)
    user = storage.authenticated_user
    if not user or storage.current_step != "token":
        return None
    timeout = settings.TWO_FACTOR_LOGIN_TIMEOUT
    if timeout and time.time() > storage.data.get("authentication_time", 0) + timeout:
        return None
    return storage, user


@login_not_required
@require_http_methods(["GET"])
def passkey_login(request):
    pending = _pending_login(request)
    if pending is None:
        request.session.pop(LOGIN_KEY, None)
        messages.info(request, _("Uw inlogpoging is verlopen. Log opnieuw in."))
        return redirect("two_factor:login")
    _storage, user = pending
    config = webauthn_config(
        request,
        begin_authentication=reverse("accounts:passkey_login_begin"),
        complete_authentication=reverse("accounts:passkey_login_complete"),
    )
    context = {"passkey_config": config, "sms_possible": PhoneDevice.objects.filter(user=user, confirmed=True).exists()}
    return render(request, "accounts/passkeys/login.html", context)


class LoginExpired(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "login_expired"
    default_detail = gettext_lazy("Uw inlogpoging is verlopen. Log opnieuw in.")


class LoginCeremonyMixin:
    def get_user(self):
        pending = _pending_login(self.request)
        return pending[1] if pending else None

    def check_can_authenticate(self):
        user = self.get_user()
        if not user or not user.is_active:
            raise LoginExpired()


@method_decorator(login_not_required, name="dispatch")
class PasskeyLoginBeginView(LoginCeremonyMixin, webauthn_views.BeginCredentialAuthenticationView):
    pass


@method_decorator(login_not_required, name="dispatch")
class PasskeyLoginCompleteView(LoginCeremonyMixin, webauthn_views.CompleteCredentialAuthenticationView):
    def post(self, *args, **kwargs):
        request = self.request
        storage, user = _pending_login(request)
        state = self.get_state()
        try:
            device = services.passkey_authenticate(
                user=user, helper=self.get_helper(), state=state, data=request.data, request=request
            )
        except services.PasskeyRefused as refused:
            return JsonResponse({"detail": str(refused.message), "code": str(refused.reason)}, status=403)
        next_url = request.session.pop(LOGIN_KEY)["next"]
        storage.reset()
        user.otp_device = device  # django-otp's receiver of user_logged_in keeps it in the session
        auth_login(request, user)
        user_verified.send(sender=__name__, request=request, user=user, device=device)
        return JsonResponse({"id": device.pk, "redirect_url": next_url})


urlpatterns = [
    path("inlogmethoden/sleutels/", passkey_list, name="passkeys"),
    path("inlogmethoden/sleutels/<int:pk>/", passkey_detail, name="passkey"),
    path(
        "inlogmethoden/sleutels/registreren/begin/", PasskeyRegisterBeginView.as_view(), name="passkey_register_begin"
    ),
    path(
        "inlogmethoden/sleutels/registreren/voltooien/",
        PasskeyRegisterCompleteView.as_view(),
        name="passkey_register_complete",
    ),
    path("inloggen/sleutel/", passkey_login, name="passkey_login"),
    path("inloggen/sleutel/begin/", PasskeyLoginBeginView.as_view(), name="passkey_login_begin"),
    path("inloggen/sleutel/voltooien/", PasskeyLoginCompleteView.as_view(), name="passkey_login_complete"),
    # The Dutch texts of the library's scripts (its own catalog, locale/nl of django_otp_webauthn).
    path(
        "inloggen/sleutel/teksten.js",
        login_not_required(JavaScriptCatalog.as_view(packages=["django_otp_webauthn"])),
        name="passkey_js_catalog",
    ),
]
