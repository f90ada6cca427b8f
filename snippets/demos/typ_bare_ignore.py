"""Don't: a blanket type: ignore, which hides whatever error comes next."""

from functools import partial
from typing import Any

from fastapi import FastAPI


def custom_openapi(app: FastAPI) -> dict[str, Any]:
    """Stands in for the service's schema builder."""
    return app.openapi()


# --8<-- [start:demo]
def install_openapi(app: FastAPI) -> None:
    app.openapi = partial(custom_openapi, app)  # type: ignore


# --8<-- [end:demo]
