"""The one error hierarchy every layer raises and one handler maps to HTTP."""

from typing import ClassVar

PROBLEM_BASE_URI = "https://fastapi-guideline.netlify.app/problems/"


# --8<-- [start:app-error]
# --8<-- [start:app-error-base]
class AppError(Exception):
    """Base of every expected error; the class says what, the instance says why."""

    # Stable per class: clients branch on `code`, never on the wording.
    code: ClassVar[str] = "internal-error"
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
    code = "bad-request"
    title = "Bad request"
    status = 400


class UnauthorizedError(AppError):
    code = "unauthorized"
    title = "Authentication required"
    status = 401


class ForbiddenError(AppError):
    code = "forbidden"
    title = "Forbidden"
    status = 403


class NotFoundError(AppError):
    code = "not-found"
    title = "Resource not found"
    status = 404


class ConflictError(AppError):
    code = "conflict"
    title = "Conflict"
    status = 409


# --8<-- [end:app-error]


class UnsupportedMediaTypeError(AppError):
    code = "unsupported-media-type"
    title = "Unsupported media type"
    status = 415


class PreconditionFailedError(AppError):
    code = "precondition-failed"
    title = "Precondition failed"
    status = 412


class TooManyRequestsError(AppError):
    code = "too-many-requests"
    title = "Too many requests"
    status = 429


class DatabaseUnavailableError(AppError):
    code = "database-unavailable"
    title = "Database unavailable"
    status = 503
