"""Don't: "deleting" an account by renaming it, its personal data left in place."""

import uuid

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.users.models import User


# --8<-- [start:demo]
async def delete_account(session: AsyncSession, user_id: uuid.UUID) -> None:
    # The account looks gone in the UI; its e-mail address and password hash
    # stay in the table, in every backup, and in the next breach.
    await session.execute(
        update(User).where(User.id == user_id).values(display_name="Deleted user")
    )


# --8<-- [end:demo]
