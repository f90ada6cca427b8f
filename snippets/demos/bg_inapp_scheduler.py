"""Don't: a scheduler loop inside the web app runs once per process."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI


async def purge_expired_tokens() -> None:
    """The nightly job."""


# --8<-- [start:demo]
async def every_night() -> None:
    while True:
        await purge_expired_tokens()
        await asyncio.sleep(24 * 60 * 60)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # 4 workers x 3 replicas = 12 copies of the "nightly" job, none of them
    # survives a deploy, and a crash in the loop goes unnoticed.
    job = asyncio.create_task(every_night())
    yield
    job.cancel()


# --8<-- [end:demo]
