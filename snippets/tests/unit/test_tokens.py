"""JWTs name their issuer, audience and key, and keys can be rotated."""

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from pydantic import SecretStr

from app.core.config import Settings
from app.core.security import InvalidTokenError, create_token, decode_token

SECRET = "unit-test-secret-with-32-characters!"
SETTINGS = Settings(
    database_url=SecretStr("postgresql+asyncpg://u:p@localhost/db"),
    jwt_secret=SecretStr(SECRET),
)


def signed(
    claims: dict[str, object],
    *,
    key: str = SECRET,
    kid: str | None = SETTINGS.jwt_key_id,
) -> str:
    """A token with every claim the service issues, `claims` on top (None: left out)."""
    now = datetime.now(UTC)
    payload: dict[str, object] = {
        "sub": str(uuid.uuid4()),
        "sid": str(uuid.uuid4()),
        "type": "access",
        "jti": str(uuid.uuid4()),
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "iss": SETTINGS.jwt_issuer,
        "aud": SETTINGS.jwt_audience,
    } | claims
    payload = {name: value for name, value in payload.items() if value is not None}
    headers = {} if kid is None else {"kid": kid}
    return jwt.encode(payload, key, algorithm="HS256", headers=headers)


def test_issued_tokens_carry_issuer_audience_and_key_id() -> None:
    token, _ = create_token(
        SETTINGS, subject=uuid.uuid4(), session_id=uuid.uuid4(), kind="access"
    )

    header = jwt.get_unverified_header(token)
    payload = jwt.decode(token, options={"verify_signature": False})

    assert header["kid"] == SETTINGS.jwt_key_id
    assert payload["iss"] == SETTINGS.jwt_issuer
    assert payload["aud"] == SETTINGS.jwt_audience
    assert "role" not in payload  # the role is read from the database


def test_a_well_formed_token_decodes() -> None:
    """The baseline the refusals below differ from by one thing each."""
    assert decode_token(SETTINGS, signed({}), kind="access").type == "access"


@pytest.mark.parametrize(
    "token",
    [
        signed({"iss": "someone-else"}),
        signed({"aud": "another-api"}),
        signed({"iss": None}),
        signed({"aud": None}),
        signed({}, kid=None),
        signed({}, kid="unknown"),
        signed({"sid": None}),
    ],
    ids=["issuer", "audience", "no-iss", "no-aud", "no-kid", "unknown-kid", "no-sid"],
)
def test_a_token_for_another_issuer_audience_or_key_is_refused(token: str) -> None:
    """A token minted by another service with a shared secret is not ours."""
    with pytest.raises(InvalidTokenError):
        decode_token(SETTINGS, token, kind="access")


def test_a_previous_key_still_verifies_after_rotation() -> None:
    """Tokens signed before the rotation stay valid until they expire."""
    old_token, issued = create_token(
        SETTINGS, subject=uuid.uuid4(), session_id=uuid.uuid4(), kind="access"
    )
    rotated = SETTINGS.model_copy(
        update={
            "jwt_secret": SecretStr("the-new-secret-with-32-characters!!"),
            "jwt_key_id": "2",
            "jwt_previous_keys": {SETTINGS.jwt_key_id: SETTINGS.jwt_secret},
        }
    )
    new_token, _ = create_token(
        rotated, subject=uuid.uuid4(), session_id=uuid.uuid4(), kind="access"
    )

    assert decode_token(rotated, old_token, kind="access") == issued
    assert jwt.get_unverified_header(new_token)["kid"] == "2"
    with pytest.raises(InvalidTokenError):
        decode_token(SETTINGS, new_token, kind="access")  # the old deployment


def test_a_retired_key_no_longer_verifies() -> None:
    """Once dropped from the previous keys, its tokens are refused."""
    old_token, _ = create_token(
        SETTINGS, subject=uuid.uuid4(), session_id=uuid.uuid4(), kind="access"
    )
    retired = SETTINGS.model_copy(
        update={
            "jwt_secret": SecretStr("the-new-secret-with-32-characters!!"),
            "jwt_key_id": "2",
        }
    )

    with pytest.raises(InvalidTokenError):
        decode_token(retired, old_token, kind="access")


def test_the_current_key_id_cannot_also_be_a_previous_one() -> None:
    """Two secrets under one `kid` would make verification ambiguous."""
    with pytest.raises(ValueError, match="JWT_PREVIOUS_KEYS"):
        Settings(
            database_url=SecretStr("postgresql+asyncpg://u:p@localhost/db"),
            jwt_secret=SecretStr(SECRET),
            jwt_key_id="1",
            jwt_previous_keys={"1": SecretStr("x" * 32)},
        )


def test_trusting_every_proxy_is_refused() -> None:
    """`*` would let any client choose the address its limits are counted on."""
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        Settings(
            database_url=SecretStr("postgresql+asyncpg://u:p@localhost/db"),
            jwt_secret=SecretStr(SECRET),
            trusted_proxies=["*"],
        )


def test_trusted_proxies_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A comma-separated list, as an env file writes it; networks and addresses."""
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.1")

    settings = Settings(
        database_url=SecretStr("postgresql+asyncpg://u:p@localhost/db"),
        jwt_secret=SecretStr(SECRET),
    )

    assert settings.trusted_proxies == ["10.0.0.0/8", "192.0.2.1"]


@pytest.mark.parametrize("proxy", ["proxy.internal", "10.0.0.0/33", ""])
def test_a_trusted_proxy_must_be_an_address_or_network(proxy: str) -> None:
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        Settings(
            database_url=SecretStr("postgresql+asyncpg://u:p@localhost/db"),
            jwt_secret=SecretStr(SECRET),
            trusted_proxies=[proxy],
        )
