"""The session rules: the idle timeout and the absolute lifetime of a login, and ending every session of a user."""

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts import auth_cache
from accounts.models import User

SESSION_SEEN = "_portero_seen"  # epoch seconds of the last request, as last written to the session row


SESSION_STARTED = "_portero_started"  # epoch seconds of the login, for the absolute lifetime


def _session_seen_key(session_key: str) -> str:
    return f"session-seen:{session_key}"


def session_started(*, session: SessionBase) -> None:
    """A login: the idle clock and the absolute lifetime start now, written with the login's own save of the
    session (the login keeps the data of the session it started in, so the moment is overwritten here)."""
    session[SESSION_SEEN] = session[SESSION_STARTED] = timezone.now().timestamp()


def session_touch(*, session: SessionBase) -> None:
    """The idle rule: a session ends after PORTERO_SESSION_IDLE_SECONDS (30 minutes) without a request, to the
    second. Called at the start of every request that brings a session cookie (accounts.middleware).

    The moment of each request goes to Redis (shared by every web process), swapped for the previous one in the
    request's one round trip that also brings the session's copy (accounts.auth_cache); the session row is written
    at most once per PORTERO_SESSION_SAVE_INTERVAL, not on every request: writing it each time cost every page a
    database UPDATE and COMMIT on the primary. The row lives SESSION_COOKIE_AGE (idle + interval) after its last
    write, so it never expires before the rule does. The interval is 10 minutes: people click about once a minute,
    and a write per click would put an UPDATE on the primary for nearly every request. Without the cache (Redis
    down) the rule counts from the last written moment: a session may then end up to one interval early, never
    late.

    Besides the idle rule, the absolute lifetime (ASVS 3.3.2): PORTERO_SESSION_ABSOLUTE_SECONDS (12 hours) after the
    login (session_started) a session ends however active it is, to the second. The moment of the login is in the
    session itself, so the rule holds without the cache too. A session without it (one from before the login, or
    from before this rule existed) gets it now: bounded too, and a login sets it anew."""
    now = timezone.now().timestamp()
    shared = auth_cache.request_begin(session_key=session.session_key, now=now)
    if shared is not None and shared[0] is not None:
        session.use_copy(shared[0])  # accounts.session_store: no database read
    data_seen = session.get(SESSION_SEEN)  # loads the session; None for a new, empty or expired one
    if data_seen is None and session.is_empty():
        return
    started = session.get(SESSION_STARTED)
    if started is not None and now - started >= settings.PORTERO_SESSION_ABSOLUTE_SECONDS:
        session.flush()
        return
    if shared is None:  # no Redis: the moment through the cache, as a per-process fallback
        previous = cache.get(_session_seen_key(session.session_key))
        cache.set(_session_seen_key(session.session_key), now, settings.SESSION_COOKIE_AGE)
    elif shared[0] is None:  # the session came from the database; its previous moment is swapped now
        previous = auth_cache.seen_swapped(session_key=session.session_key, now=now)
    else:
        previous = shared[1]
    last = max(data_seen or now, previous or 0)
    if now - last >= settings.PORTERO_SESSION_IDLE_SECONDS:
        session.flush()
        return
    if started is None:
        session[SESSION_STARTED] = now
    if data_seen is None or now - data_seen >= settings.PORTERO_SESSION_SAVE_INTERVAL:
        session[SESSION_SEEN] = now  # modified: SessionMiddleware writes the row, with a new expiry


@transaction.atomic
def sessions_end_all(*, user: User) -> None:
    """End every session of this user, on every device: each session's auth hash includes this moment
    (User._get_session_auth_hash), so the next request of any of them finds itself logged out."""
    user.sessions_revoked_at = timezone.now()
    User.objects.filter(pk=user.pk).update(sessions_revoked_at=user.sessions_revoked_at)
