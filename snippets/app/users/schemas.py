"""Request and response schemas of the users and auth endpoints."""

import uuid
from typing import Annotated, Literal

from pydantic import (
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from app.core.models import ApiModel, Count, StorableStr, UtcDatetime
from app.users.constants import (
    PASSWORD_CONTEXT_MIN_CHARS,
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_DISTINCT,
    PASSWORD_MIN_LENGTH,
    Role,
)

REGISTRATION_ACCEPTED = "Registration received: a mail is on its way to the address."
DisplayName = Annotated[StorableStr, StringConstraints(min_length=1, max_length=100)]
PASSWORD_RULES = (
    f"{PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters, any characters: a "
    f"passphrase is welcome. Refused: fewer than {PASSWORD_MIN_DISTINCT} different "
    "characters, or the address's name or the display name inside it."
)


# --8<-- [start:password-validator]
def check_password(password: str, *account_words: str) -> str:
    """What length alone lets through: repetition and the account's own words."""
    if len(set(password)) < PASSWORD_MIN_DISTINCT:
        raise ValueError("Password must not repeat a few characters over and over")
    folded = password.casefold()
    for word in account_words:
        if len(word) >= PASSWORD_CONTEXT_MIN_CHARS and word.casefold() in folded:
            raise ValueError("Password must not contain the address or the name")
    return password


def account_words(email: str, display_name: str) -> tuple[str, str]:
    """The account's own words, which a password must not contain."""
    return email.partition("@")[0], display_name


class UserCreate(ApiModel):
    """Registration form; the password is checked here, before any hashing."""

    email: EmailStr
    display_name: DisplayName
    # Declared on the model: Pydantic refuses a validator of an undeclared field.
    password: StorableStr = Field(
        min_length=PASSWORD_MIN_LENGTH,
        max_length=PASSWORD_MAX_LENGTH,
        repr=False,
        description=PASSWORD_RULES,
    )

    @field_validator("email", mode="after")
    @classmethod
    def normalize_email(cls, email: str) -> str:
        return email.lower()  # one account per mailbox, whatever the casing

    @field_validator("password", mode="after")
    @classmethod
    def password_is_hard_to_guess(cls, password: str, info: ValidationInfo) -> str:
        # info.data: the fields declared above that validated (email, name).
        words = account_words(
            info.data.get("email", ""), info.data.get("display_name", "")
        )
        return check_password(password, *words)


# --8<-- [end:password-validator]


class RegistrationAccepted(ApiModel):
    """The one answer to every registration: it tells nobody who has an account."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"detail": REGISTRATION_ACCEPTED}]}
    )

    detail: str = Field(examples=[REGISTRATION_ACCEPTED])


class PasswordChange(ApiModel):
    """The current password (a stolen access token is not enough) and a new one."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "current_password": "correct-Horse-battery-7",
                    "new_password": "a-Longer-passphrase-2027",
                }
            ]
        }
    )

    current_password: StorableStr = Field(
        min_length=1, max_length=PASSWORD_MAX_LENGTH, repr=False
    )
    new_password: StorableStr = Field(
        min_length=PASSWORD_MIN_LENGTH,
        max_length=PASSWORD_MAX_LENGTH,
        repr=False,
        description=PASSWORD_RULES,
    )

    @field_validator("new_password", mode="after")
    @classmethod
    def password_is_hard_to_guess(cls, password: str) -> str:
        return check_password(password)  # its account's words: change_password


# --8<-- [start:user-public]
class UserPublic(ApiModel):
    """What other users may see: no email, no role."""

    id: uuid.UUID
    display_name: str


# --8<-- [end:user-public]


class UserRead(UserPublic):
    """The account as its owner (or an admin) sees it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "5f0c2a8e-9d1b-4c3e-8f6a-1b2c3d4e5f60",
                    "display_name": "Ada",
                    "email": "ada@example.com",
                    "role": "user",
                    "created_at": "2026-11-27T09:30:00Z",
                }
            ]
        }
    )

    email: EmailStr
    role: Role
    created_at: UtcDatetime


class TokenPair(ApiModel):
    """OAuth2 token response (RFC 6749 §5.1) plus a rotating refresh token."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI1ZjBjIn0.c2ln",
                    "refresh_token": "eyJhbGciOiJIUzI1NiJ9.eyJ0eXBlIjoiciJ9.c2ln",
                    "token_type": "bearer",
                    "expires_in": 900,
                }
            ]
        }
    )

    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105  # a scheme, not a secret
    expires_in: Count = Field(description="Access token lifetime in seconds.")


class RefreshRequest(ApiModel):
    """The refresh token to spend; it is single use."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"refresh_token": "eyJhbGciOiJIUzI1NiJ9.eyJ0eXBlIjoicmVmcmVzaCJ9.c2ln"}
            ]
        }
    )

    refresh_token: str = Field(min_length=1, max_length=4096, repr=False)
