import httpx


async def propagate(request: httpx.Request) -> None:
    request.headers.setdefault("X-Request-ID", "x")
