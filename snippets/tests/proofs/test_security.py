"""Proofs of the Security rules: the service passes each check its Don't fails."""

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta

import httpx
import jwt
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from pydantic import BaseModel, SecretStr, ValidationError
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.core.logging import JsonFormatter
from app.core.pagination import Cursor, CursorSigner, cursor_key, cursor_scope
from app.core.passwords import Passwords
from app.core.security import InvalidTokenError, create_token, decode_token
from app.infra.clients.mail import LoggingMailSender
from app.main import create_app
from app.tasks.models import Task
from app.tasks.schemas import TaskCreate
from app.users.models import RefreshToken, User, UserSession
from demos import (
    sec_cors_wildcard,
    sec_deactivate_only,
    sec_lenient_input,
    sec_lockout_by_account,
    sec_missing_owner_check,
    sec_no_security_headers,
    sec_pii_in_logs,
    sec_string_built_sql,
    sec_token_without_expiry,
    sec_unsalted_hash,
)
from tests.conftest import JWT_SECRET, bearer, register, sign_in
from tests.factories import UserCreateFactory
from tests.servers import serve_on_socket
from tests.sql_recorder import recorded_sql

TASKS = "/api/v1/tasks"
TOKEN = "/api/v1/auth/token"
HOUR = timedelta(hours=1)
APP_ORIGIN = "https://app.example"


def offline_settings(
    *, cors_origins: list[str] | None = None, max_body_bytes: int = 1_048_576
) -> Settings:
    """Settings for an app that is built but never connects to a database."""
    return Settings(
        database_url=SecretStr("postgresql+asyncpg://unused@localhost/unused"),
        jwt_secret=SecretStr(JWT_SECRET),
        environment="test",
        cors_origins=cors_origins or [],
        max_body_bytes=max_body_bytes,
    )


def asgi_client(app: FastAPI) -> httpx.AsyncClient:
    """An in-process client without the lifespan: for checks no route reaches."""
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://api")


async def granted_origin(app: FastAPI, origin: str) -> str | None:
    """What a browser's CORS preflight from `origin` is allowed (None: nothing)."""
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "Authorization",
    }
    async with asgi_client(app) as client:
        response = await client.options("/api/v1/users/me", headers=headers)
    granted: str | None = response.headers.get("Access-Control-Allow-Origin")
    return granted


# --8<-- [start:sec-001]
@pytest.mark.rule("SEC-001")
@pytest.mark.parametrize(
    ("app", "holds"),
    [
        (create_app(offline_settings(cors_origins=[APP_ORIGIN])), True),
        (sec_cors_wildcard.app, False),
    ],
    ids=["do", "dont"],
)
async def test_cors_grants_no_unlisted_origin(app: FastAPI, *, holds: bool) -> None:
    """A preflight from a site that is not on the allowlist is granted nothing."""
    granted = await granted_origin(app, "https://evil.example")

    assert (granted is None) is holds


@pytest.mark.rule("SEC-001")
async def test_cors_grants_the_listed_origin() -> None:
    """The allowlisted front end still gets its answer."""
    app = create_app(offline_settings(cors_origins=[APP_ORIGIN]))

    assert await granted_origin(app, APP_ORIGIN) == APP_ORIGIN


# --8<-- [end:sec-001]


def token_without_expiry(secret: str) -> str:
    """A signed token with every claim but `exp`."""
    claims = {"sub": str(uuid.uuid4()), "type": "access", "jti": str(uuid.uuid4())}
    return jwt.encode(claims | {"iat": int(time.time())}, secret, algorithm="HS256")


def service_decode(token: str) -> object:
    return decode_token(offline_settings(), token, kind="access")


def demo_decode(token: str) -> object:
    key = sec_token_without_expiry.SIGNING_KEY
    return jwt.decode(token, key, algorithms=["HS256"])


# --8<-- [start:sec-002]
@pytest.mark.rule("SEC-002")
@pytest.mark.parametrize(
    ("decode", "secret", "holds"),
    [
        (service_decode, JWT_SECRET, True),
        (demo_decode, sec_token_without_expiry.SIGNING_KEY, False),
    ],
    ids=["do", "dont"],
)
def test_a_token_without_expiry_is_refused(
    decode: Callable[[str], object], secret: str, *, holds: bool
) -> None:
    """A validly signed token that never expires is not accepted."""
    token = token_without_expiry(secret)
    try:
        decode(token)
    except InvalidTokenError:
        refused = True
    else:
        refused = False

    assert refused is holds


@pytest.mark.rule("SEC-002")
def test_an_access_token_lives_fifteen_minutes() -> None:
    """The access token's `exp` is 15 minutes after its `iat`."""
    _, claims = create_token(
        offline_settings(), subject=uuid.uuid4(), session_id=uuid.uuid4(), kind="access"
    )

    assert (claims.exp - claims.iat).total_seconds() == 15 * 60


