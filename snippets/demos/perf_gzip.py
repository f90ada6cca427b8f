"""Do: compress large responses only; small ones are not worth the CPU."""

# fmt: off
# --8<-- [start:demo]
import asyncio

import httpx
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware

app = FastAPI()
app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)


@app.get("/api/v1/reports/{size}")
async def read_report(size: int) -> dict[str, str]:
    return {"data": "x" * size}


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for size in (100, 100_000):
            response = await client.get(f"/api/v1/reports/{size}")
            encoding = response.headers.get("content-encoding", "identity")
            print(size, encoding)
            #> 100 identity
            #> 100000 gzip


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on
