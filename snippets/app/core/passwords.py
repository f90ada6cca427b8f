"""Password hashing off the event loop, a bounded number of hashes at a time."""

from functools import cache
from typing import Annotated

from anyio import CapacityLimiter, to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends

from app.core.config import SettingsDep


# --8<-- [start:password-hashing]
class Passwords:
    """Argon2id (RFC 9106's low-memory profile): ~0.2 s of CPU and 64 MiB a hash."""

    def __init__(self, *, max_concurrent: int) -> None:
        self._hasher = PasswordHasher()
        # The memory multiplies with every hash at once: bound them, and let
        # the rest wait on the event loop, where waiting costs nothing.
        self._limiter = CapacityLimiter(max_concurrent)
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        """Salted, slow hash: a leaked table does not give the passwords away."""
        return await to_thread.run_sync(
            self._hasher.hash, password, limiter=self._limiter
        )

    async def verify(self, password_hash: str, password: str) -> bool:
        """Constant-time check that never raises on a wrong or corrupt hash."""
        return await to_thread.run_sync(
            self._verify, password_hash, password, limiter=self._limiter
        )

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with weaker parameters than today's."""
        return self._hasher.check_needs_rehash(password_hash)

    async def verify_nothing(self, password: str) -> None:
        """Spend what a real check costs, so an unknown account takes as long."""
        if self._dummy_hash is None:
            self._dummy_hash = await self.hash("not-a-real-password")
        await self.verify(self._dummy_hash, password)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


@cache
def passwords_for(max_concurrent: int) -> Passwords:
    """One per process: the limit is about this process's memory and cores."""
    return Passwords(max_concurrent=max_concurrent)


async def get_passwords(settings: SettingsDep) -> Passwords:
    return passwords_for(settings.password_hash_concurrency)


PasswordsDep = Annotated[Passwords, Depends(get_passwords)]
# --8<-- [end:password-hashing]
