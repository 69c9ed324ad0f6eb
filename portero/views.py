import sys
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

READY_CACHE_SECONDS = 60
_ready_since: float | None = None


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 when the database (and Redis, when configured) answers; 503 otherwise."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = "fout"
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception:  # noqa: BLE001
            checks["redis"] = "fout"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "fout", **checks}, status=200 if healthy else 503)


def unapplied_migrations() -> int:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


@login_not_required
@never_cache
@require_GET
def readyz(request):
    """200 once every migration of this code is applied; 503 before (during a deploy) or without a database.

    A positive answer is kept a minute: reading the migration graph on every probe would cost more than it tells.
    """
    global _ready_since
    if _ready_since is not None and time.monotonic() - _ready_since < READY_CACHE_SECONDS:
        return JsonResponse({"status": "ok"})
    try:
        pending = unapplied_migrations()
    except Exception:  # noqa: BLE001 - no database, no readiness
        return JsonResponse({"status": "fout", "database": "fout"}, status=503)
    if pending:
        _ready_since = None
        return JsonResponse({"status": "fout", "migraties_niet_toegepast": pending}, status=503)
    _ready_since = time.monotonic()
    return JsonResponse({"status": "ok"})


def server_error(request):
    """handler500: a database that is briefly unreachable (a restart, a fail-over) gives the Dutch 503 page
    with Retry-After; any other error the 500 page. Neither shows a traceback. Rendered without the request
    context: its processors would ask the unreachable database for the session."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "10"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


def permission_denied(request, exception):
    """handler403: the 403 page inside the layout of the site the person is on, with that site's full menu. An
    org admin on a beheer page keeps the beheer menu; everyone else (also someone who is no org admin and opens a
    beheer page) gets the aanvraag site's menu, the site they do have."""
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    on_beheer = match is not None and match.app_name == "orgadmin"
    beheer = on_beheer and user is not None and user.is_authenticated and user.is_org_admin
    site_base = "orgadmin/base.html" if beheer else "aanvragen/base.html"
    context = {"exception": str(exception), "site_base": site_base}
    return HttpResponseForbidden(loader.get_template("403.html").render(context, request))
