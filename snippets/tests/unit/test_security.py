"""Password hashing, token signing and verification, role checks."""

import uuid
from datetime import timedelta

import pytest
from pydantic import SecretStr

from app.core.config import Settings
from app.core.exceptions import ForbiddenError
from app.core.security import (
    InvalidTokenError,
    Role,
    create_token,
    decode_token,
    hash_password,
    require_role,
    verify_password,
)

SETTINGS = Settings(
    database_url=SecretStr("postgresql+asyncpg://u:p@localhost/db"),
    jwt_secret=SecretStr("unit-test-secret-with-32-characters!"),
)


def test_password_hash_is_salted_argon2() -> None:
    first, second = hash_password("Pass-word-123"), hash_password("Pass-word-123")

    assert first.startswith("$argon2id$")
    assert first != second  # a fresh salt each time
    assert verify_password(first, "Pass-word-123")
    assert not verify_password(first, "pass-word-123")
    assert not verify_password("not-a-hash", "Pass-word-123")


def test_token_round_trip_carries_the_claims() -> None:
    user_id = uuid.uuid4()
    token, issued = create_token(
        SETTINGS, subject=user_id, kind="access", role=Role.ADMIN
    )

    claims = decode_token(SETTINGS, token, kind="access")

    assert claims == issued
    assert claims.sub == user_id
    assert claims.exp - claims.iat == timedelta(minutes=15)


def test_refresh_token_lives_for_the_configured_days() -> None:
    token, claims = create_token(
        SETTINGS, subject=uuid.uuid4(), kind="refresh", role=Role.USER
    )

    assert claims.exp - claims.iat == timedelta(days=14)
    with pytest.raises(InvalidTokenError, match="another type"):
        decode_token(SETTINGS, token, kind="access")


def test_token_signed_with_another_secret_is_rejected() -> None:
    other = SETTINGS.model_copy(
        update={"jwt_secret": SecretStr("another-secret-with-32-characters!!")}
    )
    token, _ = create_token(other, subject=uuid.uuid4(), kind="access", role=Role.USER)

    with pytest.raises(InvalidTokenError):
        decode_token(SETTINGS, token, kind="access")


async def test_require_role() -> None:
    _, admin = create_token(
        SETTINGS, subject=uuid.uuid4(), kind="access", role=Role.ADMIN
    )
    _, user = create_token(
        SETTINGS, subject=uuid.uuid4(), kind="access", role=Role.USER
    )
    check = require_role(Role.ADMIN)

    assert await check(admin) == admin
    with pytest.raises(ForbiddenError):
        await check(user)
