"""The client's address: one function for the whole project.

The lockout (django-axes, through AXES_CLIENT_IP_CALLABLE), the limits on SMS codes, set-password links and
failed logins, the audit log, the NEN 7513 access log and the request log all ask `client_address`, so they
always agree on who a request came from.

Behind PORTERO_TRUSTED_PROXIES reverse proxies, each proxy appends the address it received the request from to
`X-Forwarded-For` (nginx: `$proxy_add_x_forwarded_for`), and the last proxy is REMOTE_ADDR. So the chain

    <whatever the client wrote>, <hop seen by proxy 1>, …, REMOTE_ADDR

holds exactly PORTERO_TRUSTED_PROXIES entries written by our own proxies at its right end (REMOTE_ADDR and
the hops our inner proxies appended). The entry just left of them is the address our outermost proxy saw: the
client. Everything further left was written by the client and is ignored, so a forged `X-Forwarded-For` cannot
move a client's own address. With no proxy (0) the header is ignored altogether and REMOTE_ADDR is the client.

Requests that did not pass through every proxy (a health check from inside the network) have a shorter chain;
they get the left-most address that is there, which is one written by our side, never by the client.
"""

import contextvars
import ipaddress

from django.conf import settings
from django.http import HttpRequest

# The address of the request being handled, for code that runs inside a request without being handed it (a
# library's signal without a request argument): set by portero.logging.RequestLogMiddleware.
current_client_address: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "portero_client_address", default=None
)


def _normalised(value: str | None) -> str | None:
    """A valid IPv4 or IPv6 address in its canonical form (an IPv4-mapped IPv6 address as IPv4), else None."""
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address as described above; None without a request (a nightly job, a management command)."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.PORTERO_TRUSTED_PROXIES
    if proxies <= 0:
        return _normalised(remote)
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [hop for hop in forwarded if hop] + [remote or ""]
    return _normalised(chain[max(len(chain) - 1 - proxies, 0)])
