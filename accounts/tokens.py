from django.contrib.auth.tokens import PasswordResetTokenGenerator


class PasswordLinkTokenGenerator(PasswordResetTokenGenerator):
    """Tokens for the set-password links (welcome, forgotten, expired).

    Django's generator already makes a token single-use (the password hash changes) and limited in time
    (PASSWORD_RESET_TIMEOUT, 8 hours). Adding the moment the newest link was sent makes every older link
    invalid as soon as a new one is requested.
    """

    key_salt = "portero.accounts.tokens.PasswordLinkTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        sent_at = "" if user.password_link_sent_at is None else user.password_link_sent_at.isoformat()
        return f"{super()._make_hash_value(user, timestamp)}{sent_at}"


password_link_token_generator = PasswordLinkTokenGenerator()
