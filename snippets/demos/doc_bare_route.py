"""Don't: a route that tells OpenAPI nothing; the docs fill in guesses."""

# fmt: off
# --8<-- [start:demo]
from typing import Any

from fastapi import FastAPI

app = FastAPI()


@app.post("/api/v1/tasks")
async def create(payload: dict[str, Any]) -> dict[str, Any]:
    return {"id": 1, **payload}


operation = app.openapi()["paths"]["/api/v1/tasks"]["post"]
print(operation["summary"])  # derived from the function's name
#> Create
print(list(operation["responses"]))  # 200 for a create, no error documented
#> ['200', '422']
schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
print(schema["type"], schema.get("properties", "(no fields documented)"))
#> object (no fields documented)
# --8<-- [end:demo]
# fmt: on
