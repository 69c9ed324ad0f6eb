"""'Inlogmethoden herstellen' on a user's page of the beheer site: a confirmation page, then one service call."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.selectors import login_methods_by_user
from orgadmin import selectors, services
from orgadmin.decorators import org_admin_required


@require_http_methods(["GET", "POST"])
@org_admin_required
def user_factors_reset(request, username):
    """The kinds of factor the account has, what a reset does, 'Ja, herstellen' (POST) or 'Nee'. Another
    organisation's account, or a deleted or inactive one, is a 404; the admin's own account gets the refusal."""
    target = selectors.user_for_admin(admin=request.user, username=username, active_only=True)
    refusal = services.user_factors_reset_refusal(admin=request.user, user=target)
    if request.method == "POST" and not refusal:
        try:
            services.user_factors_reset(admin=request.user, user=target, request=request)
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(
                request,
                _(
                    "De inlogmethoden van %(name)s zijn hersteld. %(name)s is overal uitgelogd en krijgt een mail "
                    "met een link om een nieuw wachtwoord in te stellen en daarna het mobiele nummer opnieuw vast "
                    "te leggen."
                )
                % {"name": target.get_full_name()},
            )
            return redirect("orgadmin:user_detail", username=target.username)
    context = {
        "target": target,
        "refusal": refusal,
        "methods": login_methods_by_user([target.pk]).get(target.pk, []),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    return render(request, "orgadmin/user_factors_reset.html", context)
