"""The Redis clients of a process: the cache's, and the job queue's."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from saq import Queue
from saq.job import Job, Status
from saq.queue.redis import RedisQueue

QUEUE_NAME = "tasks-service"
DEQUEUE_PAUSE_SECONDS = 1.0
logger = logging.getLogger(__name__)
GivenUp = Callable[[Job], Awaitable[None]]


# --8<-- [start:redis-client]
def create_redis(url: str, *, timeout_seconds: float) -> Redis:
    """A client that fails fast: connecting and every reply have a deadline."""
    return Redis.from_url(
        url,
        socket_connect_timeout=timeout_seconds,
        socket_timeout=timeout_seconds,
        # No retries: the cache answers from PostgreSQL instead of waiting,
        # and redis-py's default (3 retries with backoff) would multiply the wait.
        retry=Retry(NoBackoff(), retries=0),
        health_check_interval=30,  # a connection idle that long is pinged first
    )


# --8<-- [end:redis-client]


# --8<-- [start:worker-queue]
class PausingRedisQueue(RedisQueue):
    """SAQ's Redis queue, pausing after a failed dequeue instead of spinning,
    and telling `on_given_up` of every job it gives up on."""

    _warned_at = 0.0
    on_given_up: GivenUp | None = None

    async def finish(
        self,
        job: Job,
        status: Status,
        *,
        result: Any = None,  # noqa: ANN401  # SAQ's signature
        error: str | None = None,
        **kwargs: Any,  # noqa: ANN401  # SAQ's signature
    ) -> None:
        # Every path that ends a job for good comes here: its last attempt
        # failed, or the sweep found it on a worker that died on that attempt.
        # An abort with attempts left is not the end (the sweep caught a job
        # between its dequeue and its `active` mark): SAQ runs it again.
        aborted_for_good = status == Status.ABORTED and not job.retryable
        if (status == Status.FAILED or aborted_for_good) and self.on_given_up:
            job.status, job.error = status, error
            try:
                await self.on_given_up(job)
            except Exception:
                # Finished all the same: a job left half-aborted would sit in
                # no list for ever. The record's owner keeps the state to act
                # on (an import stays pending: the worker's requeue runs it
                # again once the database is back).
                logger.exception("dead letter not written")
        await super().finish(job, status, result=result, error=error, **kwargs)

    async def dequeue(
        self,
        timeout: float = 0.0,  # noqa: ASYNC109  # SAQ's signature
        poll_interval: float = 0.0,
    ) -> Job | None:
        try:
            return await super().dequeue(timeout, poll_interval)
        except (RedisError, OSError) as exc:
            # SAQ asks again at once: with Redis down that is a busy loop.
            if time.monotonic() - self._warned_at > 10:  # noqa: PLR2004  # seconds
                self._warned_at = time.monotonic()
                logger.warning("dequeue failed, pausing: %r", exc)
            await asyncio.sleep(DEQUEUE_PAUSE_SECONDS)
            return None


# --8<-- [end:worker-queue]


def create_queue(url: str) -> PausingRedisQueue:
    """The worker's job queue (SAQ on Redis), on a client that may block."""
    # Its own client: a dequeue blocks for a second, longer than the cache's
    # deadline. RedisQueue directly: SAQ's from_url refuses unix:// URLs.
    redis = Redis.from_url(url, socket_connect_timeout=5, retry=Retry(NoBackoff(), 0))
    return PausingRedisQueue(redis, name=QUEUE_NAME)


def create_producer_queue(redis: Redis) -> Queue:
    """The queue as the API uses it: enqueue only, on a fail-fast client."""
    return RedisQueue(redis, name=QUEUE_NAME)
