"""Users domain constants: roles, error codes and the password policy."""

from enum import StrEnum


class Role(StrEnum):
    """What an account may do; stored on the account, read on every request."""

    USER = "user"
    ADMIN = "admin"


class ErrorCode(StrEnum):
    """Stable codes clients can branch on; wording may change, these may not."""

    INVALID_CREDENTIALS = "invalid-credentials"
    REFRESH_TOKEN_REUSED = "refresh-token-reused"  # noqa: S105  # a code, no secret
    USER_NOT_FOUND = "user-not-found"


PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 128  # argon2 cost grows with input: bound it
# Character classes a password must mix; at least three of the four.
PASSWORD_CLASSES = (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]")
PASSWORD_MIN_CLASSES = 3
