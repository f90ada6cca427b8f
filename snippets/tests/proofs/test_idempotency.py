"""Proofs of the idempotency rules: retried writes happen once, on the real database."""

import asyncio

import httpx
import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.infra.clients.http import request_with_retry
from app.tasks.models import IdempotencyKey, Task
from demos import ext_retry_everything, idem_check_then_insert, idem_retried_post
from tests.plugins.postgres import run_on_connection

TASKS = "/api/v1/tasks"
BODY = {"title": "Pay the invoice", "budget": {"amount": "10.00", "currency": "EUR"}}


async def stored_tasks(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(Task)) or 0


# --8<-- [start:idem-001]
@pytest.mark.rule("IDEM-001")
async def test_a_retried_create_with_its_key_creates_once(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The response was lost and the client retried: one task, the same answer."""
    headers = auth_headers | {"Idempotency-Key": "invoice-2026-0042"}

    # Do: the retry replays the first response instead of creating again.
    first = await client.post(TASKS, json=BODY, headers=headers)
    retry = await client.post(TASKS, json=BODY, headers=headers)
    assert first.status_code == retry.status_code == 201, retry.text
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert await stored_tasks(sessions) == 1
    other = await client.post(TASKS, json={"title": "Other"}, headers=headers)
    assert other.status_code == 422, other.text  # same key, another body

    # Don't: without a key, the same retry stores a second order.
    idem_retried_post.orders.clear()
    idem_retried_post.create_order(idem_retried_post.body)
    idem_retried_post.create_order(idem_retried_post.body)
    assert len(idem_retried_post.orders) == 2


# --8<-- [end:idem-001]


def key_table_primary_key(connection: object) -> list[str]:
    columns: list[str] = inspect(connection).get_pk_constraint(
        IdempotencyKey.__tablename__
    )["constrained_columns"]
    return columns


# --8<-- [start:idem-002]
@pytest.mark.rule("IDEM-002")
async def test_concurrent_retries_with_one_key_create_once(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Five copies of one request at the same time: exactly one task."""
    headers = auth_headers | {"Idempotency-Key": "invoice-2026-0043"}

    # Do: the key's unique constraint lets exactly one transaction insert.
    responses = await asyncio.gather(
        *(client.post(TASKS, json=BODY, headers=headers) for _ in range(5))
    )
    assert {response.status_code for response in responses} <= {201, 409}
    assert len({r.json()["id"] for r in responses if r.status_code == 201}) == 1
    assert await stored_tasks(sessions) == 1

    # Don't: a check in application code lets every concurrent copy through.
    idem_check_then_insert.orders.clear()
    idem_check_then_insert.seen_keys.clear()
    await asyncio.gather(
        *(idem_check_then_insert.create_order("k-1", "A-1") for _ in range(5))
    )
    assert len(idem_check_then_insert.orders) == 5


@pytest.mark.rule("IDEM-002")
def test_keys_are_unique_per_user(database_url: str) -> None:
    """The migrated key table's primary key is (user_id, key)."""
    primary_key = run_on_connection(database_url, key_table_primary_key)

    assert primary_key == ["user_id", "key"]


# --8<-- [end:idem-002]


class HangingUp:
    """A partner whose connection always breaks; counts what was sent."""

    def __init__(self) -> None:
        self.attempts = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        raise httpx.ConnectError("connection reset", request=request)


# --8<-- [start:idem-003]
@pytest.mark.rule("EXT-003")
async def test_a_post_without_a_key_is_never_retried() -> None:
    """A POST may already have been applied: without a key it is sent once."""
    partner = HangingUp()
    async with httpx.AsyncClient(transport=httpx.MockTransport(partner)) as client:
        # Do: one attempt for a bare POST; a keyed POST may be retried.
        with pytest.raises(httpx.ConnectError):
            await request_with_retry(client, "POST", "http://partner/orders")
        assert partner.attempts == 1
        keyed = {"Idempotency-Key": "order-7"}
        with pytest.raises(httpx.ConnectError):
            await request_with_retry(
                client, "POST", "http://partner/orders", headers=keyed, base_delay=0
            )
        assert partner.attempts == 1 + 3

        # Don't: the same POST, sent five times.
        partner.attempts = 0
        body = {"sku": "A-1"}
        with pytest.raises(RuntimeError):
            await ext_retry_everything.post_with_retries(client, "http://p/o", body)
        assert partner.attempts == 5


# --8<-- [end:idem-003]
