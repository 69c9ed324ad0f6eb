"""The CIZ admin's site class: django-two-factor-auth's OTP admin site, with a login URL that knows who is there.

django-two-factor-auth's AdminSiteOTPRequired.login always redirects to the one login page (/inloggen/), even for
someone who has just passed both factors; and its login view lacks Django's `login_not_required`, so Django's
LoginRequiredMiddleware sent /admin/login/?next=/admin/ to /inloggen/?next=/admin/login/%3Fnext%3D/admin/. After
the SMS code that nested next came back here and was sent to the login page once more, which showed its form
to a person logged in. Here a verified person with CIZ rights goes on to the page asked for, a verified person
without them is refused (a redirect would loop), and anybody else goes to the login with the same `next`.
"""

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from two_factor.admin import AdminSiteOTPRequired


def safe_next(request, default: str) -> str:
    """The `next` of this request when it points to this site's own host, else `default`."""
    target = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME, ""))
    if target and url_has_allowed_host_and_scheme(
        url=target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class PorteroAdminSite(AdminSiteOTPRequired):
    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        index = reverse("admin:index", current_app=self.name)
        target = safe_next(request, index)
        user = request.user
        if user.is_authenticated and user.is_verified():
            if not self.has_permission(request):
                raise PermissionDenied
            return redirect(target)
        return redirect_to_login(target)