@pytest.mark.rule("SEC-002")
def test_a_token_minted_for_another_audience_is_refused() -> None:
    """A service sharing the secret still cannot hand its tokens to this one."""
    other_service = offline_settings().model_copy(update={"jwt_audience": "billing"})
    token, _ = create_token(
        other_service, subject=uuid.uuid4(), session_id=uuid.uuid4(), kind="access"
    )

    with pytest.raises(InvalidTokenError):
        decode_token(offline_settings(), token, kind="access")


@pytest.mark.rule("SEC-002")
async def test_signing_out_ends_the_access_token_at_once(
    client: httpx.AsyncClient,
) -> None:
    """Minutes before it expires, a signed-out session's token is refused."""
    headers = bearer(await sign_in(client, await register(client)))
    before = await client.get(TASKS, headers=headers)

    signed_out = await client.post("/api/v1/auth/logout", headers=headers)
    after = await client.get(TASKS, headers=headers)

    assert (before.status_code, signed_out.status_code) == (200, 204)
    assert after.status_code == 401, after.text


# --8<-- [end:sec-002]


# --8<-- [start:sec-004]
@pytest.mark.rule("SEC-004")
async def test_nobody_reads_another_users_task(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    other_auth_headers: dict[str, str],
) -> None:
    """A valid token does not open someone else's task."""
    created = await client.post(TASKS, json={"title": "Payroll"}, headers=auth_headers)
    url = f"{TASKS}/{created.json()['id']}"

    # Do: the owner comes from the token and is part of the query.
    response = await client.get(url, headers=other_auth_headers)
    assert response.status_code == 404, response.text
    # Don't: user 99 reads user 10's task.
    assert sec_missing_owner_check.get_task(1, current_user_id=99) is not None


# --8<-- [end:sec-004]

SECURITY_HEADERS = (
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Strict-Transport-Security",
    "Content-Security-Policy",
)


# --8<-- [start:sec-005]
@pytest.mark.rule("SEC-005")
@pytest.mark.parametrize(
    ("app", "paths", "holds"),
    [
        (create_app(offline_settings()), ["/api/v1/tasks", "/no/such/page"], True),
        (sec_no_security_headers.app, ["/api/v1/profile", "/no/such/page"], False),
    ],
    ids=["do", "dont"],
)
async def test_every_response_carries_the_security_headers(
    app: FastAPI, paths: list[str], *, holds: bool
) -> None:
    """Errors included: a 401 and a 404 get the headers as well."""
    async with asgi_client(app) as client:
        responses = [await client.get(path) for path in paths]

    complete = all(
        name in response.headers for response in responses for name in SECURITY_HEADERS
    )
    assert complete is holds


# --8<-- [end:sec-005]


# --8<-- [start:sec-006]
async def service_hash(password: str) -> str:
    return await Passwords(max_concurrent=1, max_waiting=0).hash(password)


async def demo_hash(password: str) -> str:
    return sec_unsalted_hash.hash_password(password)


@pytest.mark.rule("SEC-006")
@pytest.mark.parametrize(
    ("hash_function", "holds"),
    [(service_hash, True), (demo_hash, False)],
    ids=["do", "dont"],
)
async def test_equal_passwords_get_different_hashes(
    hash_function: Callable[[str], Awaitable[str]], *, holds: bool
) -> None:
    """Salted: one cracked hash does not reveal every account that shares it."""
    first = await hash_function("Summer2024!")
    second = await hash_function("Summer2024!")

    assert (first != second) is holds


@pytest.mark.rule("SEC-006")
async def test_passwords_are_argon2id_and_verify() -> None:
    """The stored form names Argon2id, and only the right password matches."""
    passwords = Passwords(max_concurrent=1, max_waiting=0)
    stored = await passwords.hash("Summer2024!")

    assert stored.startswith("$argon2id$")
    assert await passwords.verify(stored, "Summer2024!")
    assert not await passwords.verify(stored, "summer2024!")


async def verify_on_the_loop(password_hash: str, password: str) -> bool:
    """The Don't: argon2 called straight from async code."""
    return PasswordHasher().verify(password_hash, password)


