"""Django's Redis cache, keeping one client per connection pool.

The stock backend builds a new redis.Redis client, with its table of response
callbacks, for every cache call: a measurable cost on the campaign page, which
makes one or two cache calls per request. Clients are thread-safe, so one per
pool does.
"""

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis import Redis

# The stock client's helpers are private, so django-stubs does not declare them.


class ReusingRedisCacheClient(RedisCacheClient):
    def get_client(self, key: Any = None, *, write: bool = False) -> Redis:
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        clients: dict[int, Redis] = self.__dict__.setdefault("_clients", {})
        if index not in clients:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            clients[index] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return clients[index]


class ReusingRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
