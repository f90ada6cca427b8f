"""Don't: FastAPI's defaults publish the docs and the schema to everyone."""

# fmt: off
# --8<-- [start:demo]
import asyncio

import httpx
from fastapi import FastAPI

app = FastAPI()  # docs_url, redoc_url and openapi_url left at their defaults


async def main() -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        for path in ("/docs", "/redoc", "/openapi.json"):
            response = await client.get(f"http://testserver{path}")
            print(path, response.status_code)
            #> /docs 200
            #> /redoc 200
            #> /openapi.json 200


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on
