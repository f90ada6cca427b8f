"""Anti-pattern: a catch-all handler that puts str(exc) in the response."""

# fmt: off
# --8<-- [start:demo]
import asyncio

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


async def leaky_handler(request: Request, exc: Exception) -> JSONResponse:
    body = {"title": "Internal Server Error", "status": 500, "detail": str(exc)}
    return JSONResponse(body, status_code=500, media_type="application/problem+json")


app = FastAPI()
app.add_exception_handler(Exception, leaky_handler)


@app.get("/tasks")
async def list_tasks() -> list[str]:
    raise ConnectionError("connect to postgresql://tasks:s3cr3t@10.0.3.7 failed")


async def main() -> None:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        response = await client.get("/tasks")
    print(response.json()["detail"])  # the DSN, password and internal address
    #> connect to postgresql://tasks:s3cr3t@10.0.3.7 failed


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on
