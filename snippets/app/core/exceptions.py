"""The one error hierarchy every layer raises and one handler maps to HTTP."""

from typing import ClassVar

from app.core.constants import ErrorCode

PROBLEM_BASE_URI = "https://fastapi-guideline.netlify.app/problems/"


# --8<-- [start:app-error]
# --8<-- [start:app-error-base]
class AppError(Exception):
    """Base of every expected error; the class says what, the instance says why."""

    # Stable per class: clients branch on `code`, never on the wording.
    code: ClassVar[str] = ErrorCode.INTERNAL_ERROR
    title: ClassVar[str] = "Internal server error"
    status: ClassVar[int] = 500
    type: ClassVar[str] = f"{PROBLEM_BASE_URI}internal-error"

    def __init__(
        self, detail: str | None = None, *, headers: dict[str, str] | None = None
    ) -> None:
        self.detail = detail or self.title  # safe to show: no secrets, no input
        self.headers = headers or {}  # e.g. Retry-After on a 429 or a 503
        super().__init__(self.detail)

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        # Derived from the code, so the documented URI can never drift from it.
        cls.type = f"{PROBLEM_BASE_URI}{cls.code}"


# --8<-- [end:app-error-base]
class BadRequestError(AppError):
    code: ClassVar[str] = ErrorCode.BAD_REQUEST
    title = "Bad request"
    status = 400


class CorsPreflightRefusedError(BadRequestError):
    code: ClassVar[str] = ErrorCode.CORS_PREFLIGHT_REFUSED
    title = "CORS preflight refused"


class UnauthorizedError(AppError):
    code: ClassVar[str] = ErrorCode.UNAUTHORIZED
    title = "Authentication required"
    status = 401
    # Every 401 names the scheme to use (RFC 9110 §15.5.2).
    challenge: ClassVar[str] = "Bearer"

    def __init__(
        self, detail: str | None = None, *, headers: dict[str, str] | None = None
    ) -> None:
        challenge = {"WWW-Authenticate": self.challenge}
        super().__init__(detail, headers=challenge | (headers or {}))


class ForbiddenError(AppError):
    code: ClassVar[str] = ErrorCode.FORBIDDEN
    title = "Forbidden"
    status = 403


class NotFoundError(AppError):
    code: ClassVar[str] = ErrorCode.NOT_FOUND
    title = "Resource not found"
    status = 404


class ConflictError(AppError):
    code: ClassVar[str] = ErrorCode.CONFLICT
    title = "Conflict"
    status = 409


# --8<-- [end:app-error]


class UnsupportedMediaTypeError(AppError):
    code: ClassVar[str] = ErrorCode.UNSUPPORTED_MEDIA_TYPE
    title = "Unsupported media type"
    status = 415


class PreconditionFailedError(AppError):
    code: ClassVar[str] = ErrorCode.PRECONDITION_FAILED
    title = "Precondition failed"
    status = 412


class TooManyRequestsError(AppError):
    code: ClassVar[str] = ErrorCode.TOO_MANY_REQUESTS
    title = "Too many requests"
    status = 429


class DatabaseUnavailableError(AppError):
    code: ClassVar[str] = ErrorCode.DATABASE_UNAVAILABLE
    title = "Database unavailable"
    status = 503


class DatabaseBusyError(DatabaseUnavailableError):
    """Every pooled connection is in use: shed load instead of queueing on."""

    code: ClassVar[str] = ErrorCode.DATABASE_BUSY
    title = "Database busy"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": "1"})


class ServerBusyError(AppError):
    """A bounded queue of this process is full (password hashes): retry soon."""

    code: ClassVar[str] = ErrorCode.SERVER_BUSY
    title = "Server busy"
    status = 503

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": "1"})


class QueueUnavailableError(AppError):
    """The job queue did not take the job: nothing was accepted, retry later."""

    code: ClassVar[str] = ErrorCode.QUEUE_UNAVAILABLE
    title = "Queue unavailable"
    status = 503

    def __init__(self, detail: str | None = None, *, retry: bool = True) -> None:
        super().__init__(detail, headers={"Retry-After": "5"} if retry else None)
