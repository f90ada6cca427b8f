"""Don't: an outgoing client without the request-ID hook."""

import httpx


# --8<-- [start:demo]
def create_http_client() -> httpx.AsyncClient:
    # Timeouts, but no event hook: the partner never learns the request's ID,
    # unless every call site remembers to add the header by hand.
    return httpx.AsyncClient(timeout=httpx.Timeout(5.0, connect=2.0))


# --8<-- [end:demo]
