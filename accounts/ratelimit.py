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


def rate_limit_exceeded(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit for `key` in the current fixed window; True when this hit is over `limit`."""
    window = int(timezone.now().timestamp()) // window_seconds
    cache_key = f"ratelimit:{_digest(key)}:{window}"
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=window_seconds)
        hits = 1
    return hits > limit


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
