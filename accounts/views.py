import django_otp
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from two_factor.plugins.registry import registry
from two_factor.views import LoginView, SetupView

from accounts import selectors, services
from accounts.forms import (
    TOKEN_ERROR_MESSAGES,
    LoginForm,
    PasswordChangeForm,
    PasswordRequestForm,
    SetPasswordForm,
)
from accounts.tokens import password_link_token_generator

RENEWAL_SESSION_KEY = "portero_password_renewal_user"


class PorteroLoginView(LoginView):
    """Login name + password ('Log on'), then the SMS code. Only SMS; no backup tokens.

    Unlike django-two-factor-auth's view, a code is sent once when the code step is entered, and again only
    with 'Code opnieuw versturen', both within the limits of services.sms_code_send.
    """

    template_name = "accounts/login.html"
    form_list = (
        (LoginView.AUTH_STEP, LoginForm),
        (LoginView.TOKEN_STEP, LoginView.form_list[1][1]),
    )
    condition_dict = {LoginView.TOKEN_STEP: LoginView.has_token_step}

    def post(self, *args, **kwargs):
        if "resend" in self.request.POST and self.steps.current == self.TOKEN_STEP and not self.expired:
            self.send_code(resend=True)
            return self.render(self.get_form())
        return super().post(*args, **kwargs)

    def get_form(self, step=None, **kwargs):
        form = super().get_form(step, **kwargs)
        if (step or self.steps.current) == self.TOKEN_STEP:
            form.otp_error_messages = TOKEN_ERROR_MESSAGES
            form.fields["otp_token"].label = _("Verificatiecode")
            form.fields["otp_token"].error_messages = {
                "required": TOKEN_ERROR_MESSAGES["token_required"],
                "invalid": _("De code bestaat uit 6 cijfers."),
                "min_length": _("De code bestaat uit 6 cijfers."),
                "max_length": _("De code bestaat uit 6 cijfers."),
            }
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
        elif result == services.CodeSend.FAILED:
            messages.error(
                self.request,
                _(
                    "De sms met uw code kon nu niet worden verstuurd. Probeer het over een minuut opnieuw met "
                    "'Code opnieuw versturen'."
                ),
            )
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
            if not self.storage.data.get("code_sent"):
                self.send_code()
            # Skip LoginView.render, which would send another SMS on every rendering of this step.
            return super(LoginView, self).render(form, **kwargs)
        if form is not None and getattr(form, "refusal", None) == services.LoginRefusal.PASSWORD_EXPIRED:
            self.request.session[RENEWAL_SESSION_KEY] = form.get_user().pk
        return super().render(form, **kwargs)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        context["backup_tokens"] = 0
        context["other_devices"] = []
        context["password_expired"] = getattr(form, "refusal", None) == services.LoginRefusal.PASSWORD_EXPIRED
        return context


class PhoneSetupView(SetupView):
    """Register and verify a mobile number for the SMS code, for accounts that have none on file."""

    template_name = "accounts/phone_setup.html"
    success_url = "aanvragen:home"

    def get_available_methods(self):
        return [registry.get_method("sms")]

    def done(self, form_list, **kwargs):
        # The number is proven by the code; store it on the account (one place) and verify this session.
        device = services.user_set_mobile(user=self.request.user, mobile=self.get_device().number, request=self.request)
        django_otp.login(self.request, device)
        messages.success(
            self.request, _("Uw mobiele nummer is vastgelegd. Bij elke login ontvangt u voortaan een sms-code.")
        )
        return redirect(self.get_success_url())


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
