"""Users domain errors, each a subclass of the one base error."""

from typing import ClassVar

from app.core.exceptions import AppError, NotFoundError, UnauthorizedError
from app.users.constants import ErrorCode


class InvalidCredentialsError(UnauthorizedError):
    code = ErrorCode.INVALID_CREDENTIALS
    title = "Invalid email or password"


class RefreshTokenReusedError(UnauthorizedError):
    code = ErrorCode.REFRESH_TOKEN_REUSED
    title = "Refresh token already used"
    challenge = 'Bearer error="invalid_token"'  # RFC 6750 §3.1


class UserNotFoundError(NotFoundError):
    code = ErrorCode.USER_NOT_FOUND
    title = "User not found"


class PasswordRefusedError(AppError):
    """A new password the account's own words make easy to guess."""

    code: ClassVar[str] = ErrorCode.PASSWORD_REFUSED
    title = "Password refused"
    status = 422
