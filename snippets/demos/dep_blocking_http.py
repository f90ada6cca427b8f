"""Anti-pattern: urllib inside async code blocks the event loop for the whole call."""

import json
import urllib.request


# --8<-- [start:demo]
async def fetch_rates(url: str) -> object:
    # Every other request of this worker waits until the peer answers.
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: ASYNC210, S310  # shown on purpose
        return json.load(response)


# --8<-- [end:demo]
