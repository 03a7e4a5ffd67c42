"""Django's Redis cache, made to fail fast and loudly enough for callers to cope.

Two changes to the stock backend:

- One redis client per connection pool: the stock backend builds a new
  client, with its table of response callbacks, for every cache call.
- While Redis is unreachable every call raises ``CacheUnavailable`` at once:
  after a failure the backend does not try Redis again for
  ``retry_after`` seconds, so a page never waits on a dead server more than
  once in that time. Callers decide what to do without the cache (counts
  fall back to PostgreSQL, rate limits hold the signature for review, staff
  lockout counts in the process); the site recovers by itself.
"""

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis import Redis, RedisError

logger = logging.getLogger(__name__)


class CacheUnavailable(Exception):
    """The shared cache cannot be reached now."""


# The stock client's helpers are private, so django-stubs does not declare them.


class ReusingRedisCacheClient(RedisCacheClient):
    def get_client(self, key: Any = None, *, write: bool = False) -> Redis:
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        clients: dict[int, Redis] = self.__dict__.setdefault("_clients", {})
        if index not in clients:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            clients[index] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return clients[index]


def _guarded(name: str) -> Callable[..., Any]:
    def method(self: "ResilientRedisCache", *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < self.down_until:
            raise CacheUnavailable("Redis was unreachable moments ago")
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except RedisError as exc:
            self.down_until = time.monotonic() + self.retry_after
            logger.warning("Cache unavailable (%s); retrying in %ss", exc, self.retry_after)
            raise CacheUnavailable(str(exc)) from exc

    method.__name__ = name
    return method


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop("retry_after", 5))
        # A server that does not answer fails a call in a moment, not a minute.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params | {"OPTIONS": options})
        self._class = ReusingRedisCacheClient
        self.down_until = 0.0

    add = _guarded("add")
    get = _guarded("get")
    set = _guarded("set")
    touch = _guarded("touch")
    delete = _guarded("delete")
    get_many = _guarded("get_many")
    has_key = _guarded("has_key")
    incr = _guarded("incr")
    set_many = _guarded("set_many")
    delete_many = _guarded("delete_many")
    clear = _guarded("clear")


class ProcessCache(LocMemCache):
    """A process's own copies, kept as the objects themselves rather than pickled.

    For what every request reads and nobody changes (campaign rows, rendered
    pages, a count): unpickling a campaign with its translations on every
    request cost more than the rest of serving the page. Callers must treat
    what they get as read-only.
    """

    # LocMemCache's internals, which django-stubs leaves out.
    _cache: "OrderedDict[str, Any]"
    _lock: Lock
    _has_expired: Callable[[str], bool]
    _set: Callable[..., None]
    _delete: Callable[[str], bool]

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            value = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return value

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key {key!r} not found")
            value: int = self._cache[key] + delta
            self._cache[key] = value
            self._cache.move_to_end(key, last=False)
        return value
