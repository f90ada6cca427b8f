from datetime import UTC, datetime
from decimal import Decimal

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel

router = APIRouter()


def times() -> list[datetime]:
    return [
        datetime.utcnow(),  # expect: NAIVE-DATETIME
        datetime.now(),  # expect: NAIVE-DATETIME
        datetime(2026, 1, 1, 12, 0),  # expect: NAIVE-DATETIME
        datetime.now(UTC),  # near: NAIVE-DATETIME
        datetime(2026, 1, 1, 12, 0, tzinfo=UTC),  # near: NAIVE-DATETIME
    ]


class ReminderIn(BaseModel):
    due_at: datetime  # expect: NAIVE-DATETIME-FIELD
    remind_at: AwareDatetime  # near: NAIVE-DATETIME-FIELD


class ClaimsOnly(BaseModel):
    exp: datetime  # near: NAIVE-DATETIME-FIELD


class Invoice(BaseModel):
    amount: float  # expect: FLOAT-MONEY
    total_price: float | None = None  # expect: FLOAT-MONEY
    tax: Decimal  # near: FLOAT-MONEY
    budget_seconds: float = 1.0  # near: FLOAT-MONEY
    weight: float = 0.0  # near: FLOAT-MONEY


@router.post("/reminders")
async def create_reminder(reminder: ReminderIn) -> Invoice:
    raise NotImplementedError
