"""A SAQ worker whose stop waits for the jobs in flight, and for nothing else."""

import asyncio
from typing import TypeVar

from saq import Worker
from saq.types import Context

C = TypeVar("C", bound=Context)


class PromptWorker(Worker[C]):
    """On SIGTERM, stop at once when idle; a job in flight keeps its grace.

    SAQ's stop waits the whole grace period for *every* task it started, and
    its upkeep loops (sweep, schedule, ...) sleep up to 60 s between rounds:
    an idle worker would outstay the orchestrator's grace period and be
    killed. The upkeep loops hold no job, so they are cancelled first.
    """

    # A Redis call may swallow a cancellation (its loop then sleeps on):
    # cancel again every so often, this many times at most.
    CANCEL_ROUNDS = 50
    CANCEL_INTERVAL_SECONDS = 0.1

    _upkeep: tuple[asyncio.Task[None], ...] = ()

    async def upkeep(self) -> list[asyncio.Task[None]]:
        tasks = await super().upkeep()
        self._upkeep = tuple(tasks)
        return tasks

    async def stop(self) -> None:
        self.event.set()  # first: a cancelled upkeep loop then ends quietly
        for _ in range(self.CANCEL_ROUNDS):
            running = [task for task in self._upkeep if not task.done()]
            if not running:
                break
            for task in running:
                task.cancel()
            await asyncio.wait(running, timeout=self.CANCEL_INTERVAL_SECONDS)
        await super().stop()
