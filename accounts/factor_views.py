"""The page 'Inlogmethoden' (both sites, in the user menu): the person's second factors, adding an authenticator
app, the recovery codes, removing a factor with the password. The rules and their audit are in
accounts.services.factors; passkeys have their own views (accounts.passkeys) and a section on this page."""

from functools import cache

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from two_factor.plugins.phonenumber.models import PhoneDevice

from accounts import passkeys, selectors
from accounts.forms import FactorRemoveForm, TotpConfirmForm
from accounts.services import factors as services

# The passkeys' URL name and the partial the passkeys module adds (accounts/passkeys.py); until it is installed
# the page simply has no passkey section.
PASSKEYS_URL_NAME = "accounts:passkeys"
PASSKEYS_SECTION = "accounts/passkeys/_section.html"
CHECK_MESSAGES = {
    services.FactorCheck.WRONG: lambda: _("Deze code is niet juist. Vul de code in die de app nu toont."),
    services.FactorCheck.STALE: lambda: _(
        "De QR-code was verlopen. Er staat hieronder een nieuwe: scan die en vul de nieuwe code in."
    ),
    services.FactorCheck.LIMITED: lambda: _(
        "U heeft het te vaak geprobeerd. Wacht een kwartier en probeer het opnieuw."
    ),
}


def passkeys_url() -> str | None:
    try:
        return reverse(PASSKEYS_URL_NAME)
    except NoReverseMatch:
        return None


@cache
def passkeys_section() -> str | None:
    try:
        return get_template(PASSKEYS_SECTION).template.name
    except TemplateDoesNotExist:
        return None


@require_http_methods(["GET"])
def factors(request):
    """The overview: SMS, authenticator apps, recovery codes (and passkeys), each without its secret."""
    user = request.user
    request.session.pop(services.RECOVERY_CODES_SESSION_KEY, None)  # shown once: gone when the person moves on
    found = selectors.login_factors(user_id=user.pk)
    context = {
        "phone": PhoneDevice.objects.filter(user=user).first(),
        "sms_allowed": selectors.factor_usable(kind=selectors.FACTOR_SMS, organisation=user.organisation),
        "totp_devices": found.get(selectors.FACTOR_TOTP, []),
        "recovery": found.get(selectors.FACTOR_RECOVERY),
        "strong": bool(found.keys() - {selectors.FACTOR_SMS, selectors.FACTOR_RECOVERY}),
        "recovery_left": services.recovery_codes_left(user=user),
        "passkeys_url": passkeys_url(),
        "passkeys_section": passkeys_section(),
        **passkeys.section_context(request),
    }
    return render(request, "accounts/factors/factors.html", context)


def factor_enrol(request):
    """After the password, for an account whose organisation forbids SMS and that has no other factor
    (accounts.middleware): add one, in the session of the set-password link; otherwise ask the org admin."""
    user = request.user
    if user.is_verified():
        return redirect("accounts:factors")
    allowed = services.factor_enrolment_allowed(session=request.session, user=user)
    context = {"allowed": allowed, "passkeys_url": passkeys_url()}
    return render(request, "accounts/factors/enrol.html", context, status=200 if allowed else 403)


@require_http_methods(["GET", "POST"])
def totp_add(request):
    """Add an authenticator app: a QR code (and the secret as text), confirmed with a first code from the app."""
    user = request.user
    if not services.factor_adding_allowed(session=request.session, user=user):
        return render(request, "accounts/factors/enrol.html", {"allowed": False}, status=403)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.totp_confirm(
            user=user,
            session=request.session,
            token=form.cleaned_data["code"],
            name=form.cleaned_data["name"],
            request=request,
        )
        if not isinstance(result, services.FactorCheck):
            if not user.is_verified():
                django_otp.login(request, result)  # the first factor of an account that may not use SMS
            messages.success(request, _("De authenticator-app is toegevoegd. U kunt er voortaan mee inloggen."))
            return _after_first_strong_factor(request)
        form.add_error("code", CHECK_MESSAGES[result]())
    key = services.totp_setup_key(session=request.session) or services.totp_setup_start(session=request.session)
    context = {"form": form, "secret": services.totp_secret_text(key)}
    return render(request, "accounts/factors/totp_add.html", context)


@never_cache
@require_http_methods(["GET"])
def totp_qr(request):
    """The QR code of the secret on the page 'Authenticator-app toevoegen', as SVG made on the server."""
    user = request.user
    if not services.factor_adding_allowed(session=request.session, user=user):
        raise Http404
    key = services.totp_setup_key(session=request.session)
    if key is None:
        raise Http404
    image = qrcode.make(services.totp_config_url(user=user, key=key), image_factory=qrcode.image.svg.SvgPathImage)
    return HttpResponse(image.to_string(), content_type="image/svg+xml")


def _after_first_strong_factor(request):
    made = services.recovery_codes_first_set(session=request.session, user=request.user, request=request)
    return redirect("accounts:recovery_codes" if made else "accounts:factors")


@require_http_methods(["GET"])
def recovery_codes(request):
    """The ten new recovery codes, shown once (until the person goes back to 'Inlogmethoden')."""
    codes = request.session.get(services.RECOVERY_CODES_SESSION_KEY)
    if not codes:
        return redirect("accounts:factors")
    return render(request, "accounts/factors/recovery_codes.html", {"codes": codes})


@never_cache
@require_http_methods(["GET"])
def recovery_codes_download(request):
    codes = request.session.get(services.RECOVERY_CODES_SESSION_KEY)
    if not codes:
        return redirect("accounts:factors")
    text = _("Herstelcodes voor Portero, inlognaam %(username)s. Elke code werkt één keer.") % {
        "username": request.user.username
    }
    response = HttpResponse("\r\n".join([text, "", *codes, ""]), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="portero-herstelcodes.txt"'
    return response


@require_POST
def recovery_codes_regenerate(request):
    """New recovery codes; the old ones stop working at once."""
    if not selectors.login_factors(user_id=request.user.pk).keys() - {selectors.FACTOR_SMS, selectors.FACTOR_RECOVERY}:
        messages.error(request, _("Herstelcodes zijn er pas als u een authenticator-app of passkey heeft."))
        return redirect("accounts:factors")
    codes = services.recovery_codes_create(user=request.user, request=request)
    request.session[services.RECOVERY_CODES_SESSION_KEY] = codes
    messages.success(request, _("Er zijn nieuwe herstelcodes gemaakt. De oude werken niet meer."))
    return redirect("accounts:recovery_codes")


@require_POST
def factor_remove(request):
    """Remove an authenticator app or the recovery codes, with the password."""
    form = FactorRemoveForm(request.POST)
    if not form.is_valid():
        services.factor_remove_refused(user=request.user, kind=request.POST.get("kind", ""), request=request)
        messages.error(request, _("Vul uw wachtwoord in om deze inlogmethode te verwijderen. Er is niets verwijderd."))
        return redirect("accounts:factors")
    data = form.cleaned_data
    result = services.factor_remove(
        user=request.user, kind=data["kind"], device_id=data["device"], raw_password=data["password"], request=request
    )
    if result is None:
        messages.success(request, _("De inlogmethode is verwijderd."))
    elif result == services.FactorCheck.LAST:
        messages.error(
            request,
            _("Dit is uw enige manier om in te loggen. Voeg eerst een andere toe. Er is niets verwijderd."),
        )
    elif result == services.FactorCheck.LIMITED:
        messages.error(request, CHECK_MESSAGES[result]())
    else:
        messages.error(request, _("Het wachtwoord is niet juist. Er is niets verwijderd."))
    return redirect("accounts:factors")
