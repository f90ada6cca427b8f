"""The worker loop: a separate process that takes jobs from the broker."""

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.worker.handlers import handle
from app.worker.jobs import Broker, Job

logger = logging.getLogger(__name__)


# --8<-- [start:worker-loop]
async def process(
    broker: Broker, sessions: async_sessionmaker[AsyncSession], job: Job
) -> None:
    """Handle one job in its own transaction; ack only after the commit."""
    try:
        async with sessions.begin() as session:
            applied = await handle(session, job)
    except Exception:
        # Broad on purpose: any failure means "deliver it again later".
        logger.exception("job failed", extra={"job_id": str(job.id)})
        await broker.nack(job)
        return
    await broker.ack(job)  # a crash before this line: redelivered, then skipped
    logger.info("job done", extra={"job_id": str(job.id), "applied": applied})


async def run_worker(
    broker: Broker, sessions: async_sessionmaker[AsyncSession], stop: asyncio.Event
) -> None:
    """Run until `stop` is set (on SIGTERM in the worker's entry point)."""
    while not stop.is_set():
        receiving = asyncio.ensure_future(broker.receive())
        stopping = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait(
            {receiving, stopping}, return_when=asyncio.FIRST_COMPLETED
        )
        stopping.cancel()
        if receiving not in done:
            receiving.cancel()
            break
        await process(broker, sessions, receiving.result())


# --8<-- [end:worker-loop]
