"""Password hashing, token signing and verification, role checks."""

import uuid
from datetime import UTC, datetime, timedelta

import argon2
import pytest
from asgi_lifespan import LifespanManager
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
from app.main import create_app
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


def test_a_cheap_password_hash_needs_the_test_switch_and_the_test_environment() -> None:
    """A test suite may hash cheaply by asking twice; ENVIRONMENT=test alone may not."""
    cheap = SETTINGS.model_dump() | {
        "environment": "test",
        "password_hash_time_cost": 1,
        "password_hash_memory_kib": 64,
    }
    switched = cheap | {"password_hash_weak_for_tests": True}
    assert Settings.model_validate(switched)
    with pytest.raises(ValueError, match="OWASP's argon2id floor"):
        Settings.model_validate(cheap)
    for environment in ("dev", "staging", "prod"):
        with pytest.raises(ValueError, match="needs ENVIRONMENT=test"):
            Settings.model_validate(switched | {"environment": environment})


def _costs(memory_kib: int, time_cost: int) -> dict[str, object]:
    return SETTINGS.model_dump() | {
        "password_hash_memory_kib": memory_kib,
        "password_hash_time_cost": time_cost,
    }


# OWASP's five settings of equal strength, and the default (RFC 9106's profile).
@pytest.mark.parametrize(
    ("memory_kib", "time_cost"),
    [(47_104, 1), (19_456, 2), (12_288, 3), (9_216, 4), (7_168, 5), (65_536, 3)],
)
def test_each_of_owasps_hash_settings_is_strong_enough(
    memory_kib: int, time_cost: int
) -> None:
    assert Settings.model_validate(_costs(memory_kib, time_cost))


# One step below one of OWASP's settings, and no other setting met instead.
@pytest.mark.parametrize(
    ("memory_kib", "time_cost"), [(47_103, 1), (19_456, 1), (12_288, 2), (7_168, 4)]
)
def test_a_hash_setting_below_all_of_owasps_is_refused(
    memory_kib: int, time_cost: int
) -> None:
    with pytest.raises(ValueError, match="OWASP's argon2id floor"):
        Settings.model_validate(_costs(memory_kib, time_cost))


async def test_a_service_hashing_below_the_floor_says_so_at_start_up(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The test switch is loud: an operator who copied it sees it in the log."""
    weak = Settings.model_validate(
        SETTINGS.model_dump()
        | {
            "environment": "test",
            "password_hash_time_cost": 1,
            "password_hash_memory_kib": 64,
            "password_hash_weak_for_tests": True,
        }
    )
    for settings, warned in ((SETTINGS, False), (weak, True)):
        caplog.clear()
        async with LifespanManager(create_app(settings)):
            pass
        assert ("below OWASP's floor" in caplog.text) is warned


def test_a_hash_is_renewed_only_when_it_is_weaker_than_todays() -> None:
    """Raising a cost upgrades old hashes; lowering it does not downgrade them."""
    today = Passwords(max_concurrent=1, max_waiting=0, time_cost=2, memory_kib=19_456)
    made_with = argon2.PasswordHasher
    weaker = made_with(time_cost=1, memory_cost=19_456).hash("Pass-word-123")
    less_memory = made_with(time_cost=2, memory_cost=9_216).hash("Pass-word-123")
    stronger = made_with(time_cost=3, memory_cost=65_536).hash("Pass-word-123")
    other_lanes = made_with(time_cost=2, memory_cost=19_456, parallelism=1)
    argon2i = made_with(time_cost=2, memory_cost=19_456, type=argon2.Type.I)

    assert today.needs_rehash(weaker)
    assert today.needs_rehash(less_memory)
    assert today.needs_rehash(argon2i.hash("Pass-word-123"))
    assert not today.needs_rehash(stronger)
    assert not today.needs_rehash(other_lanes.hash("Pass-word-123"))


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
