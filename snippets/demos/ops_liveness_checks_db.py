"""Don't: a liveness probe that checks the database restarts healthy pods."""

from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def open_session() -> AsyncSession:
    raise NotImplementedError


app = FastAPI()


# --8<-- [start:demo]
@app.get("/healthz")
async def healthz() -> dict[str, str]:
    # A 30-second database failover fails this on every pod at once: the
    # orchestrator kills them all, and they come back to a cold start storm.
    session = await open_session()
    await session.execute(text("SELECT 1"))
    return {"status": "ok"}


# --8<-- [end:demo]
