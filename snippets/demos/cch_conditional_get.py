"""Fact: with an ETag, a repeated GET is answered 304 without a body."""

# fmt: off
# --8<-- [start:demo]
import asyncio
import hashlib

import httpx
from fastapi import FastAPI, Request, Response

app = FastAPI()
BODY = b'{"id":42,"title":"Write the docs"}'


@app.get("/tasks/42")
async def read_task(request: Request) -> Response:
    etag = f'"{hashlib.sha256(BODY).hexdigest()[:16]}"'  # strong validator of the bytes
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if request.headers.get("If-None-Match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(BODY, media_type="application/json", headers=headers)


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        first = await client.get("/tasks/42")
        again = {"If-None-Match": first.headers["ETag"]}
        second = await client.get("/tasks/42", headers=again)
    print(first.status_code, len(first.content), second.status_code, second.text == "")
    #> 200 34 304 True


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on
