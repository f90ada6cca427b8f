"""Anti-pattern: an outbound call with no timeout and no budget."""

import httpx


# --8<-- [start:demo]
async def fetch_rates(client: httpx.AsyncClient, url: str) -> object:
    # timeout=None: a peer that accepts the connection and never answers holds
    # this request, its worker slot and its pooled connection forever.
    response = await client.get(url, timeout=None)
    response.raise_for_status()
    return response.json()


# --8<-- [end:demo]
