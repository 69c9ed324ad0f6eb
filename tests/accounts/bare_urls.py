"""Portero's URLs plus /bare/: a view that does nothing, behind all of Portero's middleware, so a test counts what
being logged in costs and sees whether a request is still logged in (200), or sent to the login (302)."""

from django.http import HttpResponse
from django.urls import path

from portero.urls import urlpatterns as portero_urlpatterns


def bare(request):
    return HttpResponse(request.user.get_full_name())


urlpatterns = [path("bare/", bare), *portero_urlpatterns]
