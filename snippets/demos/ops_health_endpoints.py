"""Do: liveness says "the process runs", readiness says "send me traffic"."""

# fmt: off
# --8<-- [start:demo]
import asyncio

import httpx
from fastapi import FastAPI, Response, status

database_up = False  # stands in for `await session.execute(text("SELECT 1"))`


app = FastAPI()


@app.get("/healthz", include_in_schema=False)
async def healthz() -> dict[str, str]:
    return {"status": "ok"}  # no dependency checks: a DB outage is no reason to restart


@app.get("/readyz", include_in_schema=False)
async def readyz(response: Response) -> dict[str, str]:
    if not database_up:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return {"status": "unavailable", "database": "down"}
    return {"status": "ok", "database": "up"}


async def main() -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        for path in ("/healthz", "/readyz"):
            print(path, (await client.get(f"http://testserver{path}")).status_code)
            #> /healthz 200
            #> /readyz 503


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on
