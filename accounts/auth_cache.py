"""What a running session needs on every request, in one Redis round trip; and the one way every change reaches it.

A logged-in request needs its session, the moment of its previous request (the idle rule), its account with the
organisation, and the device that verified the login. Read from the database that was three queries and a health
check on every request, plus two Redis calls. Here one Lua script (REQUEST_SCRIPT) returns all of it from Redis:

    s:<epoch>:<session key>  the session, as the database row holds it (signed), copied by accounts.session_store
    seen:<session key>       the moment of the previous request, swapped for this one's in the same call
    a:<epoch>:<session key>  the account with its organisation, and the verifying device: pickled, signed, and
                             stamped with the versions of the account (v:u:<id>) and of everything (v:all) that
                             were current before they were read from the database

A copy is used only while both versions are still the ones it was stamped with. Every write that changes an
account, its organisation or its device moves a version (changed(), below): a model's save() or delete(), a
queryset's update() (accounts.models.SessionsSeeChangesQuerySet), and the raw UPDATE of the nightly jobs. A change
of one account moves that account's version; a change of an organisation, or an update whose set of rows cannot
be known, moves v:all. A version is moved at once and again after the transaction commits, so a copy read from
the database in between is not used either. A copy is stamped only with versions that exist (VERSIONS_SCRIPT),
and a session deleted from the database leaves a mark (GONE) that a late copy cannot overwrite. So the next
request of every running session sees the change, and a request that changes nothing costs no query at all.

The copy of an account is the row as the database has it, its password hash included (Django's check of the
session's auth hash needs it): Redis must be as private as the database (on Kubernetes only web, worker and beat
reach it, docs/OPERATIONS.md "Network").

Only in Redis, never in a process's memory (portero.cache.ResilientRedisCache.shared): while Redis is down, or
without Redis (the local demo), every request reads the database, as before. Whatever could not be written during
an outage is made unseen by the epoch that shared() moves when Redis is back.
"""

import contextvars
import hmac
import pickle  # noqa: S403 - only our own snapshots, each checked by its HMAC before it is unpickled
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import salted_hmac

VERSION_SECONDS = 24 * 60 * 60  # longer than any copy lives (SESSION_COOKIE_AGE), so a lost version is never reused

REQUEST_SCRIPT = """
local p, sk = ARGV[1], ARGV[2]
local epoch = redis.call('GET', p .. 'epoch') or '0'
local session = redis.call('GET', p .. 's:' .. epoch .. ':' .. sk)
if not session or session == '!' then return {epoch} end
local seen = redis.call('SET', p .. 'seen:' .. sk, ARGV[3], 'EX', ARGV[4], 'GET')
local a = redis.call('HMGET', p .. 'a:' .. epoch .. ':' .. sk, 'u', 'ver', 'user', 'dev', 'device')
if a[1] then
  local ver = (redis.call('GET', p .. 'v:u:' .. a[1]) or '0') .. '|' .. (redis.call('GET', p .. 'v:all') or '0')
  if ver == a[2] then
    return {epoch, session, seen or false, a[1], a[2], a[3] or false, a[4] or false, a[5] or false}
  end
end
return {epoch, session, seen or false}
"""
_SCRIPTS = {}
# A version that does not exist yet is created first: a copy is never stamped with the '0' of a missing key, so a
# version key lost later (expired) can never make an old copy look current.
VERSIONS_SCRIPT = """
local out = {}
for i, key in ipairs(KEYS) do
  local v = redis.call('GET', key)
  if not v then
    v = ARGV[1]
    redis.call('SET', key, v, 'EX', ARGV[2])
  end
  out[i] = v
end
return out
"""
# A session deleted from the database leaves this in place of its copy for as long as a copy could live, so a
# request that read the row just before the delete cannot put the copy back afterwards.
GONE = "!"


@dataclass
class _RequestState:
    session_key: str
    epoch: str
    uid: str | None = None
    versions: str | None = None
    user: bytes | None = None
    device_id: str | None = None
    device: bytes | None = None
    loaded: dict = field(default_factory=dict)  # what this request read from the database, to keep for the next


_request = contextvars.ContextVar("portero_auth_request", default=None)


def _shared(on_redis):
    shared = getattr(cache, "shared", None)  # portero.cache.ResilientRedisCache; none on a per-process cache
    return shared(lambda client: on_redis(client, cache.shared_prefix)) if shared else None


def _text(value):
    return value.decode() if isinstance(value, bytes) else value


def _sign(obj) -> bytes:
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return salted_hmac("accounts.auth_cache", payload, algorithm="sha256").digest() + payload


def _unsign(blob: bytes | None):
    if not blob or len(blob) < 32:
        return None
    mac, payload = blob[:32], blob[32:]
    if not hmac.compare_digest(mac, salted_hmac("accounts.auth_cache", payload, algorithm="sha256").digest()):
        return None
    return pickle.loads(payload)  # noqa: S301 - signed by us above


def _token() -> str:
    return secrets.token_hex(8)


