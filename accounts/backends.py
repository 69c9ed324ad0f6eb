from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """Django's ModelBackend, except that a correct password of an inactive or deleted account still
    authenticates, so the login form can tell that person why they cannot log in (accounts.services.
    login_refusal) instead of a plain 'wrong password'. Sessions of such accounts are never valid."""

    def user_can_authenticate(self, user):
        return True

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
