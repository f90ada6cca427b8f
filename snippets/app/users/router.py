"""HTTP endpoints of the users domain: registration, profile, sign-in."""

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Body, Depends, status

from app.core.config import SettingsDep
from app.core.pagination import DEFAULT_LIMIT, LimitQuery, OffsetQuery, Page
from app.core.problem_details import problem_responses
from app.core.request_body import require_json
from app.core.security import no_store
from app.infra.clients.mail import send_mail
from app.infra.db.base import SessionDep
from app.users import service as user_service
from app.users.dependencies import (
    AdminClaimsDep,
    CurrentUserDep,
    MailSenderDep,
    SignInFormDep,
    limit_sign_in,
)
from app.users.schemas import RefreshRequest, TokenPair, UserCreate, UserRead

# Return annotations are the response models (see app/tasks/router.py).
router = APIRouter(prefix="/api/v1/users", tags=["users"])
auth_router = APIRouter(prefix="/api/v1/auth", tags=["auth"])

NEW_USER = {
    "email": "ada@example.com",
    "display_name": "Ada",
    "password": "correct-Horse-battery-7",
}


# --8<-- [start:register-user]
@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Register a user",
    description="Creates an account and sends a welcome mail in the background.",
    responses=problem_responses(400, 409, 413, 415, 422),
    dependencies=[Depends(require_json)],
)
async def register_user(
    data: Annotated[UserCreate, Body(openapi_examples={"new": {"value": NEW_USER}})],
    session: SessionDep,
    mailer: MailSenderDep,
    background: BackgroundTasks,
) -> UserRead:
    user = await user_service.register(session, data)
    # Runs after the response is sent: a slow mail server never delays it.
    background.add_task(
        send_mail, mailer, to=user.email, subject="Welcome", body="Hello!"
    )
    return UserRead.model_validate(user)


# --8<-- [end:register-user]


@router.get(
    "/me",
    status_code=status.HTTP_200_OK,
    summary="Current user",
    description="The account the bearer token belongs to.",
    responses=problem_responses(401),
)
async def read_me(user: CurrentUserDep) -> UserRead:
    return UserRead.model_validate(user)


# --8<-- [start:delete-me]
@router.delete(
    "/me",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete my account",
    description="Privacy by design: erases the account and everything it owns "
    "(tasks, refresh tokens, idempotency records, sign-in counters). "
    "Irreversible; the access token stops working at once.",
    responses=problem_responses(401),
)
async def delete_me(user: CurrentUserDep, session: SessionDep) -> None:
    await user_service.delete_account(session, user)


# --8<-- [end:delete-me]


@router.get(
    "",
    status_code=status.HTTP_200_OK,
    summary="List users (admin)",
    description="Every account, oldest first. Requires the `admin` role.",
    responses=problem_responses(401, 403, 422),
)
async def list_users(
    _: AdminClaimsDep,
    session: SessionDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    offset: OffsetQuery = 0,
) -> Page[UserRead]:
    users = await user_service.list_users(session, limit=limit + 1, offset=offset)
    items = [UserRead.model_validate(user) for user in users[:limit]]
    return Page(items=items, limit=limit, offset=offset, next_cursor=None)


@auth_router.post(
    "/token",
    status_code=status.HTTP_200_OK,
    summary="Sign in",
    description="OAuth2 password flow: `username` is the email address. "
    "Attempts are limited per account and per client address (429).",
    responses=problem_responses(401, 422, 429),
    dependencies=[Depends(limit_sign_in), Depends(no_store)],
)
async def sign_in(
    form: SignInFormDep,
    session: SessionDep,
    settings: SettingsDep,
) -> TokenPair:
    user = await user_service.authenticate(session, form.username, form.password)
    return await user_service.issue_tokens(session, settings, user)


@auth_router.post(
    "/refresh",
    status_code=status.HTTP_200_OK,
    summary="Rotate tokens",
    description="Spends a refresh token for a new pair. A reused token is a 401 "
    "and revokes every refresh token of the account.",
    responses=problem_responses(400, 401, 413, 415, 422),
    dependencies=[Depends(require_json), Depends(no_store)],
)
async def refresh_tokens(
    data: RefreshRequest, session: SessionDep, settings: SettingsDep
) -> TokenPair:
    return await user_service.refresh(session, settings, data.refresh_token)
