"""The official SARIF 2.1.0 JSON schema, taken from the npm registry.

No PyPI package ships the schema; Microsoft's `@microsoft/jest-sarif` package (npm) carries
the OASIS schema `sarif-2.1.0-rtm.5.json`. It is fetched once per machine with `npm pack`
into a cache folder, never committed.
"""

import json
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"
MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"
CACHE = Path.home() / ".cache" / "fastapi-guideline" / "sarif-2.1.0-rtm.5.json"


def sarif_schema() -> dict[str, Any]:
    """The schema as a dict; raises with a clear message when npm cannot provide it."""
    if not CACHE.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError(
                "validating SARIF needs npm (apt-get install npm) to fetch the schema"
            )
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [npm, "pack", PACKAGE, "--pack-destination", str(CACHE.parent), "--silent"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"npm pack {PACKAGE} failed: {done.stderr.strip()}")
        archive = CACHE.parent / done.stdout.strip().splitlines()[-1]
        with tarfile.open(archive) as tar:
            member = tar.extractfile(MEMBER)
            if member is None:
                raise RuntimeError(f"{PACKAGE} has no {MEMBER}")
            CACHE.write_bytes(member.read())
        archive.unlink()
    schema: dict[str, Any] = json.loads(CACHE.read_text(encoding="utf-8"))
    return schema
