"""Django's database sessions, with a copy of each in Redis that the start of a request reads together with the
rest of its login in one round trip (accounts.auth_cache). The database stays the truth: a session is written
there as before (at most once in 10 minutes, accounts.services.session_touch), and read from there whenever Redis has
no copy, is down, or is not configured. Set as SESSION_ENGINE."""

from django.contrib.sessions.backends import db

from accounts import auth_cache


class SessionStore(db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._copy = None

    def use_copy(self, encoded: str) -> None:
        """The session as Redis has it, read by the request's one round trip: load() decodes it instead of asking the
        database. A copy whose signature fails is ignored (the database is asked)."""
        self._copy = encoded

    def load(self):
        if self._copy is not None:
            encoded, self._copy = self._copy, None
            data = self.decode(encoded)
            if data:
                return data
        row = self._get_session_from_db()
        if row is None:
            return {}
        auth_cache.session_kept(
            session_key=self.session_key,
            encoded=row.session_data,
            seconds=self.get_expiry_age(expiry=row.expire_date),
        )
        return self.decode(row.session_data)

    def create_model_instance(self, data):
        row = super().create_model_instance(data)
        self._written = row
        return row

    def save(self, must_create=False):
        super().save(must_create=must_create)
        row = self.__dict__.pop("_written", None)
        if row is not None:
            seconds = self.get_expiry_age(expiry=row.expire_date)
            auth_cache.session_kept(session_key=row.session_key, encoded=row.session_data, seconds=seconds)

    def delete(self, session_key=None):
        session_key = session_key or self.session_key
        super().delete(session_key)
        if session_key:
            auth_cache.session_forgotten(session_key=session_key)
