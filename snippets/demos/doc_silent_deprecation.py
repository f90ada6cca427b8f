"""Anti-pattern: a route "deprecated" in a code comment that no client ever reads."""

# fmt: off
# --8<-- [start:demo]
import asyncio

import httpx
from fastapi import FastAPI

app = FastAPI()


@app.put("/api/v1/tasks/{task_id}")
async def replace_task(task_id: int) -> dict[str, int]:
    # DEPRECATED: use PATCH instead; goes away "soon".
    return {"id": task_id}


async def main() -> None:
    operation = app.openapi()["paths"]["/api/v1/tasks/{task_id}"]["put"]
    print(operation.get("deprecated", False))  # generated clients see nothing
    #> False
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        response = await client.put("/api/v1/tasks/1")
    print(response.headers.get("Sunset"))  # neither does the client's monitoring
    #> None


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on
