"""Every ORM model in one import, so Alembic sees the whole schema."""

from app.infra.db.base import Base
from app.tasks.models import Task
from app.users.models import RefreshToken, User

__all__ = ["Base", "RefreshToken", "Task", "User"]
