"""Don't: an invented RPC protocol that reports failures as 200 OK."""

# fmt: off
# --8<-- [start:demo]
import asyncio

import httpx
from fastapi import FastAPI

app = FastAPI()
tasks: dict[int, str] = {}


@app.post("/api/v1/doTaskAction")
async def do_task_action(body: dict[str, str]) -> dict[str, object]:
    # One endpoint, the verb in the body, the outcome in a custom envelope.
    if int(body["id"]) not in tasks:
        return {"ok": False, "error": "task not found"}
    return {"ok": True}


async def main() -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        response = await client.post(
            "http://testserver/api/v1/doTaskAction",
            json={"action": "delete", "id": "7"},
        )
    # Monitoring, retries, caches and generated clients all see a success.
    print(response.status_code, response.json())
    #> 200 {'ok': False, 'error': 'task not found'}


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on
