"""Two sites on their own hosts: BEHEER_HOST (gebruikersbeheer and the CIZ admin) and AANVRAAG_HOST (the
aanvraag site). Without them one host serves both under the path prefixes of portero/urls.py.

Links in mails and pages that point at a site are built by absolute_url(), the one place that knows which
host serves which site.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponseRedirect
from django.http.request import split_domain_port
from django.urls import reverse

AANVRAAG = "aanvraag"
BEHEER = "beheer"
URLCONFS = {AANVRAAG: "portero.urls", BEHEER: "portero.urls_beheer"}
# On each host, the other site's paths are sent to the other host: (prefix here, prefix there).
FOREIGN_PREFIXES = {
    AANVRAAG: [("/beheer/", "/", BEHEER), ("/admin/", "/admin/", BEHEER)],
    BEHEER: [("/aanvraag/", "/", AANVRAAG)],
}


def site_hosts() -> dict[str, str]:
    """{site: host} when both hosts are configured, {} for the single-host default."""
    hosts = {AANVRAAG: settings.AANVRAAG_HOST, BEHEER: settings.BEHEER_HOST}
    if not any(hosts.values()):
        return {}
    if not all(hosts.values()):
        raise ImproperlyConfigured("Set both BEHEER_HOST and AANVRAAG_HOST, or neither.")
    return {site: host.lower() for site, host in hosts.items()}


def site_base_url(site: str) -> str:
    hosts = site_hosts()
    if not hosts:
        return settings.PORTERO_BASE_URL
    return f"{settings.PORTERO_URL_SCHEME}://{hosts[site]}"


def absolute_url(site: str, viewname: str, *args, **kwargs) -> str:
    """The full address of a page of `site`, e.g. absolute_url(AANVRAAG, "aanvragen:detail", 42)."""
    urlconf = URLCONFS[site] if site_hosts() else "portero.urls"
    return site_base_url(site) + reverse(viewname, urlconf=urlconf, args=args or None, kwargs=kwargs or None)


def site_for_host(host: str) -> str | None:
    hosts = site_hosts()
    domain, _port = split_domain_port(host)
    for site, configured in hosts.items():
        if host.lower() == configured or domain == split_domain_port(configured)[0]:
            return site
    return None


class HostRoutingMiddleware:
    """Picks the URL configuration by host; the other site's paths redirect to its own host."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.site = None
        if site_hosts():
            request.site = site_for_host(request.get_host())
            if request.site is not None:
                request.urlconf = URLCONFS[request.site]
                for here, there, other in FOREIGN_PREFIXES[request.site]:
                    if request.path.startswith(here):
                        target = site_base_url(other) + there + request.path[len(here) :]
                        query = request.META.get("QUERY_STRING", "")
                        return HttpResponseRedirect(f"{target}?{query}" if query else target)
        return self.get_response(request)
