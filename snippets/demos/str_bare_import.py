"""Anti-pattern: bare names from another domain hide which domain does the work."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

# --8<-- [start:demo]
# app/tasks/service.py, importing the users domain by bare names:
from app.users.service import get_user


async def owner_name(session: AsyncSession, owner_id: uuid.UUID) -> str:
    owner = await get_user(session, owner_id)  # reads like a local helper
    return owner.display_name


# --8<-- [end:demo]
