"""Do: every outgoing call carries the current request's X-Request-ID."""

# fmt: off
# --8<-- [start:demo]
import asyncio

import httpx

from app.core.logging import request_id_var


async def add_request_id(request: httpx.Request) -> None:
    """httpx event hook: runs before each request the client sends."""
    request_id = request_id_var.get()
    if request_id is not None:
        request.headers["X-Request-ID"] = request_id


def echo(request: httpx.Request) -> httpx.Response:
    """Stands in for the partner's API: returns the header it received."""
    return httpx.Response(200, text=request.headers.get("X-Request-ID", "-"))


async def main() -> None:
    token = request_id_var.set("7f3c9a2e")  # what the middleware does per request
    try:
        async with httpx.AsyncClient(
            transport=httpx.MockTransport(echo),
            event_hooks={"request": [add_request_id]},
        ) as client:
            response = await client.get("https://partner.example/orders")
            print(response.text)
            #> 7f3c9a2e
    finally:
        request_id_var.reset(token)


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on
