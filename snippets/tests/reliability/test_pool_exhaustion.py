"""Every pooled connection taken: a 503 to retry, readiness intact, then recovery."""

from contextlib import AsyncExitStack

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.reliability.conftest import LiveServerFactory, signed_up

TASKS = "/api/v1/tasks"
POOL = 2


async def test_pool_exhaustion_is_a_503_and_the_service_recovers(
    live_server: LiveServerFactory,
) -> None:
    """Busy is not broken: 503 + Retry-After, /readyz still 200, then 200 again."""
    async with (
        live_server(
            db_pool_size=POOL, db_max_overflow=0, db_pool_timeout_seconds=0.5
        ) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as client,
    ):
        headers = await signed_up(client)
        engine: AsyncEngine = server.app.state.engine
        async with AsyncExitStack() as held:
            # Another part of the service (say, slow queries) holds them all.
            for _ in range(POOL):
                await held.enter_async_context(engine.connect())
            busy = await client.get(TASKS, headers=headers)
            ready = await client.get("/readyz")
            alive = await client.get("/healthz")
        recovered = await client.get(TASKS, headers=headers)

    print(f"\nheld: {busy.status_code} {busy.headers.get('retry-after')!r}, ", end="")
    print(f"readyz {ready.status_code}, healthz {alive.status_code}; ", end="")
    print(f"released: {recovered.status_code}")
    assert busy.status_code == 503, busy.text
    assert busy.headers["content-type"] == "application/problem+json"
    assert busy.json()["code"] == "database-busy"
    assert busy.headers["retry-after"] == "1"
    assert busy.headers.get("x-request-id")
    assert ready.status_code == 200  # the database answers: do not restart the pod
    assert alive.status_code == 200
    assert recovered.status_code == 200
