"""The system Chromium, as the browser tests and the page-weight benchmark launch it."""

import os
import shutil
import sys

# Headless, and quiet on this machine's closed network (no background fetches).
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
    raise FileNotFoundError(
        "No Chromium found. Install Debian's package (`sudo apt-get install chromium`) "
        "or set CHROMIUM=/path/to/chrome."
    )


if __name__ == "__main__":  # `make chromium`: exit 0 when the tests would find one
    try:
        sys.stdout.write(find_chromium() + "\n")
    except FileNotFoundError:
        sys.exit(1)
