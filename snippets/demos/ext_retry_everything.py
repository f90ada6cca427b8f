"""Anti-pattern: retrying a POST at once, with no backoff and no jitter."""

import httpx


# --8<-- [start:demo]
async def post_with_retries(
    client: httpx.AsyncClient, url: str, body: dict[str, str]
) -> httpx.Response:
    for _attempt in range(5):
        try:
            # The first POST may have succeeded before the connection dropped.
            return await client.post(url, json=body)
        except httpx.TransportError:
            continue  # no pause: every replica hammers the struggling server at once
    raise RuntimeError("partner unavailable")


# --8<-- [end:demo]
