"""Anti-pattern: CORS `*` with credentials; Starlette then echoes any origin back."""

# fmt: off
# --8<-- [start:demo]
import asyncio

import httpx
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()


@app.get("/me")
async def read_me() -> dict[str, str]:
    return {"email": "ada@example.com"}


app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # any website may call the API from a user's browser...
    allow_credentials=True,  # ...with the user's cookies
    allow_methods=["*"],
    allow_headers=["*"],
)


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        headers = {"Origin": "https://evil.example", "Cookie": "session=abc"}
        response = await client.get("/me", headers=headers)
    print(response.headers["access-control-allow-origin"])
    #> https://evil.example


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on
