"""The aanvraag site, and with the default single host also the beheer site under /beheer/ and /admin/.
With BEHEER_HOST set, that host uses portero/urls_beheer.py (see portero/hosts.py)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.urls import two_factor_urlpatterns
from portero import views
from portero.admin_search import post_search_everywhere
from portero.admin_site import PorteroAdminSite

# The Django admin for CIZ staff only opens after the SMS code (django-two-factor-auth's OTP admin site, with a
# login URL that sends a verified person on: portero/admin_site.py).
admin.site.__class__ = PorteroAdminSite
admin.site.site_header = "Portero — CIZ-beheer"
admin.site.site_title = "Portero CIZ-beheer"
admin.site.index_title = "Beheer"
# Every list's search box is POSTed, so that a BSN typed into it never reaches a URL (portero/admin_search.py).
post_search_everywhere(admin.site)

# On every host: login, password pages and the probes of the load balancer.
shared_urlpatterns = [
    path("", include(two_factor_urlpatterns)),
    path("", include("accounts.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
if settings.DEBUG:
    from accounts.dev_views import postvak

    shared_urlpatterns.insert(0, path("dev/postvak/", postvak, name="dev_postvak"))

urlpatterns = [
    *shared_urlpatterns,
    path("beheer/", include("orgadmin.urls")),
    path("admin/", admin.site.urls),
    path("", include("aanvragen.urls")),
]

handler403 = "portero.views.permission_denied"
handler500 = "portero.views.server_error"