def request_begin(*, session_key: str, now: float) -> tuple[str | None, float | None] | None:
    """Start of a request with a session cookie: one round trip for the copy of the session, the previous request's
    moment (replaced by now) and, still valid, the account and device. Returns (session, previous moment), each
    None when Redis has no copy; None without Redis."""

    def run(client, prefix):
        script = _SCRIPTS.get(id(client))
        if script is None:
            script = _SCRIPTS.setdefault(id(client), client.register_script(REQUEST_SCRIPT))
        return script(args=[prefix, session_key, repr(now), settings.SESSION_COOKIE_AGE])

    reply = _shared(run)
    if reply is None:
        return None
    state = _RequestState(session_key=session_key, epoch=_text(reply[0]))
    if len(reply) > 3:
        state.uid, state.versions, state.user = _text(reply[3]), _text(reply[4]), reply[5]
        state.device_id, state.device = _text(reply[6]), reply[7]
    _request.set(state)
    if len(reply) == 1:
        return None, None
    return _text(reply[1]), (float(reply[2]) if reply[2] is not None else None)


def request_end(*, session_key: str | None) -> None:
    """End of the request: keep what it read from the database for the next request of the same session, whole
    (an older copy's device is not kept beside a newer account)."""
    state = _request.get()
    _request.set(None)
    if state is None or not state.loaded or state.versions is None or session_key != state.session_key:
        return
    user = state.loaded.get("user") or state.user
    if user is None:
        return
    fields = {"u": state.uid, "ver": state.versions, "user": user}
    if "device" in state.loaded:
        fields.update(dev=state.loaded["dev"], device=state.loaded["device"])
    elif state.device is not None:
        fields.update(dev=state.device_id, device=state.device)

    def run(client, prefix):
        key = f"{prefix}a:{state.epoch}:{session_key}"
        pipe = client.pipeline(transaction=False)
        pipe.delete(key)
        pipe.hset(key, mapping=fields)
        pipe.expire(key, settings.SESSION_COOKIE_AGE)
        pipe.execute()

    _shared(run)


def request_reset() -> None:
    _request.set(None)


def user_cached(user_id):
    """The account of this request's session as kept, or None: then accounts.backends reads it and calls
    user_loaded."""
    state = _request.get()
    if state is None or state.user is None or state.uid != str(user_id):
        return None
    return _unsign(state.user)


def user_loaded(user) -> None:
    """Keep this account (read after versions_before_load) for the next requests of this session."""
    state = _request.get()
    if state is not None and state.versions is not None:
        state.uid = str(user.pk)
        state.loaded["user"] = _sign(user)


def versions_before_load(user_id) -> None:
    """The versions of an account, read before the account itself: a change committed after this read moves them,
    so what is read next is kept under versions that no longer hold."""
    state = _request.get()
    if state is None:
        return

    def run(client, prefix):
        return client.eval(VERSIONS_SCRIPT, 2, f"{prefix}v:u:{user_id}", f"{prefix}v:all", _token(), VERSION_SECONDS)

    reply = _shared(run)
    state.versions = None if reply is None else "|".join(_text(v) for v in reply)
    state.user = state.device = state.device_id = None
    state.uid = str(user_id)


def device_cached(persistent_id: str):
    state = _request.get()
    if state is None or state.device is None or state.device_id != persistent_id:
        return None
    return _unsign(state.device)


def device_loaded(persistent_id: str, device) -> None:
    state = _request.get()
    if state is not None and state.versions is not None and state.uid == str(device.user_id):
        state.loaded.update(dev=persistent_id, device=_sign(device))


def session_kept(*, session_key: str, encoded: str, seconds: int) -> None:
    """The copy of a session as just written to (or read from) the database, under the current epoch; never in
    place of the mark of a deleted session (GONE)."""

    def run(client, prefix):
        keep = (
            "local key = ARGV[1] .. 's:' .. (redis.call('GET', ARGV[1] .. 'epoch') or '0') .. ':' .. ARGV[2] "
            "if redis.call('GET', key) == ARGV[5] then return 0 end "
            "return redis.call('SET', key, ARGV[3], 'EX', ARGV[4])"
        )
        return client.eval(keep, 0, prefix, session_key, encoded, max(1, int(seconds)), GONE)

    if seconds > 0:
        _shared(run)


def session_forgotten(*, session_key: str) -> None:
    """The session was deleted from the database: its copy becomes GONE and its account copy goes."""

    def run(client, prefix):
        forget = (
            "local e = redis.call('GET', ARGV[1] .. 'epoch') or '0' "
            "redis.call('DEL', ARGV[1] .. 'a:' .. e .. ':' .. ARGV[2]) "
            "return redis.call('SET', ARGV[1] .. 's:' .. e .. ':' .. ARGV[2], ARGV[3], 'EX', ARGV[4])"
        )
        return client.eval(forget, 0, prefix, session_key, GONE, settings.SESSION_COOKIE_AGE)

    _shared(run)


def seen_swapped(*, session_key: str, now: float) -> float | None:
    """The previous request's moment, replaced by now, for a session whose copy was not in Redis."""

    def run(client, prefix):
        return client.set(f"{prefix}seen:{session_key}", repr(now), ex=settings.SESSION_COOKIE_AGE, get=True)

    reply = _shared(run)
    return float(reply) if reply is not None else None


def changed(*, users=(), everything: bool = False) -> None:
    """The one door for every write that changes an account, its organisation or a device: the next request of
    every running session of these accounts (or of all, with everything) reads them from the database again."""
    keys = [f"v:u:{pk}" for pk in users] + (["v:all"] if everything else [])
    if not keys:
        return

    def bump():
        def run(client, prefix):
            token = _token()
            pipe = client.pipeline(transaction=False)
            for key in keys:
                pipe.set(prefix + key, token, ex=VERSION_SECONDS)
            pipe.execute()

        _shared(run)

    bump()
    transaction.on_commit(bump)
