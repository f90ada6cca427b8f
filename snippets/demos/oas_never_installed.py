"""Don't: the original template builds a custom schema that is never served."""

# fmt: off
# --8<-- [start:demo]
from typing import Any

from fastapi import FastAPI


def enhance_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    openapi_schema = app.openapi()
    openapi_schema["info"]["x-logo"] = {"url": "/static/logo.png"}
    app.openapi_schema = openapi_schema
    return app.openapi_schema


app = FastAPI(title="Tasks")
# Nothing assigns app.openapi = ..., so /openapi.json is FastAPI's default:
print("x-logo" in app.openapi()["info"])
#> False
# --8<-- [end:demo]
# fmt: on
