"""Test data factories: valid by default, overridable per field."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
from faker import Faker
from polyfactory import Use
from polyfactory.factories.pydantic_factory import ModelFactory

from app.tasks.constants import Currency, TaskStatus
from app.tasks.repository import TaskRow
from app.tasks.schemas import Money, TaskCreate
from app.users.schemas import UserCreate

faker = Faker()


def strong_password() -> str:
    # Faker's generator, asked for every character class the policy counts.
    return faker.password(length=16, special_chars=True, digits=True, upper_case=True)


class UserCreateFactory(ModelFactory[UserCreate]):
    __faker__ = faker

    email = Use(faker.unique.email)
    display_name = Use(faker.first_name)
    password = Use(strong_password)


class MoneyFactory(ModelFactory[Money]):
    __faker__ = faker

    # Whole units: valid in every currency, JPY included (no minor unit).
    amount = Use(lambda: Decimal(faker.random_int(0, 1_000)))
    currency = Use(lambda: faker.random_element(list(Currency)))


# --8<-- [start:task-factory]
class TaskCreateFactory(ModelFactory[TaskCreate]):
    __faker__ = faker

    title = Use(lambda: faker.sentence(nb_words=4))
    description = Use(faker.paragraph)
    status = TaskStatus.TODO
    due_at = Use(
        lambda: faker.date_time_between("+1d", "+90d", tzinfo=UTC).replace(
            microsecond=0
        )
    )
    budget = Use(MoneyFactory.build)


# --8<-- [end:task-factory]


async def create_tasks(
    client: httpx.AsyncClient, headers: dict[str, str], count: int, **fields: object
) -> list[dict[str, Any]]:
    """`count` valid tasks created through the API, `fields` fixed; as it answered."""
    created = []
    for _ in range(count):
        body = TaskCreateFactory.build(factory_use_construct=False, **fields)
        response = await client.post(
            "/api/v1/tasks", json=body.model_dump(mode="json"), headers=headers
        )
        assert response.status_code == 201, response.text
        created.append(response.json())
    return created


def task_row(title: str, *, created_at: datetime | None = None) -> TaskRow:
    """A row as the repository's reads return it, for tests that fake them."""
    created = created_at or datetime(2026, 11, 27, tzinfo=UTC)
    return TaskRow(
        id=uuid.uuid4(),
        title=title,
        description="",
        status=TaskStatus.TODO,
        due_at=None,
        budget_amount=None,
        budget_currency=None,
        created_at=created,
        updated_at=created,
        owner_id=uuid.uuid4(),
        owner_display_name="Ada",
    )


@dataclass
class RecordingMailSender:
    """Stands in for the mail SDK: remembers what would have been sent."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    fail: bool = False

    def send(self, *, to: str, subject: str, body: str, timeout: float) -> None:
        if self.fail:
            raise ConnectionError("mail server unreachable")
        self.sent.append((to, subject))
