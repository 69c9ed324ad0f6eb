"""Redis as Django's cache, degrading to a per-process memory cache while Redis is unreachable.

The cache holds limits (SMS sends, link requests), the moment of each session's last request (the idle rule) and,
through shared(), a copy of each session and of what a request needs of its login (accounts.auth_cache); the
sessions themselves live in the database. So when Redis is down, login keeps working and the limits keep counting,
per process, instead of every page failing. After a failure Redis is left alone for RETRY_AFTER
seconds, so pages don't wait for a dead server on every call; connecting and each reply wait at most a second.

A cache backend on Django's public cache API (BaseCache) that hands each call to Django's Redis client or, while
Redis is down, to a LocMemCache. The client is Django's own with get_client overridden, the method Django
offers for choosing a server per key.
"""

import logging
import random
import re
import secrets
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)
RETRY_AFTER = 10.0
SHARED_EPOCH = "epoch"
_UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new redis.Redis for every cache call, and with it redis-py's table of some 200
    response callbacks: about 0.13 ms a call, and every logged-in request makes two or three (the idle rule).
    One redis.Redis per server is enough; redis-py's clients are safe to share between threads."""

    def __init__(self, servers, serializer=None, pool_class=None, parser_class=None, **options):
        super().__init__(servers, serializer=serializer, pool_class=pool_class, parser_class=parser_class, **options)
        self.servers = list(servers)
        self.pool_class = (import_string(pool_class) if isinstance(pool_class, str) else pool_class) or (
            redis.ConnectionPool
        )
        parser_class = import_string(parser_class) if isinstance(parser_class, str) else parser_class
        self.pool_options = {"parser_class": parser_class or redis.connection.DefaultParser, **options}
        self.clients: dict[int, redis.Redis] = {}

    def get_client(self, key=None, *, write=False):
        # As Django's: write to the first server, read from one of the others when there are more.
        index = 0 if write or len(self.servers) == 1 else random.randint(1, len(self.servers) - 1)  # noqa: S311
        client = self.clients.get(index)
        if client is None:
            pool = self.pool_class.from_url(self.servers[index], **self.pool_options)
            client = self.clients.setdefault(index, redis.Redis(connection_pool=pool))
        return client


class ResilientRedisCache(BaseCache):
    def __init__(self, server, params):
        super().__init__(params)
        servers = re.split("[;,]", server) if isinstance(server, str) else server
        options = {"socket_connect_timeout": 1, "socket_timeout": 1, **params.get("OPTIONS", {})}
        self._cache = SharedClientRedisCacheClient(servers, **options)
        self._fallback = LocMemCache("portero-fallback", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0
        self._missed_shared = False
        self.shared_prefix = f"{self.key_prefix}portero:"

    def shared(self, on_redis):
        """on_redis(client) on Redis, or None while Redis is down. For state that must be the same in every process
        (the sessions and what accounts.auth_cache keeps of a login), which the per-process fallback would let
        diverge: its callers then go to the database instead.

        A call that could not reach Redis may have been a write another process needed (a session ended, an account
        changed). So the first call that reaches Redis again first moves the shared epoch (SHARED_EPOCH), under
        which all that state is kept: everything cached before the outage is then unseen, and is read anew from the
        database."""
        if time.monotonic() < self._down_until:
            self._missed_shared = True
            return None
        try:
            client = self._cache.get_client(write=True)
            if self._missed_shared:
                client.set(self.shared_prefix + SHARED_EPOCH, secrets.token_hex(8))
                self._missed_shared = False
            return on_redis(client)
        except _UNREACHABLE:
            self._down_until = time.monotonic() + RETRY_AFTER
            self._missed_shared = True
            logger.warning("Redis onbereikbaar: sessies en aanmeldingen komen %s s uit de database.", RETRY_AFTER)
            return None

    def _degrading(self, on_redis, on_fallback):
        if time.monotonic() >= self._down_until:
            try:
                return on_redis()
            except _UNREACHABLE:
                self._down_until = time.monotonic() + RETRY_AFTER
                logger.warning("Redis onbereikbaar: de cache werkt %s s in het geheugen van dit proces.", RETRY_AFTER)
        return on_fallback()

    def _key(self, key, version):
        return self.make_and_validate_key(key, version=version)

    def get_backend_timeout(self, timeout=DEFAULT_TIMEOUT):
        """Seconds from now, as Redis takes them: None keeps the key, 0 or less deletes it."""
        if timeout == DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return None if timeout is None else max(0, int(timeout))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._degrading(
            lambda: self._cache.add(self._key(key, version), value, self.get_backend_timeout(timeout)),
            lambda: self._fallback.add(key, value, timeout, version),
        )

    def get(self, key, default=None, version=None):
        return self._degrading(
            lambda: self._cache.get(self._key(key, version), default),
            lambda: self._fallback.get(key, default, version),
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._degrading(
            lambda: self._cache.set(self._key(key, version), value, self.get_backend_timeout(timeout)),
            lambda: self._fallback.set(key, value, timeout, version),
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._degrading(
            lambda: self._cache.touch(self._key(key, version), self.get_backend_timeout(timeout)),
            lambda: self._fallback.touch(key, timeout, version),
        )

    def delete(self, key, version=None):
        return self._degrading(
            lambda: self._cache.delete(self._key(key, version)),
            lambda: self._fallback.delete(key, version),
        )

    def get_many(self, keys, version=None):
        def on_redis():
            key_map = {self._key(key, version): key for key in keys}
            return {key_map[k]: v for k, v in self._cache.get_many(key_map.keys()).items()}

        return self._degrading(on_redis, lambda: self._fallback.get_many(keys, version))

    def has_key(self, key, version=None):
        return self._degrading(
            lambda: self._cache.has_key(self._key(key, version)),
            lambda: self._fallback.has_key(key, version),
        )

    def incr(self, key, delta=1, version=None):
        return self._degrading(
            lambda: self._cache.incr(self._key(key, version), delta),
            lambda: self._fallback.incr(key, delta, version),
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []

        def on_redis():
            safe_data = {self._key(key, version): value for key, value in data.items()}
            self._cache.set_many(safe_data, self.get_backend_timeout(timeout))
            return []

        return self._degrading(on_redis, lambda: self._fallback.set_many(data, timeout, version))

    def delete_many(self, keys, version=None):
        if not keys:
            return
        self._degrading(
            lambda: self._cache.delete_many([self._key(key, version) for key in keys]),
            lambda: self._fallback.delete_many(keys, version),
        )

    def clear(self):
        return self._degrading(self._cache.clear, self._fallback.clear)
