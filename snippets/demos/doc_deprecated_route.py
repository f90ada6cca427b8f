"""Do: a deprecated operation says so in OpenAPI and in every response."""

# fmt: off
# --8<-- [start:demo]
import asyncio

import httpx
from fastapi import FastAPI, Response

app = FastAPI()


@app.get(
    "/api/v1/tasks/export.csv",
    tags=["tasks"],
    deprecated=True,
    description="Deprecated on 2025-06-01, removed on 2025-12-01: "
    "use GET /api/v2/tasks/exports instead.",
)
async def export_tasks_v1(response: Response) -> str:
    response.headers["Deprecation"] = "@1748736000"  # RFC 9745: 2025-06-01
    response.headers["Sunset"] = "Mon, 01 Dec 2025 00:00:00 GMT"  # RFC 8594
    response.headers["Link"] = '</api/v2/tasks/exports>; rel="successor-version"'
    return "id,title\n"


async def main() -> None:
    print(app.openapi()["paths"]["/api/v1/tasks/export.csv"]["get"]["deprecated"])
    #> True
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        response = await client.get("http://testserver/api/v1/tasks/export.csv")
    print(response.headers["Sunset"])
    #> Mon, 01 Dec 2025 00:00:00 GMT


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on
