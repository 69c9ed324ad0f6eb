from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import factor_views, passkeys, views

app_name = "accounts"
urlpatterns = [
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("wachtwoord/aanvragen/", views.password_request, name="password_request"),
    path("wachtwoord/aangevraagd/", views.password_request_done, name="password_request_done"),
    path("wachtwoord/vernieuwen/", views.password_renew, name="password_renew"),
    path("wachtwoord/wijzigen/", views.password_change, name="password_change"),
    path("wachtwoord/instellen/<uidb64>/<token>/", views.PasswordSetView.as_view(), name="password_set"),
    path("wachtwoord/ingesteld/", views.PasswordSetDoneView.as_view(), name="password_set_done"),
    path("mobiel/wijzigen/", views.phone_change, name="phone_change"),
    path("inlogmethoden/", factor_views.factors, name="factors"),
    path("inlogmethoden/instellen/", factor_views.factor_enrol, name="factor_enrol"),
    path("inlogmethoden/app/", factor_views.totp_add, name="totp_add"),
    path("inlogmethoden/app/qr.svg", factor_views.totp_qr, name="totp_qr"),
    path("inlogmethoden/herstelcodes/", factor_views.recovery_codes, name="recovery_codes"),
    path("inlogmethoden/herstelcodes/download/", factor_views.recovery_codes_download, name="recovery_codes_download"),
    path("inlogmethoden/herstelcodes/nieuw/", factor_views.recovery_codes_regenerate, name="recovery_codes_regenerate"),
    path("inlogmethoden/verwijderen/", factor_views.factor_remove, name="factor_remove"),
    *passkeys.urlpatterns,
]

# The login and phone registration keep django-two-factor-auth's URL names (its code reverses them);
# its other views (backup tokens, authenticator apps, disabling 2FA) are deliberately not routed.
two_factor_urlpatterns = (
    [
        path("inloggen/", views.PorteroLoginView.as_view(), name="login"),
        path("inloggen/telefoon/", views.PhoneSetupView.as_view(), name="setup"),
    ],
    "two_factor",
)
