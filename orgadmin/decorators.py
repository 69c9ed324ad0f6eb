from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def org_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only a logged-in, second-factor-verified, active organisation admin gets in; others see the 403
    page that points to the aanvraag site (templates/403.html, exception 'beheer')."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and user.is_verified()):
            return redirect_to_login(request.get_full_path())
        if not (user.is_org_admin and user.is_active and user.organisation_id):
            raise PermissionDenied("beheer")
        return view(request, *args, **kwargs)

    return wrapper
