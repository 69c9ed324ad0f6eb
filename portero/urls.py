from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from two_factor.admin import AdminSiteOTPRequired

from accounts.urls import two_factor_urlpatterns
from portero import views

# The Django admin for CIZ staff only opens after the SMS code (django-two-factor-auth's OTP admin site).
admin.site.__class__ = AdminSiteOTPRequired
admin.site.site_header = "Portero — CIZ-beheer"
admin.site.site_title = "Portero CIZ-beheer"
admin.site.index_title = "Beheer"

urlpatterns = [
    path("", include(two_factor_urlpatterns)),
    path("", include("accounts.urls")),
    path("beheer/", include("orgadmin.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("", include("aanvragen.urls")),
]

if settings.DEBUG:
    from accounts.dev_views import postvak

    urlpatterns.insert(0, path("dev/postvak/", postvak, name="dev_postvak"))
