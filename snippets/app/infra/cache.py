"""A cache in Redis that is only ever an optimisation: any failure is a miss."""

import asyncio
import logging
import time
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.infra.clients.redis import create_redis

logger = logging.getLogger(__name__)

# After a failure, reads and writes skip Redis this long instead of paying
# the timeout on every request; deletes are always tried (see `delete`).
COOLDOWN_SECONDS = 5.0
_FAILURES = (RedisError, OSError, TimeoutError)


# --8<-- [start:cache]
class Cache:
    """get/set/delete with a deadline on each call; errors are logged, not raised."""

    def __init__(self, redis: Redis | None, *, timeout_seconds: float) -> None:
        self._redis = redis  # None: caching is off (no REDIS_URL)
        self._timeout = timeout_seconds
        self._skip_until = 0.0

    def _available(self) -> Redis | None:
        return None if time.monotonic() < self._skip_until else self._redis

    def _failed(self, operation: str, exc: BaseException) -> None:
        self._skip_until = time.monotonic() + COOLDOWN_SECONDS
        logger.warning("cache %s failed: %r", operation, exc)

    async def get(self, key: str) -> bytes | None:
        """The cached value, or None on a miss, an outage or a slow Redis."""
        if (redis := self._available()) is None:
            return None
        try:
            async with asyncio.timeout(self._timeout):
                value = await redis.get(key)
        except _FAILURES as exc:
            self._failed("get", exc)
            return None
        return value if isinstance(value, bytes) else None  # bytes: no decoding

    async def set(self, key: str, value: bytes, *, ttl: timedelta) -> None:
        """Store with a TTL, always: an entry nobody invalidates still expires."""
        if (redis := self._available()) is None:
            return
        try:
            async with asyncio.timeout(self._timeout):
                await redis.set(key, value, ex=ttl)
        except _FAILURES as exc:
            self._failed("set", exc)

    async def delete(self, *keys: str) -> None:
        """Drop entries after a write committed; tried even in the cooldown."""
        if self._redis is None or not keys:
            return
        try:
            async with asyncio.timeout(self._timeout):
                await self._redis.delete(*keys)
        except _FAILURES as exc:
            # The entry may outlive the change until its TTL: the bound we accept.
            self._failed("delete", exc)

    async def aclose(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()


# --8<-- [end:cache]


def create_cache(url: str | None, *, timeout_seconds: float) -> Cache:
    """The process's cache; without a URL, one that never stores anything."""
    redis = create_redis(url, timeout_seconds=timeout_seconds) if url else None
    return Cache(redis, timeout_seconds=timeout_seconds)


async def get_cache(request: Request) -> Cache:
    """The process's cache, opened by the lifespan."""
    cache: Cache = request.app.state.cache
    return cache


CacheDep = Annotated[Cache, Depends(get_cache)]
