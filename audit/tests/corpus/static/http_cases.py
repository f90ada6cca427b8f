import httpx

from static.hooks import propagate


def create_http_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(  # near: CLIENT-PER-CALL, CLIENT-TIMEOUT, CLIENT-LIMITS, CLIENT-REQUEST-ID
        timeout=httpx.Timeout(5.0, connect=2.0),
        limits=httpx.Limits(max_connections=50),
        event_hooks={"request": [propagate]},
    )


def create_bare_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=5.0, limits=httpx.Limits())  # expect: CLIENT-REQUEST-ID


async def fetch(url: str) -> str:
    async with httpx.AsyncClient() as client:  # expect: CLIENT-PER-CALL, CLIENT-TIMEOUT, CLIENT-LIMITS
        response = await client.get(url)
    return response.text


async def fetch_forever(client: httpx.AsyncClient, url: str) -> str:
    response = await client.get(url, timeout=None)  # expect: CLIENT-TIMEOUT
    return response.text


async def fetch_bounded(client: httpx.AsyncClient, url: str) -> str:
    response = await client.get(url, timeout=2.0)  # near: CLIENT-TIMEOUT
    return response.text


def module_call(url: str) -> str:
    return httpx.get(url).text  # expect: CLIENT-TIMEOUT


def in_process(app: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app))  # near: CLIENT-TIMEOUT, CLIENT-LIMITS, CLIENT-REQUEST-ID
