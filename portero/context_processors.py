from django.conf import settings


def site(request):
    context = {"DEBUG": settings.DEBUG}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "is_verified", lambda: False)():
        from accounts.selectors import password_expiry_warning

        context["password_expiry_warning"] = password_expiry_warning(user=user)
    return context
