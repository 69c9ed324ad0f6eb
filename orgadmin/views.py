from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render


@login_not_required
def start(request):
    """Before login: what the beheer module is and 'Log in >>'. After login: the beheer home."""
    user = request.user
    if not (user.is_authenticated and user.is_verified()):
        return render(request, "orgadmin/start.html")
    if not user.is_org_admin:
        raise PermissionDenied("beheer")
    return render(request, "orgadmin/home.html")
