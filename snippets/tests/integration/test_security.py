"""Security: CSP per page kind, gzip, sign-in rate limit, account deletion."""

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.infra.db.models import Base
from app.main import create_app
from tests.app_client import app_client
from tests.conftest import register, sign_in

TASKS = "/api/v1/tasks"


async def test_api_responses_forbid_all_content_and_docs_get_their_own_csp(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    """JSON: `default-src 'none'`; the Swagger page may load its CDN assets."""
    api = await client.get("/healthz")
    app = create_app(settings.model_copy(update={"docs_enabled": True}))
    async with app_client(app) as docs_client:
        docs = await docs_client.get("/docs")
        schema = await docs_client.get("/openapi.json")

    assert api.headers["content-security-policy"] == (
        "default-src 'none'; frame-ancestors 'none'"
    )
    assert "https://cdn.jsdelivr.net" in docs.headers["content-security-policy"]
    assert schema.headers["content-security-policy"].startswith("default-src 'none'")


async def test_large_responses_are_gzipped_small_ones_are_not(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """A page of ten tasks is compressed; a probe's tiny body is not."""
    for number in range(10):
        await client.post(TASKS, json={"title": f"task {number}"}, headers=auth_headers)
    headers = auth_headers | {"Accept-Encoding": "gzip"}

    page = await client.get(TASKS, headers=headers)
    small = await client.get("/healthz", headers=headers)

    assert page.headers["content-encoding"] == "gzip"
    assert len(page.json()["items"]) == 10  # httpx decompressed it
    assert "content-encoding" not in small.headers


async def test_sign_in_is_limited_per_account_with_retry_after(
    client: httpx.AsyncClient,
) -> None:
    """Five attempts per address and account; the sixth is a 429, right or wrong."""
    user = await register(client)
    wrong = {"username": user.email, "password": "wrong-Password-1"}
    statuses = [
        (await client.post("/api/v1/auth/token", data=wrong)).status_code
        for _ in range(5)
    ]

    limited = await client.post(
        "/api/v1/auth/token", data={"username": user.email, "password": user.password}
    )

    assert statuses == [401] * 5
    assert limited.status_code == 429, limited.text
    assert limited.json()["code"] == "too-many-requests"
    assert 0 < int(limited.headers["retry-after"]) <= 300


async def test_sign_in_is_limited_per_client_address(settings: Settings) -> None:
    """Many accounts from one address hit the address limit (here 3)."""
    app = create_app(settings.model_copy(update={"login_attempts_per_address": 3}))
    async with app_client(app) as client:
        attempts = [
            await client.post(
                "/api/v1/auth/token",
                data={"username": f"user{n}@example.com", "password": "x"},
            )
            for n in range(4)
        ]

    assert [r.status_code for r in attempts] == [401, 401, 401, 429]


async def test_deleting_my_account_leaves_nothing_behind(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Every table is searched for the user's id and e-mail afterwards."""
    user = await register(client)
    tokens = await sign_in(client, user)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    me = (await client.get("/api/v1/users/me", headers=headers)).json()
    await client.post(
        TASKS, json={"title": "t"}, headers=headers | {"Idempotency-Key": "k-12345678"}
    )

    deleted = await client.delete("/api/v1/users/me", headers=headers)
    after = await client.get("/api/v1/users/me", headers=headers)

    assert deleted.status_code == 204, deleted.text
    assert after.status_code == 401
    async with sessions() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(table.select())).all()
            dump = " ".join(str(row) for row in rows)
            assert me["id"] not in dump, table.name
            assert user.email not in dump, table.name
        counters = (
            await session.scalars(text("SELECT key FROM rate_limit_counter"))
        ).all()
    # Only the client address's counters are left, keyed by a hash of it.
    assert sorted(key.split(":")[0:2] for key in counters) == [
        ["login", "address"],
        ["register", "address"],
    ]
