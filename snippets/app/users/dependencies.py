"""Dependencies of the users domain, exposed as `Annotated` aliases."""

from typing import Annotated

from fastapi import Depends

from app.core.security import (
    AccessClaimsDep,
    InvalidTokenError,
    Role,
    TokenClaims,
    require_role,
)
from app.infra.clients.mail import LoggingMailSender, MailSender
from app.infra.db.base import SessionDep
from app.users import repository as user_repo
from app.users.models import User


async def get_current_user(claims: AccessClaimsDep, session: SessionDep) -> User:
    """The signed-in user; a token of a deleted account is simply invalid."""
    user = await user_repo.get_by_id(session, claims.sub)
    if user is None:
        raise InvalidTokenError("The account no longer exists.")
    return user


def get_mail_sender() -> MailSender:
    """Overridden in tests, replaced by the real SDK client in production."""
    return LoggingMailSender()


CurrentUserDep = Annotated[User, Depends(get_current_user)]
AdminClaimsDep = Annotated[TokenClaims, Depends(require_role(Role.ADMIN))]
MailSenderDep = Annotated[MailSender, Depends(get_mail_sender)]
