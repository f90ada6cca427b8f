"""Dependencies of the users domain, exposed as `Annotated` aliases."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Form, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings, SettingsDep
from app.core.security import (
    AccessClaims,
    SignedInBrieflyDep,
    SignedInDep,
    require_role,
)
from app.infra.clients.mail import LoggingMailSender, MailSender
from app.infra.db.base import SessionFactoryDep
from app.users import limits as rate_limit
from app.users.constants import Role
from app.users.limits import Rate
from app.users.models import User


async def get_current_user(signed_in: SignedInDep) -> User:
    """The signed-in user, loaded by the session check itself: no second query."""
    return signed_in.user


CurrentUserDep = Annotated[User, Depends(get_current_user)]


async def get_mail_sender() -> MailSender:
    """Overridden in tests, replaced by the real SDK client in production."""
    return LoggingMailSender()


def client_address(request: Request) -> str:
    """The client's IP: the TCP peer, or what a trusted proxy said it was."""
    # TRUSTED_PROXIES decides (app/core/proxies.py), never the client itself.
    return request.client.host if request.client else "unknown"


# --8<-- [start:sign-in-form]
@dataclass(frozen=True, slots=True)
class SignInForm:
    """What sign-in reads of the OAuth2 password form (RFC 6749 §4.3.2)."""

    username: str
    password: str


async def sign_in_form(  # the fields of FastAPI's OAuth2PasswordRequestForm
    *,
    grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
    username: Annotated[str, Form()],
    password: Annotated[str, Form(json_schema_extra={"format": "password"})],
    # Accepted and documented as the standard form has them; not used here.
    scope: Annotated[str, Form()] = "",
    client_id: Annotated[str | None, Form()] = None,
    client_secret: Annotated[
        str | None, Form(json_schema_extra={"format": "password"})
    ] = None,
) -> SignInForm:
    """The same form as OAuth2PasswordRequestForm, read on the event loop.

    FastAPI builds a class dependency (such as that form) in its thread pool:
    a thread hop on every sign-in, for a constructor that only stores strings.
    """
    return SignInForm(username=username, password=password)


SignInFormDep = Annotated[SignInForm, Depends(sign_in_form)]
# --8<-- [end:sign-in-form]


# --8<-- [start:sign-in-limit]
# --8<-- [start:sign-in-limits]
def sign_in_limits(
    settings: Settings, *, email: str, address: str, known: bool
) -> list[tuple[str, Rate]]:
    """Checked in this order, and a refused one stops the rest from counting."""
    window = settings.login_attempt_window
    limits = [
        # One address guessing one account: throttled hard, hurts nobody else.
        (
            rate_limit.pair_key(settings, email, address),
            Rate(settings.login_attempts_per_address_and_account, window),
        ),
        # One address trying many accounts (password spraying).
        (
            rate_limit.address_key(settings, "login", address),
            Rate(settings.login_attempts_per_address, window),
        ),
    ]
    if not known:
        # Many addresses against one account: paced, a turn per interval for
        # all of them. An address the account signed in from skips the pace,
        # so an attack that keeps it empty cannot keep the owner out there.
        account = rate_limit.account_key(settings, email)
        limits.append((account, Rate(settings.login_attempts_per_account, window)))
    return limits
    # --8<-- [end:sign-in-limits]


async def enforce_sign_in_limits(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    email: str,
    address: str,
    detail: str,
) -> None:
    now = datetime.now(UTC)
    # Known only after a right password: says nothing of an account to others.
    known_key = rate_limit.known_pair_key(settings, email, address)
    known = await rate_limit.is_remembered(sessions, known_key, now=now)
    limits = sign_in_limits(settings, email=email, address=address, known=known)
    await rate_limit.enforce(sessions, limits, now=now, detail=detail)


async def remember_address(
    session: AsyncSession, settings: Settings, *, email: str, address: str
) -> None:
    """After a right password: the pair is known for LOGIN_KNOWN_ADDRESS_TTL."""
    until = datetime.now(UTC) + settings.login_known_address_ttl
    key = rate_limit.known_pair_key(settings, email, address)
    await rate_limit.remember(session, key, until=until)


async def limit_sign_in(
    request: Request,
    form: SignInFormDep,
    sessions: SessionFactoryDep,
    settings: SettingsDep,
) -> None:
    """Counted before the password is checked: guessing costs a slot too."""
    await enforce_sign_in_limits(
        sessions,
        settings,
        email=form.username,
        address=client_address(request),
        detail="Too many sign-in attempts; try again later.",
    )


# --8<-- [end:sign-in-limit]


async def limit_password_change(
    request: Request,
    signed_in: SignedInBrieflyDep,
    sessions: SessionFactoryDep,
    settings: SettingsDep,
) -> None:
    """The current password is guessable with a stolen token: the same limits."""
    await enforce_sign_in_limits(
        sessions,
        settings,
        email=signed_in.user.email,
        address=client_address(request),
        detail="Too many attempts.",
    )


async def limit_registration(
    request: Request, sessions: SessionFactoryDep, settings: SettingsDep
) -> None:
    """Registrations per address: no script creates accounts (or probes) for ever."""
    key = rate_limit.address_key(settings, "register", client_address(request))
    rate = Rate(settings.registrations_per_address, settings.registration_window)
    await rate_limit.enforce(
        sessions, [(key, rate)], now=datetime.now(UTC), detail="Too many registrations."
    )


async def limit_refresh(
    request: Request, sessions: SessionFactoryDep, settings: SettingsDep
) -> None:
    """Refreshes per address: guessing or replaying tokens costs a slot each."""
    key = rate_limit.address_key(settings, "refresh", client_address(request))
    rate = Rate(settings.token_refreshes_per_address, settings.token_refresh_window)
    await rate_limit.enforce(
        sessions, [(key, rate)], now=datetime.now(UTC), detail="Too many refreshes."
    )


AdminClaimsDep = Annotated[AccessClaims, Depends(require_role(Role.ADMIN))]
MailSenderDep = Annotated[MailSender, Depends(get_mail_sender)]
