"""Do: a pure ASGI middleware awaits the app in the same task and sees its context."""

# fmt: off
# --8<-- [start:demo]
import asyncio
from contextvars import ContextVar

import httpx
from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

user_var: ContextVar[str] = ContextVar("user", default="-")


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)  # same task, same context
        if scope["type"] == "http":
            print(f"access log: user={user_var.get()}")
            #> access log: user=u-42


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
