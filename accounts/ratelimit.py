"""Limits for sensitive actions (link requests, SMS sends), kept in the cache.

Windows and cooldowns are measured on Django's clock (timezone.now), not by cache expiry, so they behave
the same on every cache backend and under time travel in tests; the cache timeout only cleans up.
"""

import hashlib

from django.core.cache import cache
from django.utils import timezone


def _digest(key: str) -> str:
    """Keys carry what a person typed (a login name of any length and any characters): the cache gets the kind of
    limit ("pwreq:…") and a fixed-size hash of the rest, never the text itself."""
    kind, _, rest = key.partition(":")
    return f"{kind}:{hashlib.sha256(rest.encode('utf-8', 'surrogatepass')).hexdigest()}"


def _window_key(key: str, window_seconds: int) -> str:
    window = int(timezone.now().timestamp()) // window_seconds
    return f"ratelimit:{_digest(key)}:{window}"


def rate_limit_exceeded(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit for `key` in the current fixed window; True when this hit is over `limit`."""
    cache_key = _window_key(key, window_seconds)
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=window_seconds)
        hits = 1
    return hits > limit


def rate_limit_reached(key: str, *, limit: int, window_seconds: int) -> int:
    """Without counting: 0 while `key` has fewer than `limit` hits in the current window, otherwise the seconds
    until that window ends."""
    if (cache.get(_window_key(key, window_seconds)) or 0) < limit:
        return 0
    now = timezone.now().timestamp()
    return max(int(window_seconds - now % window_seconds), 1)


def backoff_try(key: str, *, free: int, max_seconds: int) -> int:
    """A progressive delay: after `free` failures of `key`, an attempt may come only 1, 2, 4, … seconds (at most
    `max_seconds`) after the last failure, and only one attempt takes each such turn (parallel attempts do not all
    slip through). Returns the seconds still to wait; 0 means this attempt may go ahead (and took the turn)."""
    digest = _digest(key)
    state = cache.get(f"backoff:{digest}")
    now = timezone.now().timestamp()
    if not state or state["failures"] < free or now - state["last"] >= state["forget"]:
        return 0
    delay = min(2 ** (state["failures"] - free), max_seconds)
    remaining = state["last"] + delay - now
    if remaining > 0:
        return int(-(-remaining // 1))
    if not cache.add(f"backoff-turn:{digest}:{state['failures']}:{state['last']}", 1, timeout=max_seconds + 60):
        return delay  # a parallel attempt took this turn
    # The turn starts the clock again, so the next attempt waits a whole delay even when this one turns out to be
    # the right password: one attempt per delay, whatever becomes of each.
    cache.set(f"backoff:{digest}", {**state, "last": now}, timeout=state["forget"])
    return 0


def backoff_failure(key: str, *, forget_seconds: int) -> None:
    """Count one failure of `key`; the count is forgotten `forget_seconds` after its last failure."""
    cache_key = f"backoff:{_digest(key)}"
    now = timezone.now().timestamp()
    state = cache.get(cache_key)
    if not state or now - state["last"] >= state["forget"]:
        state = {"failures": 0}
    cache.set(cache_key, {"failures": state["failures"] + 1, "last": now, "forget": forget_seconds}, forget_seconds)


def mark(key: str, *, seconds: int) -> None:
    """Remember `key` for `seconds` (an address this login name logged in from)."""
    cache.set(f"mark:{_digest(key)}", 1, seconds)


def marked(key: str) -> bool:
    return cache.get(f"mark:{_digest(key)}") is not None


def cooldown_active(key: str, *, seconds: int) -> bool:
    """True when `key` was used less than `seconds` ago; otherwise record this use and return False."""
    now = timezone.now().timestamp()
    cache_key = f"cooldown:{_digest(key)}"
    last = cache.get(cache_key)
    if last is not None and now - last < seconds:
        return True
    cache.set(cache_key, now, timeout=seconds)
    return False


def cooldown_clear(key: str) -> None:
    cache.delete(f"cooldown:{_digest(key)}")
