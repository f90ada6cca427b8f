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
    PASSWORD_REFUSED = "password-refused"  # noqa: S105  # a code, no secret


# NIST SP 800-63B-4: at least 15 characters for a password that is the only
# factor, no composition rules (they breed "Password1!"), and a check against
# values that are easy to guess, such as the account's own words.
PASSWORD_MIN_LENGTH = 15
PASSWORD_MAX_LENGTH = 128  # argon2 cost grows with input: bound it
PASSWORD_MIN_DISTINCT = 6  # "aaaaaaaaaaaaaaa" and "abcabcabcabcabc" are guessed first
# The account's words a password must not contain, from this length on:
# shorter ones ("al" of al@example.com) occur in good passwords by chance.
PASSWORD_CONTEXT_MIN_CHARS = 4
