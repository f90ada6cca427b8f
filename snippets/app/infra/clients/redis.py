"""The Redis clients of a process: the cache's, and the job queue's."""

import asyncio
import logging
import time

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from saq import Queue
from saq.job import Job
from saq.queue.redis import RedisQueue

QUEUE_NAME = "tasks-service"
DEQUEUE_PAUSE_SECONDS = 1.0
logger = logging.getLogger(__name__)


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


class PausingRedisQueue(RedisQueue):
    """SAQ's Redis queue, pausing after a failed dequeue instead of spinning."""

    _warned_at = 0.0

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


def create_queue(url: str) -> Queue:
    """The job queue (SAQ on Redis): producers enqueue, the worker dequeues."""
    # Its own client: a dequeue blocks for a second, longer than the cache's
    # deadline. RedisQueue directly: SAQ's from_url refuses unix:// URLs.
    redis = Redis.from_url(url, socket_connect_timeout=5, retry=Retry(NoBackoff(), 0))
    return PausingRedisQueue(redis, name=QUEUE_NAME)
