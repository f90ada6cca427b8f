"""Password hashing, JWTs, role checks and CORS: the service's security kit."""

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, FastAPI, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, ValidationError

from app.core.config import Settings, SettingsDep
from app.core.exceptions import ForbiddenError, UnauthorizedError


class Role(StrEnum):
    USER = "user"
    ADMIN = "admin"


class InvalidTokenError(UnauthorizedError):
    code = "invalid-token"
    title = "Invalid or expired token"


# --8<-- [start:password-hashing]
# argon2id with the library's defaults (RFC 9106 low-memory profile).
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """Salted, slow hash: a leaked table does not give the passwords away."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Constant-time check that never raises on a wrong or corrupt hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# --8<-- [end:password-hashing]


# --8<-- [start:jwt-tokens]
TokenType = Literal["access", "refresh"]


class TokenClaims(BaseModel):
    """The claims this service issues and therefore requires."""

    sub: uuid.UUID
    type: TokenType
    jti: uuid.UUID
    iat: datetime
    exp: datetime
    role: Role = Role.USER


def create_token(
    settings: Settings, *, subject: uuid.UUID, kind: TokenType, role: Role
) -> tuple[str, TokenClaims]:
    """Sign a token; the caller stores the `jti` of refresh tokens."""
    ttl: timedelta = (
        settings.access_token_ttl if kind == "access" else settings.refresh_token_ttl
    )
    now = datetime.now(UTC).replace(microsecond=0)
    claims = TokenClaims(
        sub=subject, type=kind, jti=uuid.uuid4(), iat=now, exp=now + ttl, role=role
    )
    payload = claims.model_dump(mode="json")
    payload |= {"iat": int(now.timestamp()), "exp": int(claims.exp.timestamp())}
    secret = settings.jwt_secret.get_secret_value()
    return jwt.encode(payload, secret, algorithm=settings.jwt_algorithm), claims


def decode_token(settings: Settings, token: str, *, kind: TokenType) -> TokenClaims:
    """Verify signature, expiry and type; every failure is the same 401."""
    try:
        payload = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            # Pinned: the header's `alg` is never trusted, so `none` fails.
            algorithms=[settings.jwt_algorithm],
            options={"require": ["exp", "iat", "sub", "type", "jti"]},
        )
        claims = TokenClaims.model_validate(payload)
    except (jwt.PyJWTError, ValidationError):
        raise InvalidTokenError from None
    if claims.type != kind:
        raise InvalidTokenError("A token of another type was sent.")
    return claims


# --8<-- [end:jwt-tokens]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token")


async def get_access_claims(
    token: Annotated[str, Depends(oauth2_scheme)], settings: SettingsDep
) -> TokenClaims:
    """The verified claims of the bearer token (401 if missing or invalid)."""
    return decode_token(settings, token, kind="access")


AccessClaimsDep = Annotated[TokenClaims, Depends(get_access_claims)]


async def no_store(response: Response) -> None:
    """Token responses must never be cached anywhere (RFC 6749, section 5.1)."""
    response.headers["Cache-Control"] = "no-store"


def require_role(role: Role) -> Callable[[TokenClaims], Awaitable[TokenClaims]]:
    """Dependency factory: 403 unless the caller has `role`."""

    async def check(claims: AccessClaimsDep) -> TokenClaims:
        if claims.role != role:
            raise ForbiddenError(f"This operation needs the {role} role.")
        return claims

    return check


# --8<-- [start:cors]
def add_cors(app: FastAPI, settings: Settings) -> None:
    """Allow exactly the configured origins; none at all when the list is empty."""
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,  # an explicit allowlist, never "*"
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=[
            *("Authorization", "Content-Type", "X-Request-ID", "Idempotency-Key"),
            *("If-Match", "If-None-Match"),
        ],
        expose_headers=[
            *("X-Request-ID", "ETag", "Location", "Retry-After"),
            *("Idempotent-Replayed", "Deprecation", "Sunset", "Link"),
        ],
        allow_credentials=False,  # bearer tokens, no cookies
        max_age=600,
    )


# --8<-- [end:cors]
