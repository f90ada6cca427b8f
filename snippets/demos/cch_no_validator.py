"""Anti-pattern: a polled GET without a validator sends the whole body every time."""

# fmt: off
# --8<-- [start:demo]
import asyncio

import httpx
from fastapi import FastAPI

app = FastAPI()
TASK = {"id": "42", "title": "Write the docs", "description": "Chapter one. " * 150}


@app.get("/tasks/42")
async def read_task() -> dict[str, str]:
    return TASK  # no ETag, no Last-Modified: nothing a client can revalidate


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        first = await client.get("/tasks/42")
        again = await client.get("/tasks/42", headers={"If-None-Match": '"v1"'})
    print(first.headers.get("ETag"), again.status_code, len(again.content))
    #> None 200 2003
    # Every poll of an unchanged task costs the full body, serialized again.


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on
