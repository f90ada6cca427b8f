"""Anti-pattern: only the domain error is handled; 404 and 422 keep FastAPI's shape."""

# fmt: off
# --8<-- [start:demo]
import asyncio

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


class DomainError(Exception):
    status = 400


async def domain_error_handler(request: Request, exc: Exception) -> JSONResponse:
    status = exc.status if isinstance(exc, DomainError) else 500
    body = {"title": "Domain error", "status": status, "instance": request.url.path}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


app = FastAPI()
app.add_exception_handler(DomainError, domain_error_handler)  # and nothing else


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        response = await client.get("/no-such-route")
    print(response.status_code, response.headers["content-type"], response.text)
    #> 404 application/json {"detail":"Not Found"}


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on
