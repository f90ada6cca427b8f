"""Anti-pattern: one key for every user, no TTL, Redis errors raised to the caller."""

# --8<-- [start:demo]
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis


async def summary(
    redis: Redis, user_id: str, compute: Callable[[str], Awaitable[bytes]]
) -> bytes:
    cached = await redis.get("summary")  # the same key whoever asks
    if isinstance(cached, bytes):
        return cached
    value = await compute(user_id)
    await redis.set("summary", value)  # no TTL: it lives until deleted
    return value


# --8<-- [end:demo]
