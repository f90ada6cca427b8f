"""Dependencies of the users domain, exposed as `Annotated` aliases."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from app.core import rate_limit
from app.core.config import SettingsDep
from app.core.security import (
    AccessClaimsDep,
    InvalidTokenError,
    Role,
    TokenClaims,
    require_role,
)
from app.infra.clients.mail import LoggingMailSender, MailSender
from app.infra.db.base import SessionDep, SessionFactoryDep
from app.users import repository as user_repo
from app.users.models import User


async def get_current_user(claims: AccessClaimsDep, session: SessionDep) -> User:
    """The signed-in user; a token of a deleted account is simply invalid."""
    user = await user_repo.get_by_id(session, claims.sub)
    if user is None:
        raise InvalidTokenError("The account no longer exists.")
    return user


async def get_mail_sender() -> MailSender:
    """Overridden in tests, replaced by the real SDK client in production."""
    return LoggingMailSender()


SignInFormDep = Annotated[OAuth2PasswordRequestForm, Depends()]


async def limit_sign_in(
    request: Request,
    form: SignInFormDep,
    sessions: SessionFactoryDep,
    settings: SettingsDep,
) -> None:
    """Counted before the password is checked: guessing costs a slot too."""
    # Behind a proxy, run uvicorn with --proxy-headers so this is the client.
    address = request.client.host if request.client else "unknown"
    await rate_limit.limit_login(
        sessions,
        email=form.username,
        address=address,
        limits=(
            settings.login_attempts_per_account,
            settings.login_attempts_per_address,
        ),
        window=settings.login_attempt_window,
        now=datetime.now(UTC),
    )


CurrentUserDep = Annotated[User, Depends(get_current_user)]
AdminClaimsDep = Annotated[TokenClaims, Depends(require_role(Role.ADMIN))]
MailSenderDep = Annotated[MailSender, Depends(get_mail_sender)]
