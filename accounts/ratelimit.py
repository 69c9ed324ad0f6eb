"""A fixed-window counter in the cache, for sensitive actions (link requests, SMS sends)."""

from django.core.cache import cache


def rate_limit_exceeded(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit for `key`; True when this hit is over `limit` within the window."""
    cache_key = f"ratelimit:{key}"
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds)
        hits = 1
    return hits > limit
