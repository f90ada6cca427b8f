"""A token stops working at once: account deleted, role taken away, signed out."""

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.users.constants import Role
from app.users.models import User
from tests.conftest import bearer, register, sign_in

TASKS = "/api/v1/tasks"
ME = "/api/v1/users/me"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
PASSWORD = "/api/v1/users/me/password"
# Every route behind a bearer token, with what it needs to get past validation.
PROTECTED: list[tuple[str, str, dict[str, str] | None]] = [
    ("GET", ME, None),
    ("DELETE", ME, None),
    ("POST", PASSWORD, {"current_password": "x", "new_password": "x"}),
    ("GET", "/api/v1/users", None),
    ("POST", LOGOUT, None),
    ("GET", TASKS, None),
    ("GET", f"{TASKS}/export", None),
    ("POST", TASKS, {"title": "t"}),
    ("GET", f"{TASKS}/{{id}}", None),
    ("PATCH", f"{TASKS}/{{id}}", {"title": "u"}),
    ("PUT", f"{TASKS}/{{id}}", {"title": "u"}),
    ("DELETE", f"{TASKS}/{{id}}", None),
]


async def call_every_protected_route(
    client: httpx.AsyncClient, headers: dict[str, str], task_id: str
) -> dict[str, int]:
    """The status of each protected route for these headers."""
    statuses = {}
    for method, path, body in PROTECTED:
        url = path.replace("{id}", task_id)
        response = await client.request(method, url, headers=headers, json=body)
        statuses[f"{method} {path}"] = response.status_code
    return statuses


async def test_a_deleted_accounts_token_opens_nothing(
    client: httpx.AsyncClient,
) -> None:
    """After DELETE /users/me the same access token is a 401 on every router."""
    headers = bearer(await sign_in(client, await register(client)))
    task = await client.post(TASKS, json={"title": "mine"}, headers=headers)
    assert task.status_code == 201, task.text

    deleted = await client.delete(ME, headers=headers)
    statuses = await call_every_protected_route(client, headers, task.json()["id"])

    assert deleted.status_code == 204, deleted.text
    assert statuses == dict.fromkeys(statuses, 401)


async def test_a_demoted_admin_loses_the_role_at_once(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The role is read from the database on every request, not from the token."""
    assert (await client.get("/api/v1/users", headers=admin_headers)).status_code == 200
    async with sessions.begin() as session:
        await session.execute(update(User).values(role=Role.USER))

    demoted = await client.get("/api/v1/users", headers=admin_headers)
    me = await client.get(ME, headers=admin_headers)

    assert demoted.status_code == 403, demoted.text
    assert me.json()["role"] == "user"


async def test_a_promotion_needs_no_new_sign_in(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The other direction: the database says admin, so the same token is admin."""
    async with sessions.begin() as session:
        await session.execute(update(User).values(role=Role.ADMIN))

    response = await client.get("/api/v1/users", headers=auth_headers)

    assert response.status_code == 200, response.text


async def test_logout_ends_the_session_and_only_that_one(
    client: httpx.AsyncClient,
) -> None:
    """Its access and refresh tokens die; the same user's other device keeps working."""
    user = await register(client)
    laptop, phone = await sign_in(client, user), await sign_in(client, user)

    logged_out = await client.post(LOGOUT, headers=bearer(laptop))
    access = await client.get(TASKS, headers=bearer(laptop))
    refresh = await client.post(
        REFRESH, json={"refresh_token": laptop["refresh_token"]}
    )
    other = await client.get(TASKS, headers=bearer(phone))
    other_refresh = await client.post(
        REFRESH, json={"refresh_token": phone["refresh_token"]}
    )

    assert logged_out.status_code == 204, logged_out.text
    assert access.status_code == 401, access.text
    assert refresh.status_code == 401, refresh.text
    assert refresh.json()["code"] == "invalid-token"  # ended, not a replay
    assert other.status_code == 200, other.text
    assert other_refresh.status_code == 200, other_refresh.text


async def test_a_refreshed_pair_belongs_to_the_same_session(
    client: httpx.AsyncClient,
) -> None:
    """Logging out with the rotated access token kills the rotated refresh token."""
    first = await sign_in(client, await register(client))
    rotated = await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    second = rotated.json()

    await client.post(LOGOUT, headers=bearer(second))
    after = await client.post(REFRESH, json={"refresh_token": second["refresh_token"]})
    old_access = await client.get(TASKS, headers=bearer(first))

    assert rotated.status_code == 200, rotated.text
    assert after.status_code == 401, after.text
    assert old_access.status_code == 401, old_access.text


async def test_a_replayed_refresh_token_ends_every_session(
    client: httpx.AsyncClient,
) -> None:
    """Reuse means theft: the thief's and the owner's sessions all end."""
    user = await register(client)
    stolen, elsewhere = await sign_in(client, user), await sign_in(client, user)
    await client.post(REFRESH, json={"refresh_token": stolen["refresh_token"]})

    replayed = await client.post(
        REFRESH, json={"refresh_token": stolen["refresh_token"]}
    )
    other = await client.get(TASKS, headers=bearer(elsewhere))

    assert replayed.status_code == 401, replayed.text
    assert replayed.json()["code"] == "refresh-token-reused"
    assert other.status_code == 401, other.text


async def test_changing_the_password_ends_the_other_sessions(
    client: httpx.AsyncClient,
) -> None:
    """The session that changed it stays; every other one, and the old password, end."""
    user = await register(client)
    here, thief = await sign_in(client, user), await sign_in(client, user)
    new_password = "A-new-and-long-passphrase-9"

    changed = await client.post(
        PASSWORD,
        json={"current_password": user.password, "new_password": new_password},
        headers=bearer(here),
    )
    thief_access = await client.get(TASKS, headers=bearer(thief))
    thief_refresh = await client.post(
        REFRESH, json={"refresh_token": thief["refresh_token"]}
    )
    still_here = await client.get(TASKS, headers=bearer(here))
    old = await client.post(
        "/api/v1/auth/token", data={"username": user.email, "password": user.password}
    )
    new = await client.post(
        "/api/v1/auth/token", data={"username": user.email, "password": new_password}
    )

    assert changed.status_code == 204, changed.text
    assert thief_access.status_code == thief_refresh.status_code == 401
    assert still_here.status_code == 200, still_here.text
    assert old.status_code == 401, old.text
    assert new.status_code == 200, new.text


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"current_password": "Wrong-password-12"}, 401, "invalid-credentials"),
        ({"new_password": "weakpassword"}, 422, "validation-error"),
        ({"new_password": "{name} forever and ever"}, 422, "password-refused"),
    ],
    ids=["wrong-current", "short-new", "own-name-new"],
)
async def test_a_password_change_needs_the_current_one_and_a_strong_new_one(
    client: httpx.AsyncClient, body: dict[str, str], status: int, code: str
) -> None:
    """A stolen access token alone cannot take the account over."""
    user = await register(client, display_name="Grace Hopper")
    tokens = await sign_in(client, user)
    sent = {"current_password": user.password, "new_password": "Strong-enough-pass-7"}

    name = user.display_name
    body = {key: value.format(name=name) for key, value in body.items()}
    response = await client.post(PASSWORD, json=sent | body, headers=bearer(tokens))
    after = await client.get(TASKS, headers=bearer(tokens))

    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert after.status_code == 200  # a failed change ends nothing
