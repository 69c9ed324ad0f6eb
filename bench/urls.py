"""Portero's URLs plus /bench/bare/: the same middleware and gunicorn, a view that does nothing. The reference
against which the real pages' throughput is measured; it is not part of the product's URLconf."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from portero.urls import urlpatterns as portero_urlpatterns


@login_not_required
def bare(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench/bare/", bare), *portero_urlpatterns]
