import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.util import random_hex
from two_factor.plugins.phonenumber.models import PhoneDevice
from two_factor.plugins.registry import registry
from two_factor.views import LoginView, SetupView

from accounts import passkeys, selectors, services
from accounts.forms import (
    FactorTokenForm,
    LoginForm,
    PasswordChangeForm,
    PasswordRequestForm,
    PhoneChangeCodeForm,
    PhoneChangeNumberForm,
    PhoneChangePasswordForm,
    PhoneNumberSetupForm,
    SetPasswordForm,
)
from accounts.tokens import password_link_token_generator

RENEWAL_SESSION_KEY = "portero_password_renewal_user"


PHONE_CHANGE_LIMITED = gettext_lazy("U heeft het te vaak geprobeerd. Wacht een kwartier en begin dan opnieuw.")


class PorteroLoginView(LoginView):
    """Login name + password ('Log on'), then the person's default second factor: the strongest they have
    (accounts.selectors.FACTOR_ORDER: passkey, authenticator app, SMS; recovery codes last). Links offer their
    other factors, never a kind they do not have. SMS only while their organisation allows it ("SMS toegestaan");
    without another factor the password-only session is led to enrol one (accounts.middleware).

    Unlike django-two-factor-auth's view, an SMS code is sent once when the SMS step is entered, and again only
    with 'Code opnieuw versturen', both within the limits of services.sms_code_send.
    """

    template_name = "accounts/login.html"
    form_list = (
        (LoginView.AUTH_STEP, LoginForm),
        (LoginView.TOKEN_STEP, FactorTokenForm),
    )

    def has_token_step(self):
        return bool(self.usable_factors())

    condition_dict = {LoginView.TOKEN_STEP: has_token_step}

    def usable_factors(self) -> dict[str, list[tuple[int, str]]]:
        """{kind: [(device id, name)]} of the account the password proved, that may log in now; one query."""
        user = self.get_user()
        if not user:
            return {}
        if getattr(self, "_factors", None) is None:
            found = selectors.login_factors(user_id=user.pk)
            self._factors = {
                kind: devices
                for kind, devices in found.items()
                if selectors.factor_usable(kind=kind, organisation=user.organisation)
            }
        return self._factors

    def chosen_factor(self) -> tuple[str, int] | None:
        """(kind, device id) asked now: the one chosen with a link, else the default."""
        factors = self.usable_factors()
        chosen = self.storage.data.get("factor")
        if chosen and chosen[0] in factors and any(pk == chosen[1] for pk, _name in factors[chosen[0]]):
            return chosen[0], chosen[1]
        for kind in selectors.FACTOR_ORDER:
            if kind in factors:
                return kind, factors[kind][0][0]
        return None

    def get_device(self, step=None):
        if not self.device_cache:
            chosen = self.chosen_factor()
            model = selectors.factor_models().get(chosen[0]) if chosen else None
            self.device_cache = model.objects.filter(pk=chosen[1]).first() if model else None
        return self.device_cache

    def get(self, request, *args, **kwargs):
        # A person who already passed both factors (a second tab, the back button, the admin's login URL) is sent
        # on to the page asked for, of this site only (get_success_url checks the host), not shown the form again.
        if request.user.is_authenticated and request.user.is_verified():
            target = self.get_success_url()
            if target != request.path:
                return redirect(target)
        return super().get(request, *args, **kwargs)

    def post(self, *args, **kwargs):
        if "challenge_device" in self.request.POST:
            # django-two-factor-auth's choice of another device to challenge: Portero offers its own choice of
            # factor ("factor"), and LoginView.post would send it a code outside sms_code_send (or fail with a 500
            # when no password was given yet). Refused with the current step shown again.
            return self._unsupported()
        at_token_step = self.steps.current == self.TOKEN_STEP and not self.expired and self.get_user()
        if "factor" in self.request.POST:
            if not at_token_step:
                return self._unsupported()
            kind, _sep, pk = self.request.POST["factor"].partition(":")
            factors = self.usable_factors()
            if not pk.isdigit() or not any(int(pk) == device for device, _name in factors.get(kind, [])):
                return self._unsupported()
            self.storage.data["factor"] = (kind, int(pk))
            self.device_cache = None
            return self.render(self.get_form())
        if "resend" in self.request.POST and at_token_step:
            if self.chosen_factor()[0] == selectors.FACTOR_SMS:
                self.send_code(resend=True)
            return self.render(self.get_form())
        # Passkeys (accounts/passkeys.py): 'Liever een sms-code' on the key step asks the SMS device, if the
        # organisation allows SMS; render() sends the first code.
        if "sms" in self.request.POST and self.steps.current == self.TOKEN_STEP and not self.expired:
            if sms := self.usable_factors().get(selectors.FACTOR_SMS):
                self.storage.data["factor"] = (selectors.FACTOR_SMS, sms[0][0])
                self.device_cache = None
            return self.render(self.get_form())
        return super().post(*args, **kwargs)

    def get_form_kwargs(self, step=None):
        kwargs = super().get_form_kwargs(step)
        if step == self.TOKEN_STEP:
            kwargs["kind"] = (self.chosen_factor() or (selectors.FACTOR_SMS, None))[0]
        return kwargs

    def _unsupported(self):
        messages.error(self.request, _("Dit verzoek wordt niet ondersteund. Vul het formulier hieronder in."))
        response = self.render(self.get_form())
        response.status_code = 400
        return response

    def get_form(self, step=None, **kwargs):
        if (step or self.steps.current) != self.TOKEN_STEP:
            return super().get_form(step, **kwargs)
        # Not LoginView.get_form, which picks the form class from django-two-factor-auth's registry of methods.
        form = super(LoginView, self).get_form(step, **kwargs)
        if self.show_timeout_error:
            form.cleaned_data = getattr(form, "cleaned_data", {})
            form.add_error(None, ValidationError(_("Het inloggen duurde te lang. Begin opnieuw.")))
        return form

    def send_code(self, *, resend=False):
        result = services.sms_code_send(device=self.get_device(), request=self.request)
        self.storage.data["code_sent"] = True
        if result == services.CodeSend.SENT and resend:
            messages.success(self.request, _("Er is een nieuwe code verstuurd."))
        elif result == services.CodeSend.COOLDOWN and resend:
            messages.info(
                self.request, _("Er is zojuist al een code verstuurd. Wacht even voordat u een nieuwe vraagt.")
            )
        elif result == services.CodeSend.COOLDOWN:
            # Logging in again right after a code was sent: no new SMS, and the person must know why.
            messages.info(self.request, _cooldown_message())
        elif result == services.CodeSend.FAILED:
            messages.error(
                self.request,
                _(
                    "De sms met uw code kon nu niet worden verstuurd. Probeer het over een minuut opnieuw met "
                    "'Code opnieuw versturen'."
                ),
            )
        elif result == services.CodeSend.BUDGET:
            messages.error(self.request, _budget_message())
        elif result == services.CodeSend.LIMIT:
            messages.error(
                self.request,
                _(
                    "Er zijn te veel codes verstuurd. Wacht een kwartier en log dan opnieuw in, "
                    "of gebruik de laatste code."
                ),
            )

    def render(self, form=None, **kwargs):
        if self.steps.current == self.TOKEN_STEP:
            chosen = self.chosen_factor()
            # Passkeys (accounts/passkeys.py): when the factor asked is a key (the default for an account with one),
            # the key step, and no SMS is sent.
            if chosen and chosen[0] == selectors.FACTOR_PASSKEY:
                offer = passkeys.login_offer(
                    request=self.request,
                    user=self.get_user(),
                    wizard_prefix=self.prefix,
                    next_url=self.get_success_url(),
                )
                if offer is not None:
                    return offer
            if chosen and chosen[0] == selectors.FACTOR_SMS and not self.storage.data.get("code_sent"):
                self.send_code()
            # Skip LoginView.render, which would send another SMS on every rendering of this step.
            return super(LoginView, self).render(form, **kwargs)
        if form is not None and getattr(form, "refusal", None) == services.LoginRefusal.PASSWORD_EXPIRED:
            self.request.session[RENEWAL_SESSION_KEY] = form.get_user().pk
        return super().render(form, **kwargs)

    def get_context_data(self, form, **kwargs):
        # Not LoginView.get_context_data: it reads every device of the account and counts its backup tokens.
        context = super(LoginView, self).get_context_data(form, **kwargs)
        context["password_expired"] = getattr(form, "refusal", None) == services.LoginRefusal.PASSWORD_EXPIRED
        if self.steps.current == self.TOKEN_STEP and self.get_user():
            chosen = self.chosen_factor()
            context["device"] = self.get_device()
            context["factor"] = chosen[0] if chosen else None
            # Links to the person's own other factors only: one per device, never a kind they do not have.
            context["other_factors"] = [
                {"value": f"{kind}:{pk}", "kind": kind, "name": name}
                for kind, devices in self.usable_factors().items()
                for pk, name in devices
                if (kind, pk) != chosen
            ]
        return context


