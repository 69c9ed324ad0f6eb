"""BEHEER_HOST: gebruikersbeheer at the root and the CIZ admin. The aanvraag site's names still reverse
(under /aanvraag/, which redirects to AANVRAAG_HOST), so shared templates work on both hosts."""

from django.contrib import admin
from django.urls import include, path

from portero.urls import shared_urlpatterns

urlpatterns = [
    *shared_urlpatterns,
    path("admin/", admin.site.urls),
    path("aanvraag/", include("aanvragen.urls")),
    path("", include("orgadmin.urls")),
]

handler403 = "portero.views.permission_denied"
handler500 = "portero.views.server_error"
