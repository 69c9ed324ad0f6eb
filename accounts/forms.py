import math

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.forms import OTPAuthenticationFormMixin
from two_factor.forms import AuthenticationTokenForm

from accounts.choices import Profile
from accounts.services import LoginRefusal, login_attempt_refusal, login_refusal, mobile_parse
from portero.fields import LONG_TEXT, SHORT_TEXT, limited_form_field


class ThrottledCodeMessage:
    """The message django-otp shows while it refuses codes after a wrong one (ThrottlingMixin: 1, 2, 4, ... seconds
    after the 1st, 2nd, 3rd failure). django-otp's form fills it in with `message % {"failure_count": n,
    "locked_until": datetime}`; the person needs to know how long to wait and that the code received still works,
    not that they failed "too often" after a single slip."""

    def __init__(self, sms: bool = True):
        self.sms = sms

    def __mod__(self, extra):
        remaining = (extra["locked_until"] - timezone.now()).total_seconds()
        seconds = max(1, math.ceil(remaining))
        if not self.sms:
            return ngettext(
                "Wacht nog %(seconds)d seconde en vul de code dan opnieuw in.",
                "Wacht nog %(seconds)d seconden en vul de code dan opnieuw in.",
                seconds,
            ) % {"seconds": seconds}
        return ngettext(
            "Wacht nog %(seconds)d seconde en vul de code dan opnieuw in. De code uit de sms blijft geldig.",
            "Wacht nog %(seconds)d seconden en vul de code dan opnieuw in. De code uit de sms blijft geldig.",
            seconds,
        ) % {"seconds": seconds}


# One message for a wrong login name, password or code: it must not tell which part was wrong.
LOGIN_FAILED_MESSAGE = _("De combinatie van inlognaam, wachtwoord en code is niet juist. Probeer het opnieuw.")

TOKEN_ERROR_MESSAGES = dict(
    OTPAuthenticationFormMixin.otp_error_messages,
    token_required=_("Vul de code uit de sms in."),
    invalid_token=LOGIN_FAILED_MESSAGE,
    n_failed_attempts=ThrottledCodeMessage(),
    verification_not_allowed=_("Controle van de code is even niet mogelijk. Wacht even en probeer het opnieuw."),
)

# The code step for an authenticator app or a recovery code: the same words for a wrong code, without the SMS.
FACTOR_TOKEN_ERROR_MESSAGES = {
    "totp": dict(
        TOKEN_ERROR_MESSAGES,
        token_required=_("Vul de code uit uw authenticator-app in."),
        n_failed_attempts=ThrottledCodeMessage(sms=False),
    ),
    "recovery": dict(
        TOKEN_ERROR_MESSAGES,
        token_required=_("Vul een herstelcode in."),
        n_failed_attempts=ThrottledCodeMessage(sms=False),
    ),
}


FACTOR_TOKEN_LABELS = {
    "sms": _("Code uit de sms"),
    "totp": _("Code uit de authenticator-app"),
    "recovery": _("Herstelcode"),
}


class FactorTokenForm(AuthenticationTokenForm):
    """The code step of the login, for the factor chosen (accounts.views.PorteroLoginView): only that device is
    tried. A wrong code of an authenticator app or a recovery code is audited as such (accounts.signals)."""

    def __init__(self, user, initial_device, kind="sms", **kwargs):
        super().__init__(user, initial_device, **kwargs)
        self.otp_error_messages = FACTOR_TOKEN_ERROR_MESSAGES.get(kind, TOKEN_ERROR_MESSAGES)
        required = self.otp_error_messages["token_required"]
        if kind == "recovery":  # 8 letters and digits, not 6 digits
            self.fields["otp_token"] = forms.CharField(
                max_length=20,
                error_messages={"required": required},
                widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": "autofocus"}),
            )
        else:
            six = _("De code bestaat uit 6 cijfers.")
            self.fields["otp_token"].error_messages = {
                "required": required,
                "invalid": six,
                "min_length": six,
                "max_length": six,
            }
        self.fields["otp_token"].label = FACTOR_TOKEN_LABELS.get(kind, FACTOR_TOKEN_LABELS["sms"])

    def _verify_token(self, user, token, device=None):
        user.otp_failed_device = device  # read by the receiver of django-otp's otp_verification_failed
        return super()._verify_token(user, token, device)


