"""The Redis clients of a process: the cache's, and the job queue's."""

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from saq import Queue

QUEUE_NAME = "tasks-service"


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


def create_queue(url: str) -> Queue:
    """The job queue (SAQ on Redis): the web app enqueues, the worker dequeues."""
    return Queue.from_url(url, name=QUEUE_NAME)
