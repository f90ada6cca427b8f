"""HTTP endpoints of the users domain: registration, profile, sessions."""

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Body, Depends, Request, status

from app.core.config import SettingsDep
from app.core.pagination import Page, PageParamsDep
from app.core.passwords import PasswordsDep
from app.core.problem_details import problem_responses
from app.core.request_body import require_json
from app.core.security import AccessClaimsDep, SignedInBrieflyDep, no_store
from app.infra.clients.mail import send_mail
from app.infra.db.base import SessionDep, SessionFactoryDep
from app.tasks import dependencies as task_dependencies
from app.users import service as user_service
from app.users.dependencies import (
    AdminClaimsDep,
    CurrentUserDep,
    MailSenderDep,
    SignInFormDep,
    client_address,
    limit_password_change,
    limit_refresh,
    limit_registration,
    limit_sign_in,
    remember_address,
)
from app.users.schemas import (
    REGISTRATION_ACCEPTED,
    PasswordChange,
    RefreshRequest,
    RegistrationAccepted,
    TokenPair,
    UserCreate,
    UserRead,
)

# Return annotations are the response models (see app/tasks/router.py).
# 503 on every route: each one reads or writes PostgreSQL (down or busy).
router = APIRouter(
    prefix="/api/v1/users", tags=["users"], responses=problem_responses(503)
)
auth_router = APIRouter(
    prefix="/api/v1/auth", tags=["auth"], responses=problem_responses(503)
)

NEW_USER = {
    "email": "ada@example.com",
    "display_name": "Ada",
    "password": "correct-Horse-battery-7",
}


# --8<-- [start:register-user]
@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Register a user",
    description="Creates an account for an address that has none, and mails the "
    "address either way: a welcome for a new account, a notice to the owner of an "
    "existing one. The answer is the same in both cases (202, same body), so "
    "registration never tells a caller which addresses have an account. "
    "Limited per client address (429); an address gets at most a few such mails a "
    "day, whoever asks. 503 while too many passwords are hashed.",
    responses=problem_responses(400, 413, 415, 422, 429),
    dependencies=[Depends(require_json), Depends(limit_registration)],
)
async def register_user(
    *,
    data: Annotated[UserCreate, Body(openapi_examples={"new": {"value": NEW_USER}})],
    session: SessionDep,
    passwords: PasswordsDep,
    settings: SettingsDep,
    mailer: MailSenderDep,
    background: BackgroundTasks,
) -> RegistrationAccepted:
    mail = await user_service.register(session, passwords, settings, data)
    if mail is not None:
        subject, body = mail
        # Runs after the response is sent: a slow mail server never delays it.
        background.add_task(
            send_mail, mailer, to=data.email, subject=subject, body=body
        )
    return RegistrationAccepted(detail=REGISTRATION_ACCEPTED)


# --8<-- [end:register-user]


@router.get(
    "/me",
    status_code=status.HTTP_200_OK,
    summary="Current user",
    description="The account the bearer token belongs to. Never cached "
    "(`Cache-Control: no-store`): it is personal data.",
    responses=problem_responses(401),
    dependencies=[Depends(no_store)],
)
async def read_me(user: CurrentUserDep) -> UserRead:
    return UserRead.model_validate(user)


# --8<-- [start:delete-me]
@router.delete(
    "/me",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete my account",
    description="Privacy by design: erases the account and everything it owns "
    "(tasks, sessions, refresh tokens, idempotency records, sign-in counters). "
    "Irreversible; every token of the account stops working at once.",
    responses=problem_responses(401),
    dependencies=[task_dependencies.ForgetsSummary],  # the cached summary too
)
async def delete_me(
    user: CurrentUserDep, session: SessionDep, settings: SettingsDep
) -> None:
    await user_service.delete_account(session, settings, user)


# --8<-- [end:delete-me]


@router.post(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Change my password",
    description="Needs the current password. Every other session of the account "
    "ends (its tokens stop working); this one goes on. A new password with the "
    "account's own words in it is refused (422 password-refused). Attempts are "
    "limited like sign-ins (429).",
    responses=problem_responses(400, 401, 413, 415, 422, 429),
    dependencies=[Depends(require_json), Depends(limit_password_change)],
)
async def change_password(
    data: PasswordChange,
    signed_in: SignedInBrieflyDep,  # no connection held while the hashes run
    session: SessionDep,
    passwords: PasswordsDep,
) -> None:
    await user_service.change_password(
        session,
        passwords,
        signed_in.user,
        session_id=signed_in.claims.sid,
        data=data,
    )


@router.get(
    "",
    status_code=status.HTTP_200_OK,
    summary="List users (admin)",
    description="Every account, oldest first; `next_cursor` leads to the next "
    "page. Requires the `admin` role. Never cached (`Cache-Control: no-store`): "
    "it is personal data.",
    responses=problem_responses(400, 401, 403, 422),
    dependencies=[Depends(no_store)],
)
async def list_users(
    _: AdminClaimsDep, session: SessionDep, page: PageParamsDep
) -> Page[UserRead]:
    users, next_cursor = await user_service.list_users(session, page)
    items = [UserRead.model_validate(user) for user in users]
    offset = page.offset if page.cursor is None else None
    return Page(items=items, limit=page.limit, offset=offset, next_cursor=next_cursor)


@auth_router.post(
    "/token",
    status_code=status.HTTP_200_OK,
    summary="Sign in",
    description="OAuth2 password flow: `username` is the email address. Starts a "
    "session. Attempts are limited per client address and account together, per "
    "address, and per account from all addresses (429 with `Retry-After`); an "
    "address the account signed in from recently is exempt from the last. 503 "
    "with `Retry-After` while too many passwords are being checked.",
    responses=problem_responses(401, 422, 429),
    dependencies=[Depends(limit_sign_in), Depends(no_store)],
)
async def sign_in(
    request: Request,
    form: SignInFormDep,
    *,
    sessions: SessionFactoryDep,
    session: SessionDep,
    settings: SettingsDep,
    passwords: PasswordsDep,
) -> TokenPair:
    user = await user_service.authenticate(
        sessions, passwords, form.username, form.password
    )
    await remember_address(
        session, settings, email=user.email, address=client_address(request)
    )
    return await user_service.start_session(session, settings, user)


@auth_router.post(
    "/refresh",
    status_code=status.HTTP_200_OK,
    summary="Rotate tokens",
    description="Spends a refresh token for a new pair of the same session. A "
    "reused token is a 401 and ends every session of the account. Limited per "
    "client address (429).",
    responses=problem_responses(400, 401, 413, 415, 422, 429),
    dependencies=[Depends(require_json), Depends(limit_refresh), Depends(no_store)],
)
async def refresh_tokens(
    data: RefreshRequest, session: SessionDep, settings: SettingsDep
) -> TokenPair:
    return await user_service.refresh(session, settings, data.refresh_token)


@auth_router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Sign out",
    description="Ends the session of the bearer token: its access and refresh "
    "tokens stop working at once. Other sessions (devices) go on.",
    responses=problem_responses(401),
)
async def sign_out(claims: AccessClaimsDep, session: SessionDep) -> None:
    await user_service.sign_out(session, claims.sub, claims.sid)
