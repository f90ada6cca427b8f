"""A cache in Redis that is only ever an optimisation: any failure is a miss."""

import asyncio
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.infra.clients.redis import create_redis

logger = logging.getLogger(__name__)

# After a failure, reads and writes skip Redis this long instead of paying
# the timeout on every request; invalidations are always tried.
COOLDOWN_SECONDS = 5.0
_FAILURES = (RedisError, OSError, TimeoutError)
# Each key has a version, bumped by every invalidation; it outlives the values.
VERSION_SUFFIX = ":version"
VERSION_TTL = timedelta(days=1)
# Store only if no invalidation came since the read that missed: a read that
# started before a write's commit must not put the old value back. A missing
# version never matches (erased, or a Redis that restarted empty).
SET_IF_UNCHANGED = """
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
"""
# A key's first version is random, not 0: "absent" must not be a version two
# readers could both have seen across an erasure.
VERSION_OF = """
local version = redis.call('GET', KEYS[1])
if not version then
    version = ARGV[1]
    redis.call('SET', KEYS[1], version, 'PX', ARGV[2])
end
return version
"""


@dataclass(frozen=True, slots=True)
class Lookup:
    """What a read found: the value (None: a miss) and the key's version then
    (None: Redis failed or the value was a hit, so nothing may be stored)."""

    value: bytes | None
    version: bytes | None


MISS = Lookup(value=None, version=None)


# --8<-- [start:cache]
class Cache:
    """get/set/invalidate, each with a deadline; errors are logged, not raised."""

    def __init__(self, redis: Redis | None, *, timeout_seconds: float) -> None:
        self._redis = redis  # None: caching is off (no REDIS_URL)
        self._timeout = timeout_seconds
        self._skip_until = 0.0
        self._set_if_unchanged = (
            redis.register_script(SET_IF_UNCHANGED) if redis is not None else None
        )
        self._version_of = (
            redis.register_script(VERSION_OF) if redis is not None else None
        )

    def _available(self) -> Redis | None:
        return None if time.monotonic() < self._skip_until else self._redis

    def _failed(self, operation: str, exc: BaseException) -> None:
        self._skip_until = time.monotonic() + COOLDOWN_SECONDS
        logger.warning("cache %s failed: %r", operation, exc)

    async def get(self, key: str) -> Lookup:
        """The cached value and the key's version, in one round trip."""
        if (redis := self._available()) is None or self._version_of is None:
            return MISS
        try:
            async with asyncio.timeout(self._timeout):
                value, version = await redis.mget(key, key + VERSION_SUFFIX)
                if value is None and version is None:  # a key never seen
                    first = secrets.randbelow(2**62)  # an integer: INCR works
                    version = await self._version_of(
                        keys=[key + VERSION_SUFFIX],
                        args=[first, int(VERSION_TTL.total_seconds() * 1000)],
                        client=redis,
                    )
        except _FAILURES as exc:
            self._failed("get", exc)
            return MISS
        # bytes: the client does not decode (no decode_responses)
        return Lookup(
            value=value if isinstance(value, bytes) else None,
            version=version if isinstance(version, bytes) else None,
        )

    async def set(
        self, key: str, value: bytes, *, ttl: timedelta, version: bytes | None
    ) -> None:
        """Store with a TTL, always, unless the key was invalidated since `get`."""
        script = self._set_if_unchanged
        if (redis := self._available()) is None or script is None or version is None:
            return
        milliseconds = int(ttl.total_seconds() * 1000)
        try:
            async with asyncio.timeout(self._timeout):
                await script(
                    keys=[key, key + VERSION_SUFFIX],
                    args=[version, value, milliseconds],
                    client=redis,
                )
        except _FAILURES as exc:
            self._failed("set", exc)

    async def invalidate(self, *keys: str) -> None:
        """After a write committed: drop the entries and bump their versions."""
        if self._redis is None or not keys:
            return
        try:
            async with asyncio.timeout(self._timeout):
                async with self._redis.pipeline(transaction=True) as pipe:
                    for key in keys:
                        pipe.incr(key + VERSION_SUFFIX)
                        pipe.pexpire(key + VERSION_SUFFIX, VERSION_TTL)
                        pipe.delete(key)
                    await pipe.execute()
        except _FAILURES as exc:
            # The entry may outlive the change until its TTL: the bound we accept.
            self._failed("invalidate", exc)

    async def forget(self, *keys: str) -> None:
        """Erase entries and their versions (an account deleted: nothing stays)."""
        if self._redis is None or not keys:
            return
        names = [name for key in keys for name in (key, key + VERSION_SUFFIX)]
        try:
            async with asyncio.timeout(self._timeout):
                await self._redis.delete(*names)
        except _FAILURES as exc:  # both expire anyway: the TTL, then VERSION_TTL
            self._failed("forget", exc)

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
