"""The retention purge against PostgreSQL: expired rows go, fresh rows stay."""

import asyncio
import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.tasks.models import IdempotencyKey, TaskImport
from app.worker import service as worker_service
from app.worker.config import PurgeSettings
from app.worker.main import purge_once
from app.worker.models import DeadJob, ProcessedJob

SNIPPETS_DIR = Path(__file__).resolve().parents[2]
NOW = datetime.now(UTC)
OLD = NOW - timedelta(days=31)  # past the 30-day default
FRESH = NOW - timedelta(days=1)


async def seed(
    sessions: async_sessionmaker[AsyncSession], user_id: uuid.UUID, *, each: int
) -> None:
    """`each` old and `each` fresh rows in every table the purge looks after."""
    async with sessions.begin() as session:
        for stamp in [OLD] * each + [FRESH] * each:
            job_id = uuid.uuid4()
            session.add(ProcessedJob(job_id=job_id, job_type="task.import"))
            session.add(
                DeadJob(job_id=job_id, job_type="t", payload={}, attempts=5, error="e")
            )
            session.add(
                TaskImport(
                    id=job_id,
                    owner_id=user_id,
                    titles=["t"],
                    title_count=1,
                    accepted_at=stamp,
                )
            )
            session.add(
                IdempotencyKey(
                    user_id=user_id,
                    key=f"key-{job_id}",
                    request_hash="0" * 64,
                    expires_at=stamp + timedelta(days=30),  # OLD: expired
                )
            )
            await session.flush()
            await session.execute(
                update(ProcessedJob)
                .where(ProcessedJob.job_id == job_id)
                .values(processed_at=stamp)
            )
            await session.execute(
                update(DeadJob).where(DeadJob.job_id == job_id).values(failed_at=stamp)
            )


async def counts(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with sessions() as session:
        return {
            model.__tablename__: await session.scalar(
                select(func.count()).select_from(model)
            )
            or 0
            for model in (ProcessedJob, DeadJob, TaskImport, IdempotencyKey)
        }


async def user_id_of(client: httpx.AsyncClient, headers: dict[str, str]) -> uuid.UUID:
    response = await client.get("/api/v1/users/me", headers=headers)
    return uuid.UUID(response.json()["id"])


async def test_the_purge_deletes_only_what_has_expired_in_batches(
    *,
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """5 expired rows per table, batches of 2: three rounds each, the fresh stay."""
    await seed(sessions, await user_id_of(client, auth_headers), each=5)
    monkeypatch.setattr(worker_service, "PURGE_BATCH_SIZE", 2)
    settings = PurgeSettings(database_url=SecretStr(database_url))

    deleted = await purge_once(settings, now=NOW)
    again = await purge_once(settings, now=NOW)  # idempotent: nothing left to do

    expected = {
        "worker_processed_job": 5,
        "worker_dead_job": 5,
        "task_import": 5,
        "task_idempotency_key": 5,
    }
    auth = {"user_session": 0, "user_refresh_token": 0, "rate_limit_counter": 0}
    assert deleted == expected | auth  # the signed-in user's session is live
    assert again == dict.fromkeys(expected | auth, 0)
    assert await counts(sessions) == dict.fromkeys(expected, 5)
    purged = [r for r in caplog.records if r.getMessage() == "purged"]
    assert {(r.table, r.rows) for r in purged} >= {("worker_dead_job", 5)}  # type: ignore[attr-defined]  # from `extra`


async def test_the_purge_command_runs_once_and_exits(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    database_url: str,
) -> None:
    """`python -m app.worker purge`, as the CronJob runs it: no Redis, no JWT."""
    await seed(sessions, await user_id_of(client, auth_headers), each=2)
    environment = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": database_url,
        "PROCESSED_JOB_RETENTION": "P0D",  # everything processed is old enough
    }
    finished = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "app.worker", "purge"],
        cwd=SNIPPETS_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert finished.returncode == 0, finished.stderr
    lines = [json.loads(line) for line in finished.stdout.splitlines()]
    rows = {
        line["table"]: line["rows"] for line in lines if line["message"] == "purged"
    }
    assert rows["worker_processed_job"] == 4
    assert rows["worker_dead_job"] == 4
    assert rows["task_import"] == 4
    assert rows["task_idempotency_key"] == 2
    assert await counts(sessions) == {
        "worker_processed_job": 0,
        "worker_dead_job": 0,
        "task_import": 0,
        "task_idempotency_key": 2,
    }


def recorded(
    steps: list[worker_service.PurgeStep], calls: dict[str, list[int]]
) -> list[worker_service.PurgeStep]:
    """The same steps, each call's row count written down."""

    def wrap(step: worker_service.PurgeStep) -> worker_service.PurgeStep:
        async def run(session: AsyncSession, now: datetime) -> int:
            count = await step.run(session, now)
            calls.setdefault(step.name, []).append(count)
            return count

        return worker_service.PurgeStep(step.name, run)

    return [wrap(step) for step in steps]


async def test_every_purge_step_deletes_a_bounded_batch_per_transaction(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A backlog is worked off in batches: no statement deletes it all at once."""
    await seed(sessions, await user_id_of(client, auth_headers), each=5)
    monkeypatch.setattr(worker_service, "PURGE_BATCH_SIZE", 2)
    steps = worker_service.purge_steps(
        PurgeSettings(database_url=SecretStr(database_url))
    )
    calls: dict[str, list[int]] = {}

    await worker_service.purge(sessions, recorded(steps, calls), now=NOW)

    assert calls["task_idempotency_key"] == [2, 2, 1, 0]
    assert calls["worker_processed_job"] == [2, 2, 1, 0]
    assert all(max(counts) <= 2 for counts in calls.values()), calls  # the batch


async def test_an_expired_key_in_use_is_skipped_not_waited_for(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    database_url: str,
) -> None:
    """A request holding an expired key's row does not stall the purge (SKIP LOCKED)."""
    await seed(sessions, await user_id_of(client, auth_headers), each=2)
    steps = worker_service.purge_steps(
        PurgeSettings(database_url=SecretStr(database_url))
    )
    (keys,) = [step for step in steps if step.name == "task_idempotency_key"]
    expired = select(IdempotencyKey.key).where(IdempotencyKey.expires_at <= NOW)

    async with sessions() as other:  # a replay of one expired key, in flight
        locked = (await other.scalars(expired.limit(1).with_for_update())).one()
        while_locked = await worker_service.purge(sessions, [keys], now=NOW)
        await other.rollback()
    afterwards = await worker_service.purge(sessions, [keys], now=NOW)
    async with sessions() as session:
        left = (await session.scalars(expired)).all()

    assert while_locked == {"task_idempotency_key": 1}
    assert afterwards == {"task_idempotency_key": 1}
    assert locked not in left
    assert left == []
