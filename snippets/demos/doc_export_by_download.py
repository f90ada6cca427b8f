"""Anti-pattern: taking the contract from whichever server happens to be running."""

# fmt: off
# --8<-- [start:demo]
import asyncio

import httpx
from fastapi import FastAPI

# Stands in for staging: it runs whatever was deployed last, not the code under
# review, and like any internal API it hides its docs.
staging = FastAPI(openapi_url=None)


async def download_contract(app: FastAPI) -> dict[str, object]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="https://staging.example"
    ) as client:
        response = await client.get("/openapi.json")
    response.raise_for_status()
    document: dict[str, object] = response.json()
    return document


async def main() -> None:
    try:
        await download_contract(staging)
    except httpx.HTTPStatusError as exc:
        print(exc.response.status_code)  # no contract for the CI artifact
        #> 404


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on
