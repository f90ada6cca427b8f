"""JWTs, the signed-in caller, role checks and CORS: the service's security kit."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Literal

import jwt
from fastapi import Depends, FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, SecretStr, ValidationError
from starlette.datastructures import Headers
from starlette.types import Receive, Scope, Send

from app.core.config import Settings, SettingsDep
from app.core.exceptions import (
    CorsPreflightRefusedError,
    ForbiddenError,
    UnauthorizedError,
)
from app.core.problem_details import app_error_handler
from app.infra.db.base import SessionDep, SessionFactoryDep
from app.users import constants as user_constants
from app.users import repository as user_repo
from app.users.models import User


class InvalidTokenError(UnauthorizedError):
    code = "invalid-token"
    title = "Invalid or expired token"
    challenge = 'Bearer error="invalid_token"'  # RFC 6750 §3.1


# --8<-- [start:jwt-tokens]
TokenType = Literal["access", "refresh"]
REQUIRED_CLAIMS = ["exp", "iat", "sub", "sid", "type", "jti", "iss", "aud"]


class TokenClaims(BaseModel):
    """The claims this service issues and therefore requires."""

    sub: uuid.UUID  # the account
    sid: uuid.UUID  # the session: sign-out and password changes end it
    type: TokenType
    jti: uuid.UUID
    iat: datetime
    exp: datetime


# --8<-- [start:create-token]
def create_token(
    settings: Settings, *, subject: uuid.UUID, session_id: uuid.UUID, kind: TokenType
) -> tuple[str, TokenClaims]:
    """Sign a token; the caller stores the `jti` of refresh tokens."""
    ttl = settings.access_token_ttl if kind == "access" else settings.refresh_token_ttl
    now = datetime.now(UTC).replace(microsecond=0)
    claims = TokenClaims(
        sub=subject, sid=session_id, type=kind, jti=uuid.uuid4(), iat=now, exp=now + ttl
    )
    payload = claims.model_dump(mode="json") | {
        "iat": int(now.timestamp()),
        "exp": int(claims.exp.timestamp()),
        "iss": settings.jwt_issuer,  # who signed it ...
        "aud": settings.jwt_audience,  # ... and for whom: not another service
    }
    secret = settings.jwt_secret.get_secret_value()
    headers = {"kid": settings.jwt_key_id}  # which key: rotation without a cliff
    token = jwt.encode(
        payload, secret, algorithm=settings.jwt_algorithm, headers=headers
    )
    return token, claims
    # --8<-- [end:create-token]


# --8<-- [start:decode-token]
def _verification_key(settings: Settings, token: str) -> str:
    keys: dict[str, SecretStr] = {
        **settings.jwt_previous_keys,
        settings.jwt_key_id: settings.jwt_secret,
    }
    kid = jwt.get_unverified_header(token).get("kid")
    if not isinstance(kid, str) or kid not in keys:
        raise InvalidTokenError
    return keys[kid].get_secret_value()


def decode_token(settings: Settings, token: str, *, kind: TokenType) -> TokenClaims:
    """Verify key, signature, expiry, issuer, audience and type; each is one 401."""
    try:
        payload = jwt.decode(
            token,
            _verification_key(settings, token),
            # Pinned: the header's `alg` is never trusted, so `none` fails.
            algorithms=[settings.jwt_algorithm],
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            options={"require": REQUIRED_CLAIMS},
        )
        claims = TokenClaims.model_validate(payload)
    except (jwt.PyJWTError, ValidationError):
        raise InvalidTokenError from None
    if claims.type != kind:
        raise InvalidTokenError("A token of another type was sent.")
    return claims
    # --8<-- [end:decode-token]


# --8<-- [end:jwt-tokens]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token")


# --8<-- [start:access-claims]
@dataclass(frozen=True)
class SignedIn:
    """A verified access token whose session is live, and the account it is for."""

    claims: TokenClaims
    user: User


async def get_token_claims(
    token: Annotated[str, Depends(oauth2_scheme)], settings: SettingsDep
) -> TokenClaims:
    """The access token's verified claims, decoded once a request: no database."""
    return decode_token(settings, token, kind="access")


TokenClaimsDep = Annotated[TokenClaims, Depends(get_token_claims)]


# --8<-- [start:get-signed-in]
async def get_signed_in(claims: TokenClaimsDep, session: SessionDep) -> SignedIn:
    """401 unless the token is valid and its session and account still exist."""
    # One indexed read per request: deleting the account, signing out or
    # changing the password ends the session, and the token stops at once.
    user = await user_repo.get_signed_in(
        session, user_id=claims.sub, session_id=claims.sid, now=datetime.now(UTC)
    )
    if user is None:
        raise InvalidTokenError("The session has ended or the account is gone.")
    return SignedIn(claims, user)
    # --8<-- [end:get-signed-in]


SignedInDep = Annotated[SignedIn, Depends(get_signed_in)]


class AccessClaims(TokenClaims):
    """The caller: the token's claims plus the account's role as stored now."""

    role: user_constants.Role  # read from the database on every request


async def get_access_claims(signed_in: SignedInDep) -> AccessClaims:
    return AccessClaims(**signed_in.claims.model_dump(), role=signed_in.user.role)


AccessClaimsDep = Annotated[AccessClaims, Depends(get_access_claims)]


def require_role(
    role: user_constants.Role,
) -> Callable[[AccessClaims], Awaitable[AccessClaims]]:
    """Dependency factory: 403 unless the caller's account has `role` now."""

    async def check(claims: AccessClaimsDep) -> AccessClaims:
        if claims.role != role:
            raise ForbiddenError(f"This operation needs the {role} role.")
        return claims

    return check


# --8<-- [end:access-claims]


async def get_signed_in_briefly(
    claims: TokenClaimsDep, sessions: SessionFactoryDep
) -> SignedIn:
    """The same check in a transaction of its own, over before the endpoint runs.

    For routes that then wait for a password hash: on the request's session the
    check would hold a pooled connection, in an open transaction, the whole wait.
    The account it returns is detached: write to it by its ID.
    """
    async with sessions() as session:
        return await get_signed_in(claims, session)


SignedInBrieflyDep = Annotated[SignedIn, Depends(get_signed_in_briefly)]


async def no_store(response: Response) -> None:
    """Tokens and personal data are never cached anywhere (RFC 6749, 5.1)."""
    response.headers["Cache-Control"] = "no-store"


# --8<-- [start:cors]
class ProblemCORSMiddleware(CORSMiddleware):
    """Starlette's CORS; a refused preflight is a problem document, not plain text."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope) if scope["type"] == "http" else Headers()
        if (
            scope["type"] != "http"
            or scope["method"] != "OPTIONS"
            or "origin" not in headers
            or "access-control-request-method" not in headers
        ):
            await super().__call__(scope, receive, send)
            return
        response = self.preflight_response(request_headers=headers)
        if response.status_code == CorsPreflightRefusedError.status:
            # Starlette's text names what failed: "Disallowed CORS origin, headers".
            refused = bytes(response.body).decode().removeprefix("Disallowed CORS ")
            kept = {
                name: value
                for name, value in response.headers.items()
                if name not in {"content-length", "content-type"}
            }
            error = CorsPreflightRefusedError(
                f"This API does not allow the requested {refused}.", headers=kept
            )
            response = await app_error_handler(Request(scope), error)
        await response(scope, receive, send)


def add_cors(app: FastAPI, settings: Settings) -> None:
    """Allow exactly the configured origins; none at all when the list is empty."""
    app.add_middleware(
        ProblemCORSMiddleware,
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
