"""Dependencies of the tasks endpoints, exposed as `Annotated` aliases."""

import uuid
from typing import Annotated

from fastapi import Depends, Query

from app.core.models import UtcDatetime
from app.core.security import AccessClaimsDep
from app.tasks.constants import TaskSort, TaskStatus


# --8<-- [start:service-dependency]
def get_owner_id(claims: AccessClaimsDep) -> uuid.UUID:
    """The caller's user ID, from the verified token: no database round trip."""
    return claims.sub


OwnerIdDep = Annotated[uuid.UUID, Depends(get_owner_id)]
SortQuery = Annotated[TaskSort, Query(description="Sort order; `-` is descending.")]
StatusQuery = Annotated[TaskStatus | None, Query(description="Only this status.")]
DueBeforeQuery = Annotated[
    UtcDatetime | None, Query(description="Only tasks due before this instant.")
]
# --8<-- [end:service-dependency]
