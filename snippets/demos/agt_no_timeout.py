"""Don't: an outgoing call with no timeout, no retry and no log line."""

import httpx


# --8<-- [start:demo]
async def fetch_exchange_rate(rates_url: str, currency: str) -> str:
    # timeout=None: a partner that stops answering holds this request, its
    # database session and a worker slot forever; nothing says why.
    async with httpx.AsyncClient(timeout=None) as client:  # noqa: S113  # shown
        response = await client.get(f"{rates_url}/v1/{currency}")
        return response.text


# --8<-- [end:demo]
