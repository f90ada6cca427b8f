"""Anti-pattern: a new HTTP client per request; no pooling, no timeout, never closed."""

import httpx
from fastapi import APIRouter

router = APIRouter()
RATES_URL = "https://rates.example.com/latest"


# --8<-- [start:demo]
@router.get("/rates")
async def read_rates() -> dict[str, str]:
    client = httpx.AsyncClient()  # new pool and TLS handshake on every request
    # httpx's default 5 s timeout, whatever this endpoint's own budget is.
    response = await client.get(RATES_URL)
    return dict(response.json())  # the client is never closed: sockets leak


# --8<-- [end:demo]
