"""The Redis cache, degraded to a cache that remembers nothing while Redis is unreachable.

The cache holds what can be rebuilt: Wagtail's page lookups, rate-limit counters, small
lookups. Without this, a Redis outage turned every help-centre page into a 500. While Redis
is down reads miss, writes are dropped and counters cannot count (django-ratelimit then
lets the request through: RATELIMIT_FAIL_OPEN in the settings); one warning a minute per
process says so. The chat's channel layer is separate and fails on its own terms.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
OUTAGE = (RedisConnectionError, RedisTimeoutError)
WARN_EVERY_SECONDS = 60
_last_warning = 0.0


def _warn(exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning("Redis cache unreachable, serving without it: %s", exc)


class _TolerantClient(RedisCacheClient):
    def _or(self, fallback, method, *args):
        try:
            return method(*args)
        except OUTAGE as exc:
            _warn(exc)
            return fallback

    def add(self, key, value, timeout):
        return self._or(False, super().add, key, value, timeout)

    def get(self, key, default):
        return self._or(default, super().get, key, default)

    def set(self, key, value, timeout):
        return self._or(None, super().set, key, value, timeout)

    def touch(self, key, timeout):
        return self._or(False, super().touch, key, timeout)

    def delete(self, key):
        return self._or(False, super().delete, key)

    def get_many(self, keys):
        return self._or({}, super().get_many, keys)

    def has_key(self, key):
        return self._or(False, super().has_key, key)

    def incr(self, key, delta):
        try:
            return super().incr(key, delta)
        except OUTAGE as exc:
            _warn(exc)
            raise ValueError("the cache is unreachable, so the key cannot be counted") from exc

    def set_many(self, data, timeout):
        return self._or([], super().set_many, data, timeout)

    def delete_many(self, keys):
        return self._or(None, super().delete_many, keys)

    def clear(self):
        return self._or(False, super().clear)


class OutageTolerantRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache that serves misses while Redis is down."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _TolerantClient
