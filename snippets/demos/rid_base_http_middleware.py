"""Don't: BaseHTTPMiddleware runs the app in another task and loses its context."""

# fmt: off
# --8<-- [start:demo]
import asyncio
from contextvars import ContextVar

import httpx
from fastapi import FastAPI, Request, Response
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

user_var: ContextVar[str] = ContextVar("user", default="-")


class AccessLogMiddleware(BaseHTTPMiddleware):
    async def dispatch(
        self, request: Request, call_next: RequestResponseEndpoint
    ) -> Response:
        response = await call_next(request)  # the endpoint runs in a child task
        print(f"access log: user={user_var.get()}")
        #> access log: user=-
        return response


app = FastAPI()
app.add_middleware(AccessLogMiddleware)


@app.get("/me")
async def read_me() -> str:
    user_var.set("u-42")  # what an auth dependency does
    return "ok"


async def main() -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        await client.get("http://testserver/me")


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on
