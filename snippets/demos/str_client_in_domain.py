"""Anti-pattern: a domain service that builds its own HTTP client."""

import httpx


# --8<-- [start:demo]
async def notify_done(task_id: str) -> None:
    # app/tasks/service.py: its own client, its own (default) timeout, no shared
    # pool, no request-ID propagation, no retry policy; the next domain that
    # calls out will pick different ones.
    async with httpx.AsyncClient() as client:
        await client.post("https://hooks.example.com/done", json={"id": task_id})


# --8<-- [end:demo]
