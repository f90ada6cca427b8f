"""Users business logic: registration, sign-in and the sessions it starts."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.core.models import is_storable
from app.core.pagination import Cursor, InvalidCursorError, PageParams, cursor_scope
from app.core.passwords import Passwords
from app.core.security import InvalidTokenError, create_token, decode_token
from app.users import limits
from app.users import repository as user_repo
from app.users.constants import Role
from app.users.exceptions import (
    InvalidCredentialsError,
    PasswordRefusedError,
    RefreshTokenReusedError,
    UserNotFoundError,
)
from app.users.models import RefreshToken, User, UserSession
from app.users.schemas import (
    PasswordChange,
    TokenPair,
    UserCreate,
    account_words,
    check_password,
)

# (subject, body) of the mail registration sends, one for each outcome.
WELCOME = ("Welcome", "Hello! Your account is ready: sign in with your address.")
ALREADY_REGISTERED = (
    "Someone tried to register with your address",
    "You already have an account. If it was you, sign in with your password.",
)


async def register(
    session: AsyncSession, passwords: Passwords, settings: Settings, data: UserCreate
) -> tuple[str, str] | None:
    """Create the account unless the address has one; the mail to send either way,
    or None when the address has had its share of registration mails."""
    # Hashed in both cases, so both answers take the same time.
    user = User(
        email=data.email,
        display_name=data.display_name,
        password_hash=await passwords.hash(data.password),
        role=Role.USER,  # admins are promoted out of band, never self-registered
    )
    mail = WELCOME if await user_repo.add_if_new(session, user) else ALREADY_REGISTERED
    # Anyone may type a stranger's address: without a share per recipient, many
    # client addresses, each under its own limit, could flood that inbox.
    key = limits.recipient_key(settings, data.email)
    share = limits.Rate(
        settings.registration_mails_per_recipient, settings.registration_mail_window
    )
    wait = await limits.take(session, key, share, now=datetime.now(UTC))
    return mail if wait == 0 else None


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    if (user := await user_repo.get_by_id(session, user_id)) is None:
        raise UserNotFoundError
    return user


USERS_SORT = "created_at"  # the one order of the list: oldest first


async def list_users(
    session: AsyncSession, page: PageParams
) -> tuple[Sequence[User], str | None]:
    """One page of every account and the cursor of the next one, if any."""
    scope = cursor_scope("users")  # the same list for every admin, no filters
    after = None
    if page.cursor is not None:
        cursor = page.signer.decode(page.cursor, sort=USERS_SORT, scope=scope)
        after = (_position(cursor.value), cursor.id)
    # One row more than asked tells whether another page exists.
    rows = await user_repo.list_page(
        session, limit=page.limit + 1, offset=page.offset, after=after
    )
    users = rows[: page.limit]
    next_cursor = None
    if len(rows) > page.limit:
        last = users[-1]
        position = Cursor(
            sort=USERS_SORT, value=last.created_at.isoformat(), id=last.id, scope=scope
        )
        next_cursor = page.signer.encode(position)
    return users, next_cursor


def _position(value: str | None) -> datetime:
    # Signed by us, and still checked: never a value PostgreSQL cannot compare.
    try:
        parsed = datetime.fromisoformat(value or "")
    except ValueError:
        raise InvalidCursorError("The cursor's position is invalid.") from None
    if parsed.tzinfo is None:
        raise InvalidCursorError("The cursor's position is invalid.")
    return parsed


async def authenticate(
    sessions: async_sessionmaker[AsyncSession],
    passwords: Passwords,
    email: str,
    password: str,
) -> User:
    """The same error for an unknown email and a wrong password.

    Each read and write is a short transaction of its own: no pooled connection
    is held while the hash waits for its turn or runs (the user is detached).
    """
    user = None
    if is_storable(email):  # text PostgreSQL cannot compare is no address either
        async with sessions() as session:
            user = await user_repo.get_by_email(session, email.lower())
    if user is None:
        await passwords.verify_nothing(password)  # as slow as a real check
        raise InvalidCredentialsError
    if not await passwords.verify(user.password_hash, password):
        raise InvalidCredentialsError
    if passwords.needs_rehash(user.password_hash):
        # The only moment the password is known: upgrade to today's parameters,
        # unless it was changed meanwhile.
        new_hash = await passwords.hash(password)
        async with sessions.begin() as session:
            await user_repo.replace_password_hash(
                session, user.id, old=user.password_hash, new=new_hash
            )
    return user


async def start_session(
    session: AsyncSession, settings: Settings, user: User
) -> TokenPair:
    """A new session (one device's sign-in) and its first pair of tokens."""
    expires_at = datetime.now(UTC) + settings.refresh_token_ttl
    user_session = UserSession(user_id=user.id, expires_at=expires_at)
    await user_repo.add_session(session, user_session)
    return await _issue_tokens(session, settings, user_session)


async def _issue_tokens(
    session: AsyncSession, settings: Settings, user_session: UserSession
) -> TokenPair:
    ids = {"subject": user_session.user_id, "session_id": user_session.id}
    access, _ = create_token(settings, **ids, kind="access")
    refresh_token, claims = create_token(settings, **ids, kind="refresh")
    user_session.expires_at = claims.exp  # as long as its newest refresh token
    await user_repo.add_refresh_token(
        session,
        RefreshToken(jti=claims.jti, session_id=user_session.id, expires_at=claims.exp),
    )
    ttl = int(settings.access_token_ttl.total_seconds())
    return TokenPair(access_token=access, refresh_token=refresh_token, expires_in=ttl)


async def refresh(session: AsyncSession, settings: Settings, token: str) -> TokenPair:
    """Rotate: spend the refresh token and hand out a new pair, same session."""
    claims = decode_token(settings, token, kind="refresh")
    now = datetime.now(UTC)
    user_session = await user_repo.get_live_session(session, claims.sid, now=now)
    if user_session is None:
        raise InvalidTokenError("The session has ended.")  # signed out, or deleted
    spent = await user_repo.claim_refresh_token(
        session, claims.jti, session_id=user_session.id, now=now
    )
    if spent is None:
        # Spent before, in a live session: someone replays it. End every
        # session of the account, and commit now: the error rolls back.
        await user_repo.revoke_sessions(session, claims.sub, now=now)
        # guideline: allow[DB-002] the revocation must survive the rollback
        await session.commit()
        raise RefreshTokenReusedError("Sign in again.")
    return await _issue_tokens(session, settings, user_session)


async def sign_out(
    session: AsyncSession, user_id: uuid.UUID, session_id: uuid.UUID
) -> None:
    """End this session: its access and refresh tokens stop working at once."""
    now = datetime.now(UTC)
    await user_repo.revoke_sessions(session, user_id, now=now, only=session_id)


async def change_password(
    session: AsyncSession,
    passwords: Passwords,
    user: User,
    *,
    session_id: uuid.UUID,
    data: PasswordChange,
) -> None:
    """Needs the current password; every other session of the account ends.

    `user` is detached (see `get_signed_in_briefly`): the request's session
    takes its connection only for the writes, after both hashes.
    """
    if not await passwords.verify(user.password_hash, data.current_password):
        raise InvalidCredentialsError
    try:  # the model knows no account: its own words are checked here
        check_password(data.new_password, *account_words(user.email, user.display_name))
    except ValueError as exc:
        raise PasswordRefusedError(str(exc)) from None
    new_hash = await passwords.hash(data.new_password)
    replaced = await user_repo.replace_password_hash(
        session, user.id, old=user.password_hash, new=new_hash
    )
    if not replaced:  # changed by a concurrent request since it was verified
        raise InvalidCredentialsError
    now = datetime.now(UTC)
    await user_repo.revoke_sessions(session, user.id, now=now, keep=session_id)


async def delete_account(session: AsyncSession, settings: Settings, user: User) -> None:
    """Erase the account; foreign keys cascade to everything it owns."""
    await limits.forget_account(session, settings, user.email)
    await user_repo.delete(session, user)
