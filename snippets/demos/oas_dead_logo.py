"""Don't: a schema that points at an asset the service does not serve."""

# fmt: off
# --8<-- [start:demo]
import asyncio

import httpx
from fastapi import FastAPI

app = FastAPI(title="Tasks")
schema = app.openapi()
schema["info"]["x-logo"] = {"url": "/static/logo.png"}  # no StaticFiles mounted


async def main() -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        logo_url = schema["info"]["x-logo"]["url"]
        response = await client.get(f"http://testserver{logo_url}")
    print(response.status_code)
    #> 404


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on
