"""The Redis cache, tolerant of an outage: with Redis down or unreachable, a read is a miss and a write is skipped
(logged once a minute at most), so every page is served, uncached, instead of a 500. The public search limit
then lets searches through: a cache outage must not lock residents out."""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
_last_warning = 0.0


def _warn(error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning > 60:
        _last_warning = now
        logger.warning("缓存(Redis)不可用，页面改为不经缓存直接生成：%s", error)


class TolerantRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            _warn(error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            _warn(error)
            return {}

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            _warn(error)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            _warn(error)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            _warn(error)
            return False

    def incr(self, key, delta=1, version=None):
        """As if the key had just been created: the first of its window for a rate limit."""
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            _warn(error)
            return delta

    def clear(self):
        try:
            return super().clear()
        except RedisError as error:
            _warn(error)
            return False