class PhoneSetupView(SetupView):
    """Register and verify a first mobile number for the SMS code.

    Only for an account without a number, and only in the browser session that used its set-password link,
    within the link's hours (services.phone_enrolment_allowed); otherwise the page says to ask the organisation
    admin. The whole view is refused once the account has a device, not only its GET as in django-two-factor-auth:
    a number changes through beheer or 'Mobiel nummer wijzigen'. Every SMS goes through services.sms_code_send
    (cooldown and caps), never django-two-factor-auth's direct generate_challenge()."""

    template_name = "accounts/phone_setup.html"
    success_url = "aanvragen:home"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            if PhoneDevice.objects.filter(user=user).exists():
                return redirect(self.get_success_url())
            if not services.phone_enrolment_allowed(session=request.session, user=user):
                return render(request, "accounts/phone_setup_refused.html", status=403)
        return super().dispatch(request, *args, **kwargs)

    def post(self, *args, **kwargs):
        step = self.request.POST.get(f"{self.get_prefix(self.request)}-current_step")
        if step == "validation" and services.phone_attempt_limited(user=self.request.user, what="code"):
            messages.error(self.request, PHONE_CHANGE_LIMITED)
            return self.render(self.get_form())
        return super().post(*args, **kwargs)

    def get_available_methods(self):
        return [registry.get_method("sms")]

    def get_form_list(self):
        form_list = super().get_form_list()
        form_list["sms"] = PhoneNumberSetupForm
        return form_list

    def get_form(self, step=None, **kwargs):
        form = super().get_form(step, **kwargs)
        if "token" in form.fields:
            form.fields["token"].label = _("Code uit de sms")
        return form

    def render_next_step(self, form, **kwargs):
        if self.steps.next != "validation":
            return super().render_next_step(form, **kwargs)
        # The device is not saved yet; sms_code_send counts it against its user like any other.
        result = services.sms_code_send(device=self.get_device(), request=self.request)
        if not _code_sent(self.request, result):
            return self.render(form)
        # Skip SetupView.render_next_step, which would send another SMS outside the limits.
        return super(SetupView, self).render_next_step(form, **kwargs)

    def done(self, form_list, **kwargs):
        # The number is proven by the code; store it on the account (one place) and verify this session.
        device = services.user_set_mobile(user=self.request.user, mobile=self.get_device().number, request=self.request)
        self.request.session.pop(services.PHONE_ENROLMENT_SESSION_KEY, None)
        django_otp.login(self.request, device)
        messages.success(
            self.request, _("Uw mobiele nummer is vastgelegd. Bij elke login ontvangt u voortaan een sms-code.")
        )
        return redirect(self.get_success_url())


