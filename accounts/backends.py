from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from accounts import auth_cache
from accounts.selectors import organisation_closed

UserModel = get_user_model()


class AccountBackend(ModelBackend):
    """Django's ModelBackend, except that a correct password of an inactive or deleted account still
    authenticates, so the login form can tell that person why they cannot log in (accounts.services.
    login_refusal) instead of a plain 'wrong password'. Sessions of such accounts are never valid."""

    def user_can_authenticate(self, user):
        return True

    def get_user(self, user_id):
        """The user of a running session, on every request: none once the account is deleted or inactive, or
        once the organisation's access is closed (accounts.selectors.organisation_closed)."""
        user = auth_cache.user_cached(user_id)  # kept from an earlier request while unchanged; else the database
        if user is None:
            auth_cache.versions_before_load(user_id)
            user = UserModel._default_manager.select_related("organisation").filter(pk=user_id).first()
            if user is not None:
                auth_cache.user_loaded(user)
        if user is None or not user.is_active or organisation_closed(organisation=user.organisation):
            return None
        return user
