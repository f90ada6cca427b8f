"""Anti-pattern: a JSON API that leaves every protective header to chance."""

# fmt: off
# --8<-- [start:demo]
import asyncio

import httpx
from fastapi import FastAPI

app = FastAPI()  # no middleware sets X-Content-Type-Options, HSTS, ...


@app.get("/api/v1/profile")
async def read_profile() -> dict[str, str]:
    return {"display_name": "Ada"}


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        response = await client.get("/api/v1/profile")
    wanted = ("X-Content-Type-Options", "X-Frame-Options", "Strict-Transport-Security")
    print([name for name in wanted if name not in response.headers])
    #> ['X-Content-Type-Options', 'X-Frame-Options', 'Strict-Transport-Security']


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on