def _cooldown_message():
    return _(
        "Er is minder dan %(seconds)s seconden geleden al een code naar uw mobiele nummer gestuurd. Die code is nog "
        "geldig: vul hem hieronder in."
    ) % {"seconds": settings.PORTERO_SMS_LIMITS["cooldown_seconds"]}


@method_decorator(login_not_required, name="dispatch")
class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The page behind the mailed link: choose a password (twice), 'Opslaan'. Valid 8 hours, used once."""

    template_name = "accounts/password_set.html"
    form_class = SetPasswordForm
    token_generator = password_link_token_generator
    success_url = reverse_lazy("accounts:password_set_done")
    reset_url_token = "instellen"

    def get_user(self, uidb64):
        user = selectors.user_from_uidb64(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        try:
            services.password_set(
                user=form.user,
                raw_password=form.cleaned_data["new_password1"],
                request=self.request,
                via=services.PasswordSetVia.LINK,
            )
        except ValidationError as exc:
            form.add_error("new_password1", exc)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        services.phone_enrolment_mark(session=self.request.session, user=form.user)
        return redirect(self.get_success_url())


@method_decorator(login_not_required, name="dispatch")
class PasswordSetDoneView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_set_done.html"


@login_not_required
def password_request(request):
    """'Wachtwoord aanvragen': the same confirmation whether or not the login name exists."""
    form = PasswordRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_link_request(username=form.cleaned_data["username"], request=request)
        return redirect("accounts:password_request_done")
    return render(request, "accounts/password_request.html", {"form": form})


@login_not_required
def password_request_done(request):
    return render(request, "accounts/password_request_done.html")


@login_not_required
@require_POST
def password_renew(request):
    """Send a renewal link: after login from the expiry warning, or from the login page after the password
    proved correct but expired (then the account is remembered in the session for this one request)."""
    if request.user.is_authenticated:
        user = request.user
    else:
        user = selectors.user_by_pk(request.session.pop(RENEWAL_SESSION_KEY, None))
        if user is None:
            return redirect("accounts:password_request")
    sent = services.password_renewal_request(user=user, request=request)
    return render(request, "accounts/password_renew_done.html", {"sent": sent, "email": user.email})


def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set(
                user=request.user,
                raw_password=form.cleaned_data["new_password1"],
                request=request,
                via=services.PasswordSetVia.PAGE,
            )
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Uw nieuwe wachtwoord is opgeslagen. Het is 3 maanden geldig."))
            return redirect("aanvragen:home")
    return render(request, "accounts/password_change.html", {"form": form})


PHONE_CHANGE_SESSION_KEY = "portero_phone_change"
PHONE_CHANGE_FORMS = {
    "password": PhoneChangePasswordForm,
    "old_code": PhoneChangeCodeForm,
    "new_number": PhoneChangeNumberForm,
    "new_code": PhoneChangeCodeForm,
}


@require_http_methods(["GET", "POST"])
def phone_change(request):
    """'Mobiel nummer wijzigen': the password, a code sent to the current number, the new number, and a code sent
    to that; only then the number changes (accounts.services.phone_change_*, user_set_mobile). The steps live in
    the session and expire like a half-finished login (TWO_FACTOR_LOGIN_TIMEOUT, 10 minutes)."""
    user = request.user
    device = PhoneDevice.objects.filter(user=user).first()
    if device is None:  # a verified session always has one; without it the number is registered by the org admin
        return redirect("aanvragen:home")
    state = request.session.get(PHONE_CHANGE_SESSION_KEY)
    now = timezone.now().timestamp()
    if state and now - state["started"] > settings.TWO_FACTOR_LOGIN_TIMEOUT:
        del request.session[PHONE_CHANGE_SESSION_KEY]
        state = None
        messages.info(request, _("Het wijzigen duurde langer dan 10 minuten. Begin opnieuw met uw wachtwoord."))
        form = PhoneChangePasswordForm()
    else:
        step = state["step"] if state else "password"
        form = PHONE_CHANGE_FORMS[step](request.POST or None)
        if request.method == "POST" and form.is_valid():
            next_state = _phone_change_step(request, form, step=step, state=state or {}, device=device)
            if next_state == "done":
                return redirect("aanvragen:home")
            if next_state is not None:
                request.session[PHONE_CHANGE_SESSION_KEY] = next_state
                return redirect("accounts:phone_change")
    step = state["step"] if state else "password"
    context = {"form": form, "step": step, "old_number": device.number, "new_number": (state or {}).get("number")}
    return render(request, "accounts/phone_change.html", context)


def _phone_change_step(request, form, *, step, state, device):
    """Carry out one step; the next state, "done", or None with the error put on the form."""
    user = request.user
    data = form.cleaned_data
    if step == "password":
        result = services.phone_change_password_check(user=user, raw_password=data["password"], request=request)
        if result != services.PhoneChangeCheck.OK:
            form.add_error(
                "password", PHONE_CHANGE_LIMITED if result == "limited" else _("Het wachtwoord is niet juist.")
            )
            return None
        if not _code_sent(request, services.sms_code_send(device=device, request=request)):
            return None
        return {"step": "old_code", "started": timezone.now().timestamp()}
    if step == "old_code":
        result = services.phone_change_code_check(
            user=user, device=device, token=data["code"], step="old_code", request=request
        )
        if result != services.PhoneChangeCheck.OK:
            form.add_error("code", PHONE_CHANGE_LIMITED if result == "limited" else _("Deze code is niet juist."))
            return None
        return {**state, "step": "new_number"}
    if step == "new_number":
        if data["number"] == device.number.as_e164:
            form.add_error("number", _("Dit is uw huidige nummer. Vul het nieuwe nummer in."))
            return None
        key = random_hex()
        sent = services.phone_change_new_code_send(user=user, number=data["number"], key=key, request=request)
        if not _code_sent(request, sent):
            return None
        return {**state, "step": "new_code", "number": data["number"], "key": key}
    result, new_device = services.phone_change_complete(
        user=user, number=state["number"], key=state["key"], token=data["code"], request=request
    )
    if result != services.PhoneChangeCheck.OK:
        form.add_error("code", PHONE_CHANGE_LIMITED if result == "limited" else _("Deze code is niet juist."))
        return None
    del request.session[PHONE_CHANGE_SESSION_KEY]
    django_otp.login(request, new_device)  # this session stays logged in, now with the new number's device
    messages.success(
        request, _("Uw mobiele nummer is gewijzigd. U ontvangt de sms-code voortaan op het nieuwe nummer.")
    )
    return "done"


def _code_sent(request, result) -> bool:
    """What became of a code sent outside the login (phone setup, 'Mobiel nummer wijzigen'); False: none went."""
    if result == services.CodeSend.COOLDOWN:
        messages.info(request, _cooldown_message())
    elif result == services.CodeSend.LIMIT:
        messages.error(request, _("Er zijn te veel codes verstuurd. Wacht een kwartier en probeer het opnieuw."))
        return False
    elif result == services.CodeSend.FAILED:
        messages.error(
            request, _("De sms met de code kon nu niet worden verstuurd. Probeer het over een minuut opnieuw.")
        )
        return False
    elif result == services.CodeSend.BUDGET:
        messages.error(request, _budget_message())
        return False
    return True


def _budget_message() -> str:
    return _(
        "Er kunnen op dit moment geen sms-codes meer worden verstuurd: het maximum aantal codes voor uw "
        "organisatie of voor Portero is bereikt. Probeer het later opnieuw of neem contact op met de "
        "servicedesk van het CIZ."
    )
