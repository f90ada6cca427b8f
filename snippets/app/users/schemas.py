"""Request and response schemas of the users and auth endpoints."""

import re
import uuid
from typing import Annotated, Literal

from pydantic import ConfigDict, EmailStr, Field, StringConstraints, field_validator

from app.core.models import ApiModel, Count, StorableStr, UtcDatetime
from app.users.constants import (
    PASSWORD_CLASSES,
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_CLASSES,
    PASSWORD_MIN_LENGTH,
    Role,
)

REGISTRATION_ACCEPTED = "Registration received: a mail is on its way to the address."
DisplayName = Annotated[StorableStr, StringConstraints(min_length=1, max_length=100)]


# --8<-- [start:password-validator]
def check_password_strength(password: str) -> str:
    """The policy both registration and a password change enforce."""
    classes = sum(bool(re.search(rule, password)) for rule in PASSWORD_CLASSES)
    if classes < PASSWORD_MIN_CLASSES:
        raise ValueError(
            "Password must mix at least three of: lower case, upper case, "
            "digits, symbols"
        )
    return password


class UserCreate(ApiModel):
    """Registration form; the password is checked here, before any hashing."""

    email: EmailStr
    display_name: DisplayName
    # Declared on the model: Pydantic refuses a validator of an undeclared field.
    password: StorableStr = Field(
        min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH, repr=False
    )

    @field_validator("password", mode="after")
    @classmethod
    def password_is_strong(cls, password: str) -> str:
        return check_password_strength(password)

    @field_validator("email", mode="after")
    @classmethod
    def normalize_email(cls, email: str) -> str:
        return email.lower()  # one account per mailbox, whatever the casing


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
        min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH, repr=False
    )

    @field_validator("new_password", mode="after")
    @classmethod
    def password_is_strong(cls, password: str) -> str:
        return check_password_strength(password)


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
