"""Password hashing off the event loop, a bounded number of hashes at a time."""

from collections.abc import Callable
from functools import cache
from typing import Annotated, TypeVar

from anyio import CapacityLimiter, to_thread
from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import ARGON2_VERSION
from argon2.profiles import RFC_9106_LOW_MEMORY
from fastapi import Depends

from app.core.config import SettingsDep
from app.core.exceptions import ServerBusyError

T = TypeVar("T")


# --8<-- [start:password-hashing]
# --8<-- [start:passwords-class]
class Passwords:
    """Argon2id, by default RFC 9106's low-memory profile: ~0.15 s and 64 MiB."""

    def __init__(
        self,
        *,
        max_concurrent: int,
        max_waiting: int,
        time_cost: int = RFC_9106_LOW_MEMORY.time_cost,
        memory_kib: int = RFC_9106_LOW_MEMORY.memory_cost,
    ) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)
        # The memory multiplies with every hash at once: bound them. The rest
        # wait on the event loop, a bounded number: beyond it a 503 at once.
        self._limiter = CapacityLimiter(max_concurrent)
        self._max_queued = max_concurrent + max_waiting
        self._queued = 0  # hashing now or waiting for a turn (one loop: no lock)
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        """Salted, slow hash: a leaked table does not give the passwords away."""
        return await self._in_turn(self._hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        """Constant-time check that never raises on a wrong or corrupt hash."""
        return await self._in_turn(self._verify, password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash is weaker than today's in any parameter.

        Only upwards: a cost lowered by mistake does not weaken stored hashes.
        """
        try:
            old = extract_parameters(password_hash)
        except InvalidHashError:
            return True
        today = self._hasher
        return (
            old.type is not today.type
            or old.version < ARGON2_VERSION
            or old.time_cost < today.time_cost
            or old.memory_cost < today.memory_cost
            or old.hash_len < today.hash_len
            or old.salt_len < today.salt_len
        )

    async def verify_nothing(self, password: str) -> None:
        """Spend what a real check costs, so an unknown account takes as long.

        At today's cost: after a raise, an account whose hash is not upgraded yet
        answers faster than an unknown one until its owner signs in again.
        """
        if self._dummy_hash is None:
            self._dummy_hash = await self.hash("not-a-real-password")
        await self.verify(self._dummy_hash, password)

    async def _in_turn(self, function: Callable[..., T], *args: str) -> T:
        # Callers must hold no pooled connection here: the wait can be long.
        if self._queued >= self._max_queued:
            raise ServerBusyError("Too many password checks at once; retry shortly.")
        self._queued += 1
        try:
            return await to_thread.run_sync(function, *args, limiter=self._limiter)
        finally:
            self._queued -= 1

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        # --8<-- [end:passwords-class]


@cache
def passwords_for(
    max_concurrent: int, max_waiting: int, time_cost: int, memory_kib: int
) -> Passwords:
    """One per process: the limit is about this process's memory and cores."""
    return Passwords(
        max_concurrent=max_concurrent,
        max_waiting=max_waiting,
        time_cost=time_cost,
        memory_kib=memory_kib,
    )


async def get_passwords(settings: SettingsDep) -> Passwords:
    return passwords_for(
        settings.password_hash_concurrency,
        settings.password_hash_max_waiting,
        settings.password_hash_time_cost,
        settings.password_hash_memory_kib,
    )


PasswordsDep = Annotated[Passwords, Depends(get_passwords)]
# --8<-- [end:password-hashing]
