"""A headless Chromium driven by Playwright, and a static server for the built site."""

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def find_chromium() -> str:
    """The system Chromium; Playwright never downloads a browser here."""
    candidates = [os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome"]
    for candidate in candidates:
        if candidate and (found := shutil.which(candidate)):
            return found
    pytest.fail(
        "No Chromium found for the browser tests. Install Debian's package "
        "(`sudo apt-get install chromium`) or set CHROMIUM=/path/to/chrome.",
        pytrace=False,
    )


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Keep the test output readable."""


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve a folder on a free loopback port for as long as the block runs."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
