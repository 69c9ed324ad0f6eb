"""Redis as Django's cache, degrading to a per-process memory cache while Redis is unreachable.

The cache holds limits (SMS sends, link requests) and the moment of each session's last request (the idle
rule, accounts.services.session_touch); sessions themselves live in the database. So when Redis is down, login
keeps working and the limits keep counting, per process, instead of every page failing. After
a failure Redis is left alone for RETRY_AFTER seconds, so pages don't wait for a dead server on every call.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
RETRY_AFTER = 10.0
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _degrading(name):
    def method(self, *args, **kwargs):
        if time.monotonic() >= self._down_until:
            try:
                return getattr(super(ResilientRedisCache, self), name)(*args, **kwargs)
            except _UNREACHABLE:
                self._down_until = time.monotonic() + RETRY_AFTER
                logger.warning("Redis onbereikbaar: de cache werkt %s s in het geheugen van dit proces.", RETRY_AFTER)
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    return method


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new redis.Redis for every cache call, and with it redis-py's table of some 200
    response callbacks: about 0.13 ms a call, and every logged-in request makes two or three (the idle rule).
    One redis.Redis per connection pool is enough; redis-py's clients are safe to share between threads."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", 1)
        options.setdefault("socket_timeout", 1)
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._fallback = LocMemCache("portero-fallback", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0

    for _name in (
        "add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many", "clear",
    ):  # fmt: skip
        locals()[_name] = _degrading(_name)
    del _name