@pytest.mark.rule("SEC-006")
@pytest.mark.parametrize(
    ("verify", "holds"),
    [
        (Passwords(max_concurrent=2, max_waiting=8).verify, True),
        (verify_on_the_loop, False),
    ],
    ids=["do", "dont"],
)
async def test_the_event_loop_runs_while_passwords_are_checked(
    monkeypatch: pytest.MonkeyPatch,
    verify: Callable[[str, str], Awaitable[bool]],
    *,
    holds: bool,
) -> None:
    """A ticker on the loop counts its turns while an argon2 check is running."""
    stored = PasswordHasher().hash("Summer2024!")
    running, ticks_while_hashing, done = 0, 0, False
    real_verify = PasswordHasher.verify

    def watched(self: PasswordHasher, password_hash: str, password: str) -> bool:
        nonlocal running
        running += 1
        try:
            return real_verify(self, password_hash, password)
        finally:
            running -= 1

    async def ticker() -> None:
        nonlocal ticks_while_hashing
        while not done:
            await asyncio.sleep(0.001)
            ticks_while_hashing += running > 0  # only possible off the loop

    monkeypatch.setattr(PasswordHasher, "verify", watched)
    ticking = asyncio.create_task(ticker())
    checked = await asyncio.gather(*(verify(stored, "Summer2024!") for _ in range(4)))
    done = True
    await ticking

    assert checked == [True] * 4
    assert (ticks_while_hashing > 0) is holds, ticks_while_hashing


# --8<-- [end:sec-006]


