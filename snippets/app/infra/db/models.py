"""Every ORM model in one import, so Alembic sees the whole schema."""

from app.infra.db.base import Base
from app.tasks.models import IdempotencyKey, Task
from app.users.models import RateLimitCounter, RefreshToken, User, UserSession
from app.worker.models import ProcessedJob

__all__ = [
    "Base",
    "IdempotencyKey",
    "ProcessedJob",
    "RateLimitCounter",
    "RefreshToken",
    "Task",
    "User",
    "UserSession",
]