class TotpConfirmForm(forms.Form):
    name = forms.CharField(
        label=_("Naam van de app of het apparaat"),
        max_length=64,
        required=False,
        help_text=_("Bijvoorbeeld 'Telefoon werk'. Zo herkent u deze app later in de lijst."),
    )
    code = forms.RegexField(
        label=_("Code uit de app"),
        regex=r"^[0-9]{6}$",
        error_messages={"required": _("Vul de code uit de app in."), "invalid": _("De code bestaat uit 6 cijfers.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class FactorRemoveForm(forms.Form):
    kind = forms.CharField(widget=forms.HiddenInput, max_length=20)
    device = forms.CharField(widget=forms.HiddenInput, max_length=20)
    password = forms.CharField(
        label=_("Uw wachtwoord"),
        strip=False,
        max_length=1024,
        error_messages={"required": _("Vul uw wachtwoord in om deze inlogmethode te verwijderen.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


REFUSAL_MESSAGES = {
    LoginRefusal.DELETED: _(
        "Dit account is verwijderd en kan niet meer inloggen. Neem contact op met de organisatiebeheerder van uw "
        "organisatie."
    ),
    LoginRefusal.INACTIVE: _(
        "Uw account is inactief gemaakt omdat er 6 maanden niet mee is ingelogd. Het kan niet opnieuw worden "
        "geactiveerd. Vraag de organisatiebeheerder van uw organisatie om een nieuw account voor u aan te maken."
    ),
    "inactive_org_admin": _(
        "Uw account als organisatiebeheerder is inactief gemaakt omdat er 6 maanden niet mee is ingelogd. Het kan "
        "niet opnieuw worden geactiveerd. Vraag een nieuwe inlognaam aan via contractbeheer@ciz.nl."
    ),
    LoginRefusal.ORGANISATION_SUSPENDED: _(
        "De toegang van uw organisatie tot Portero is door het CIZ opgeschort. U kunt daarom niet inloggen. Uw "
        "gegevens blijven bewaard. Neem contact op met contractbeheer@ciz.nl."
    ),
    LoginRefusal.ORGANISATION_WITHOUT_CONTRACT: _(
        "Uw organisatie heeft op dit moment geen geldig contract met het CIZ voor Portero. U kunt daarom niet "
        "inloggen. Uw gegevens blijven bewaard. Neem contact op met contractbeheer@ciz.nl."
    ),
    LoginRefusal.PASSWORD_EXPIRED: _(
        "Uw wachtwoord is verlopen (een wachtwoord is 3 maanden geldig). Vraag hieronder een link aan om een nieuw "
        "wachtwoord in te stellen; u ontvangt die per mail."
    ),
}


class LoginForm(AuthenticationForm):
    error_messages = {"invalid_login": LOGIN_FAILED_MESSAGE, "inactive": LOGIN_FAILED_MESSAGE}

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Inlognaam")
        self.fields["password"].label = _("Wachtwoord")
        # No autofocus (Django sets it on the login name): the login page is where people arrive, and a focus
        # placed in the form skips the skip link, the header and the page's heading for keyboard and
        # screen-reader users (WCAG 2.4.3). The next step, the SMS code, keeps its focus: the person is mid-form.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.refusal = None

    def clean(self):
        # AuthenticationForm sets the username's max_length without a validator; a name longer than any login
        # name could be gets the generic answer here, before it reaches the backends and django-axes' log.
        username = self.cleaned_data.get("username") or ""
        if len(username) > self.fields["username"].max_length:
            raise self.get_invalid_login_error()
        if username and self.cleaned_data.get("password"):
            refusal = login_attempt_refusal(username=username, request=self.request)
            if refusal is not None:
                raise forms.ValidationError(refusal, code="throttled")
        return super().clean()

    def confirm_login_allowed(self, user):
        """Only reached with the right password, so telling the reason reveals nothing to a stranger."""
        self.refusal = login_refusal(user=user, request=self.request)
        if self.refusal is not None:
            key = "inactive_org_admin" if self.refusal == LoginRefusal.INACTIVE and user.is_org_admin else self.refusal
            raise forms.ValidationError(REFUSAL_MESSAGES[key], code=str(self.refusal))


class SetPasswordForm(forms.Form):
    """New password twice; validated against every rule of the policy, all failures listed at once."""

    new_password1 = forms.CharField(
        label=_("Nieuw wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("Herhaal het nieuwe wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_new_password2(self):
        first = self.cleaned_data.get("new_password1")
        second = self.cleaned_data.get("new_password2")
        if first and second and first != second:
            raise forms.ValidationError(_("De twee wachtwoorden zijn niet gelijk."))
        return second  # the policy itself is checked by accounts.services.password_set


class PasswordChangeForm(SetPasswordForm):
    """Logged in: the current password, then the new one twice."""

    # Passwords set before the 128-character rule may be longer: 1,024 takes any of those, and refuses a pasted
    # megabyte before it is hashed.
    old_password = limited_form_field(
        1024,
        label=_("Huidig wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def clean_old_password(self):
        old = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise forms.ValidationError(_("Het huidige wachtwoord is niet juist."))
        return old


class PasswordRequestForm(forms.Form):
    username = forms.CharField(
        label=_("Inlognaam"), max_length=40, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )


class OrganisationWithAdminForm(forms.Form):
    """CIZ staff: a new organisation and its first organisation admin (accounts.services does the rest)."""

    name = forms.CharField(label=_("Naam organisatie"), max_length=200)
    agb_code = forms.CharField(label=_("AGB-code"), max_length=8)
    kvk_number = forms.CharField(label=_("KvK-nummer"), max_length=8)
    domains = limited_form_field(
        SHORT_TEXT,  # dozens of domains of up to 253 characters each
        label=_("E-maildomeinen"),
        help_text=_("Eén of meer domeinen, gescheiden door komma's, bijvoorbeeld zorg-a.nl"),
    )
    profile = forms.ChoiceField(label=_("Profiel"), choices=Profile.choices)
    admin_initials = forms.CharField(label=_("Voorletters beheerder"), max_length=20)
    admin_first_name = forms.CharField(label=_("Voornaam beheerder"), max_length=100)
    admin_name_prefix = forms.CharField(label=_("Tussenvoegsels beheerder"), max_length=30, required=False)
    admin_last_name = forms.CharField(label=_("Achternaam beheerder"), max_length=150)
    admin_email = forms.EmailField(label=_("E-mailadres beheerder"))
    admin_mobile = forms.CharField(label=_("Mobiel nummer beheerder"), max_length=20, required=False)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "agb_code": data["agb_code"],
            "kvk_number": data["kvk_number"],
            "domains": [d for d in data["domains"].replace(";", ",").split(",") if d.strip()],
            "profile": data["profile"],
            "admin": {
                "initials": data["admin_initials"],
                "first_name": data["admin_first_name"],
                "name_prefix": data["admin_name_prefix"],
                "last_name": data["admin_last_name"],
                "email": data["admin_email"],
                "mobile": data["admin_mobile"],
            },
        }


class LiftSuspensionForm(forms.Form):
    """CIZ staff: the reason for lifting an organisation's suspension (accounts.services checks it is given)."""

    note = limited_form_field(
        LONG_TEXT,
        label=_("Reden"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Waarom de toegang weer open gaat: met wie er contact is geweest en wat er is veranderd."),
    )


class PhoneNumberSetupForm(forms.Form):
    """The number step of phone setup, in place of django-two-factor-auth's PhoneNumberForm: the number is
    checked by the one rule for mobile numbers (accounts.services.mobile_parse) and kept in E.164."""

    number = forms.CharField(
        label=_("Mobiel nummer"),
        max_length=20,
        help_text=_("Een Nederlands mobiel nummer, bijvoorbeeld 06 12345678."),
        error_messages={"required": _("Vul uw mobiele nummer in.")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.pop("metadata", None)
        super().__init__(*args, **kwargs)

    def clean_number(self):
        return mobile_parse(self.cleaned_data["number"]).as_e164


class PhoneChangePasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Uw wachtwoord"),
        strip=False,
        error_messages={"required": _("Vul uw wachtwoord in.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PhoneChangeCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code uit de sms"),
        min_length=6,
        max_length=6,
        error_messages={
            "required": _("Vul de code uit de sms in."),
            "min_length": _("De code bestaat uit 6 cijfers."),
            "max_length": _("De code bestaat uit 6 cijfers."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class PhoneChangeNumberForm(PhoneNumberSetupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].label = _("Nieuw mobiel nummer")
