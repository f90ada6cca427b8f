"""Password hashing, token signing and verification, role checks."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from app.core.config import Settings
from app.core.exceptions import ForbiddenError
from app.core.passwords import Passwords, passwords_for
from app.core.security import (
    AccessClaims,
    InvalidTokenError,
    create_token,
    decode_token,
    require_role,
)
from app.users.constants import Role

SETTINGS = Settings(
    database_url=SecretStr("postgresql+asyncpg://u:p@localhost/db"),
    jwt_secret=SecretStr("unit-test-secret-with-32-characters!"),
)


async def test_password_hash_is_salted_argon2() -> None:
    passwords = Passwords(max_concurrent=1, max_waiting=0)
    first = await passwords.hash("Pass-word-123")
    second = await passwords.hash("Pass-word-123")

    assert first.startswith("$argon2id$")
    assert first != second  # a fresh salt each time
    assert await passwords.verify(first, "Pass-word-123")
    assert not await passwords.verify(first, "pass-word-123")
    assert not await passwords.verify("not-a-hash", "Pass-word-123")
    assert not passwords.needs_rehash(first)


def test_one_hasher_per_process_and_limit() -> None:
    """The limit is about the process's memory: every app shares it."""
    assert passwords_for(2, 16, 3, 65_536) is passwords_for(2, 16, 3, 65_536)
    assert passwords_for(2, 16, 3, 65_536) is not passwords_for(3, 16, 3, 65_536)


def test_a_cheap_password_hash_is_refused_outside_tests() -> None:
    """A test suite may hash cheaply; a deployment that copied its settings may not."""
    cheap = SETTINGS.model_copy(update={"environment": "test"}).model_dump()
    cheap |= {"password_hash_time_cost": 1, "password_hash_memory_kib": 64}
    assert Settings.model_validate(cheap)
    for environment in ("dev", "staging", "prod"):
        with pytest.raises(ValueError, match="OWASP's argon2id floor"):
            Settings.model_validate(cheap | {"environment": environment})


def test_token_round_trip_carries_the_claims() -> None:
    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    token, issued = create_token(
        SETTINGS, subject=user_id, session_id=session_id, kind="access"
    )

    claims = decode_token(SETTINGS, token, kind="access")

    assert claims == issued
    assert (claims.sub, claims.sid) == (user_id, session_id)
    assert claims.exp - claims.iat == timedelta(minutes=15)


def test_refresh_token_lives_for_the_configured_days() -> None:
    token, claims = create_token(
        SETTINGS, subject=uuid.uuid4(), session_id=uuid.uuid4(), kind="refresh"
    )

    assert claims.exp - claims.iat == timedelta(days=14)
    with pytest.raises(InvalidTokenError, match="another type"):
        decode_token(SETTINGS, token, kind="access")


def test_token_signed_with_another_secret_is_rejected() -> None:
    other = SETTINGS.model_copy(
        update={"jwt_secret": SecretStr("another-secret-with-32-characters!!")}
    )
    token, _ = create_token(
        other, subject=uuid.uuid4(), session_id=uuid.uuid4(), kind="access"
    )

    with pytest.raises(InvalidTokenError):
        decode_token(SETTINGS, token, kind="access")


def caller(role: Role) -> AccessClaims:
    now = datetime.now(UTC)
    return AccessClaims(
        sub=uuid.uuid4(),
        sid=uuid.uuid4(),
        type="access",
        jti=uuid.uuid4(),
        iat=now,
        exp=now + timedelta(minutes=1),
        role=role,
    )


async def test_require_role() -> None:
    admin, user = caller(Role.ADMIN), caller(Role.USER)
    check = require_role(Role.ADMIN)

    assert await check(admin) == admin
    with pytest.raises(ForbiddenError):
        await check(user)
