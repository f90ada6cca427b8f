"""Anti-pattern: `instance` built from str(request.url) copies the query string out."""

# fmt: off
# --8<-- [start:demo]
import asyncio

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException


async def http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    body = {"title": "Error", "status": status, "instance": str(request.url)}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


app = FastAPI()
app.add_exception_handler(HTTPException, http_error_handler)


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://api") as client:
        response = await client.get("/tasks/42", params={"access_token": "eyJhbG"})
    print(response.json()["instance"])  # logged, cached, pasted into tickets
    #> https://api/tasks/42?access_token=eyJhbG


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on