# --8<-- [start:sec-007]
@pytest.mark.rule("SEC-007")
async def test_hostile_text_stays_a_value(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    other_auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Input that looks like SQL is sent as a bound parameter and matches nothing."""
    await client.post(TASKS, json={"title": "Mine"}, headers=auth_headers)
    await client.post(TASKS, json={"title": "Theirs"}, headers=other_auth_headers)
    hostile = sec_string_built_sql.title  # x' OR '1'='1
    # A cursor as the service would sign it, so the hostile value reaches SQL.
    me = (await client.get("/api/v1/users/me", headers=auth_headers)).json()
    scope = cursor_scope(uuid.UUID(me["id"]), None, None)
    position = Cursor(sort="title", value=hostile, id=uuid.uuid4(), scope=scope)
    cursor = CursorSigner(cursor_key(app.state.settings)).encode(position)

    # Do: the list query takes the cursor's value as a parameter.
    with recorded_sql(app.state.engine) as statements:
        params = {"sort": "title", "cursor": cursor}
        response = await client.get(TASKS, params=params, headers=auth_headers)
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []
    assert statements
    assert not any(hostile in statement for statement in statements)
    # Don't: pasted into the SQL text, it returns every user's rows.
    async with sessions() as session:
        rows = (await session.execute(text(sec_string_built_sql.query))).all()
    assert len(rows) == 2


# --8<-- [end:sec-007]


def rejects(model: type[BaseModel], body: dict[str, object]) -> bool:
    try:
        model.model_validate(body)
    except ValidationError:
        return True
    return False


# --8<-- [start:sec-008]
@pytest.mark.rule("SEC-008")
@pytest.mark.parametrize(
    ("model", "valid", "holds"),
    [
        (TaskCreate, {"title": "Pay rent"}, True),
        (sec_lenient_input.TaskCreate, {"title": "Pay rent", "priority": 1}, False),
    ],
    ids=["do", "dont"],
)
def test_smuggled_fields_and_unbounded_values_are_rejected(
    model: type[BaseModel], valid: dict[str, object], *, holds: bool
) -> None:
    """`"role": "admin"` and a 100 kB title are 422s, not silently accepted."""
    assert not rejects(model, valid)

    assert rejects(model, valid | {"role": "admin"}) is holds
    assert rejects(model, valid | {"title": "x" * 100_000}) is holds


@pytest.mark.rule("SEC-008")
async def test_an_oversized_body_is_refused_unread() -> None:
    """A body over MAX_BODY_BYTES is a 413 before any handler runs."""
    app = create_app(offline_settings(max_body_bytes=1024))
    async with asgi_client(app) as client:
        response = await client.post(TASKS, content=b"{" + b" " * 2048 + b"}")

    assert response.status_code == 413, response.text


# --8<-- [end:sec-008]


class ListHandler(logging.Handler):
    """Keeps the records themselves, so each test formats them its own way."""

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def demo_log_records() -> Iterator[list[logging.LogRecord]]:
    """What the Don't's `register` logs, captured before any formatting."""
    handler = ListHandler(logging.DEBUG)
    logger = sec_pii_in_logs.logger
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        payload = sec_pii_in_logs.Registration(
            email="ada@example.com", password="Summer2024!"
        )
        sec_pii_in_logs.register(payload)
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)


# --8<-- [start:sec-009]
@pytest.mark.rule("OBS-006")
@pytest.mark.parametrize(
    ("formatter", "holds"),
    [(JsonFormatter(), True), (logging.Formatter(), False)],
    ids=["do", "dont"],
)
def test_log_lines_carry_no_email_or_password(
    demo_log_records: list[logging.LogRecord],
    formatter: logging.Formatter,
    *,
    holds: bool,
) -> None:
    """The Don't's log calls, written by the service's formatter and by a plain one."""
    lines = "\n".join(formatter.format(record) for record in demo_log_records)

    assert len(demo_log_records) == 2
    assert ("ada@example.com" not in lines) is holds
    assert ("Summer2024!" not in lines) is holds


@pytest.mark.rule("OBS-006")
def test_structured_personal_fields_are_masked(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The service's own mail log passes the address as `email`, which is masked."""
    with caplog.at_level(logging.INFO):
        LoggingMailSender().send(
            to="ada@example.com", subject="Welcome", body="Hi", timeout=1.0
        )

    line = JsonFormatter().format(caplog.records[-1])
    assert "ada@example.com" not in line
    assert '"email": "***"' in line


# --8<-- [end:sec-009]


async def rows_of(
    sessions: async_sessionmaker[AsyncSession], model: type[object]
) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


# --8<-- [start:sec-010]
@pytest.mark.rule("SEC-010")
async def test_deleting_an_account_erases_its_personal_data(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """After DELETE /users/me no row holds the person's data, tasks included."""
    user = await register(client)
    headers = {
        "Authorization": f"Bearer {(await sign_in(client, user))['access_token']}"
    }
    await client.post(TASKS, json={"title": "Call the bank"}, headers=headers)

    # Do: one request erases the account and everything it owns.
    response = await client.delete("/api/v1/users/me", headers=headers)
    assert response.status_code == 204, response.text
    for model in (User, Task, UserSession, RefreshToken):
        assert await rows_of(sessions, model) == 0
    again = await client.get("/api/v1/users/me", headers=headers)
    assert again.status_code == 401, again.text
    # Don't: the "deleted" account still holds the e-mail address.
    sec_deactivate_only.delete_account(1)
    assert sec_deactivate_only.ACCOUNTS[1].email == "ada@example.com"


# --8<-- [end:sec-010]


# --8<-- [start:sec-011]
def client_from(app: FastAPI, address: str) -> httpx.AsyncClient:
    """A client whose TCP peer is `address`."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://t")


@pytest.mark.rule("SEC-011")
async def test_an_attackers_junk_does_not_lock_the_owner_out(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """Twenty wrong guesses from one address; the owner signs in from another."""
    user = await register(client)
    wrong = {"username": user.email, "password": "Wrong-guess-123"}

    # Do: the attacker's address is throttled on this account, nobody else.
    async with client_from(app, "198.51.100.66") as attacker:
        junk = {(await attacker.post(TOKEN, data=wrong)).status_code for _ in range(20)}
    async with client_from(app, "203.0.113.7") as owner:
        form = {"username": user.email, "password": user.password}
        signed_in = await owner.post(TOKEN, data=form)
    assert junk == {401, 429}
    assert signed_in.status_code == 200, signed_in.text
    # Don't: one counter per account locks its owner out with the attacker.
    assert sec_lockout_by_account.may_sign_in("ada@example.com") is False


@pytest.mark.rule("SEC-011")
async def test_an_untrusted_peer_cannot_choose_its_address(settings: Settings) -> None:
    """On a real socket, as deployed: a rotated X-Forwarded-For changes nothing."""
    # An hour's window: no slot refills while a slow machine runs the test.
    app = create_app(settings.model_copy(update={"login_attempt_window": HOUR}))
    statuses = []
    async with serve_on_socket(app) as url, httpx.AsyncClient(base_url=url) as peer:
        for n in range(settings.login_attempts_per_address + 1):
            form = {"username": f"user{n}@example.com", "password": "x"}
            forged = {"X-Forwarded-For": f"192.0.2.{n}"}
            statuses.append(
                (await peer.post(TOKEN, data=form, headers=forged)).status_code
            )

    # Do: every attempt counts against the peer's own address.
    assert statuses[-1] == 429, statuses
    # Don't: the demo believes the header, so each request is a new "client".
    forged = {"x-forwarded-for": "192.0.2.1"}
    assert sec_lockout_by_account.client_address(forged, peer="198.51.100.66") == (
        "192.0.2.1"
    )


@pytest.mark.rule("SEC-011")
async def test_registration_says_the_same_for_new_and_taken_addresses(
    client: httpx.AsyncClient,
) -> None:
    """Same status and body whether the address already has an account."""
    data = UserCreateFactory.build(factory_use_construct=False)
    body = data.model_dump(mode="json")

    new = await client.post("/api/v1/users", json=body)
    taken = await client.post("/api/v1/users", json=body)

    assert new.status_code == taken.status_code == 202, taken.text
    assert new.json() == taken.json()


# --8<-- [end:sec-011]
